"""This platform's own invariants: the IaC/GitOps boundary, GPU scheduling and ownership, prod protection."""

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


# Kinds that run pods. Pulumi installs Argo CD with its Helm release and nothing else that runs: every
# workload is a chart of the seed, hardened and scanned by checkov there.
WORKLOAD_TYPES = frozenset(
    {
        "kubernetes:core/v1:Pod",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:DaemonSet",
        "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:ReplicaSet",
        "kubernetes:batch/v1:Job",
        "kubernetes:batch/v1:CronJob",
    }
)


@rule(
    "k8s-no-workloads",
    "No Kubernetes workload (Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob) from Pulumi, "
    "bootstrap included: workloads come from the seed's scanned charts",
)
def k8s_no_workloads(r: PolicyResource) -> list[str]:
    if r.type not in WORKLOAD_TYPES:
        return []
    return [
        f"{r.type} is registered by Pulumi: workloads belong in the seed, hardened and checked by checkov"
    ]


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


# The GPU ownership matrix on the contract, read from Argo CD's cluster Secret (labels `gpu_stack`,
# `gpu_driver_owner`, `enable_gpu_operator`, `enable_dcgm_exporter`): one owner per GPU node component.
SECRET = "kubernetes:core/v1:Secret"
ARGO_CLUSTER_LABEL = "argocd.argoproj.io/secret-type"
# gpu_stack -> the driver owners it may be paired with.
#   managed:  the cloud owns driver and device plugin (GKE); only the standalone dcgm-exporter is added.
#   operator: the GPU Operator owns the device plugin and DCGM; the driver is the node image's (EKS
#             AL2023 NVIDIA AMI) or the operator's (existing clusters) — never the cloud's, whose own
#             device plugin would run beside the operator's.
DRIVER_OWNERS = {"managed": ("gke",), "operator": ("image", "operator")}
# gpu_stack -> the add-on flag that must not be on: it would run a second driver/device plugin/DCGM.
FORBIDDEN_ADDON = {"managed": "enable_gpu_operator", "operator": "enable_dcgm_exporter"}


def _label(r: PolicyResource, key: str) -> object:
    return optional(r.props, ("metadata", "labels", key), None)


@rule(
    "gpu-single-owner",
    "GPU ownership matrix: one driver and one DCGM exporter per GPU node (gpu_stack x gpu_driver_owner)",
)
def gpu_single_owner(r: PolicyResource) -> list[str]:
    # An unknown secret type is k8s-secret-no-credentials' to fail; here it is simply not the cluster Secret.
    labels = (
        r.props.get("metadata", {}).get("labels", {}) if isinstance(r.props.get("metadata"), dict) else {}
    )
    if r.type != SECRET or not isinstance(labels, dict) or labels.get(ARGO_CLUSTER_LABEL) != "cluster":
        return []
    stack, owner = _label(r, "gpu_stack"), _label(r, "gpu_driver_owner")
    if stack not in DRIVER_OWNERS:
        return [f"gpu_stack is {stack!r}: the contract must say managed or operator"]
    out = []
    if owner not in DRIVER_OWNERS[stack]:
        allowed = " or ".join(DRIVER_OWNERS[stack])
        out.append(
            f"gpu_stack {stack} with gpu_driver_owner {owner!r}: the driver would be installed twice or by "
            f"no one (allowed: {allowed})"
        )
    forbidden = FORBIDDEN_ADDON[str(stack)]
    if _label(r, forbidden) == "true":
        out.append(
            f"gpu_stack {stack} with {forbidden}: two DCGM exporters (and device plugins) on every GPU node"
        )
    return out
