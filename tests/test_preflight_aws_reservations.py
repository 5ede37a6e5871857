"""`make doctor` on the EC2 capacity reservations an EKS pool names: an ODCR and a Capacity Block that
fit, absent, of another instance type, platform or kind, expired, outside the stack's zones, and
unreadable (each unknown answer a FAIL).

EC2 answers through botocore's Stubber, which checks each request and answer against botocore's ec2
model. No network.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from preflight.report import FAIL, PASS, Check, run_check
from stacks import loader
from stacks.schema import StackConfig
from substrate.aws import preflight as doctor
from substrate.aws.preflight import reservations as aws_reservations
from substrate.aws.preflight.clients import AwsClients
from tests.preflight_aws_fakes import SESSION
from tests.stack_fixtures import stack_raw

CR = "cr-0123456789abcdef0"
BLOCK = "cr-0fedcba9876543210"
AWS_REGION = "us-east-2"


def _resolver(name: str) -> frozenset[str]:
    return frozenset()


ZONES = [{"ZoneName": f"{AWS_REGION}{s}", "State": "available"} for s in "abc"]


def aws_config(capacity: list[str], reservations: list[str], **aws: Any) -> StackConfig:
    raw = stack_raw("aws-full")
    first = {k: v for k, v in raw["gpu"]["pools"][0].items() if k != "spot"}
    raw["gpu"]["pools"][0] = first | {"capacity": capacity, "reservations": reservations}
    raw["aws"] |= aws
    return loader.validate(raw)


def odcr(reservation_id: str = CR, **changes: Any) -> dict[str, Any]:
    """An On-Demand Capacity Reservation that fits aws-full's l4 pool (g6.2xlarge)."""
    return {
        "CapacityReservationId": reservation_id,
        "InstanceType": "g6.2xlarge",
        "InstancePlatform": "Linux/UNIX",
        "AvailabilityZone": f"{AWS_REGION}a",
        "TotalInstanceCount": 4,
        "AvailableInstanceCount": 3,
        "State": "active",
        "ReservationType": "default",
        **changes,
    }


@pytest.fixture
def ec2() -> Stubber:
    client = SESSION.client(
        "ec2", region_name=AWS_REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stub = Stubber(client)
    stub.activate()
    return stub


def answers(stub: Stubber, *reservations: dict[str, Any], reservation_id: str = CR) -> None:
    stub.add_response(
        "describe_capacity_reservations",
        {"CapacityReservations": list(reservations)},
        {"CapacityReservationIds": [reservation_id]},
    )
    stub.add_response(
        "describe_availability_zones",
        {"AvailabilityZones": ZONES},
        {"Filters": [{"Name": "opt-in-status", "Values": ["opt-in-not-required"]}]},
    )


def eks_check(stub: Stubber, config: StackConfig, reservation_id: str = CR) -> Check:
    clients = AwsClients(AWS_REGION, sts=None, ec2=stub.client, quotas=None, route53=None, secrets=None)
    pool = config.gpu.pools[0]
    return Check(
        f"aws reservation {reservation_id}",
        lambda: aws_reservations.check_reservation(clients, config, pool, reservation_id),
    )


RESERVED = (["reservation", "on-demand"], [CR])


def test_a_fitting_capacity_reservation_passes_and_says_how_much_is_free(ec2: Stubber) -> None:
    answers(ec2, odcr())
    result = run_check(eks_check(ec2, aws_config(*RESERVED)))
    assert result.status == PASS, result.message
    assert f"{CR} (default) reserves g6.2xlarge in {AWS_REGION}a: 3 of 4 free" in result.message
    ec2.assert_no_pending_responses()


def test_a_capacity_block_passes_for_a_capacity_block_option(ec2: Stubber) -> None:
    block = odcr(BLOCK, ReservationType="capacity-block", AvailableInstanceCount=0)
    answers(ec2, block, reservation_id=BLOCK)
    result = run_check(eks_check(ec2, aws_config(["capacity-block", "on-demand"], [BLOCK]), BLOCK))
    assert result.status == PASS, result.message
    assert "none free, so pool l4 falls back to its next option" in result.message


def test_a_capacity_reservation_ec2_does_not_have_fails(ec2: Stubber) -> None:
    ec2.add_client_error(
        "describe_capacity_reservations",
        "InvalidCapacityReservationId.NotFound",
        f"The capacity reservation ID '{CR}' does not exist",
    )
    result = run_check(eks_check(ec2, aws_config(*RESERVED)))
    assert result.status == FAIL and "InvalidCapacityReservationId.NotFound" in result.message
    ec2.add_response("describe_capacity_reservations", {"CapacityReservations": []})
    empty = run_check(eks_check(ec2, aws_config(*RESERVED)))
    assert empty.status == FAIL and f"EC2 lists no capacity reservation {CR}" in empty.message


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"InstanceType": "p5.48xlarge"}, "reserves p5.48xlarge, not pool l4's g6.2xlarge"),
        ({"InstancePlatform": "Windows"}, "is for Windows, not Linux/UNIX"),
        ({"State": "expired"}, "is expired, not active"),
        (
            {"ReservationType": "capacity-block"},
            "is a capacity-block reservation, which capacity [reservation]",
        ),
    ],
    ids=["another instance type", "another platform", "expired", "a Capacity Block for a reservation option"],
)
def test_a_capacity_reservation_the_pool_cannot_consume_fails(
    ec2: Stubber, changes: dict[str, Any], says: str
) -> None:
    answers(ec2, odcr(**changes))
    result = run_check(eks_check(ec2, aws_config(*RESERVED)))
    assert result.status == FAIL and says in result.message, result.message


def test_a_capacity_reservation_outside_the_stacks_zones_fails(ec2: Stubber) -> None:
    answers(ec2, odcr(AvailabilityZone=f"{AWS_REGION}c"))
    result = run_check(eks_check(ec2, aws_config(*RESERVED, availabilityZones=2)))
    assert result.status == FAIL
    assert (
        f"is in {AWS_REGION}c, not one of the stack's zones ({AWS_REGION}a, {AWS_REGION}b)" in result.message
    )


@pytest.mark.parametrize("error", ["UnauthorizedOperation", "RequestLimitExceeded", "InternalError"])
def test_a_capacity_reservation_that_cannot_be_read_is_a_failure(ec2: Stubber, error: str) -> None:
    ec2.add_client_error("describe_capacity_reservations", error, "no answer")
    result = run_check(eks_check(ec2, aws_config(*RESERVED)))
    assert result.status == FAIL and error in result.message, "an unknown answer is a FAIL naming the error"


def test_doctor_checks_each_named_capacity_reservation_and_none_for_pools_without(ec2: Stubber) -> None:
    clients = AwsClients(AWS_REGION, sts=None, ec2=ec2.client, quotas=None, route53=None, secrets=None)
    config = aws_config(["reservation", "capacity-block", "on-demand"], [CR, BLOCK])
    _, checks = doctor.for_aws(config, clients, _resolver, "aws-full")
    assert [c.name for c in checks if "reservation" in c.name] == [
        f"aws reservation {CR}",
        f"aws reservation {BLOCK}",
    ], "one check per id, in the order listed"
    _, plain = doctor.for_aws(loader.validate(stack_raw("aws-full")), clients, _resolver, "aws-full")
    assert not [c for c in plain if "reservation" in c.name], "a pool naming no reservation adds no check"
