"""The scheduler side of the capacity options, rendered by real Helm from the contract a stack writes:
GKE ComputeClasses (priorities in the pool's order, active migration, explicit whenUnsatisfiable, no
auto-created node pools), Karpenter NodePools (weights descending in order, one capacity type per
option, reservations only through the pool's own EC2NodeClass, each limited to the pool's ceiling),
serving's pool selector, and the fallback chain `make plan` prints. Shapes are checked against
tests/fixtures/capacity_scheduler_facts.yaml and capacity_limits_facts.yaml (kubernetes-validate has no
schema for these custom resources).
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from offline import checklist
from tests.seed_render import (
    SeedRender,
    cluster_secret,
    kube_version,
    render_applications,
    render_chart,
    render_seed,
)
from tests.stack_fixtures import render_stack, stack_raw

FACTS = yaml.safe_load((Path(__file__).parent / "fixtures" / "capacity_scheduler_facts.yaml").read_text())
KARPENTER, GKE = FACTS["karpenter"], FACTS["gke"]
GCP_POOLS = [
    {
        "name": "l4",
        "accelerator": "nvidia-l4",
        "maxNodes": 8,
        "capacity": ["reservation", "spot", "on-demand"],
        "reservations": ["l4-commit"],
    },
    {
        "name": "h100",
        "accelerator": "nvidia-h100-80gb",
        "acceleratorsPerNode": 8,
        "maxNodes": 2,
        "capacity": ["flex-start", "on-demand"],
    },
]
AWS_POOLS = [
    {
        "name": "l4",
        "accelerator": "nvidia-l4",
        "maxNodes": 8,
        "capacity": ["reservation", "spot", "on-demand"],
        "reservations": ["cr-0123456789abcdef0", "cr-0fedcba9876543210"],
    },
    {
        "name": "h100",
        "accelerator": "nvidia-h100-80gb",
        "acceleratorsPerNode": 8,
        "maxNodes": 2,
        "capacity": ["capacity-block", "on-demand"],
        "reservations": ["cr-0aaaaaaaaaaaaaaa1"],
    },
    {"name": "t4", "accelerator": "nvidia-t4", "maxNodes": 2, "spot": True},
]


@functools.cache
def seed(stack: str) -> SeedRender:
    """The seed for `stack` with its GPU pools replaced by the fallback pools above."""
    gpu = copy.deepcopy(stack_raw(stack)["gpu"])
    gpu["pools"] = copy.deepcopy(GCP_POOLS if stack.startswith("gcp") else AWS_POOLS)
    rendering = render_stack(stack, gpu=gpu)
    secret = cluster_secret(rendering)
    version = kube_version(rendering)
    return SeedRender(stack, secret, version, render_applications(stack, secret, version))


def objects(render: SeedRender, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for _, o in render.objects() if o.get("kind") == kind}


# ------------------------------------------------------------------------------------------------ GKE


def test_each_gke_pool_gets_a_compute_class_whose_priorities_follow_its_options() -> None:
    classes = objects(seed("gcp-serving"), "ComputeClass")
    assert set(classes) == {"l4", "h100"}, "one ComputeClass per GPU pool, named after the pool"
    assert [p["nodepools"] for p in classes["l4"]["spec"]["priorities"]] == [
        ["l4-reservation"],
        ["l4-spot"],
        ["l4-on-demand"],
    ], "reservation first, then spot, then on-demand: the order the stack file lists"
    assert [p["nodepools"] for p in classes["h100"]["spec"]["priorities"]] == [
        ["h100-flex-start"],
        ["h100-on-demand"],
    ]


def test_every_compute_class_names_only_node_pools_the_substrate_built() -> None:
    built = {
        str(p.inputs["name"])
        for p in render_stack(
            "gcp-serving", gpu={**stack_raw("gcp-serving")["gpu"], "pools": copy.deepcopy(GCP_POOLS)}
        ).of_type("gcp:container/nodePool:NodePool")
    }
    for name, cc in objects(seed("gcp-serving"), "ComputeClass").items():
        listed = {n for p in cc["spec"]["priorities"] for n in p["nodepools"]}
        assert listed <= built, f"{name}: a priority naming a node pool that does not exist never scales"


def test_compute_classes_migrate_back_refuse_to_scale_outside_the_list_and_create_no_node_pools() -> None:
    for name, cc in objects(seed("gcp-serving"), "ComputeClass").items():
        assert cc["apiVersion"] == GKE["compute_class_api_version"], name
        spec = cc["spec"]
        assert spec["activeMigration"] == {"optimizeRulePriority": True}, (
            f"{name}: back to the preferred option"
        )
        assert spec["whenUnsatisfiable"] == "DoNotScaleUp", (
            f"{name}: a pod no listed option can place stays Pending, never lands on unlisted capacity"
        )
        assert spec["whenUnsatisfiable"] in GKE["when_unsatisfiable"]
        assert spec["nodePoolAutoCreation"] == {"enabled": False}, f"{name}: only the substrate's node pools"
        assert set(spec) == {"priorities", "activeMigration", "whenUnsatisfiable", "nodePoolAutoCreation"}
        for priority in spec["priorities"]:
            assert set(priority) == {"nodepools"} and priority["nodepools"], f"{name}: {priority}"


def test_a_single_option_gke_pool_gets_a_one_priority_class_over_its_own_node_pool() -> None:
    (cc,) = objects(render_seed("gcp-serving"), "ComputeClass").values()
    assert cc["metadata"]["name"] == "l4" and cc["spec"]["priorities"] == [{"nodepools": ["l4"]}]


def serving_selector(stack: str, appset: str, kind: str, path: tuple[str, ...]) -> dict[str, str]:
    """The nodeSelector a serving chart renders when given the contract's gpu_pool_selector."""
    app = render_seed(stack).app(appset)
    values = app.values()
    values["gpu"]["poolSelector"] = render_stack(stack).outputs["contract"]["gpu_pool_selector"]
    (source,) = app.sources
    rendered = render_chart(
        str(app.chart),
        values,
        release=source["helm"]["releaseName"],
        namespace=app.application["spec"]["destination"]["namespace"],
        kube_version=render_seed(stack).kube_version,
    )
    (obj,) = [o for o in rendered if o["kind"] == kind]
    for key in path:
        obj = obj[key]
    return dict(obj)


def test_serving_on_gke_selects_the_compute_class_and_on_eks_the_pool_label() -> None:
    """Decided by the contract's gpu_pool_selector, not by cloud name: the charts read the value."""
    deployment = ("spec", "template", "spec", "nodeSelector")
    assert serving_selector("gcp-serving", "vllm", "Deployment", deployment) == {
        GKE["compute_class_label"]: "l4"
    }
    assert serving_selector("aws-serving", "vllm", "Deployment", deployment) == {
        "llm-platform.io/gpu-pool": "l4"
    }
    predictor = ("spec", "predictor", "nodeSelector")
    assert serving_selector("gcp-full", "kserve-example", "InferenceService", predictor) == {
        GKE["compute_class_label"]: "l4"
    }


def test_compute_classes_render_only_for_gke_and_karpenter_nodepools_only_for_eks() -> None:
    assert not objects(render_seed("aws-serving"), "ComputeClass"), "ComputeClass is GKE's"
    assert not objects(render_seed("gcp-serving"), "NodePool"), "Karpenter runs on EKS only"


# ------------------------------------------------------------------------------------------------ EKS


def test_each_eks_option_is_a_nodepool_weighted_in_the_pools_order() -> None:
    pools = objects(seed("aws-serving"), "NodePool")
    assert set(pools) == {
        "gpu-l4-reservation",
        "gpu-l4-spot",
        "gpu-l4-on-demand",
        "gpu-h100-capacity-block",
        "gpu-h100-on-demand",
        "gpu-t4",
    }
    for chain in (
        ["gpu-l4-reservation", "gpu-l4-spot", "gpu-l4-on-demand"],
        ["gpu-h100-capacity-block", "gpu-h100-on-demand"],
    ):
        weights = [pools[n]["spec"]["weight"] for n in chain]
        assert weights == sorted(weights, reverse=True) and len(set(weights)) == len(weights), (
            f"{chain}: the first option weighs most (Karpenter tries the heaviest NodePool first): {weights}"
        )
        bounds = KARPENTER["nodepool_weight"]
        assert all(bounds["minimum"] <= w <= bounds["maximum"] for w in weights), weights


def requirement(nodepool: dict[str, Any], key: str) -> list[str] | None:
    found = [r["values"] for r in nodepool["spec"]["template"]["spec"]["requirements"] if r["key"] == key]
    return found[0] if found else None


def test_each_eks_nodepool_buys_exactly_its_options_capacity_type() -> None:
    pools = objects(seed("aws-serving"), "NodePool")
    expected = {
        "gpu-l4-reservation": (["reserved"], ["default"]),
        "gpu-l4-spot": (["spot"], None),
        "gpu-l4-on-demand": (["on-demand"], None),
        "gpu-h100-capacity-block": (["reserved"], ["capacity-block"]),
        "gpu-h100-on-demand": (["on-demand"], None),
        "gpu-t4": (["spot"], None),
    }
    for name, (capacity_type, reservation_type) in expected.items():
        got = requirement(pools[name], "karpenter.sh/capacity-type")
        assert got == capacity_type, f"{name}: capacity-type {got}"
        assert set(got) <= set(KARPENTER["capacity_types"])
        rtype = requirement(pools[name], KARPENTER["reservation_type_label"])
        assert rtype == reservation_type, (
            f"{name}: an ODCR option takes ODCRs only, a Capacity Block option blocks"
        )
        if rtype:
            assert set(rtype) <= set(KARPENTER["reservation_types"])


def test_reserved_nodepools_consume_only_their_own_pools_reservations() -> None:
    render = seed("aws-serving")
    classes, pools = objects(render, "EC2NodeClass"), objects(render, "NodePool")
    assert set(classes) == {"gpu", "gpu-l4", "gpu-h100"}, "a shared class and one per pool with reservations"
    assert "capacityReservationSelectorTerms" not in classes["gpu"]["spec"], "the shared class selects none"
    terms = {n: classes[n]["spec"]["capacityReservationSelectorTerms"] for n in ("gpu-l4", "gpu-h100")}
    assert terms == {
        "gpu-l4": [{"id": "cr-0123456789abcdef0"}, {"id": "cr-0fedcba9876543210"}],
        "gpu-h100": [{"id": "cr-0aaaaaaaaaaaaaaa1"}],
    }, "each pool's ids only, from the contract"
    for name, cc in terms.items():
        assert len(cc) <= KARPENTER["reservation_terms_max"], name
        for term in cc:
            assert set(term) == {"id"} and re.fullmatch(KARPENTER["reservation_id_pattern"], term["id"]), term
        assert classes[name]["spec"]["role"] == classes["gpu"]["spec"]["role"], (
            "otherwise the same node class"
        )
    for name, nodepool in pools.items():
        ref = nodepool["spec"]["template"]["spec"]["nodeClassRef"]["name"]
        reserved = requirement(nodepool, "karpenter.sh/capacity-type") == ["reserved"]
        owner = nodepool["spec"]["template"]["metadata"]["labels"]["llm-platform.io/gpu-pool"]
        assert ref == (f"gpu-{owner}" if reserved else "gpu"), f"{name}: nodeClassRef {ref}"


def test_a_single_option_eks_pool_renders_todays_nodepool_unchanged() -> None:
    """No weight, no capacity label, today's name: a changed template would drift its nodes."""
    (today,) = objects(render_seed("aws-serving"), "NodePool").values()
    assert today["metadata"]["name"] == "gpu-l4"
    assert "weight" not in today["spec"]
    assert set(today["spec"]["template"]["metadata"]["labels"]) == {
        "llm-platform.io/gpu-pool",
        "llm-platform.io/accelerator",
    }
    assert requirement(today, "karpenter.sh/capacity-type") == ["spot"], "the fixture's l4 pool is spot: true"
    t4 = objects(seed("aws-serving"), "NodePool")["gpu-t4"]
    assert "weight" not in t4["spec"] and t4["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "gpu"


def test_multi_option_eks_nodepools_carry_the_capacity_label() -> None:
    for name, nodepool in objects(seed("aws-serving"), "NodePool").items():
        labels = nodepool["spec"]["template"]["metadata"]["labels"]
        if name != "gpu-t4":
            assert labels["llm-platform.io/capacity"] == name.split("-", 2)[2], name


# ------------------------------------------------------------------------------------------- the plan


def test_make_plan_shows_each_pools_fallback_chain_with_what_implements_it() -> None:
    gpu = {**stack_raw("gcp-serving")["gpu"], "pools": copy.deepcopy(GCP_POOLS)}
    text = "\n".join(checklist.to_text(checklist.cluster_facts(render_stack("gcp-serving", gpu=gpu))))
    chain = (
        "reservation (l4-reservation; reservations l4-commit) -> spot (l4-spot) -> on-demand (l4-on-demand)"
    )
    assert f"l4: {chain}" in text
    assert "h100: flex-start (h100-flex-start) -> on-demand (h100-on-demand)" in text
    gpu = {**stack_raw("aws-serving")["gpu"], "pools": copy.deepcopy(AWS_POOLS)}
    text = "\n".join(checklist.to_text(checklist.cluster_facts(render_stack("aws-serving", gpu=gpu))))
    assert (
        "h100: capacity-block (gpu-h100-capacity-block; reservations cr-0aaaaaaaaaaaaaaa1) -> on-demand"
        in text
    )
    assert "Karpenter NodePools" in text


def test_a_chain_step_the_plan_does_not_register_is_flagged() -> None:
    facts = checklist.cluster_facts(render_stack("gcp-serving"))
    assert facts is not None
    chains = checklist.registered_chains(facts.chains, set())
    assert chains[0].steps[0].implemented_by == "l4: not registered"


# ------------------------------------------------------------------------------- the pool's ceiling

LIMITS = yaml.safe_load((Path(__file__).parent / "fixtures" / "capacity_limits_facts.yaml").read_text())


def ceiling(pool: dict[str, Any], sharing: int) -> dict[str, str]:
    """What Karpenter may count against one NodePool of `pool`: maxNodes nodes, and their GPUs as the
    device plugin advertises them (each physical GPU `sharing` times when time-sliced)."""
    nodes = pool.get("maxNodes", 1)
    return {"nodes": str(nodes), "nvidia.com/gpu": str(nodes * pool.get("acceleratorsPerNode", 1) * sharing)}


def test_every_eks_option_is_limited_to_its_pools_ceiling_rather_than_a_constant() -> None:
    """Karpenter limits each NodePool on its own (fixture: limits_scope), so each option gets the
    pool's whole ceiling: one option alone never passes maxNodes."""
    assert LIMITS["karpenter"]["limits_scope"] == "nodepool"
    sharing = (stack_raw("aws-serving")["gpu"].get("sharing") or {}).get("maxSharedClientsPerGpu", 1)
    expected = {p["name"]: ceiling(p, sharing) for p in AWS_POOLS}
    assert len({tuple(c.items()) for c in expected.values()}) == len(AWS_POOLS), "the fixture pools differ"
    pools = objects(seed("aws-serving"), "NodePool")
    for name, nodepool in pools.items():
        owner = nodepool["spec"]["template"]["metadata"]["labels"]["llm-platform.io/gpu-pool"]
        limits = nodepool["spec"]["limits"]
        assert limits == expected[owner], f"{name}: limited to pool {owner}'s ceiling, got {limits}"
        assert set(limits) <= set(LIMITS["karpenter"]["limit_keys"]), f"{name}: limits Karpenter counts"


def test_an_unshared_pools_gpu_ceiling_is_max_nodes_times_gpus_per_node() -> None:
    gpu = {k: v for k, v in stack_raw("aws-serving")["gpu"].items() if k != "sharing"}
    gpu["pools"] = copy.deepcopy(AWS_POOLS)
    rendering = render_stack("aws-serving", gpu=gpu)
    secret = cluster_secret(rendering)
    version = kube_version(rendering)
    render = SeedRender("aws-serving", secret, version, render_applications("aws-serving", secret, version))
    limits = objects(render, "NodePool")["gpu-h100-on-demand"]["spec"]["limits"]
    assert limits == ceiling(AWS_POOLS[1], 1), "without time-slicing a GPU counts once"


def test_the_contract_states_each_pools_node_and_gpu_ceiling() -> None:
    gpu = {**stack_raw("aws-serving")["gpu"], "pools": copy.deepcopy(AWS_POOLS)}
    contract = render_stack("aws-serving", gpu=gpu).outputs["contract"]
    assert contract["gpu_pool_max_nodes"] == ",".join(f"{p['name']}={p['maxNodes']}" for p in AWS_POOLS)
    assert contract["gpu_pool_max_gpus"] == ",".join(
        f"{p['name']}={p['maxNodes'] * p.get('acceleratorsPerNode', 1)}" for p in AWS_POOLS
    ), "physical GPUs: maxNodes x acceleratorsPerNode, whatever the sharing"


def test_the_nodepool_chart_refuses_a_contract_without_a_pools_ceiling() -> None:
    app = seed("aws-serving").app("karpenter-gpu-nodepools")
    values = app.values()
    (source,) = app.sources

    def render(**gpu: str) -> None:
        render_chart(
            str(app.chart),
            {**values, "gpu": {**values["gpu"], **gpu}},
            release=source["helm"]["releaseName"],
            namespace=app.application["spec"]["destination"]["namespace"],
            kube_version=seed("aws-serving").kube_version,
        )

    with pytest.raises(helm_python.HelmError, match=r"gpu\.poolMaxNodes \(from the contract\) is empty"):
        render(poolMaxNodes="")
    with pytest.raises(helm_python.HelmError, match='pool "t4": the contract gives it no ceiling'):
        render(poolMaxGpus="l4=16,h100=32")
