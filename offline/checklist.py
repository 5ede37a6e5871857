"""What a platform engineer checks before `pulumi up`, read from what the plan would register.

The facts come from the recorded registrations, not from the config: a default the program fills in
(a machine type derived from the accelerator, a disk size) shows as the value the cloud will receive.
One function per cloud; an `existing` stack registers no cluster, and the section says so.

Each GPU pool's fallback chain (its capacity options in order, what implements each, what they
consume) is read from the contract the plan exports (registrations carry no order: the ComputeClass
or the NodePool weights do, from the contract). On GKE each step is checked against the node pools
registered; a missing one shows as `(not registered)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offline.engine import Registration, Rendering
from substrate.aws.offers import EC2_GPUS

GKE_CLUSTER = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
EKS_LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
GPU_POOL_LABEL = "llm-platform.io/gpu-pool"
CAPACITY_LABEL = "llm-platform.io/capacity"


@dataclass(frozen=True)
class Step:
    option: str
    # The GKE node pool or Karpenter NodePool that buys this option.
    implemented_by: str
    reservations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chain:
    pool: str
    steps: tuple[Step, ...]


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
    chains: tuple[Chain, ...] = ()
    # Where the chain comes from when it is not the registrations (EKS: the seed's NodePools).
    chain_note: str = ""


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
        labels = node.get("labels") or {}
        if GPU_POOL_LABEL not in labels:
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
                capacity=_n(labels.get(CAPACITY_LABEL)),
                disk_gb=_n(node.get("diskSizeGb")),
            )
        )
    return ClusterFacts(
        version=f"GKE {version}release channel {channel} (the channel's default version; GKE upgrades it)",
        endpoint=_endpoint(True, private, cidrs),
        pools=tuple(sorted(pools, key=lambda p: p.name)),
        chains=registered_chains(
            contract_chains(rendering.outputs.get("contract") or {}),
            {str(r.inputs.get("name")) for r in rendering.of_type(GKE_POOL)},
        ),
        chain_note="node pools, ordered by the pool's ComputeClass (seed)",
    )


def registered_chains(chains: tuple[Chain, ...], names: set[str]) -> tuple[Chain, ...]:
    """The chains, each step whose node pool the plan does not register marked so."""
    return tuple(
        Chain(
            c.pool,
            tuple(
                s
                if s.implemented_by in names
                else Step(s.option, f"{s.implemented_by}: not registered", s.reservations)
                for s in c.steps
            ),
        )
        for c in chains
    )


def _per_pool(value: Any) -> dict[str, list[str]]:
    """A contract value "pool=a|b,pool2=c" as pool -> [a, b]."""
    out: dict[str, list[str]] = {}
    for pair in str(value or "").split(","):
        pool, _, listed = pair.partition("=")
        if pool:
            out[pool] = listed.split("|") if listed else []
    return out


def contract_chains(contract: dict[str, Any]) -> tuple[Chain, ...]:
    """Each pool's fallback chain as the contract states it (empty when the contract is not known)."""
    options, implementers = (
        _per_pool(contract.get("gpu_pool_capacity")),
        _per_pool(contract.get("gpu_pool_node_pools")),
    )
    reservations = _per_pool(contract.get("gpu_pool_reservations"))
    chains = []
    for pool, listed in options.items():
        names = implementers.get(pool) or ["?"] * len(listed)
        chains.append(
            Chain(
                pool,
                tuple(
                    Step(
                        o,
                        n,
                        tuple(reservations.get(pool, [])) if o in ("reservation", "capacity-block") else (),
                    )
                    for o, n in zip(listed, names, strict=False)
                ),
            )
        )
    return tuple(chains)


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
        chains=contract_chains(rendering.outputs.get("contract") or {}),
        chain_note=(
            "Karpenter NodePools (seed), weighted in this order; the managed node group above holds "
            "minNodes warm on its own capacity type"
        ),
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
    return lines + chain_text(facts)


def chain_text(facts: ClusterFacts) -> list[str]:
    """Each pool's fallback chain, one line per pool: option (what buys it; what it consumes) -> ..."""
    lines = [f"  fallback chains (tried left to right; {facts.chain_note}):"]
    if not facts.chains:
        return [*lines, "    (known after the update: the contract holds some values providers compute)"]
    for chain in facts.chains:
        steps = [
            f"{s.option} ({s.implemented_by}"
            + (f"; reservations {', '.join(s.reservations)}" if s.reservations else "")
            + ")"
            for s in chain.steps
        ]
        lines.append(f"    {chain.pool}: " + " -> ".join(steps))
    return lines
