"""The capacity keys of a GPU pool (`capacity`, `reservations`, and `spot` as their shorthand).

Accepted: an ordered list of options, default [on-demand]; `spot: true` resolving to [spot]; the
resolved tuple on the model, so nothing downstream re-derives it from `spot`. Refused, before anything
is registered and naming the key: an unknown or repeated option, `spot` disagreeing with the list,
`reservations` missing where an option consumes them or present where none does, a name the cloud
would refuse, an option the stack's cloud cannot build, more reservations than one EC2NodeClass selects,
a GKE pool named like a ComputeClass GKE reserves, and any capacity on an existing cluster.
Upstream limits: tests/fixtures/capacity_limits_facts.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from stacks import loader
from substrate.aws import rules as aws_rules
from substrate.gcp import rules as gcp_rules
from tests.config_mutations import Mutation, assert_refused, both, del_, set_
from tests.stack_fixtures import stack_raw

STACKS = {"gcp": "gcp-full", "aws": "aws-full", "existing": "local"}
CR = "cr-0123456789abcdef0"
ALL_OPTIONS = "'reservation', 'spot', 'on-demand', 'flex-start' or 'capacity-block'"
GKE_ALLOWS = "allowed on gcp: reservation, spot, on-demand, flex-start"
EKS_ALLOWS = "allowed on aws: reservation, spot, on-demand, capacity-block"
LIMITS = yaml.safe_load((Path(__file__).parent / "fixtures" / "capacity_limits_facts.yaml").read_text())
TERMS_MAX = LIMITS["karpenter"]["reservation_terms_max"]
# Distinct, well-formed ids: only their number is wrong.
TOO_MANY_CRS = [f"cr-{i:017x}" for i in range(TERMS_MAX + 1)]


class Case(NamedTuple):
    cloud: str
    id: str
    mutation: Mutation
    key: str
    allowed: str


def _pool0(capacity: list[str] | None = None, reservations: list[str] | None = None) -> Mutation:
    """Pool 0 (spot: false in every fixture) with `spot` dropped and the capacity keys set."""
    steps = [del_("gpu.pools.0.spot")]
    if capacity is not None:
        steps.append(set_("gpu.pools.0.capacity", capacity))
    if reservations is not None:
        steps.append(set_("gpu.pools.0.reservations", reservations))
    return both(*steps)


def _local(capacity: list[str] | None = None, reservations: list[str] | None = None) -> Mutation:
    steps: list[Mutation] = []
    if capacity is not None:
        steps.append(set_("gpu.pools.0.capacity", capacity))
    if reservations is not None:
        steps.append(set_("gpu.pools.0.reservations", reservations))
    return both(*steps)


CASES: list[Case] = [
    # --- on every cloud ---
    Case(
        "gcp",
        "an option no cloud has",
        _pool0(["on-demand", "preemptible"]),
        "gpu.pools[0].capacity[1]",
        ALL_OPTIONS,
    ),
    Case("gcp", "an empty list", _pool0([]), "gpu.pools[0].capacity", "at least 1 item"),
    Case(
        "gcp",
        "a list given as one word",
        set_("gpu.pools.0.capacity", "spot"),
        "gpu.pools[0].capacity",
        "valid tuple",
    ),
    Case(
        "gcp",
        "an option twice",
        _pool0(["on-demand", "spot", "on-demand"]),
        "gpu.pools[0]",
        "capacity lists 'on-demand' twice",
    ),
    Case(
        "gcp",
        "spot: true beside a longer list",
        set_("gpu.pools.1.capacity", ["spot", "on-demand"]),
        "gpu.pools[1]",
        "spot: true means capacity [spot]",
    ),
    Case(
        "gcp",
        "spot: false beside a list with spot",
        set_("gpu.pools.0.capacity", ["spot", "on-demand"]),
        "gpu.pools[0]",
        "spot: false means no spot; drop `spot` and keep the list",
    ),
    Case(
        "gcp",
        "a reservation option without reservations",
        _pool0(["reservation", "on-demand"]),
        "gpu.pools[0]",
        "list them under `reservations`",
    ),
    Case(
        "gcp",
        "reservations no option consumes",
        _pool0(["spot", "on-demand"], ["l4-commit"]),
        "gpu.pools[0]",
        "no capacity option consumes them",
    ),
    Case(
        "gcp",
        "a reservation twice",
        _pool0(["reservation", "on-demand"], ["l4-commit", "l4-commit"]),
        "gpu.pools[0]",
        "reservation 'l4-commit' is listed twice",
    ),
    Case(
        "gcp",
        "reservations given as one name",
        both(_pool0(["reservation"]), set_("gpu.pools.0.reservations", "l4-commit")),
        "gpu.pools[0].reservations",
        "valid tuple",
    ),
    # --- GKE ---
    Case(
        "gcp",
        "a Capacity Block on GKE",
        _pool0(["capacity-block", "on-demand"], [CR]),
        "(stack)",
        f"gpu.pools[0].capacity[0]: 'capacity-block' is not a capacity option GKE builds; {GKE_ALLOWS}",
    ),
    Case(
        "gcp",
        "a reservation name Compute Engine refuses",
        _pool0(["reservation", "on-demand"], ["l4-commit", "L4_Commit"]),
        "(stack)",
        "gpu.pools[0].reservations[1]: 'L4_Commit' is not a Compute Engine reservation name",
    ),
    Case(
        "gcp",
        "a reservation name over 63 characters",
        _pool0(["reservation"], ["r" * 64]),
        "(stack)",
        "is not a Compute Engine reservation name: 1-63",
    ),
    Case(
        "gcp",
        "a reservation name with a trailing newline",
        _pool0(["reservation"], ["l4-commit\n"]),
        "(stack)",
        "'l4-commit\\n' is not a Compute Engine reservation name",
    ),
    # --- EKS ---
    Case(
        "aws",
        "flex-start on EKS",
        _pool0(["flex-start", "on-demand"]),
        "(stack)",
        f"gpu.pools[0].capacity[0]: 'flex-start' is not a capacity option EKS builds; {EKS_ALLOWS}",
    ),
    Case(
        "aws",
        "a GCE reservation name on EKS",
        _pool0(["reservation", "on-demand"], ["l4-commit"]),
        "(stack)",
        "gpu.pools[0].reservations[0]: 'l4-commit' is not an EC2 capacity reservation id",
    ),
    Case(
        "aws",
        "an id with uppercase hex",
        _pool0(["reservation"], ["cr-0123456789ABCDEF0"]),
        "(stack)",
        "is not an EC2 capacity reservation id (cr- and 8 to 17 lowercase hex digits",
    ),
    Case(
        "aws",
        "an id with a trailing newline",
        _pool0(["capacity-block"], [f"{CR}\n"]),
        "(stack)",
        "is not an EC2 capacity reservation id",
    ),
    Case(
        "aws",
        "a Capacity Block without its id",
        _pool0(["capacity-block", "on-demand"]),
        "gpu.pools[0]",
        "capacity option 'capacity-block' consumes named reservations",
    ),
    Case(
        "aws",
        "an id twice",
        _pool0(["reservation", "capacity-block"], [CR, CR]),
        "gpu.pools[0]",
        f"reservation '{CR}' is listed twice",
    ),
    Case(
        "aws",
        "more reservations than an EC2NodeClass selects",
        _pool0(["reservation", "on-demand"], TOO_MANY_CRS),
        "(stack)",
        f"gpu.pools[0].reservations: {TERMS_MAX + 1} reservations; at most {TERMS_MAX} per pool",
    ),
    # --- an existing cluster ---
    Case(
        "existing",
        "spot on an existing cluster",
        set_("gpu.pools.0.spot", True),
        "(stack)",
        "gpu.pools[0].capacity: [spot] cannot be built on an existing cluster",
    ),
    Case(
        "existing",
        "a fallback list on an existing cluster",
        _local(["flex-start", "on-demand"]),
        "(stack)",
        "allowed on existing: the default [on-demand]",
    ),
    Case(
        "existing",
        "a reservation on an existing cluster",
        _local(["reservation", "on-demand"], ["l4-commit"]),
        "(stack)",
        "gpu.pools[0].reservations: an existing cluster consumes no reservation",
    ),
    Case(
        "existing",
        "an unknown option on an existing cluster",
        _local(["cheap"]),
        "gpu.pools[0].capacity[0]",
        ALL_OPTIONS,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.cloud}: {c.id}" for c in CASES])
def test_each_bad_capacity_key_is_refused_before_anything_is_registered(case: Case) -> None:
    assert_refused(STACKS[case.cloud], case.mutation, case.key, case.allowed)


@pytest.mark.parametrize(
    "name", LIMITS["gke"]["built_in_compute_classes"] + [LIMITS["gke"]["default_compute_class"]]
)
def test_a_gke_pool_named_like_a_compute_class_gke_reserves_is_refused(name: str) -> None:
    assert_refused(
        "gcp-full",
        set_("gpu.pools.1.name", name),
        "(stack)",
        f"gpu.pools[1].name: '{name}' is a ComputeClass name GKE reserves",
    )


def test_gcp_rules_name_every_compute_class_gke_reserves_and_only_those() -> None:
    gke = LIMITS["gke"]
    reserved = [*gke["built_in_compute_classes"], gke["default_compute_class"]]
    assert sorted(gcp_rules.RESERVED_COMPUTE_CLASSES) == sorted(reserved), (
        "the refused names are GKE's built-in classes and the cluster default's name, as documented"
    )
    found = gcp_rules.compute_class_names(["l4", *reserved, "autopilot-l4"])
    assert [p.split(":")[0] for p in found] == [
        f"gpu.pools[{i}].name" for i in range(1, len(reserved) + 1)
    ], "each reserved name is refused under its pool's key; a name merely starting like one is not"
    assert all("not allowed on gcp: autopilot, autopilot-spot, default" in p for p in found), found


def test_aws_rules_accept_exactly_as_many_reservations_as_an_ec2nodeclass_selects() -> None:
    assert aws_rules.RESERVATIONS_PER_POOL_MAX == TERMS_MAX, "the Karpenter CRD's maxItems"
    assert aws_rules.capacity("gpu.pools[0]", ["reservation"], TOO_MANY_CRS[:TERMS_MAX]) == []
    (problem,) = aws_rules.capacity("gpu.pools[0]", ["reservation"], TOO_MANY_CRS)
    assert problem.startswith("gpu.pools[0].reservations: "), problem


def test_the_catalog_covers_gcp_aws_and_existing_stacks() -> None:
    assert {c.cloud for c in CASES} == set(STACKS), "each cloud's verdict on the new keys has a case"


def test_every_fixture_pool_resolves_to_on_demand_or_its_spot_shorthand() -> None:
    for stack in ("gcp-full", "aws-full", "gcp-serving", "local"):
        for pool in loader.validate(stack_raw(stack)).gpu.pools:
            expected = ("spot",) if pool.spot else ("on-demand",)
            assert pool.capacity == expected, (
                f"{stack} pool {pool.name}: spot: true is [spot], else [on-demand]"
            )
            assert pool.reservations == ()


def test_a_list_alone_resolves_spot_so_the_shorthand_and_the_list_never_disagree() -> None:
    only_spot = loader.validate(_raw("gcp-full", capacity=["spot"])).gpu.pools[0]
    assert only_spot.spot is True and only_spot.capacity == ("spot",), "[spot] is what spot: true means"
    chain = loader.validate(_raw("gcp-full", capacity=["spot", "on-demand"])).gpu.pools[0]
    assert chain.spot is False, "spot stays the spot-only shorthand; a fallback chain is read from capacity"
    assert chain.capacity == ("spot", "on-demand")


def test_an_ordered_chain_with_reservations_is_kept_in_order_on_each_cloud() -> None:
    gke = loader.validate(
        _raw(
            "gcp-full",
            capacity=["reservation", "flex-start", "spot", "on-demand"],
            reservations=["l4-a", "l4-b"],
        )
    ).gpu.pools[0]
    assert gke.capacity == ("reservation", "flex-start", "spot", "on-demand"), (
        "the order is the fallback order"
    )
    assert gke.reservations == ("l4-a", "l4-b")
    eks = loader.validate(
        _raw(
            "aws-full",
            capacity=["capacity-block", "reservation", "on-demand"],
            reservations=[CR, "cr-0a1b2c3d"],
        )
    ).gpu.pools[0]
    assert eks.capacity == ("capacity-block", "reservation", "on-demand")
    assert eks.reservations == (CR, "cr-0a1b2c3d")


def test_an_existing_cluster_accepts_the_default_written_out() -> None:
    pool = loader.validate(_raw("local", capacity=["on-demand"], spot=False)).gpu.pools[0]
    assert pool.capacity == ("on-demand",)


def _raw(stack: str, **pool: object) -> dict[str, object]:
    raw = stack_raw(stack)
    first = {k: v for k, v in raw["gpu"]["pools"][0].items() if k != "spot"}
    raw["gpu"]["pools"][0] = first | pool
    return raw
