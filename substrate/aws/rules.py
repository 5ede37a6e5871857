"""AWS's rules for the `aws` block, as pure functions: principals, instance types, capacity options.

The block's validators (substrate/aws/config.py) call these. Pure: no Pulumi, no pydantic.
"""

from __future__ import annotations

from collections.abc import Sequence

from stacks import capacity as capacity_rules
from stacks import text

PRINCIPAL = r"arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]{1,512}"
INSTANCE_TYPE = r"[a-z][a-z0-9-]*\.[a-z0-9]+"
# The system node group runs the x86_64 AL2023 AMI without accelerators: no Graviton (`m7g`),
# no GPU/accelerator families.
NOT_SYSTEM = (
    r"([a-z]+[0-9]+g[a-z]*|a1|g[0-9].*|gr[0-9].*|p[0-9].*|inf[0-9].*|trn[0-9].*|dl[0-9].*|vt1|f[0-9].*)\..*"
)


def principals(arns: list[str]) -> list[str]:
    # The cluster authenticates through access entries only and never bootstraps its creator (a flag
    # EKS can only set at creation), so these principals are the only way in, this program included.
    if not arns:
        raise ValueError(
            "at least one IAM role or user ARN is required: EKS access entries are the only way into "
            "the cluster (the creator gets no implicit admin), and the bootstrap runs as one of them"
        )
    for arn in arns:
        if not text.matches(PRINCIPAL, arn):
            raise ValueError(
                f"{text.shown(arn)} is not an IAM role or user ARN (arn:aws:iam::123456789012:role/NAME); "
                "for an assumed-role session give the role's ARN, not the sts session's"
            )
    text.unique(arns, "ARN", "each principal gets one access entry")
    return arns


def system_instance(value: str) -> str:
    text.token(value, "an instance type")
    if not text.matches(INSTANCE_TYPE, value) or text.matches(NOT_SYSTEM, value):
        raise ValueError(
            f"{text.shown(value)} is not an x86_64 general-purpose EC2 instance type for the system "
            "node group (e.g. m7i.xlarge); Graviton and accelerator families run other AMIs"
        )
    return value


# Capacity options an EKS GPU pool can be built with (stacks/capacity.py has the vocabulary).
CAPACITY_OPTIONS = ("reservation", "spot", "on-demand", "capacity-block")
CAPACITY_RESERVATION_ID = r"cr-[0-9a-f]{8,17}"
# The seed gives each pool with reservations an EC2NodeClass whose `capacityReservationSelectorTerms`
# hold one term per id; the CRD takes at most 30 (karpenter.k8s.aws_ec2nodeclasses.yaml, maxItems,
# aws/karpenter-provider-aws v1.14.1).
RESERVATIONS_PER_POOL_MAX = 30


def capacity(key: str, options: Sequence[str], reservations: Sequence[str]) -> list[str]:
    """Why EKS cannot build the pool at `key` with these capacity options and reservations."""
    found = capacity_rules.cloud_refusals(
        key,
        options,
        reservations,
        cloud="EKS builds; allowed on aws",
        allowed=CAPACITY_OPTIONS,
        reservation_pattern=CAPACITY_RESERVATION_ID,
        reservation_rule="an EC2 capacity reservation id (cr- and 8 to 17 lowercase hex digits, "
        "e.g. cr-0123456789abcdef0); Capacity Blocks have one too",
    )
    if len(reservations) > RESERVATIONS_PER_POOL_MAX:
        found.append(
            f"{key}.reservations: {len(reservations)} reservations; at most {RESERVATIONS_PER_POOL_MAX} "
            "per pool (Karpenter's EC2NodeClass selects at most 30 capacity reservations): split the "
            "pool, or drop reservations it does not need"
        )
    return found
