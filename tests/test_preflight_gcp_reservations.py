"""`make doctor` on the GCE reservations a GKE pool names: present, absent, mismatched machine or GPUs,
outside the pool's zones, not ready, and unreadable (each unknown answer a FAIL).

The fake seam (substrate/gcp/preflight/client.py) is extended here with `reservations.get` answers; the
real client's mapping of Compute's Reservation is checked with the library client replaced. No network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import google.auth
import pytest
import yaml
from google.api_core import exceptions
from google.cloud import compute_v1

from preflight import cli
from preflight.report import FAIL, PASS, Check, run_check
from preflight.secret_store import SecretState
from stacks import loader
from stacks.schema import StackConfig
from substrate.gcp.preflight import reservations as gcp_reservations
from substrate.gcp.preflight.client import Reservation
from substrate.gcp.preflight.google import GoogleClient
from tests.preflight_gcp_fakes import LINE, PARENT_NS, REGION, FakeGcp
from tests.stack_fixtures import stack_raw


@dataclass
class ReservingGcp(FakeGcp):
    """The ready fake project, plus reservations by (zone, name)."""

    reservations: dict[tuple[str, str], Reservation] = field(default_factory=dict)

    def reservation(self, zone: str, name: str) -> Reservation | None:
        self._answer("reservation")
        return self.reservations.get((zone, name))


def ready_gcp(*held: Reservation) -> ReservingGcp:
    names = [s["name"] for s in stack_raw("gcp-full")["secrets"]]
    fake = ReservingGcp(secrets={n: SecretState(exists=True, has_value=True) for n in names})
    fake.reservations = {(r.zone, r.name): r for r in held}
    return fake


def l4(zone: str = f"{REGION}-a", **changes: Any) -> Reservation:
    """A reservation that fits gcp-full's l4 pool (g2-standard-8, its L4 built in)."""
    base = Reservation("l4-commit", zone, "READY", "g2-standard-8", (), count=4, in_use=1)
    return Reservation(**{**base.__dict__, **changes})


def gcp_raw(**pool: Any) -> dict[str, Any]:
    raw = stack_raw("gcp-full")
    first = {k: v for k, v in raw["gpu"]["pools"][0].items() if k != "spot"}
    raw["gpu"]["pools"][0] = first | {"capacity": ["reservation", "on-demand"], "reservations": ["l4-commit"]}
    raw["gpu"]["pools"][0] |= pool
    return raw


def gcp_config(**pool: Any) -> StackConfig:
    return loader.validate(gcp_raw(**pool))


def gke_check(fake: ReservingGcp, config: StackConfig | None = None, name: str = "l4-commit") -> Check:
    config = config or gcp_config()
    pool = config.gpu.pools[0]
    return Check(
        f"gcp reservation {name}", lambda: gcp_reservations.check_reservation(fake, config, pool, name)
    )


def test_a_fitting_gce_reservation_passes_and_says_how_much_is_free() -> None:
    result = run_check(gke_check(ready_gcp(l4())))
    assert result.status == PASS, result.message
    assert f"{REGION}-a 3 of 4 free" in result.message, "free is count - inUseCount"


def test_a_reservation_in_several_of_the_pools_zones_is_counted_in_each() -> None:
    result = run_check(gke_check(ready_gcp(l4(), l4(f"{REGION}-c", count=2, in_use=2))))
    assert result.status == PASS
    assert f"{REGION}-a 3 of 4 free; {REGION}-c 0 of 2 free" in result.message


def test_a_fully_used_reservation_passes_and_says_the_pool_falls_back() -> None:
    result = run_check(gke_check(ready_gcp(l4(in_use=4))))
    assert result.status == PASS and "none free, so pool l4 falls back to its next option" in result.message


def test_a_gce_reservation_no_zone_holds_fails() -> None:
    result = run_check(gke_check(ready_gcp()))
    assert result.status == FAIL
    assert "no reservation l4-commit in any zone pool l4 uses" in result.message
    assert f"{REGION}-a, {REGION}-b, {REGION}-c" in result.message, "the zones looked in are named"


def test_a_gce_reservation_outside_the_pools_zones_fails_and_is_found_when_the_zone_is_used() -> None:
    fake = ready_gcp(l4(f"{REGION}-f"))
    wrong_zone = run_check(gke_check(fake))
    assert wrong_zone.status == FAIL and "list its zone in gcp.zones" in wrong_zone.message
    raw = gcp_raw()
    del raw["gcp"]["zones"]
    every_zone = run_check(gke_check(fake, loader.validate(raw)))
    assert every_zone.status == PASS, "without gcp.zones the pool may use every zone of the region, f too"


def test_a_gce_reservation_of_another_machine_type_fails_naming_both() -> None:
    result = run_check(gke_check(ready_gcp(l4(machine_type="g2-standard-24"))))
    assert result.status == FAIL
    assert "reserves g2-standard-24, not pool l4's g2-standard-8 with 1 x nvidia-l4" in result.message


def test_an_n1_reservation_must_attach_the_pools_gpus() -> None:
    t4 = {"accelerator": "nvidia-t4"}  # 1 per node: n1-standard-8 with a T4 attached
    fits = l4(machine_type="n1-standard-8", accelerators=(("nvidia-tesla-t4", 1),))
    assert run_check(gke_check(ready_gcp(fits), gcp_config(**t4))).status == PASS
    for wrong in ((("nvidia-tesla-v100", 1),), (("nvidia-tesla-t4", 2),), ()):
        held = l4(machine_type="n1-standard-8", accelerators=wrong)
        result = run_check(gke_check(ready_gcp(held), gcp_config(**t4)))
        assert result.status == FAIL, f"an N1 reservation with {wrong or 'no GPUs'} cannot hold the T4 pool"
        assert "not pool l4's n1-standard-8 with 1 x nvidia-tesla-t4" in result.message


def test_a_gce_reservation_not_ready_fails() -> None:
    result = run_check(gke_check(ready_gcp(l4(status="CREATING"))))
    assert result.status == FAIL and "is CREATING, not READY" in result.message


@pytest.mark.parametrize(
    "error",
    [
        exceptions.PermissionDenied("compute.reservations.get"),
        exceptions.TooManyRequests("rate limit exceeded"),
        exceptions.Forbidden("project is not using Compute Engine"),
    ],
)
def test_a_gce_reservation_that_cannot_be_read_is_a_failure(error: Exception) -> None:
    fake = ready_gcp(l4())
    fake.errors["reservation"] = error
    result = run_check(gke_check(fake))
    assert result.status == FAIL and type(error).__name__ in result.message, "an unknown answer is a FAIL"


def _gcp_stack_file(tmp_path: Path) -> Path:
    path = tmp_path / "Pulumi.reserved.yaml"
    path.write_text(yaml.safe_dump({"config": {f"{loader.PROJECT}:{k}": v for k, v in gcp_raw().items()}}))
    return path


def test_doctor_checks_each_named_gce_reservation_once_and_only_those(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = ready_gcp(l4())
    code = cli.main(["doctor", str(_gcp_stack_file(tmp_path))], gcp=lambda p: fake, resolve=_resolver)
    out = capsys.readouterr().out
    lines = {m.group(2): line for line in out.splitlines() if (m := LINE.match(line))}
    assert [n for n in lines if "reservation" in n] == ["gcp reservation l4-commit"], (
        "one line per reservation"
    )
    assert lines["gcp reservation l4-commit"].startswith(PASS) and code == 0, out
    fake.errors["reservation"] = exceptions.PermissionDenied("compute.reservations.get")
    assert cli.main(["doctor", str(_gcp_stack_file(tmp_path))], gcp=lambda p: fake, resolve=_resolver) == 1
    assert "FAIL   gcp reservation l4-commit" in capsys.readouterr().out


def _resolver(name: str) -> frozenset[str]:
    return frozenset(PARENT_NS.get(name, ()))


def test_the_real_client_maps_reservations_get_and_reads_not_found_as_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials = SimpleNamespace(refresh=lambda request: None)
    monkeypatch.setattr(google.auth, "default", lambda scopes: (credentials, "acme-llm-prod"))
    calls: list[dict[str, Any]] = []
    answer: dict[str, Any] = {}

    class Reservations:
        def __init__(self, credentials: Any) -> None:
            assert credentials is not None, "every client uses the ADC credentials"

        def get(self, **kwargs: Any) -> Any:
            calls.append(kwargs)
            if isinstance(answer["value"], Exception):
                raise answer["value"]
            return answer["value"]

    monkeypatch.setattr(compute_v1, "ReservationsClient", Reservations)
    gpu = SimpleNamespace(accelerator_type="nvidia-tesla-t4", accelerator_count=1)
    properties = SimpleNamespace(machine_type="n1-standard-8", guest_accelerators=[gpu])
    specific = SimpleNamespace(count=4, in_use_count=3, instance_properties=properties)
    answer["value"] = SimpleNamespace(name="t4-commit", status="READY", specific_reservation=specific)
    client = GoogleClient("acme-llm-prod")
    assert client.reservation("us-central1-a", "t4-commit") == Reservation(
        "t4-commit", "us-central1-a", "READY", "n1-standard-8", (("nvidia-tesla-t4", 1),), 4, 3
    )
    assert calls[0] | {"timeout": None} == {
        "project": "acme-llm-prod",
        "zone": "us-central1-a",
        "reservation": "t4-commit",
        "timeout": None,
    }
    answer["value"] = exceptions.NotFound("no such reservation")
    assert client.reservation("us-central1-b", "t4-commit") is None, "NotFound means not in that zone"
    answer["value"] = exceptions.PermissionDenied("compute.reservations.get")
    with pytest.raises(exceptions.PermissionDenied):
        client.reservation("us-central1-a", "t4-commit")  # the check turns this into a FAIL
