"""The one interface every cloud adapter presents: cluster access and the substrate contract."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi
import pulumi_kubernetes as k8s

from substrate.contract import SubstrateContract


@dataclass(frozen=True, kw_only=True)
class ClusterAccess:
    """How the in-cluster side is reached.

    `provider` is built from an exec-auth kubeconfig (no static token) that is marked secret; an
    existing cluster is reached through a context of the operator's own kubeconfig instead (`kubeconfig`
    is then None). `substrate` is the adapter's component: the bootstrap depends on all of it, so
    `pulumi destroy` removes the bootstrap — and with it every in-cluster load balancer, disk and DNS
    record — while the nodes, cluster, network and DNS zone still exist.
    """

    provider: k8s.Provider
    kubeconfig: pulumi.Output[str] | None
    substrate: pulumi.Resource


class Substrate(Protocol):
    """What `__main__` and the bootstrap may see of an adapter — nothing cloud-specific."""

    @property
    def access(self) -> ClusterAccess: ...

    @property
    def contract(self) -> SubstrateContract: ...

    @property
    def exports(self) -> Mapping[str, Any]:
        """Stack outputs for the operator (e.g. name servers to delegate to); never read in-cluster."""
        ...
