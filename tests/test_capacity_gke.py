"""GKE capacity options as registered: one node pool per (pool, option), reservation affinity, spot,
flex-start, names and labels, and the contract facts that carry the fallback chain to the seed.

Recorded inputs of the gcp-serving fixture with its GPU pools replaced (`render_stack` overrides);
EKS and existing stacks for the contract keys every cloud shares.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from offline.engine import Rendering
from stacks.schema import GpuPool
from substrate.contract import capacity_node_pools
from tests.stack_fixtures import render_stack, stack_raw

NODE_POOL = "gcp:container/nodePool:NodePool"
FACTS = yaml.safe_load((Path(__file__).parent / "fixtures" / "capacity_scheduler_facts.yaml").read_text())
FALLBACK = {
    "name": "l4",
    "accelerator": "nvidia-l4",
    "minNodes": 1,
    "maxNodes": 8,
    "capacity": ["reservation", "spot", "on-demand"],
    "reservations": ["l4-commit", "l4-commit-b"],
}
FLEX = {
    "name": "h100",
    "accelerator": "nvidia-h100-80gb",
    "acceleratorsPerNode": 8,
    "maxNodes": 2,
    "capacity": ["flex-start", "on-demand"],
}


def with_pools(stack: str, *pools: dict[str, Any]) -> dict[str, Any]:
    gpu = copy.deepcopy(stack_raw(stack)["gpu"])
    gpu["pools"] = list(pools)
    return gpu


@functools.cache
def fallback_render() -> Rendering:
    # minNodes 1 needs listed zones (warm pools are zonal): the fixture's region, one zone.
    gcp = stack_raw("gcp-serving")["gcp"] | {"zones": ["europe-west4-a"]}
    return render_stack("gcp-serving", gpu=with_pools("gcp-serving", FALLBACK, FLEX), gcp=gcp)


def node_pools(rendering: Rendering) -> dict[str, dict[str, Any]]:
    return {p.inputs["name"]: p.inputs for p in rendering.of_type(NODE_POOL) if p.inputs["name"] != "system"}


def test_each_capacity_option_is_a_node_pool_of_its_own_named_pool_dash_option() -> None:
    assert sorted(node_pools(fallback_render())) == sorted(
        ["l4-reservation", "l4-spot", "l4-on-demand", "h100-flex-start", "h100-on-demand"]
    ), "one node pool per (pool, option); the order lives in the contract and the ComputeClass"


def test_every_option_node_pool_is_labelled_with_its_pool_option_accelerator_and_compute_class() -> None:
    for name, pool in node_pools(fallback_render()).items():
        owner, option = name.split("-", 1)
        assert pool["nodeConfig"]["labels"] == {
            "llm-platform.io/gpu-pool": owner,
            "llm-platform.io/capacity": option,
            "llm-platform.io/accelerator": "nvidia-l4" if owner == "l4" else "nvidia-h100-80gb",
            FACTS["gke"]["compute_class_label"]: owner,
        }, f"{name}: the class selects node pools by its label; the option label says what it bought"


def test_the_reservation_node_pool_consumes_only_the_named_reservations() -> None:
    node = node_pools(fallback_render())["l4-reservation"]["nodeConfig"]
    assert node["reservationAffinity"] == {
        "consumeReservationType": "SPECIFIC_RESERVATION",
        "key": "compute.googleapis.com/reservation-name",
        "values": ["l4-commit", "l4-commit-b"],
    }, "SPECIFIC: a full reservation never silently turns into on-demand inside this node pool"
    assert node["spot"] is False and "flexStart" not in node


def test_spot_and_on_demand_node_pools_hold_no_reservation_affinity() -> None:
    pools = node_pools(fallback_render())
    assert pools["l4-spot"]["nodeConfig"]["spot"] is True
    assert pools["l4-on-demand"]["nodeConfig"]["spot"] is False
    for name in ("l4-spot", "l4-on-demand", "h100-on-demand"):
        assert "reservationAffinity" not in pools[name]["nodeConfig"], f"{name} consumes no reservation"
        assert "flexStart" not in pools[name]["nodeConfig"], name


def test_a_flex_start_node_pool_is_flex_start_scaled_from_zero_anywhere_and_never_reserved() -> None:
    pool = node_pools(fallback_render())["h100-flex-start"]
    node = pool["nodeConfig"]
    assert node["flexStart"] is True and node["spot"] is False
    assert node["reservationAffinity"] == {"consumeReservationType": "NO_RESERVATION"}
    assert pool["autoscaling"]["totalMinNodeCount"] == 0
    assert pool["autoscaling"]["locationPolicy"] == "ANY"


def test_only_the_first_option_holds_warm_nodes_the_others_start_empty() -> None:
    pools = node_pools(fallback_render())
    assert pools["l4-reservation"]["autoscaling"]["totalMinNodeCount"] == 1
    assert pools["l4-reservation"]["initialNodeCount"] == 1
    for name in ("l4-spot", "l4-on-demand"):
        assert pools[name]["autoscaling"]["totalMinNodeCount"] == 0, f"{name} fills only on fallback"
        assert pools[name]["initialNodeCount"] == 0, name
    for name, pool in pools.items():
        assert pool["autoscaling"]["totalMaxNodeCount"] == (8 if name.startswith("l4") else 2), (
            f"{name}: every option may end up holding the whole pool"
        )
        assert pool["nodeLocations"] == ["europe-west4-a"], "zones as today"


def test_a_single_option_pool_keeps_its_name_its_resource_and_no_affinity() -> None:
    r = render_stack("gcp-serving")
    (pool,) = [p for p in r.of_type(NODE_POOL) if p.inputs["name"] != "system"]
    assert (pool.name, pool.inputs["name"]) == ("substrate-gpu-l4", "l4"), (
        "no replacement for existing stacks"
    )
    node = pool.inputs["nodeConfig"]
    assert node["spot"] is True and "reservationAffinity" not in node and "flexStart" not in node
    assert node["labels"]["llm-platform.io/capacity"] == "spot"


def test_the_longest_node_pool_name_fits_gke() -> None:
    longest_pool = GpuPool.model_fields["name"].metadata
    max_len = next(m.max_length for m in longest_pool if hasattr(m, "max_length"))
    longest = max(
        (
            name
            for option in ("reservation", "flex-start", "spot", "on-demand")
            for _, name in capacity_node_pools("p" * max_len, (option, "on-demand"))
        ),
        key=len,
    )
    assert len(longest) <= FACTS["gke"]["node_pool_name_max"], (
        f"{longest!r}: a pool name at its schema maximum plus '-<option>' must stay a valid node-pool name"
    )


def test_the_contract_carries_each_pools_options_node_pools_and_reservations_in_order() -> None:
    contract = fallback_render().outputs["contract"]
    assert contract["gpu_pool_capacity"] == "l4=reservation|spot|on-demand,h100=flex-start|on-demand"
    assert contract["gpu_pool_node_pools"] == (
        "l4=l4-reservation|l4-spot|l4-on-demand,h100=h100-flex-start|h100-on-demand"
    ), "the names the ComputeClass priorities reference, in the same order"
    assert contract["gpu_pool_reservations"] == "l4=l4-commit|l4-commit-b", "only pools with reservations"
    assert contract["gpu_pool_selector"] == "cloud.google.com/compute-class", (
        "serving selects the class on GKE"
    )
    assert contract["gpu_capacity_label"] == "llm-platform.io/capacity"
    node_pool_names = set(node_pools(fallback_render()))
    listed = {n for pair in contract["gpu_pool_node_pools"].split(",") for n in pair.split("=")[1].split("|")}
    assert listed == node_pool_names, "the contract names exactly the node pools the substrate built"


def test_eks_names_the_seeds_karpenter_nodepools_and_selects_by_the_pool_label() -> None:
    pool = {
        "name": "h100",
        "accelerator": "nvidia-h100-80gb",
        "acceleratorsPerNode": 8,
        "maxNodes": 2,
        "capacity": ["capacity-block", "spot", "on-demand"],
        "reservations": ["cr-0123456789abcdef0"],
    }
    contract = render_stack("aws-serving", gpu=with_pools("aws-serving", pool)).outputs["contract"]
    assert contract["gpu_pool_capacity"] == "h100=capacity-block|spot|on-demand"
    assert contract["gpu_pool_node_pools"] == "h100=gpu-h100-capacity-block|gpu-h100-spot|gpu-h100-on-demand"
    assert contract["gpu_pool_reservations"] == "h100=cr-0123456789abcdef0"
    assert contract["gpu_pool_selector"] == "llm-platform.io/gpu-pool", (
        "Karpenter NodePools carry the pool label"
    )
    assert render_stack("aws-serving").outputs["contract"]["gpu_pool_node_pools"] == "l4=gpu-l4", (
        "a single-option pool keeps today's NodePool name"
    )


def test_an_existing_cluster_states_its_options_but_no_node_pools() -> None:
    contract = render_stack("local").outputs["contract"]
    assert contract["gpu_pool_node_pools"] == "", "the platform builds no nodes on an existing cluster"
    assert contract["gpu_pool_capacity"] and all(
        pair.endswith("=on-demand") for pair in contract["gpu_pool_capacity"].split(",")
    )
