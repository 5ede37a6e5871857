"""EC2 capacity for the node groups: is each instance type sold in the stack's zones, is there quota?

Node groups span every zone the stack uses and launch only where the type is offered, so a type
offered in none of them never gets a node. EC2 quotas count vCPUs per instance family and market
(On-Demand / Spot); a pool at `maxNodes` needs `maxNodes x vCPUs` of its family's quota. The codes
are Service Quotas' (service `ec2`), checked against public usage and the Service Quotas console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from preflight.report import Outcome, failed, passed
from stacks.schema import StackConfig
from substrate.aws.preflight.account import planned_zones
from substrate.aws.preflight.clients import AwsClients

# (quota family, spot) -> (Service Quotas code, quota name); values are vCPUs.
EC2_VCPU_QUOTAS: dict[tuple[str, bool], tuple[str, str]] = {
    ("standard", False): ("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"),
    ("standard", True): ("L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests"),
    ("g", False): ("L-DB2E81BA", "Running On-Demand G and VT instances"),
    ("g", True): ("L-3819A6DF", "All G and VT Spot Instance Requests"),
    ("p", False): ("L-417A185B", "Running On-Demand P instances"),
    ("p", True): ("L-7212CCBC", "All P Spot Instance Requests"),
}
# Families under a standard letter with quotas of their own (Inferentia, Trainium, DL, HPC, Mac).
_OWN_QUOTA = ("inf", "trn", "dl", "hpc", "mac")
# The system node group holds 1 to 3 nodes per zone (substrate/aws/system_pool.py).
SYSTEM_NODES_PER_ZONE = 3


def quota_family(instance_type: str) -> str | None:
    family = instance_type.split(".", maxsplit=1)[0]
    if family.startswith(("g", "vt")):
        return "g"
    if family.startswith("p"):
        return "p"
    if not family.startswith(_OWN_QUOTA) and family[:1] in set("acdhimrtz"):
        return "standard"
    return None


@dataclass
class Demand:
    """What one quota must cover: (label, instance type, nodes) per node group."""

    family: str
    spot: bool
    groups: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def code(self) -> str:
        return EC2_VCPU_QUOTAS[(self.family, self.spot)][0]

    @property
    def quota_name(self) -> str:
        return EC2_VCPU_QUOTAS[(self.family, self.spot)][1]


def demands(config: StackConfig, gpu_types: Mapping[str, str]) -> tuple[list[Demand], list[str]]:
    """Demands by quota code, and the instance types no known quota covers."""
    assert config.aws is not None
    # Spot options draw on the spot quota; every other option launches On-Demand instances (reserved
    # ones included, counted here as an upper bound), each market covering the whole pool.
    groups: list[tuple[str, str, int, bool]] = [
        (f"pool {p.name}", gpu_types[p.name], p.max_nodes, spot)
        for p in config.gpu.pools
        for spot in dict.fromkeys(o == "spot" for o in p.capacity)
    ]
    system_nodes = SYSTEM_NODES_PER_ZONE * config.aws.availability_zones
    groups.append(("system pool", config.aws.system_instance_type, system_nodes, False))
    by_key: dict[tuple[str, bool], Demand] = {}
    unmapped: list[str] = []
    for label, instance_type, nodes, spot in groups:
        family = quota_family(instance_type)
        if family is None:
            unmapped.append(instance_type)
            continue
        by_key.setdefault((family, spot), Demand(family, spot)).groups.append((label, instance_type, nodes))
    return sorted(by_key.values(), key=lambda d: d.code), unmapped


def vcpus(clients: AwsClients, instance_types: set[str]) -> dict[str, int]:
    response = clients.ec2.describe_instance_types(InstanceTypes=sorted(instance_types))
    return {t["InstanceType"]: t["VCpuInfo"]["DefaultVCpus"] for t in response["InstanceTypes"]}


def check_quota(clients: AwsClients, demand: Demand) -> Outcome:
    per_type = vcpus(clients, {t for _, t, _ in demand.groups})
    parts = [f"{label} {n} x {t} ({per_type[t]} vCPUs)" for label, t, n in demand.groups]
    need = sum(n * per_type[t] for _, t, n in demand.groups)
    quota = clients.quotas.get_service_quota(ServiceCode="ec2", QuotaCode=demand.code)["Quota"]
    value = float(quota["Value"])
    if need <= value:
        return passed(
            f"{demand.quota_name} ({demand.code}): {value:g} vCPUs >= {need} at max ({'; '.join(parts)})"
        )
    return failed(
        f"{demand.quota_name} ({demand.code}): {value:g} vCPUs < {need} needed at max ({'; '.join(parts)}): "
        f"request an increase in Service Quotas (ec2, {demand.code}, {clients.region}) or lower maxNodes"
    )


def check_offered(clients: AwsClients, config: StackConfig, instance_type: str) -> Outcome:
    assert config.aws is not None
    chosen = [z["ZoneName"] for z in planned_zones(clients)[: config.aws.availability_zones]]
    offered: set[str] = set()
    paginator = clients.ec2.get_paginator("describe_instance_type_offerings")
    for page in paginator.paginate(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": [instance_type]}],
    ):
        offered |= {o["Location"] for o in page["InstanceTypeOfferings"]}
    usable = [z for z in chosen if z in offered]
    if not offered:
        return failed(
            f"{instance_type} is not offered in {clients.region}: pick a region that sells it, or another "
            "instance type (aws.instanceTypes / aws.systemInstanceType)"
        )
    if not usable:
        return failed(
            f"{instance_type} is offered in {', '.join(sorted(offered))}, none of them a zone the stack "
            f"uses ({', '.join(chosen)}): change aws.availabilityZones, the region, or the instance type"
        )
    missing = [z for z in chosen if z not in offered]
    note = f"; not in {', '.join(missing)}, where the group launches no node" if missing else ""
    return passed(f"{instance_type} is offered in {', '.join(usable)}{note}")
