"""The real GcpClient's glue to Google's libraries, with the library clients replaced: no network.

What is pinned here is what the fake in test_preflight_gcp.py cannot show: which library call each
method makes and with what request, how answers are mapped (a NotFound is "no", anything else
raises), that every client gets the ADC credentials, and that a secret's versions are listed —
filtered to ENABLED — never accessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import google.auth
import google.cloud.dns
import pytest
from google.api_core import exceptions
from google.cloud import compute_v1, secretmanager, service_usage_v1

from substrate.gcp.preflight.client import ManagedZone, Quota, Zone
from substrate.gcp.preflight.google import GoogleClient

PROJECT = "acme-llm-prod"


class Credentials:
    def __init__(self, email: str | None = None) -> None:
        self.refreshed = False
        if email:
            self.service_account_email = email

    def refresh(self, request: Any) -> None:
        self.refreshed = True


@dataclass
class Recorder:
    """A library client class: records constructor credentials and each call."""

    answers: dict[str, Any]

    def __post_init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.credentials: list[Any] = []

    def __call__(self, credentials: Any = None, **_: Any) -> Recorder:
        self.credentials.append(credentials)
        return self

    def __getattr__(self, method: str) -> Any:
        if method not in self.answers:
            raise AttributeError(method)

        def call(**kwargs: Any) -> Any:
            self.calls.append((method, kwargs))
            answer = self.answers[method]
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> Credentials:
    credentials = Credentials()
    monkeypatch.setattr(google.auth, "default", lambda scopes: (credentials, PROJECT))
    return credentials


def test_credentials_are_resolved_and_refreshed_on_first_use(creds: Credentials) -> None:
    client = GoogleClient(PROJECT)
    assert not creds.refreshed, "constructing the client asks nothing"
    assert client.principal() == "user credentials (application-default login)"
    assert creds.refreshed, "an expired ADC fails the credentials check, not a later one"


def test_secret_state_lists_enabled_versions_and_never_accesses_one(
    creds: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Recorder({"get_secret": object(), "list_secret_versions": iter([object()])})
    monkeypatch.setattr(secretmanager, "SecretManagerServiceClient", library)
    state = GoogleClient(PROJECT).secret_state("hf-token")
    assert state.exists and state.has_value
    assert [c[0] for c in library.calls] == ["get_secret", "list_secret_versions"]
    request = library.calls[1][1]["request"]
    assert (
        request["parent"] == f"projects/{PROJECT}/secrets/hf-token" and request["filter"] == "state:ENABLED"
    )
    assert library.credentials == [creds], "every client uses the ADC credentials"


def test_a_secret_without_enabled_versions_has_no_value_and_a_missing_one_does_not_exist(
    creds: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = Recorder({"get_secret": object(), "list_secret_versions": iter([])})
    monkeypatch.setattr(secretmanager, "SecretManagerServiceClient", empty)
    assert GoogleClient(PROJECT).secret_state("hf-token").has_value is False
    missing = Recorder({"get_secret": exceptions.NotFound("no such secret")})
    monkeypatch.setattr(secretmanager, "SecretManagerServiceClient", missing)
    assert GoogleClient(PROJECT).secret_state("hf-token").exists is False
    denied = Recorder({"get_secret": exceptions.PermissionDenied("secretmanager.secrets.get")})
    monkeypatch.setattr(secretmanager, "SecretManagerServiceClient", denied)
    with pytest.raises(exceptions.PermissionDenied):
        GoogleClient(PROJECT).secret_state("hf-token")  # the check turns this into a FAIL


def test_add_secret_version_sends_the_bytes_as_the_payload(
    creds: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Recorder({"add_secret_version": object()})
    monkeypatch.setattr(secretmanager, "SecretManagerServiceClient", library)
    GoogleClient(PROJECT).add_secret_version("litellm-salt-key", b"v")
    [(_, kwargs)] = library.calls
    assert kwargs["request"] == {
        "parent": f"projects/{PROJECT}/secrets/litellm-salt-key",
        "payload": {"data": b"v"},
    }


def test_enabled_services_are_read_by_name(creds: Credentials, monkeypatch: pytest.MonkeyPatch) -> None:
    services = [SimpleNamespace(name="projects/123/services/compute.googleapis.com")]
    library = Recorder({"list_services": services})
    monkeypatch.setattr(service_usage_v1, "ServiceUsageClient", library)
    assert GoogleClient(PROJECT).enabled_services() == frozenset({"compute.googleapis.com"})
    assert library.calls[0][1]["request"].filter == "state:ENABLED"


def test_compute_answers_are_mapped_to_zones_quotas_and_offers(
    creds: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    region_url = "https://www.googleapis.com/compute/v1/projects/p/regions/"
    zones = Recorder(
        {
            "list": [
                SimpleNamespace(name="us-central1-b", region=region_url + "us-central1", status="UP"),
                SimpleNamespace(name="europe-west4-a", region=region_url + "europe-west4", status="UP"),
            ]
        }
    )
    quotas = SimpleNamespace(quotas=[SimpleNamespace(metric="NVIDIA_L4_GPUS", limit=8.0, usage=1.0)])
    monkeypatch.setattr(compute_v1, "ZonesClient", zones)
    monkeypatch.setattr(compute_v1, "RegionsClient", Recorder({"get": quotas}))
    monkeypatch.setattr(
        compute_v1, "AcceleratorTypesClient", Recorder({"list": [SimpleNamespace(name="nvidia-l4")]})
    )
    monkeypatch.setattr(compute_v1, "MachineTypesClient", Recorder({"get": exceptions.NotFound("no")}))
    client = GoogleClient(PROJECT)
    assert client.zones("us-central1") == [Zone("us-central1-b", "UP")], "zones of other regions are dropped"
    assert client.region_quotas("us-central1") == {"NVIDIA_L4_GPUS": Quota("NVIDIA_L4_GPUS", 8.0, 1.0)}
    assert client.accelerator_types("us-central1-b") == frozenset({"nvidia-l4"})
    assert client.has_machine_type("us-central1-b", "g2-standard-8") is False, "NotFound means not offered"


def test_a_managed_zone_is_read_with_its_name_servers(
    creds: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    class CloudZone:
        def __init__(self, name: str, exists: bool) -> None:
            self.name, self._exists = name, exists
            self.dns_name: str | None = None
            self.name_servers: list[str] | None = None

        def exists(self) -> bool:
            return self._exists

        def reload(self) -> None:
            self.dns_name, self.name_servers = "llm.acme.example.", ["ns-cloud-a1.googledomains.com."]

    class DnsClient:
        def __init__(self, project: str, credentials: Any) -> None:
            assert project == PROJECT and credentials is creds

        def zone(self, name: str) -> CloudZone:
            return CloudZone(name, exists=name == "llm")

    monkeypatch.setattr(google.cloud.dns, "Client", DnsClient)
    client = GoogleClient(PROJECT)
    assert client.managed_zone("llm") == ManagedZone(
        "llm", "llm.acme.example.", ("ns-cloud-a1.googledomains.com.",)
    )
    assert client.managed_zone("other") is None
