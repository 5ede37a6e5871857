"""The `gcp` block of a stack's config, and every stack-wide rule that holds on a GKE stack.

The schema validates `gcp:` with `Block` and then runs `STACK_RULES` in order (the first with problems
refuses the stack). Pure: pydantic and the stdlib only, no Pulumi.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import Field, field_validator, model_validator

from stacks import capacity as capacity_rules
from stacks import stack_rules, text
from stacks.base import Model, typed_block
from substrate.gcp import offers
from substrate.gcp import rules as gcp_rules
from substrate.gcp.rules import capacity

if TYPE_CHECKING:
    from stacks.schema import StackConfig

__all__ = ["NAMESPACES", "STACK_RULES", "Block", "GcpBlock", "block", "capacity"]

# Provider config namespaces a stack file may carry for this cloud (`gcp:project`).
NAMESPACES = ("gcp",)


class GcpBlock(Model):
    project: str
    region: str = Field(pattern=r"^[a-z]+-[a-z]+[0-9]+$")
    zones: list[str] | None = None
    machine_types: dict[str, str] = Field(default_factory=dict)
    system_machine_type: str = "e2-standard-4"

    _project = field_validator("project")(gcp_rules.project)
    _system = field_validator("system_machine_type")(gcp_rules.system_machine)

    @field_validator("machine_types")
    @classmethod
    def _named(cls, v: dict[str, str]) -> dict[str, str]:
        for pool, machine in v.items():
            text.token(machine, f"gcp.machineTypes.{pool}")
        return v

    @model_validator(mode="after")
    def _zones_in_region(self) -> GcpBlock:
        if self.zones is not None:
            gcp_rules.zones(self.region, self.zones)
        return self


Block = GcpBlock


def block(config: StackConfig) -> GcpBlock:
    """The stack's `gcp` block, typed (the schema guarantees it on a `cloud: gcp` stack)."""
    return typed_block(config, GcpBlock)


def _machines(config: StackConfig) -> list[str]:
    return offers.problems(config.gpu.pools, block(config))


def _capacity(config: StackConfig) -> list[str]:
    return capacity_rules.problems(config.gpu.pools, capacity)


def _compute_classes(config: StackConfig) -> list[str]:
    return gcp_rules.compute_class_names([pool.name for pool in config.gpu.pools])


STACK_RULES: tuple[Callable[[StackConfig], list[str]], ...] = (
    _machines,
    _capacity,
    _compute_classes,
    stack_rules.control_plane_reachable,
)
