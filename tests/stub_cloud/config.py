"""The `stub` block: a region and an account; only on-demand capacity; a retiring region is warned of."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pydantic import Field

from stacks import capacity as capacity_rules
from stacks.base import Model

if TYPE_CHECKING:
    from stacks.schema import StackConfig

NAMESPACES = ("stub",)


class Block(Model):
    region: str = Field(pattern=r"^[a-z]+-[0-9]$")
    kubeconfig_context: str = "stub"


def capacity(key: str, options: Sequence[str], reservations: Sequence[str]) -> list[str]:
    if tuple(options) == ("on-demand",) and not reservations:
        return []
    return [f"{key}.capacity: allowed on stub: the default [on-demand]"]


def _capacity(config: StackConfig) -> list[str]:
    return capacity_rules.problems(config.gpu.pools, capacity)


STACK_RULES: tuple[Callable[[StackConfig], list[str]], ...] = (_capacity,)


def warnings(config: StackConfig) -> list[str]:
    """The plan's hook: a region the stub is retiring is pointed out, not refused."""
    region = config.cloud_block.region if isinstance(config.cloud_block, Block) else ""
    return [f"stub.region {region}: retiring"] if region == "stub-0" else []
