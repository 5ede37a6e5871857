"""`make doctor`: the checks for a stack, in the order a fork would fix them.

Composition only: which checks run for which config, each bound to its client. The credentials check
is the gate: without working credentials every other answer would be an error, so they are reported
as not checked (failures) instead of a dozen copies of the same message.
"""

from __future__ import annotations

from functools import partial

from preflight import (
    aws_account,
    aws_capacity,
    aws_dns,
    aws_eks,
    aws_reservations,
    gcp_checks,
    gcp_reservations,
)
from preflight.aws_clients import AwsClients
from preflight.aws_secrets import SecretsManagerStore
from preflight.delegation import Resolver
from preflight.gcp import GcpClient, GcpSecretStore
from preflight.report import Check, Outcome, failed
from preflight.secret_store import SecretStore, check_secret
from stacks.accelerators import accelerator
from stacks.machines import eks_instance
from stacks.schema import StackConfig


def _secret_checks(config: StackConfig, store: SecretStore, stack: str) -> list[Check]:
    repo = config.gitops.credentials_secret
    return [
        Check(f"secret {s.name}", partial(check_secret, store, s.name, stack, repo)) for s in config.secrets
    ]


def for_aws(
    config: StackConfig, clients: AwsClients, resolve: Resolver, stack: str
) -> tuple[Check, list[Check]]:
    assert config.aws is not None
    gpu_types = {p.name: eks_instance(p, config.aws.instance_types) for p in config.gpu.pools}
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
            partial(aws_capacity.check_offered, clients, config, config.aws.system_instance_type),
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
    store = SecretsManagerStore(clients.secrets, config.cluster.name, clients.region)
    return gate, checks + _secret_checks(config, store, stack)


def _unmapped(instance_type: str) -> Outcome:
    return failed(
        f"doctor knows no vCPU quota for {instance_type}'s family: check it in Service Quotas (ec2) by hand"
    )


def for_gcp(
    config: StackConfig, client: GcpClient, resolve: Resolver, stack: str
) -> tuple[Check, list[Check]]:
    assert config.gcp is not None
    gate = Check("gcp credentials", partial(gcp_checks.check_credentials, client))
    checks = [
        Check("gcp project", partial(gcp_checks.check_project, client, config)),
        Check("gcp apis", partial(gcp_checks.check_apis, client, config)),
        Check("gcp region", partial(gcp_checks.check_region, client, config)),
        *(
            Check(
                f"gcp pool {p.name}",
                partial(
                    gcp_checks.check_machines,
                    client,
                    config,
                    gcp_checks.machine_for(config, p),
                    accelerator(p.accelerator).gke_type,
                ),
            )
            for p in config.gpu.pools
        ),
        Check(
            "gcp system pool",
            partial(gcp_checks.check_machines, client, config, config.gcp.system_machine_type, None),
        ),
        *(
            Check(
                f"gcp quota {metric}", partial(gcp_checks.check_regional_quota, client, config, metric, pools)
            )
            for metric, pools in gcp_checks.gpu_demand(config).items()
        ),
        Check(f"gcp quota {gcp_checks.ALL_REGIONS}", partial(gcp_checks.check_global_quota, client, config)),
        *(
            Check(f"gcp reservation {r}", partial(gcp_reservations.check_reservation, client, config, p, r))
            for p in config.gpu.pools
            for r in p.reservations
        ),
        Check("gcp dns", partial(gcp_checks.check_dns, client, config, resolve)),
    ]
    store = GcpSecretStore(client, config.gcp.project)
    return gate, checks + _secret_checks(config, store, stack)
