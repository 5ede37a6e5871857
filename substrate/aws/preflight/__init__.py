"""`make doctor` and `make seed-secrets` on an AWS stack: the checks, the client, the secret store.

Composition only: which checks run, each bound to the stack's clients (this package's modules hold them).
The preflight CLI finds this module through the registry (clouds/) and calls `client`, `doctor` and
`secret_store`; `CONNECT` is the default client factory, replaced in tests through `cli.main(aws=...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from preflight.delegation import Resolver
from preflight.report import Check, Outcome, failed
from preflight.secret_store import SecretStore
from stacks.schema import StackConfig
from substrate.aws.config import block
from substrate.aws.offers import eks_instance
from substrate.aws.preflight import account as aws_account
from substrate.aws.preflight import capacity as aws_capacity
from substrate.aws.preflight import dns as aws_dns
from substrate.aws.preflight import eks as aws_eks
from substrate.aws.preflight import reservations as aws_reservations
from substrate.aws.preflight.clients import AwsClients, connect
from substrate.aws.preflight.secrets import SecretsManagerStore

CONNECT: Callable[[str], AwsClients] = connect


def client(config: StackConfig, connect_to: Callable[[str], AwsClients]) -> AwsClients:
    """The stack's clients, from `connect_to(region)`."""
    return connect_to(block(config).region)


def secret_store(config: StackConfig, clients: AwsClients) -> SecretStore:
    return SecretsManagerStore(clients.secrets, config.cluster.name, clients.region)


def for_aws(
    config: StackConfig, clients: AwsClients, resolve: Resolver, stack: str
) -> tuple[Check, list[Check]]:
    aws = block(config)
    gpu_types = {p.name: eks_instance(p, aws.instance_types) for p in config.gpu.pools}
    demands, unmapped = aws_capacity.demands(config, gpu_types)
    gate = Check("aws credentials", partial(aws_account.check_credentials, clients, config))
    checks = [
        Check("aws deployer", partial(aws_account.check_deployer, clients, config)),
        Check("aws zones", partial(aws_account.check_zones, clients, config)),
        Check("aws eks version", partial(aws_eks.check_version, clients, config)),
        *(
            Check(f"aws pool {name}", partial(aws_capacity.check_offered, clients, config, itype))
            for name, itype in gpu_types.items()
        ),
        Check(
            "aws system pool",
            partial(aws_capacity.check_offered, clients, config, aws.system_instance_type),
        ),
        *(Check(f"aws quota {d.code}", partial(aws_capacity.check_quota, clients, d)) for d in demands),
        *(Check(f"aws quota {t}", partial(_unmapped, t)) for t in unmapped),
        *(
            Check(f"aws reservation {r}", partial(aws_reservations.check_reservation, clients, config, p, r))
            for p in config.gpu.pools
            for r in p.reservations
        ),
        Check("aws dns", partial(aws_dns.check_dns, clients, config, resolve)),
    ]
    return gate, checks


def _unmapped(instance_type: str) -> Outcome:
    return failed(
        f"doctor knows no vCPU quota for {instance_type}'s family: check it in Service Quotas (ec2) by hand"
    )


doctor = for_aws
