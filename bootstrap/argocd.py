"""Argo CD, installed once from the pinned argo-cd chart; after that it manages itself from the seed.

The seed's platform layer carries Argo CD's own Application (same chart, version taken from the cluster
Secret's `argocd_chart_version` annotation). So this release ignores later changes to version and
values: a `pulumi up` never fights Argo CD over its own deployment, and an upgrade is a Git change.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

ARGO_HELM_REPO = "https://argoproj.github.io/argo-helm"
NAMESPACE = "argocd"
# A cold cluster may still be adding system nodes when Argo CD is installed.
INSTALL_TIMEOUT_SECONDS = 1800


def argocd_values(domain: str) -> dict[str, Any]:
    """The bootstrap values; the seed's self-managing Application must start from the same ones."""
    return {
        "global": {"domain": f"argocd.{domain}"},
        # CRDs outlive the release, so uninstalling Argo CD never cascades into deleting Applications.
        "crds": {"keep": True},
        "configs": {
            "cm": {"application.resourceTrackingMethod": "annotation"},
            "params": {"application.namespaces": ""},
        },
    }


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
