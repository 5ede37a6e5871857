"""How EC2 sells each accelerator: default instance types and the GPU instances an override may name.

The aws config's `STACK_RULES` run `problems()`; the adapter and preflight call `eks_instance()`
knowing the answer exists. Pure: no Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from stacks.accelerators import ACCELERATORS
from stacks.machines import Offer, pool_problems, unknown_overrides

if TYPE_CHECKING:
    from stacks.schema import GpuPool
    from substrate.aws.config import AwsBlock

KEY = "aws.instanceTypes"

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


def eks_instance(pool: GpuPool, overrides: Mapping[str, str]) -> str:
    return (
        overrides.get(pool.name) or ACCELERATORS[pool.accelerator].eks_instances[pool.accelerators_per_node]
    )


def _unknown(instance: str, families: tuple[str, ...]) -> str | None:
    if instance in EC2_GPUS:
        return None
    return f"is not a known GPU instance type; known: {', '.join(EC2_GPUS)}"


def offer(accelerator: str) -> Offer:
    acc = ACCELERATORS[accelerator]
    return Offer(
        seller="EC2",
        key=KEY,
        sold=acc.eks_instances,
        families=acc.eks_families,
        carried=EC2_GPUS.get,
        unknown=_unknown,
    )


def problems(pools: Sequence[GpuPool], aws: AwsBlock) -> list[str]:
    """Every reason the GPU pools cannot be built on EC2 (empty when they can)."""
    found = unknown_overrides(KEY, aws.instance_types, pools)
    for i, pool in enumerate(pools):
        found += pool_problems(i, pool, offer(pool.accelerator), aws.instance_types.get(pool.name))
    return found
