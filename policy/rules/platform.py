"""This platform's own invariants: the IaC/GitOps boundary, GPU scheduling, and prod deletion protection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import UNKNOWN, CannotEvaluate, PolicyResource, leaves, need, optional, rule

BOOTSTRAP = "llm-platform:bootstrap:Bootstrap"
GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"

# The taint GKE adds to GPU pools by itself and the EKS pools declare: only GPU workloads land there.
GPU_TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}
# EKS AMI types that boot GPU nodes (AL2023_x86_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA, …).
EKS_GPU_AMI_SUFFIX = "_NVIDIA"
EKS_LEGACY_GPU_AMIS = frozenset({"AL2_x86_64_GPU"})


@rule(
    "k8s-inside-bootstrap",
    "Kubernetes resources only inside the bootstrap component (Argo CD owns the cluster after it)",
    scope="stack",
)
def k8s_inside_bootstrap(r: PolicyResource) -> list[str]:
    # `pulumi:providers:kubernetes` is no object in the cluster, and has no `kubernetes:` prefix.
    if not r.type.startswith("kubernetes:"):
        return []
    if r.ancestor_types is None:
        raise CannotEvaluate("parent")
    if BOOTSTRAP in r.ancestor_types:
        return []
    return [f"{r.type} is outside {BOOTSTRAP}: in-cluster objects belong in the seed repo (Argo CD)"]


@rule("gpu-pool-taint", "Every GPU node pool carries the nvidia.com/gpu=present:NoSchedule taint")
def gpu_pool_taint(r: PolicyResource) -> list[str]:
    if r.type == GKE_POOL:
        accelerators = optional(r.props, "nodeConfig.guestAccelerators", [])
        return _needs_taint(r, "nodeConfig.taints") if accelerators else []
    if r.type == EKS_NODE_GROUP:
        ami = str(optional(r.props, "amiType", ""))
        gpu = ami.endswith(EKS_GPU_AMI_SUFFIX) or ami in EKS_LEGACY_GPU_AMIS
        return _needs_taint(r, "taints") if gpu else []
    return []


def _needs_taint(r: PolicyResource, path: str) -> list[str]:
    taints = optional(r.props, path, [])
    if any(_is_gpu_taint(t) for t in taints):
        return []
    if any(v is UNKNOWN for _, v in leaves(taints)):
        raise CannotEvaluate(path)
    return [f"{path} lacks nvidia.com/gpu=present:NO_SCHEDULE: non-GPU pods would land on GPU nodes"]


def _is_gpu_taint(taint: Any) -> bool:
    return isinstance(taint, Mapping) and all(taint.get(k) == v for k, v in GPU_TAINT.items())


@rule(
    "prod-deletion-protection",
    "On prod stacks the cluster is protected: Pulumi protect (and GKE deletionProtection)",
)
def prod_deletion_protection(r: PolicyResource) -> list[str]:
    if r.environment != "prod" or r.type not in (GKE_CLUSTER, EKS_CLUSTER):
        return []
    out = []
    if not r.protect:
        out.append("the cluster is not `protect`ed: a `pulumi destroy` or a replacement would delete it")
    if r.type == GKE_CLUSTER and need(r.props, "deletionProtection") is not True:
        out.append("deletionProtection must be True on prod: GKE would let the cluster be deleted")
    return out
