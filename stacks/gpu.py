"""The `gpu` block of a stack's config: the GPU pools, each with its accelerator and capacity options.

Cloud-neutral: an accelerator is named in stacks/accelerators.py's vocabulary, and a pool's capacity
options in stacks/capacity.py's; each cloud's config rules judge whether it can build them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from stacks import capacity as capacity_rules
from stacks import text
from stacks.accelerators import ACCELERATORS
from stacks.base import NAME, Model
from stacks.capacity import CapacityOption


class GpuPool(Model):
    name: str = Field(max_length=24, pattern=NAME)
    accelerator: str
    accelerators_per_node: int = Field(default=1, ge=1)
    min_nodes: int = Field(default=0, ge=0)
    max_nodes: int = Field(default=1, ge=1, le=1000)
    # Kept true exactly when `capacity` is [spot]: the shorthand it has always been.
    spot: bool = False
    # The options tried, in order; resolved here, so downstream code reads this, never `spot`.
    capacity: tuple[CapacityOption, ...] = Field(default=capacity_rules.DEFAULT, min_length=1)
    # What `reservation` / `capacity-block` consume: GCE reservation names, EC2 capacity reservation ids.
    reservations: tuple[str, ...] = ()
    disk_size_gb: int = Field(default=200, ge=200, le=65536)

    @model_validator(mode="before")
    @classmethod
    def _one_intent(cls, data: Any) -> Any:
        return capacity_rules.resolve(data)

    @field_validator("accelerator")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in ACCELERATORS:
            raise ValueError(f"unknown accelerator {text.shown(v)}; allowed: {', '.join(ACCELERATORS)}")
        return v

    @model_validator(mode="after")
    def _sizes(self) -> GpuPool:
        allowed = ACCELERATORS[self.accelerator].allowed_counts
        if self.accelerators_per_node not in allowed:
            raise ValueError(
                f"pool '{self.name}': acceleratorsPerNode {self.accelerators_per_node} is not sold for "
                f"{self.accelerator}; allowed: {', '.join(map(str, allowed))}"
            )
        if self.min_nodes > self.max_nodes:
            raise ValueError(
                f"pool '{self.name}': minNodes ({self.min_nodes}) must not exceed maxNodes ({self.max_nodes})"
            )
        problem = capacity_rules.pool_rules(self.capacity, self.reservations, self.spot)
        if problem:
            raise ValueError(f"pool '{self.name}': {problem}")
        return self


class GpuSharing(Model):
    strategy: Literal["TIME_SHARING"] = "TIME_SHARING"
    max_shared_clients_per_gpu: int = Field(default=2, ge=2, le=48)


class Gpu(Model):
    driver_version: Literal["LATEST", "DEFAULT"] = "LATEST"
    pools: list[GpuPool] = Field(min_length=1)
    sharing: GpuSharing | None = None

    @field_validator("pools")
    @classmethod
    def _unique(cls, pools: list[GpuPool]) -> list[GpuPool]:
        names = [p.name for p in pools]
        dupes = text.duplicates(names)
        if dupes:
            raise ValueError(f"pool name '{dupes[0]}' is used twice; pool names must be unique")
        if "system" in names:
            raise ValueError("pool name 'system' is reserved for the system pool")
        return pools
