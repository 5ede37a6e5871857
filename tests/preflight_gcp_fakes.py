"""A fake GcpClient for the doctor's and seed-secrets' tests: a ready fixture gcp-full project, as plain data.

`errors` makes any method raise, standing in for PermissionDenied, a disabled API or a timeout.
Shared by the preflight test files; tests import it, never each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from preflight.secret_store import SecretState
from substrate.gcp.apis import REQUIRED_APIS
from substrate.gcp.preflight.client import ManagedZone, Project, Quota, Zone

PROJECT, REGION, DOMAIN = "acme-llm-prod", "us-central1", "llm.acme.example"
ZONE_NS = ("ns-cloud-a1.googledomains.com.", "ns-cloud-a2.googledomains.com.")
PARENT_NS = {"acme.example": ["ns1.registrar.example"]}
LINE = re.compile(r"^(PASS|FAIL)\s+(\S+(?: \S+)*?)\s{2,}")


def _zone_offers() -> dict[str, set[str]]:
    full = {"nvidia-l4", "nvidia-h100-80gb", "g2-standard-8", "a3-highgpu-8g", "e2-standard-4"}
    return {f"{REGION}-{s}": set(full) for s in "abc"} | {f"{REGION}-f": {"e2-standard-4", "nvidia-l4"}}


@dataclass
class FakeGcp:
    """Everything a ready gcp-full project answers; tests change one field to break one check."""

    state: str = "ACTIVE"
    services: set[str] = field(default_factory=lambda: set(REQUIRED_APIS))
    zone_status: dict[str, str] = field(default_factory=lambda: {f"{REGION}-{s}": "UP" for s in "abcf"})
    offers: dict[str, set[str]] = field(default_factory=_zone_offers)
    regional: dict[str, float] = field(
        default_factory=lambda: {"NVIDIA_L4_GPUS": 8, "PREEMPTIBLE_NVIDIA_H100_GPUS": 16, "CPUS": 96}
    )
    global_gpus: float | None = 24
    dns_zones: dict[str, ManagedZone] = field(default_factory=dict)
    secrets: dict[str, SecretState] = field(default_factory=dict)
    added: list[tuple[str, bytes]] = field(default_factory=list)
    errors: dict[str, Exception] = field(default_factory=dict)

    def _answer(self, method: str) -> None:
        if method in self.errors:
            raise self.errors[method]

    def principal(self) -> str:
        self._answer("principal")
        return "service account deployer@acme-llm-prod.iam.gserviceaccount.com"

    def project(self) -> Project:
        self._answer("project")
        return Project(PROJECT, "123456789", self.state)

    def enabled_services(self) -> frozenset[str]:
        self._answer("enabled_services")
        return frozenset(self.services)

    def zones(self, region: str) -> list[Zone]:
        self._answer("zones")
        return [Zone(z, s) for z, s in sorted(self.zone_status.items()) if z.startswith(region)]

    def region_quotas(self, region: str) -> dict[str, Quota]:
        self._answer("region_quotas")
        return {m: Quota(m, limit, 0) for m, limit in self.regional.items()}

    def project_quotas(self) -> dict[str, Quota]:
        self._answer("project_quotas")
        return (
            {}
            if self.global_gpus is None
            else {"GPUS_ALL_REGIONS": Quota("GPUS_ALL_REGIONS", self.global_gpus, 0)}
        )

    def accelerator_types(self, zone: str) -> frozenset[str]:
        self._answer("accelerator_types")
        return frozenset(o for o in self.offers.get(zone, set()) if o.startswith("nvidia-"))

    def has_machine_type(self, zone: str, machine_type: str) -> bool:
        self._answer("has_machine_type")
        return machine_type in self.offers.get(zone, set())

    def managed_zone(self, name: str) -> ManagedZone | None:
        self._answer("managed_zone")
        return self.dns_zones.get(name)

    def secret_state(self, secret_id: str) -> SecretState:
        self._answer("secret_state")
        return self.secrets.get(secret_id, SecretState(exists=False))

    def add_secret_version(self, secret_id: str, data: bytes) -> None:
        self._answer("add_secret_version")
        self.added.append((secret_id, data))
        self.secrets[secret_id] = SecretState(exists=True, has_value=True)
