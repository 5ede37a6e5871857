"""What a platform engineer checks before `pulumi up`, read from what the plan would register.

The facts come from the recorded registrations, not from the config: a default the program fills in
(a machine type derived from the accelerator, a disk size) shows as the value the cloud will receive.
One function per cloud; an `existing` stack registers no cluster, and the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offline.engine import Registration, Rendering
from stacks.machines import EC2_GPUS

GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
EKS_LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
GPU_POOL_LABEL = "llm-platform.io/gpu-pool"


@dataclass(frozen=True)
class Pool:
    name: str
    machine_type: str
    gpus_per_node: str
    min_nodes: str
    max_nodes: str
    capacity: str  # spot | on-demand
    disk_gb: str


@dataclass(frozen=True)
class ClusterFacts:
    version: str
    endpoint: str
    pools: tuple[Pool, ...]


def _n(value: Any) -> str:
    """Numbers as the user wrote them (the engine hands back floats), anything unknown as `?`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "?" if value is None or not isinstance(value, int | float | str) else str(value)


def _endpoint(public: bool, private_only: bool, cidrs: list[str]) -> str:
    if private_only or not public:
        return "private (reachable only inside the VPC)"
    return "public, authorized networks: " + (", ".join(cidrs) if cidrs else "(none)")


def _gke(rendering: Rendering, cluster: Registration) -> ClusterFacts:
    inputs = cluster.inputs
    channel = (inputs.get("releaseChannel") or {}).get("channel", "UNSPECIFIED")
    pinned = inputs.get("minMasterVersion")
    version = f"{pinned} (minimum), " if pinned else ""
    private = (inputs.get("privateClusterConfig") or {}).get("enablePrivateEndpoint") is True
    blocks = (inputs.get("masterAuthorizedNetworksConfig") or {}).get("cidrBlocks") or []
    cidrs = [f"{b.get('cidrBlock')} ({b.get('displayName')})" for b in blocks]
    pools = []
    for reg in rendering.of_type(GKE_POOL):
        node = reg.inputs.get("nodeConfig") or {}
        if GPU_POOL_LABEL not in (node.get("labels") or {}):
            continue
        scaling = reg.inputs.get("autoscaling") or {}
        gpus = sum(a.get("count", 0) for a in node.get("guestAccelerators") or [])
        pools.append(
            Pool(
                name=_n(reg.inputs.get("name")),
                machine_type=_n(node.get("machineType")),
                gpus_per_node=_n(gpus),
                min_nodes=_n(scaling.get("totalMinNodeCount", scaling.get("minNodeCount"))),
                max_nodes=_n(scaling.get("totalMaxNodeCount", scaling.get("maxNodeCount"))),
                capacity="spot" if node.get("spot") else "on-demand",
                disk_gb=_n(node.get("diskSizeGb")),
            )
        )
    return ClusterFacts(
        version=f"GKE {version}release channel {channel} (the channel's default version; GKE upgrades it)",
        endpoint=_endpoint(True, private, cidrs),
        pools=tuple(sorted(pools, key=lambda p: p.name)),
    )


def _eks(rendering: Rendering, cluster: Registration) -> ClusterFacts:
    inputs = cluster.inputs
    support = (inputs.get("upgradePolicy") or {}).get("supportType", "STANDARD")
    vpc = inputs.get("vpcConfig") or {}
    templates = {t.name: t for t in rendering.of_type(EKS_LAUNCH_TEMPLATE)}
    pools = []
    for reg in rendering.of_type(EKS_NODE_GROUP):
        if GPU_POOL_LABEL not in (reg.inputs.get("labels") or {}):
            continue
        name = _n(reg.inputs.get("nodeGroupName"))
        types = [str(t) for t in reg.inputs.get("instanceTypes") or []]
        scaling = reg.inputs.get("scalingConfig") or {}
        template = templates.get(f"{reg.name}-template")
        disks = (template.inputs.get("blockDeviceMappings") or []) if template else []
        root = next((d.get("ebs") or {} for d in disks if d.get("deviceName") == "/dev/xvda"), {})
        pools.append(
            Pool(
                name=name,
                machine_type=", ".join(types) or "?",
                gpus_per_node=_n(EC2_GPUS.get(types[0]) if len(types) == 1 else None),
                min_nodes=_n(scaling.get("minSize")),
                max_nodes=_n(scaling.get("maxSize")),
                capacity="spot" if reg.inputs.get("capacityType") == "SPOT" else "on-demand",
                disk_gb=_n(root.get("volumeSize")),
            )
        )
    return ClusterFacts(
        version=f"EKS {_n(inputs.get('version'))} ({support.lower()} support)",
        endpoint=_endpoint(
            vpc.get("endpointPublicAccess") is True,
            False,
            [str(c) for c in vpc.get("publicAccessCidrs") or []],
        ),
        pools=tuple(sorted(pools, key=lambda p: p.name)),
    )


def cluster_facts(rendering: Rendering) -> ClusterFacts | None:
    """The cluster and GPU pools the plan registers; None when it registers no cluster (`existing`)."""
    if gke := rendering.of_type(GKE_CLUSTER):
        return _gke(rendering, gke[0])
    if eks := rendering.of_type(EKS_CLUSTER):
        return _eks(rendering, eks[0])
    return None


def to_text(facts: ClusterFacts | None) -> list[str]:
    lines = ["== cluster: check before `pulumi up` =="]
    if facts is None:
        return [
            *lines,
            "  existing cluster: its version, endpoint and node pools are not managed by this stack",
        ]
    lines += [f"  version:  {facts.version}", f"  endpoint: {facts.endpoint}"]
    header = ("pool", "machine type", "GPUs/node", "min", "max", "capacity", "disk GB")
    rows = [header] + [
        (p.name, p.machine_type, p.gpus_per_node, p.min_nodes, p.max_nodes, p.capacity, p.disk_gb)
        for p in facts.pools
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines.append(f"  GPU pools ({len(facts.pools)}):")
    lines += [
        "    " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return lines
