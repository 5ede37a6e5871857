"""The Argo CD cluster Secret's metadata: the contract, as labels (flags) and annotations (values).

GitOps Bridge conventions: labels are short flags (`enable_<addon>: "true"`, `cloud`, `environment`,
`cluster_name`) an ApplicationSet's cluster generator selects on; annotations carry values a template
reads as `{{metadata.annotations.<key>}}`. Every contract key is an annotation under its own name;
the GitOps Bridge names (`addons_repo_url`, `aws_region`, `external_secrets_namespace`, …) are added
so seeds written for the bridge work too. The Secret carries no credential: the in-cluster server
needs none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bootstrap.layers import LAYER_ADDONS, flag, layers_for

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

# Contract keys that are also label values (short, selector-worthy).
LABELLED_CONTRACT_KEYS = {
    "cluster_cloud": "cloud",
    "gpu_stack": "gpu_stack",
    "gpu_driver_owner": "gpu_driver_owner",
    "schema_version": "contract_schema_version",
}


@dataclass(frozen=True)
class GitSource:
    repo_url: str
    revision: str
    path: str


def addon_flags(contract: Mapping[str, str], profile: str) -> dict[str, str]:
    """`enable_*` labels: the profile's layers and add-ons, plus those the contract decides."""
    flags = {flag(layer): "true" for layer in layers_for(profile)}
    for layer in layers_for(profile):
        flags.update({flag(addon): "true" for addon in LAYER_ADDONS[layer]})
    if contract["gpu_stack"] == "operator":
        flags[flag("gpu_operator")] = "true"
    else:
        flags[flag("dcgm_exporter")] = "true"
    if contract["node_autoscaler_kind"] == "karpenter":
        flags[flag("karpenter")] = "true"
    if contract["dns_provider"] != "none":
        flags[flag("external_dns")] = "true"
    return flags


def secret_labels(contract: Mapping[str, str], *, profile: str, environment: str) -> dict[str, str]:
    out = {
        SECRET_TYPE_LABEL: "cluster",
        "cluster_name": contract["cluster_name"],
        "environment": environment,
        "profile": profile,
        **{label: contract[key] for key, label in LABELLED_CONTRACT_KEYS.items()},
        **addon_flags(contract, profile),
    }
    for key, value in out.items():
        if len(value) > 63 or not LABEL_VALUE.match(value):
            raise ValueError(f"label {key}={value!r} is not a valid label value; it belongs in an annotation")
    return out


def secret_annotations(
    contract: Mapping[str, str], *, source: GitSource, profile: str, environment: str, chart_version: str
) -> dict[str, str]:
    bridge = {
        # The seed's self-managing Argo CD Application upgrades to this version.
        "argocd_chart_version": chart_version,
        "addons_repo_url": source.repo_url,
        "addons_repo_revision": source.revision,
        "addons_repo_basepath": source.path,
        "addons_repo_path": f"{source.path}/layers",
        "cluster_name": contract["cluster_name"],
        "environment": environment,
        "profile": profile,
        "external_secrets_namespace": contract["secrets_identity_namespace"],
        "external_secrets_service_account": contract["secrets_identity_service_account"],
        "external_dns_namespace": contract["dns_identity_namespace"],
        "external_dns_service_account": contract["dns_identity_service_account"],
        "external_dns_domain_filters": contract["dns_domain"],
    }
    cloud = contract["cluster_cloud"]
    if cloud == "aws":
        bridge |= {"aws_region": contract["cluster_region"], "aws_account_id": contract["cluster_account"]}
    elif cloud == "gcp":
        bridge |= {"gcp_region": contract["cluster_region"], "gcp_project_id": contract["cluster_account"]}
    return {**dict(contract), **bridge}


def annotation_keys_added_by_bootstrap() -> set[str]:
    """Annotation keys the bootstrap adds beyond the contract (for the seed consistency check)."""
    sample = {
        "cluster_name": "c",
        "secrets_identity_namespace": "n",
        "secrets_identity_service_account": "s",
        "dns_identity_namespace": "n",
        "dns_identity_service_account": "s",
        "dns_domain": "d",
        "cluster_region": "r",
        "cluster_account": "a",
    }
    keys: set[str] = set()
    for cloud in ("aws", "gcp", "existing"):
        contract = {**sample, "cluster_cloud": cloud}
        keys |= set(
            secret_annotations(
                contract,
                source=GitSource("u", "r", "p"),
                profile="full",
                environment="dev",
                chart_version="1.0.0",
            )
        )
    return keys - set(sample) - {"cluster_cloud"}
