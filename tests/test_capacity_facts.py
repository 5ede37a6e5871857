"""What each capacity option draws on, held to the upstream facts in tests/fixtures/capacity_facts.yaml
and to botocore's ec2 model: the quota the doctor counts per option, and the reservation kinds and
states it accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import yaml

from stacks import loader
from stacks.schema import GpuPool, StackConfig
from substrate.aws.preflight import capacity as aws_capacity
from substrate.aws.preflight import reservations as aws_reservations
from substrate.gcp.preflight import checks as gcp_checks
from tests.stack_fixtures import stack_raw

FACTS = yaml.safe_load((Path(__file__).parent / "fixtures" / "capacity_facts.yaml").read_text())


def _pool(stack: str, **keys: Any) -> StackConfig:
    raw = stack_raw(stack)
    first = {k: v for k, v in raw["gpu"]["pools"][0].items() if k != "spot"}
    raw["gpu"]["pools"][0] = first | keys
    return loader.validate(raw)


def _first(stack: str, **keys: Any) -> GpuPool:
    return _pool(stack, **keys).gpu.pools[0]


def test_spot_and_flex_start_draw_on_the_same_preemptible_gpu_quota() -> None:
    assert FACTS["gce"]["flex_start_quota"] == "preemptible"
    assert gcp_checks.quota_metrics(_first("gcp-full", capacity=["flex-start"])) == [
        "PREEMPTIBLE_NVIDIA_L4_GPUS"
    ]
    both = gcp_checks.quota_metrics(_first("gcp-full", capacity=["flex-start", "spot", "on-demand"]))
    assert both == ["PREEMPTIBLE_NVIDIA_L4_GPUS", "NVIDIA_L4_GPUS"], "one preemptible metric for both, once"


def test_reserved_gke_nodes_draw_on_no_regional_gpu_quota_but_their_fallback_does() -> None:
    reserved = {"reservations": ["l4-commit"]}
    assert gcp_checks.quota_metrics(_first("gcp-full", capacity=["reservation"], **reserved)) == []
    chain = _first("gcp-full", capacity=["reservation", "on-demand"], **reserved)
    assert gcp_checks.quota_metrics(chain) == ["NVIDIA_L4_GPUS"], "the on-demand fallback must fit the pool"


def test_an_eks_pool_with_spot_and_on_demand_options_is_counted_on_both_quotas() -> None:
    config = _pool("aws-full", capacity=["spot", "on-demand"])
    demands, _ = aws_capacity.demands(config, {"l4": "g6.2xlarge", "h100-spot": "p5.48xlarge"})
    g = {d.code: d.groups for d in demands if d.family == "g"}
    assert g == {
        "L-3819A6DF": [("pool l4", "g6.2xlarge", 8)],
        "L-DB2E81BA": [("pool l4", "g6.2xlarge", 8)],
    }, "either market may end up holding the whole pool"


def test_the_reservation_kinds_and_state_doctor_accepts_are_botocores() -> None:
    shape = botocore.session.get_session().get_service_model("ec2").shape_for("CapacityReservation")
    kinds = set(shape.members["ReservationType"].enum)
    assert set(aws_reservations.RESERVATION_TYPES.values()) == kinds == set(FACTS["ec2"]["reservation_types"])
    assert FACTS["ec2"]["usable_state"] in shape.members["State"].enum
