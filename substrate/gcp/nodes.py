"""The node settings every pool shares: own service account, shielded VM, GKE metadata server, COS.

`hardened_node_config` takes the pool-specific parts as keyword arguments so a GPU pool cannot drift
from the baseline by forgetting one of these.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def _baseline(service_account: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "service_account": service_account,
        # Access is governed by IAM on the dedicated service account, not by legacy scopes.
        "oauth_scopes": [CLOUD_PLATFORM_SCOPE],
        "image_type": "COS_CONTAINERD",
        "shielded_instance_config": {"enable_secure_boot": True, "enable_integrity_monitoring": True},
        "workload_metadata_config": {"mode": "GKE_METADATA"},
        "metadata": {"disable-legacy-endpoints": "true"},
    }


def hardened_node_config(
    service_account: pulumi.Input[str], **pool: Any
) -> gcp.container.NodePoolNodeConfigArgs:
    return gcp.container.NodePoolNodeConfigArgs(**_baseline(service_account), **pool)


def default_pool_config(service_account: pulumi.Input[str]) -> gcp.container.ClusterNodeConfigArgs:
    """The cluster's throwaway default pool: removed at creation, hardened for the minutes it lives."""
    return gcp.container.ClusterNodeConfigArgs(**_baseline(service_account))


def autoscaled_pool_options(**kwargs: Any) -> dict[str, Any]:
    """Options for a pool the cluster autoscaler sizes: later `up`s never reset its node count."""
    return {"ignore_changes": ["initialNodeCount", "nodeCount"], **kwargs}
