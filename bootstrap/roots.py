"""The app-of-apps roots: one Argo CD Application per layer, plus the secrets root.

Every root carries Argo CD's cascading finalizer, so deleting it deletes what it synced — load
balancers, PVC-backed disks, DNS records — while the controllers that clean those up still run. Roots
are chained (full → llm-gateway → serving → capacity → platform → secrets) so destroy removes the widest
layer first, the nodes the autoscaler launched next, and the platform's controllers last.
"""

from __future__ import annotations

from typing import Any

from bootstrap.argocd import NAMESPACE
from bootstrap.cluster_secret import IN_CLUSTER_SERVER, GitSource

CASCADE_FINALIZER = "resources-finalizer.argocd.argoproj.io"
# How long Pulumi waits for a root's cascade (a load balancer or disk can take minutes to go away).
ROOT_DELETE_TIMEOUT = "45m"
SYNC_OPTIONS = ["CreateNamespace=true", "ServerSideApply=true", "SkipDryRunOnMissingResource=true"]
RETRY = {"limit": 10, "backoff": {"duration": "30s", "factor": 2, "maxDuration": "10m"}}


def _application(name: str, layer: str, source: dict[str, Any], namespace: str) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "finalizers": [CASCADE_FINALIZER],
            "labels": {"app.kubernetes.io/part-of": "llm-platform", "llm-platform.io/layer": layer},
        },
        "spec": {
            "project": "default",
            "source": source,
            "destination": {"server": IN_CLUSTER_SERVER, "namespace": namespace},
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": SYNC_OPTIONS,
                "retry": RETRY,
            },
        },
    }


def layer_root(layer: str, root: str, source: GitSource) -> dict[str, Any]:
    """One root of a layer: every manifest under `<path>/layers/<root>` of the seed repo."""
    git = {
        "repoURL": source.repo_url,
        "targetRevision": source.revision,
        "path": f"{source.path}/layers/{root}",
        "directory": {"recurse": True},
    }
    return _application(f"layer-{root}", layer, git, NAMESPACE)


def secrets_root(
    chart_repo: str, chart: str, version: str, values: dict[str, Any], namespace: str
) -> dict[str, Any]:
    helm = {
        "repoURL": chart_repo,
        "chart": chart,
        "targetRevision": version,
        "helm": {"valuesObject": values},
    }
    return _application("platform-secrets", "platform", helm, namespace)
