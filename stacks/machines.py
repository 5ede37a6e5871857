"""Which machine each GPU pool runs on — the rule every cloud's offers share, and nothing cloud-specific.

A cloud's offers module (`substrate/<cloud>/offers.py`) describes how it sells each accelerator and
calls `pool_problems()` for each pool and `unknown_overrides()` once; its config's `STACK_RULES` run
those, so a pool no adapter could build is refused before anything is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stacks.schema import GpuPool


@dataclass(frozen=True, kw_only=True)
class Offer:
    """How one cloud sells one accelerator, as the pool check needs it."""

    # The seller's name in messages (GKE, EC2) and the override key (`gcp.machineTypes`).
    seller: str
    key: str
    # accelerators per node -> default machine; machine-name prefixes an override may use.
    sold: Mapping[int, str]
    families: tuple[str, ...]
    # An override's GPU count (None: attached in any count), or a refusal when the machine is unknown.
    carried: Callable[[str], int | None]
    unknown: Callable[[str, tuple[str, ...]], str | None]


def unknown_overrides(key: str, overrides: Mapping[str, str], pools: Sequence[GpuPool]) -> list[str]:
    names = [p.name for p in pools]
    return [
        f"{key}.{name}: no GPU pool named '{name}'; pools: {', '.join(names)}"
        for name in overrides
        if name not in names
    ]


def pool_problems(i: int, pool: GpuPool, offer: Offer, override: str | None) -> list[str]:
    """Why pool `i` cannot run on the offer: a count not sold, or an override of the wrong machine."""
    key, seller, sold, families = offer.key, offer.seller, offer.sold, offer.families
    if override is None:
        if pool.accelerators_per_node in sold:
            return []
        sells = (
            f"{seller} sells it {', '.join(map(str, sorted(sold)))} per machine"
            if sold
            else f"{seller} does not sell it"
        )
        return [
            f"gpu.pools[{i}]: {pool.accelerator} x{pool.accelerators_per_node} is not sold on {seller} "
            f"({sells}); choose another acceleratorsPerNode or accelerator, or set {key}.{pool.name}"
        ]
    if not families or not override.startswith(families):
        allowed = ", ".join(f + "*" for f in families) or "none on this cloud"
        return [
            f"{key}.{pool.name}: '{override}' does not carry {pool.accelerator}; "
            f"allowed machine families: {allowed}"
        ]
    refusal = offer.unknown(override, families)
    if refusal:
        return [f"{key}.{pool.name}: '{override}' {refusal}"]
    carried = offer.carried(override)
    if carried is not None and carried != pool.accelerators_per_node:
        return [
            f"{key}.{pool.name}: '{override}' carries {carried} GPUs but gpu.pools[{i}] asks for "
            f"acceleratorsPerNode {pool.accelerators_per_node}"
        ]
    return []
