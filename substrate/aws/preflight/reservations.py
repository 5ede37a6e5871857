"""EC2 capacity reservations an EKS pool names: each must be usable by the pool's nodes, and say how
much of it is free.

One `DescribeCapacityReservations` per id, so one missing id does not hide the others (EC2 refuses
the whole call for an unknown id). The reservation must be `active`, in one of the stack's zones,
reserve the pool's instance type for Linux, and be of the kind the pool's options consume:
`default` (an On-Demand Capacity Reservation) for `reservation`, `capacity-block` for
`capacity-block`. Free is `AvailableInstanceCount`.
"""

from __future__ import annotations

from preflight.report import Outcome, failed, passed
from stacks.schema import GpuPool, StackConfig
from substrate.aws.offers import eks_instance
from substrate.aws.preflight.account import planned_zones
from substrate.aws.preflight.clients import AwsClients

# capacity option -> the ReservationType it consumes (botocore ec2 model: default | capacity-block)
RESERVATION_TYPES = {"reservation": "default", "capacity-block": "capacity-block"}
LINUX = "Linux/UNIX"


def check_reservation(
    clients: AwsClients, config: StackConfig, pool: GpuPool, reservation_id: str
) -> Outcome:
    assert config.aws is not None
    response = clients.ec2.describe_capacity_reservations(CapacityReservationIds=[reservation_id])
    listed = response.get("CapacityReservations", [])
    if not listed:
        return failed(f"EC2 lists no capacity reservation {reservation_id} in {clients.region}")
    r = listed[0]
    zones = [z["ZoneName"] for z in planned_zones(clients)[: config.aws.availability_zones]]
    instance = eks_instance(pool, config.aws.instance_types)
    kind = r.get("ReservationType", "default")
    wanted = sorted({RESERVATION_TYPES[o] for o in pool.capacity if o in RESERVATION_TYPES})
    problems = []
    if r["State"] != "active":
        problems.append(f"is {r['State']}, not active")
    if r["InstanceType"] != instance:
        problems.append(f"reserves {r['InstanceType']}, not pool {pool.name}'s {instance}")
    if r["AvailabilityZone"] not in zones:
        problems.append(f"is in {r['AvailabilityZone']}, not one of the stack's zones ({', '.join(zones)})")
    if r.get("InstancePlatform", LINUX) != LINUX:
        problems.append(f"is for {r['InstancePlatform']}, not {LINUX} (EKS nodes)")
    if kind not in wanted:
        options = ", ".join(o for o in pool.capacity if o in RESERVATION_TYPES)
        problems.append(f"is a {kind} reservation, which capacity [{options}] does not consume")
    if problems:
        return failed(
            f"{reservation_id} {'; '.join(problems)}: pool {pool.name} cannot consume it; fix the "
            "reservation, the pool or gpu.pools[].reservations"
        )
    free, total = r["AvailableInstanceCount"], r["TotalInstanceCount"]
    note = "" if free else f"; none free, so pool {pool.name} falls back to its next option"
    where = r["AvailabilityZone"]
    return passed(f"{reservation_id} ({kind}) reserves {instance} in {where}: {free} of {total} free{note}")
