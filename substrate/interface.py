"""The one interface every cloud adapter presents: cluster access and the substrate contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi
import pulumi_kubernetes as k8s

from substrate.contract import SubstrateContract


@dataclass(frozen=True)
class ClusterAccess:
    """How the in-cluster side is reached.

    `provider` is built from an exec-auth kubeconfig (no static token) that is marked secret.
    `workers` are the resources a workload needs before it can run (node pools): the bootstrap depends
    on them, so `pulumi destroy` removes the bootstrap — and with it every in-cluster load balancer,
    disk and DNS record — while the nodes, cluster and network still exist.
    """

    provider: k8s.Provider
    kubeconfig: pulumi.Output[str]
    workers: Sequence[pulumi.Resource]


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
