"""Which machine each GPU pool runs on, per cloud — and every reason a pool cannot run on the stack's cloud.

The schema calls `problems()` once, so a pool no adapter could build is refused before anything is
registered; the adapters call `gke_machine()` / `eks_instance()` knowing the answer exists.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from stacks.accelerators import ACCELERATORS

if TYPE_CHECKING:
    from stacks.clouds import AwsBlock, GcpBlock
    from stacks.schema import GpuPool

# G2 machine -> L4s it carries (the names do not say).
G2_GPUS = {
    "g2-standard-4": 1,
    "g2-standard-8": 1,
    "g2-standard-12": 1,
    "g2-standard-16": 1,
    "g2-standard-32": 1,
    "g2-standard-24": 2,
    "g2-standard-48": 4,
    "g2-standard-96": 8,
}
# Every GKE machine type a GPU pool override may name (Compute Engine's accelerator-optimized and N1
# catalog): a name outside it fails only when GKE creates the pool.
GKE_GPU_MACHINES = frozenset(
    {
        *G2_GPUS,
        *(f"n1-standard-{n}" for n in (1, 2, 4, 8, 16, 32, 64, 96)),
        *(f"n1-highmem-{n}" for n in (2, 4, 8, 16, 32, 64, 96)),
        *(f"n1-highcpu-{n}" for n in (2, 4, 8, 16, 32, 64, 96)),
        *(f"a2-highgpu-{n}g" for n in (1, 2, 4, 8)),
        "a2-megagpu-16g",
        *(f"a2-ultragpu-{n}g" for n in (1, 2, 4, 8)),
        *(f"a3-highgpu-{n}g" for n in (1, 2, 4, 8)),
        "a3-edgegpu-8g",
        "a3-megagpu-8g",
        "a3-ultragpu-8g",
    }
)
# EC2 GPU instance -> GPUs it carries.
EC2_GPUS = {
    **{f"g6.{size}": 1 for size in ("xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge")},
    "g6.12xlarge": 4,
    "g6.24xlarge": 4,
    "g6.48xlarge": 8,
    "gr6.4xlarge": 1,
    "gr6.8xlarge": 1,
    **{f"g4dn.{size}": 1 for size in ("xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge")},
    "g4dn.12xlarge": 4,
    "g4dn.metal": 8,
    "p4d.24xlarge": 8,
    "p4de.24xlarge": 8,
    "p5.4xlarge": 1,
    "p5.48xlarge": 8,
    "p5e.48xlarge": 8,
    "p5en.48xlarge": 8,
}


def gke_machine_gpus(machine: str) -> int | None:
    """GPUs a GKE machine type carries; None for N1, where GPUs are attached in any supported count."""
    if machine in G2_GPUS:
        return G2_GPUS[machine]
    found = re.search(r"-([0-9]+)g\Z", machine)  # a2-highgpu-2g, a3-megagpu-8g
    return int(found.group(1)) if found else None


def gke_machine(pool: GpuPool, overrides: Mapping[str, str]) -> str:
    return overrides.get(pool.name) or ACCELERATORS[pool.accelerator].gke_machines[pool.accelerators_per_node]


def eks_instance(pool: GpuPool, overrides: Mapping[str, str]) -> str:
    return (
        overrides.get(pool.name) or ACCELERATORS[pool.accelerator].eks_instances[pool.accelerators_per_node]
    )


def _check_pool(i: int, pool: GpuPool, key: str, override: str | None) -> list[str]:
    acc = ACCELERATORS[pool.accelerator]
    cloud = "GKE" if key.startswith("gcp") else "EC2"
    sold = acc.gke_machines if cloud == "GKE" else acc.eks_instances
    families = acc.gke_families if cloud == "GKE" else acc.eks_families
    if override is None:
        if pool.accelerators_per_node in sold:
            return []
        offer = (
            f"{cloud} sells it {', '.join(map(str, sorted(sold)))} per machine"
            if sold
            else f"{cloud} does not sell it"
        )
        return [
            f"gpu.pools[{i}]: {pool.accelerator} x{pool.accelerators_per_node} is not sold on {cloud} "
            f"({offer}); choose another acceleratorsPerNode or accelerator, or set {key}.{pool.name}"
        ]
    if not families or not override.startswith(families):
        allowed = ", ".join(f + "*" for f in families) or "none on this cloud"
        return [
            f"{key}.{pool.name}: '{override}' does not carry {pool.accelerator}; "
            f"allowed machine families: {allowed}"
        ]
    if cloud == "GKE" and override not in GKE_GPU_MACHINES:
        known = ", ".join(sorted(m for m in GKE_GPU_MACHINES if m.startswith(families)))
        return [f"{key}.{pool.name}: '{override}' is not a GKE machine type; known in its family: {known}"]
    carried = gke_machine_gpus(override) if cloud == "GKE" else EC2_GPUS.get(override)
    if cloud == "EC2" and carried is None:
        return [
            f"{key}.{pool.name}: '{override}' is not a known GPU instance type; known: {', '.join(EC2_GPUS)}"
        ]
    if carried is not None and carried != pool.accelerators_per_node:
        return [
            f"{key}.{pool.name}: '{override}' carries {carried} GPUs but gpu.pools[{i}] asks for "
            f"acceleratorsPerNode {pool.accelerators_per_node}"
        ]
    return []


def _warm_nodes(i: int, pool: GpuPool, zones: Sequence[str] | None) -> list[str]:
    """GKE starts `initialNodeCount` nodes in every zone: warm nodes need known zones to be counted."""
    if pool.min_nodes == 0:
        return []
    if not zones:
        return [
            f"gpu.pools[{i}]: minNodes {pool.min_nodes} needs gcp.zones: GKE starts warm nodes per zone, "
            "so the zones must be listed to start the right number"
        ]
    started = math.ceil(pool.min_nodes / len(zones)) * len(zones)
    if started > pool.max_nodes:
        return [
            f"gpu.pools[{i}]: minNodes {pool.min_nodes} over {len(zones)} zones starts {started} nodes, "
            f"more than maxNodes {pool.max_nodes}; raise maxNodes or use a multiple of the zone count"
        ]
    return []


def problems(pools: Sequence[GpuPool], cloud: str, gcp: GcpBlock | None, aws: AwsBlock | None) -> list[str]:
    """Every reason the GPU pools cannot be built on the stack's cloud (empty when they can)."""
    if cloud == "gcp" and gcp is not None:
        key, overrides = "gcp.machineTypes", gcp.machine_types
    elif cloud == "aws" and aws is not None:
        key, overrides = "aws.instanceTypes", aws.instance_types
    else:
        return []
    names = [p.name for p in pools]
    found = [
        f"{key}.{name}: no GPU pool named '{name}'; pools: {', '.join(names)}"
        for name in overrides
        if name not in names
    ]
    for i, pool in enumerate(pools):
        found += _check_pool(i, pool, key, overrides.get(pool.name))
        if key.startswith("gcp"):
            found += _warm_nodes(i, pool, gcp.zones if gcp else None)
    return found
