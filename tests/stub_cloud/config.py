"""The `stub` block: a region and an account; only on-demand capacity."""

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
