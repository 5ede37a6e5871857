"""Argo CD, installed once from the pinned argo-cd chart; after that it manages itself from the seed.

The seed's platform layer carries Argo CD's own Application (same chart, version taken from the cluster
Secret's `argocd_chart_version` annotation). So this release ignores later changes to version and
values: a `pulumi up` never fights Argo CD over its own deployment, and an upgrade is a Git change.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import yaml

from bootstrap.charts import ARGO_CD

ARGO_HELM_REPO = ARGO_CD.repo_url
NAMESPACE = "argocd"
# A cold cluster may still be adding system nodes when Argo CD is installed.
INSTALL_TIMEOUT_SECONDS = 1800


# The seed's self-managing Application: its Helm values are the ones the bootstrap installs with.
SEED_APPLICATION = Path(__file__).resolve().parent.parent / "seeds" / "layers" / "platform" / "argocd.yaml"
# How the seed fills in the domain (an ApplicationSet template over the cluster Secret).
SEED_DOMAIN = "argocd.{{.metadata.annotations.dns_domain}}"
# Values only the self-managed release sets: the redis-secret-init hook must run on Helm's first install
# (it creates the redis Secret) and hangs once Argo CD syncs itself (see the seed file).
SEED_ONLY_VALUES = ("redisSecretInit",)


def seed_values(path: Path = SEED_APPLICATION) -> dict[str, Any]:
    """The seed Application's `helm.valuesObject`, as written (the domain still a template)."""
    appset = yaml.safe_load(path.read_text())
    values: dict[str, Any] = appset["spec"]["template"]["spec"]["source"]["helm"]["valuesObject"]
    if values.get("global", {}).get("domain") != SEED_DOMAIN:
        raise ValueError(f"{path}: helm.valuesObject.global.domain must be {SEED_DOMAIN!r}")
    return values


def argocd_values(domain: str) -> dict[str, Any]:
    """The bootstrap values: the seed's, for this domain, less what only the self-managed release sets."""
    values = {k: v for k, v in copy.deepcopy(seed_values()).items() if k not in SEED_ONLY_VALUES}
    values["global"]["domain"] = f"argocd.{domain}"
    return values


def install_argocd(
    name: str,
    *,
    chart_version: str,
    domain: str,
    opts: pulumi.ResourceOptions,
) -> k8s.helm.v3.Release:
    return k8s.helm.v3.Release(
        name,
        name="argo-cd",
        chart="argo-cd",
        version=chart_version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=ARGO_HELM_REPO),
        namespace=NAMESPACE,
        create_namespace=True,
        timeout=INSTALL_TIMEOUT_SECONDS,
        atomic=False,
        cleanup_on_fail=False,
        values=argocd_values(domain),
        opts=pulumi.ResourceOptions.merge(
            opts,
            pulumi.ResourceOptions(ignore_changes=["version", "values", "chart", "repositoryOpts"]),
        ),
    )
