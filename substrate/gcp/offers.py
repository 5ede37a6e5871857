"""How GKE sells each accelerator: default machines, the GPU catalog an override may name, warm nodes.

The gcp config's `STACK_RULES` run `problems()`; the adapter and preflight call `gke_machine()`
knowing the answer exists. Pure: no Pulumi.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from stacks.accelerators import ACCELERATORS
from stacks.machines import Offer, pool_problems, unknown_overrides

if TYPE_CHECKING:
    from stacks.schema import GpuPool
    from substrate.gcp.config import GcpBlock

KEY = "gcp.machineTypes"

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


def gke_machine_gpus(machine: str) -> int | None:
    """GPUs a GKE machine type carries; None for N1, where GPUs are attached in any supported count."""
    if machine in G2_GPUS:
        return G2_GPUS[machine]
    found = re.search(r"-([0-9]+)g\Z", machine)  # a2-highgpu-2g, a3-megagpu-8g
    return int(found.group(1)) if found else None


def gke_machine(pool: GpuPool, overrides: Mapping[str, str]) -> str:
    return overrides.get(pool.name) or ACCELERATORS[pool.accelerator].gke_machines[pool.accelerators_per_node]


def _unknown(machine: str, families: tuple[str, ...]) -> str | None:
    if machine in GKE_GPU_MACHINES:
        return None
    known = ", ".join(sorted(m for m in GKE_GPU_MACHINES if m.startswith(families)))
    return f"is not a GKE machine type; known in its family: {known}"


def offer(accelerator: str) -> Offer:
    acc = ACCELERATORS[accelerator]
    return Offer(
        seller="GKE",
        key=KEY,
        sold=acc.gke_machines,
        families=acc.gke_families,
        carried=gke_machine_gpus,
        unknown=_unknown,
    )


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


def problems(pools: Sequence[GpuPool], gcp: GcpBlock) -> list[str]:
    """Every reason the GPU pools cannot be built on GKE (empty when they can)."""
    found = unknown_overrides(KEY, gcp.machine_types, pools)
    for i, pool in enumerate(pools):
        found += pool_problems(i, pool, offer(pool.accelerator), gcp.machine_types.get(pool.name))
        found += _warm_nodes(i, pool, gcp.zones)
    return found
