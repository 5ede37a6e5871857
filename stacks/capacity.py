"""The capacity options of a GPU pool: the cloud-neutral vocabulary and rules, and each cloud's verdict.

A pool lists the options the platform tries, in order (`capacity: [reservation, spot, on-demand]`).
The pool model checks what holds on every cloud (no option twice, `reservations` exactly when an
option consumes them, `spot` agreeing with the list); `problems()` asks the stack's cloud (its config
module's `capacity`) whether it can build each option and read each reservation name, before anything
is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from stacks import text

if TYPE_CHECKING:
    from stacks.schema import GpuPool

CapacityOption = Literal["reservation", "spot", "on-demand", "flex-start", "capacity-block"]
OPTIONS: tuple[CapacityOption, ...] = ("reservation", "spot", "on-demand", "flex-start", "capacity-block")
DEFAULT: tuple[CapacityOption, ...] = ("on-demand",)
# `spot: true` is the shorthand this list replaces.
SPOT_ONLY: tuple[CapacityOption, ...] = ("spot",)
# Options that consume named reservations (`reservations:`).
CONSUMES_RESERVATIONS = frozenset({"reservation", "capacity-block"})


def disagreement(spot: bool, capacity: Sequence[str]) -> str | None:
    """Why `spot` and `capacity`, both written, say different things, or None."""
    if spot == (tuple(capacity) == SPOT_ONLY) and (spot or "spot" not in capacity):
        return None
    return (
        f"spot: {str(spot).lower()} disagrees with capacity [{', '.join(map(str, capacity))}]: spot: true "
        "means capacity [spot] and spot: false means no spot; drop `spot` and keep the list"
    )


def resolve(data: Any) -> Any:
    """A pool as written, with either key filled from the other: `spot: true` alone is [spot], a list
    alone sets `spot` (true for [spot] only). Both written must agree."""
    if not isinstance(data, dict):
        return data
    spot, listed = data.get("spot"), data.get("capacity")
    if isinstance(spot, bool) and isinstance(listed, list | tuple):
        problem = disagreement(spot, listed)
        if problem:
            raise ValueError(problem)
    if "capacity" not in data and spot is True:
        return {**data, "capacity": list(SPOT_ONLY)}
    if "spot" not in data and isinstance(listed, list | tuple):
        return {**data, "spot": tuple(listed) == SPOT_ONLY}
    return data


def pool_rules(capacity: Sequence[str], reservations: Sequence[str], spot: bool) -> str | None:
    """Why a pool's capacity keys cannot hold on any cloud, or None."""
    dupes = text.duplicates(capacity)
    if dupes:
        return f"capacity lists '{dupes[0]}' twice; each option is tried once, in the order listed"
    if spot != (tuple(capacity) == SPOT_ONLY):  # `spot` given in a form the shorthand did not read
        return disagreement(spot, capacity)
    consuming = [o for o in capacity if o in CONSUMES_RESERVATIONS]
    if consuming and not reservations:
        return (
            f"capacity option '{consuming[0]}' consumes named reservations: list them under "
            "`reservations` (GCE reservation names, EC2 capacity reservation ids)"
        )
    if reservations and not consuming:
        return (
            "reservations are listed but no capacity option consumes them: add 'reservation' (or, on "
            "EKS, 'capacity-block') to capacity, or drop `reservations`"
        )
    text.unique(list(reservations), "reservation", "each reservation is consumed once")
    return None


# A cloud's verdict on one pool: (key, options, reservations) -> problems.
CloudCheck = Callable[[str, Sequence[str], Sequence[str]], list[str]]


def problems(pools: Sequence[GpuPool], check: CloudCheck) -> list[str]:
    """Every reason the stack's cloud cannot build a pool's capacity options (empty when it can)."""
    found: list[str] = []
    for i, pool in enumerate(pools):
        found += check(f"gpu.pools[{i}]", pool.capacity, pool.reservations)
    return found


def cloud_refusals(
    key: str,
    options: Sequence[str],
    reservations: Sequence[str],
    *,
    cloud: str,
    allowed: Sequence[str],
    reservation_pattern: str,
    reservation_rule: str,
) -> list[str]:
    """A cloud's refusals of a pool's options and reservation names: options it cannot build, names it would
    refuse. `cloud` names the builder in the message (e.g. "GKE builds; allowed on gcp")."""
    found = [
        f"{key}.capacity[{i}]: '{option}' is not a capacity option {cloud}: {', '.join(allowed)}"
        for i, option in enumerate(options)
        if option not in allowed
    ]
    found += [
        f"{key}.reservations[{i}]: {text.shown(name)} is not {reservation_rule}"
        for i, name in enumerate(reservations)
        if not text.matches(reservation_pattern, name)
    ]
    return found
