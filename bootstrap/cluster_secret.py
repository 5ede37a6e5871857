"""The Argo CD cluster Secret's metadata: the contract, as labels (flags) and annotations (values).

GitOps Bridge conventions: labels are short flags (`enable_<addon>: "true"`, `cloud`, `environment`,
`cluster_name`) an ApplicationSet's cluster generator selects on; annotations carry values a template
reads as `{{metadata.annotations.<key>}}`. Every contract key is an annotation under its own name;
the GitOps Bridge names (`addons_repo_url`, `external_secrets_namespace`, …, and each cloud's own,
from its `bridge` module) are added so seeds written for the bridge work too. The Secret carries no
credential: the in-cluster server needs none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import clouds
from bootstrap.layers import LAYER_ADDONS, flag, layers_for
from substrate.contract import ResolvedContract, SubstrateContract

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
# GitOps Bridge annotation names, each the copy of one contract key, so seeds written for the bridge work.
BRIDGE_ALIASES = {
    "cluster_name": "cluster_name",
    "external_secrets_namespace": "secrets_identity_namespace",
    "external_secrets_service_account": "secrets_identity_service_account",
    "external_dns_namespace": "dns_identity_namespace",
    "external_dns_service_account": "dns_identity_service_account",
    "external_dns_domain_filters": "dns_domain",
}


def cloud_bridge_aliases(cloud: str) -> dict[str, str]:
    """The bridge's names a cloud adds (its `bridge.ANNOTATIONS`); none for an unregistered one."""
    if clouds.get(cloud) is None:
        return {}
    return dict(clouds.part(cloud, "bridge").ANNOTATIONS)


@dataclass(frozen=True, kw_only=True)
class GitSource:
    repo_url: str
    revision: str
    path: str


def addon_flags(contract: SubstrateContract | ResolvedContract, profile: str) -> dict[str, str]:
    """`enable_*` labels: the profile's layers and add-ons, plus those the contract decides."""
    flags = {flag(layer): "true" for layer in layers_for(profile)}
    for layer in layers_for(profile):
        flags.update({flag(addon): "true" for addon in LAYER_ADDONS[layer]})
    if contract.gpu.stack == "operator":
        flags[flag("gpu_operator")] = "true"
    else:
        flags[flag("dcgm_exporter")] = "true"
    if contract.node_autoscaler.kind == "karpenter":
        flags[flag("karpenter")] = "true"
    if contract.dns.provider != "none":
        flags[flag("external_dns")] = "true"
    return flags


def secret_labels(
    contract: SubstrateContract | ResolvedContract, *, profile: str, environment: str
) -> dict[str, str]:
    """Labels read only fields that are plain in every contract, so a first preview sees them."""
    contract_labels = {
        "cloud": contract.cluster.cloud,
        "gpu_stack": contract.gpu.stack,
        "gpu_driver_owner": contract.gpu.driver_owner,
        "contract_schema_version": contract.schema_version,
    }
    out = {
        SECRET_TYPE_LABEL: "cluster",
        "cluster_name": contract.cluster.name,
        "environment": environment,
        "profile": profile,
        **{label: contract_labels[label] for label in LABELLED_CONTRACT_KEYS.values()},
        **addon_flags(contract, profile),
    }
    for key, value in out.items():
        if len(value) > 63 or not LABEL_VALUE.match(value):
            raise ValueError(f"label {key}={value!r} is not a valid label value; it belongs in an annotation")
    return out


def secret_annotations(
    contract: ResolvedContract, *, source: GitSource, profile: str, environment: str, chart_version: str
) -> dict[str, str]:
    flat = contract.flatten()
    aliases = BRIDGE_ALIASES | cloud_bridge_aliases(contract.cluster.cloud)
    settings = _settings(source=source, profile=profile, environment=environment, chart_version=chart_version)
    return {**flat, **settings, **{alias: flat[key] for alias, key in aliases.items()}}


def _settings(*, source: GitSource, profile: str, environment: str, chart_version: str) -> dict[str, str]:
    """Annotations from the stack's own settings, not the contract."""
    return {
        # The seed's self-managing Argo CD Application upgrades to this version.
        "argocd_chart_version": chart_version,
        "addons_repo_url": source.repo_url,
        "addons_repo_revision": source.revision,
        "addons_repo_basepath": source.path,
        "addons_repo_path": f"{source.path}/layers",
        "environment": environment,
        "profile": profile,
    }


def annotation_keys_added_by_bootstrap() -> set[str]:
    """Annotation keys the bootstrap adds beyond the contract (for the seed consistency check)."""
    aliases = set(BRIDGE_ALIASES).union(*(bridge.ANNOTATIONS for _, bridge in clouds.parts("bridge")))
    settings = _settings(
        source=GitSource(repo_url="", revision="", path=""), profile="", environment="", chart_version=""
    )
    return (aliases | set(settings)) - set(BRIDGE_ALIASES.values())
