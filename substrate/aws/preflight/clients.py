"""The boto3 clients one doctor or seed run uses, for the stack's region.

Built from the ambient credential chain (environment, profile, SSO, instance role) — the same one
`pulumi up` uses — with bounded retries and timeouts, so a throttled or unreachable API becomes a
failed check within seconds rather than a hang. Tests build the same record over moto and Stubber.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AwsClients:
    region: str
    sts: Any
    ec2: Any
    quotas: Any  # service-quotas
    route53: Any
    secrets: Any  # secretsmanager
    # Last and optional only so clients built for checks that never ask EKS (seed, the secret checks)
    # stay valid; doctor's version check fails closed on None like on any other error.
    eks: Any = None


def connect(region: str) -> AwsClients:
    import boto3  # noqa: PLC0415 - keep `import preflight` free of SDK start-up
    from botocore.config import Config  # noqa: PLC0415

    session = boto3.Session(region_name=region)
    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=20)

    def client(service: str) -> Any:
        return session.client(service, region_name=region, config=config)

    return AwsClients(
        region=region,
        sts=client("sts"),
        ec2=client("ec2"),
        quotas=client("service-quotas"),
        route53=client("route53"),
        secrets=client("secretsmanager"),
        eks=client("eks"),
    )
