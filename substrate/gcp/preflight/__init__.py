"""`make doctor` and `make seed-secrets` on a GCP stack: the checks, the client, the secret store.

Composition only: which checks run, each bound to the stack's client (this package's modules hold them).
The preflight CLI finds this module through the registry (clouds/) and calls `client`, `doctor` and
`secret_store`; `CONNECT` is the default client factory, replaced in tests through `cli.main(gcp=...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from preflight.delegation import Resolver
from preflight.report import Check
from preflight.secret_store import SecretStore
from stacks.accelerators import accelerator
from stacks.schema import StackConfig
from substrate.gcp.config import block
from substrate.gcp.preflight import checks as gcp_checks
from substrate.gcp.preflight import reservations as gcp_reservations
from substrate.gcp.preflight.client import GcpClient, GcpSecretStore
from substrate.gcp.preflight.google import GoogleClient

CONNECT: Callable[[str], GcpClient] = GoogleClient


def client(config: StackConfig, connect_to: Callable[[str], GcpClient]) -> GcpClient:
    """The stack's client, from `connect_to(project)`."""
    return connect_to(block(config).project)


def secret_store(config: StackConfig, client: GcpClient) -> SecretStore:
    return GcpSecretStore(client, block(config).project)


def for_gcp(
    config: StackConfig, client: GcpClient, resolve: Resolver, stack: str
) -> tuple[Check, list[Check]]:
    gcp = block(config)
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
            partial(gcp_checks.check_machines, client, config, gcp.system_machine_type, None),
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
    return gate, checks


doctor = for_gcp
