"""The seam between the GCP checks and Google's APIs: the few read calls they make, one project.

`GcpClient` is what the checks need and nothing more; `substrate/gcp/preflight/google.py` implements it with
Google's client libraries (imported lazily: tests and `make plan` need neither them nor credentials),
and the tests implement it with a fake. No method returns a secret's payload: `secret_state` reads
version metadata only, and `add_secret_version` writes without reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from preflight.secret_store import SecretState


@dataclass(frozen=True)
class Project:
    project_id: str
    number: str
    state: str  # ACTIVE | DELETE_REQUESTED | ...


@dataclass(frozen=True)
class Quota:
    metric: str
    limit: float
    usage: float


@dataclass(frozen=True)
class Zone:
    name: str
    status: str  # UP | DOWN


@dataclass(frozen=True)
class ManagedZone:
    name: str
    dns_name: str  # with the trailing dot, as Cloud DNS returns it
    name_servers: tuple[str, ...]


@dataclass(frozen=True)
class Reservation:
    """A zonal Compute Engine reservation, as `reservations.get` describes it."""

    name: str
    zone: str
    status: str  # READY | CREATING | UPDATING | DELETING
    machine_type: str
    # (accelerator type, count per VM) attached on top of the machine type; empty for G2/A2/A3 shapes
    accelerators: tuple[tuple[str, int], ...]
    count: int
    in_use: int


class GcpClient(Protocol):
    """Read calls against one project (plus Secret Manager's add-version for seed-secrets)."""

    def principal(self) -> str:
        """Who Application Default Credentials authenticate as; raises when there are none."""
        ...

    def project(self) -> Project: ...

    def enabled_services(self) -> frozenset[str]: ...

    def zones(self, region: str) -> list[Zone]: ...

    def region_quotas(self, region: str) -> dict[str, Quota]: ...

    def project_quotas(self) -> dict[str, Quota]: ...

    def accelerator_types(self, zone: str) -> frozenset[str]: ...

    def has_machine_type(self, zone: str, machine_type: str) -> bool: ...

    def managed_zone(self, name: str) -> ManagedZone | None: ...

    def reservation(self, zone: str, name: str) -> Reservation | None:
        """The reservation `name` in `zone`; None when that zone has none of that name."""
        ...

    def secret_state(self, secret_id: str) -> SecretState: ...

    def add_secret_version(self, secret_id: str, data: bytes) -> None: ...


class GcpSecretStore:
    """Secret Manager as a SecretStore: secrets are named as in config, in the stack's project."""

    def __init__(self, client: GcpClient, project: str) -> None:
        self._client, self._project = client, project

    def where(self, name: str) -> str:
        return f"Secret Manager secret {name} (project {self._project})"

    def state(self, name: str) -> SecretState:
        return self._client.secret_state(name)

    def add_value(self, name: str, value: str) -> None:
        self._client.add_secret_version(name, value.encode())

    def add_command(self, name: str) -> str:
        return (
            f'printf %s "$VALUE" | gcloud secrets versions add {name} --project {self._project} --data-file=-'
        )
