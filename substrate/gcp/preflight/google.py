"""GcpClient over Google's client libraries, with Application Default Credentials.

Every library is imported inside the method that needs it: importing preflight (tests, `make plan`)
loads none of them and needs no credentials. Credentials are resolved and refreshed on first use, so
missing or expired ADC is a failed check with gcloud's fix, not a crash at start-up. Each call has a
timeout; the checks turn any exception into a FAIL.

APIs and the permissions each call needs:
  principal           google.auth.default + token refresh             (none)
  project             Resource Manager projects.get                   resourcemanager.projects.get
  enabled_services    Service Usage services.list                     serviceusage.services.list
  zones               Compute zones.list                              compute.zones.list
  region_quotas       Compute regions.get                             compute.regions.get
  project_quotas      Compute projects.get                            compute.projects.get
  accelerator_types   Compute acceleratorTypes.list                   compute.acceleratorTypes.list
  has_machine_type    Compute machineTypes.get                        compute.machineTypes.get
  managed_zone        Cloud DNS managedZones.get                      dns.managedZones.get
  reservation         Compute reservations.get                        compute.reservations.get
  secret_state        Secret Manager secrets.get, versions.list       secretmanager.secrets.get,
                                                                      secretmanager.versions.list
  add_secret_version  Secret Manager versions.add (seed-secrets)      secretmanager.versions.add
"""

from __future__ import annotations

from typing import Any

from preflight.secret_store import SecretState
from substrate.gcp.preflight.client import ManagedZone, Project, Quota, Reservation, Zone

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
TIMEOUT = 30.0

# Lazy imports are this module's point: see the docstring.
# ruff: noqa: PLC0415


class GoogleClient:
    def __init__(self, project: str) -> None:
        self._project = project
        self._credentials: Any = None

    def _creds(self) -> Any:
        if self._credentials is None:
            import google.auth
            from google.auth.transport.requests import Request

            credentials, _ = google.auth.default(scopes=[CLOUD_PLATFORM])
            credentials.refresh(Request())  # fails here, not later, when ADC is expired or revoked
            self._credentials = credentials
        return self._credentials

    def principal(self) -> str:
        credentials = self._creds()
        email = getattr(credentials, "service_account_email", None)
        return f"service account {email}" if email else "user credentials (application-default login)"

    def project(self) -> Project:
        from google.cloud import resourcemanager_v3

        client = resourcemanager_v3.ProjectsClient(credentials=self._creds())
        found = client.get_project(name=f"projects/{self._project}", timeout=TIMEOUT)
        return Project(found.project_id, found.name.rsplit("/", 1)[-1], found.state.name)

    def enabled_services(self) -> frozenset[str]:
        from google.cloud import service_usage_v1

        client = service_usage_v1.ServiceUsageClient(credentials=self._creds())
        request = service_usage_v1.ListServicesRequest(
            parent=f"projects/{self._project}", filter="state:ENABLED", page_size=200
        )
        return frozenset(
            s.name.rsplit("/", 1)[-1] for s in client.list_services(request=request, timeout=TIMEOUT)
        )

    def zones(self, region: str) -> list[Zone]:
        from google.cloud import compute_v1

        client = compute_v1.ZonesClient(credentials=self._creds())
        return sorted(
            (
                Zone(z.name, z.status)
                for z in client.list(project=self._project, timeout=TIMEOUT)
                if z.region.rsplit("/", 1)[-1] == region
            ),
            key=lambda z: z.name,
        )

    def region_quotas(self, region: str) -> dict[str, Quota]:
        from google.cloud import compute_v1

        client = compute_v1.RegionsClient(credentials=self._creds())
        found = client.get(project=self._project, region=region, timeout=TIMEOUT)
        return {q.metric: Quota(q.metric, q.limit, q.usage) for q in found.quotas}

    def project_quotas(self) -> dict[str, Quota]:
        from google.cloud import compute_v1

        client = compute_v1.ProjectsClient(credentials=self._creds())
        found = client.get(project=self._project, timeout=TIMEOUT)
        return {q.metric: Quota(q.metric, q.limit, q.usage) for q in found.quotas}

    def accelerator_types(self, zone: str) -> frozenset[str]:
        from google.cloud import compute_v1

        client = compute_v1.AcceleratorTypesClient(credentials=self._creds())
        return frozenset(a.name for a in client.list(project=self._project, zone=zone, timeout=TIMEOUT))

    def has_machine_type(self, zone: str, machine_type: str) -> bool:
        from google.api_core import exceptions
        from google.cloud import compute_v1

        client = compute_v1.MachineTypesClient(credentials=self._creds())
        try:
            client.get(project=self._project, zone=zone, machine_type=machine_type, timeout=TIMEOUT)
        except exceptions.NotFound:
            return False
        return True

    def managed_zone(self, name: str) -> ManagedZone | None:
        import google.cloud.dns as cloud_dns

        client = cloud_dns.Client(project=self._project, credentials=self._creds())
        zone = client.zone(name)
        if not zone.exists():
            return None
        zone.reload()
        return ManagedZone(zone.name, zone.dns_name or "", tuple(zone.name_servers or ()))

    def reservation(self, zone: str, name: str) -> Reservation | None:
        from google.api_core import exceptions
        from google.cloud import compute_v1

        client = compute_v1.ReservationsClient(credentials=self._creds())
        try:
            found = client.get(project=self._project, zone=zone, reservation=name, timeout=TIMEOUT)
        except exceptions.NotFound:
            return None
        specific = found.specific_reservation
        properties = specific.instance_properties
        return Reservation(
            name=found.name,
            zone=zone,
            status=found.status,
            # The API answers with the short name for reservations (a URL elsewhere): keep the last part.
            machine_type=properties.machine_type.rsplit("/", 1)[-1],
            accelerators=tuple(
                (a.accelerator_type.rsplit("/", 1)[-1], a.accelerator_count)
                for a in properties.guest_accelerators
            ),
            count=specific.count,
            in_use=specific.in_use_count,
        )

    def _secrets(self) -> Any:
        from google.cloud import secretmanager

        return secretmanager.SecretManagerServiceClient(credentials=self._creds())

    def _secret_path(self, secret_id: str) -> str:
        return f"projects/{self._project}/secrets/{secret_id}"

    def secret_state(self, secret_id: str) -> SecretState:
        from google.api_core import exceptions

        client, path = self._secrets(), self._secret_path(secret_id)
        try:
            client.get_secret(name=path, timeout=TIMEOUT)
        except exceptions.NotFound:
            return SecretState(exists=False)
        versions = client.list_secret_versions(
            request={"parent": path, "filter": "state:ENABLED", "page_size": 1}, timeout=TIMEOUT
        )
        return SecretState(exists=True, has_value=next(iter(versions), None) is not None)

    def add_secret_version(self, secret_id: str, data: bytes) -> None:
        self._secrets().add_secret_version(
            request={"parent": self._secret_path(secret_id), "payload": {"data": data}}, timeout=TIMEOUT
        )
