"""`make doctor` on a GCP stack, over a fake GcpClient: pass, fail, and an unknown answer as a failure.

The fake implements the seam in substrate/gcp/preflight/client.py with plain data; `errors` makes any
method raise, standing in for PermissionDenied, a disabled API or a timeout. No network, no Google
library. The stack is the fixture gcp-full (zones a-c, 8 x L4 on demand, 2 x 8 H100 on spot, four secrets).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from preflight import cli
from preflight.delegation import Resolver
from preflight.report import FAIL, PASS, Check, run_check
from preflight.secret_store import SecretState, check_secret
from stacks import loader
from stacks.accelerators import ACCELERATORS
from stacks.schema import StackConfig
from substrate.gcp.preflight import checks as gcp_checks
from substrate.gcp.preflight.client import GcpClient, GcpSecretStore, ManagedZone
from tests.preflight_gcp_fakes import DOMAIN, LINE, PARENT_NS, PROJECT, REGION, ZONE_NS, FakeGcp
from tests.stack_fixtures import stack_arg, stack_raw


def config_of(**overrides: Any) -> StackConfig:
    raw = stack_raw("gcp-full")
    for key, value in overrides.items():
        raw[key] = {**raw[key], **value} if isinstance(value, dict) else value
    return loader.validate(raw)


def resolver(table: Mapping[str, Any]) -> Resolver:
    return lambda name: frozenset(n.rstrip(".") for n in table.get(name, ()))


def ready() -> FakeGcp:
    names = [entry["name"] for entry in stack_raw("gcp-full")["secrets"]]  # all the stack declares
    return FakeGcp(secrets={n: SecretState(exists=True, has_value=True) for n in names})


def doctor(
    fake: GcpClient,
    capsys: pytest.CaptureFixture[str],
    table: Mapping[str, Any] = PARENT_NS,
    stack: str = "gcp-full",
) -> tuple[int, dict[str, str]]:
    code = cli.main(["doctor", stack_arg(stack)], gcp=lambda project: fake, resolve=resolver(table))
    out = capsys.readouterr().out
    return code, {m.group(2): line for line in out.splitlines() if (m := LINE.match(line))}


def test_a_ready_project_passes_every_check_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = doctor(ready(), capsys)
    assert code == 0, "every check passes, so doctor exits 0:\n" + "\n".join(lines.values())
    assert set(lines) >= {
        "gcp credentials",
        "gcp project",
        "gcp apis",
        "gcp region",
        "gcp pool l4",
        "gcp pool h100-spot",
        "gcp system pool",
        "gcp quota NVIDIA_L4_GPUS",
        "gcp quota PREEMPTIBLE_NVIDIA_H100_GPUS",
        "gcp quota GPUS_ALL_REGIONS",
        "gcp dns",
        "secret hf-token",
    }, "one line per check"
    assert all(line.startswith(PASS) for line in lines.values())


def test_no_application_default_credentials_fails_and_nothing_else_is_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = ready()
    fake.errors["principal"] = RuntimeError("Your default credentials were not found")
    code, lines = doctor(fake, capsys)
    assert code == 1
    assert "default credentials were not found" in lines["gcp credentials"]
    assert all("not checked" in line for name, line in lines.items() if name != "gcp credentials"), (
        "without credentials every other check is a failure, never a pass"
    )


def test_a_project_pending_deletion_fails() -> None:
    fake = ready()
    fake.state = "DELETE_REQUESTED"
    outcome = gcp_checks.check_project(fake, config_of())
    assert outcome.status == FAIL and "DELETE_REQUESTED" in outcome.message


def test_a_disabled_api_fails_with_the_command_that_enables_it() -> None:
    fake = ready()
    fake.services -= {"container.googleapis.com", "dns.googleapis.com"}
    outcome = gcp_checks.check_apis(fake, config_of())
    assert outcome.status == FAIL
    assert "gcloud services enable container.googleapis.com dns.googleapis.com --project acme-llm-prod" in (
        outcome.message
    )


def test_a_listed_zone_without_the_pools_gpu_fails_naming_the_zone() -> None:
    fake = ready()
    fake.offers[f"{REGION}-b"].discard("nvidia-h100-80gb")
    outcome = gcp_checks.check_machines(fake, config_of(), "a3-highgpu-8g", "nvidia-h100-80gb")
    assert outcome.status == FAIL
    assert (
        "not offered in us-central1-b" in outcome.message
        and "us-central1-a, us-central1-c" in outcome.message
    )


def test_without_gcp_zones_every_zone_of_the_region_must_offer_the_gpu() -> None:
    config = config_of(gcp={"zones": None})
    outcome = gcp_checks.check_machines(ready(), config, "a3-highgpu-8g", "nvidia-h100-80gb")
    assert outcome.status == FAIL, "us-central1-f sells no H100, and GKE may place the pool there"
    assert "set gcp.zones" in outcome.message
    system = gcp_checks.check_machines(ready(), config, "e2-standard-4", None)
    assert system.status == PASS


def test_the_machine_type_override_is_what_must_be_offered() -> None:
    config = config_of(gcp={"machineTypes": {"l4": "g2-standard-12"}})
    assert gcp_checks.machine_for(config, config.gpu.pools[0]) == "g2-standard-12"
    outcome = gcp_checks.check_machines(ready(), config, "g2-standard-12", "nvidia-l4")
    assert outcome.status == FAIL and "g2-standard-12 with nvidia-l4" in outcome.message


def test_spot_pools_draw_on_the_preemptible_quota_and_on_demand_pools_on_the_regular_one() -> None:
    demand = gcp_checks.gpu_demand(config_of())
    assert {m: [p.name for p in pools] for m, pools in demand.items()} == {
        "NVIDIA_L4_GPUS": ["l4"],
        "PREEMPTIBLE_NVIDIA_H100_GPUS": ["h100-spot"],
    }


def test_gpu_quota_below_the_pools_maxima_fails_with_the_numbers() -> None:
    fake = ready()
    fake.regional["PREEMPTIBLE_NVIDIA_H100_GPUS"] = 8
    config = config_of()
    spot = [p for p in config.gpu.pools if p.spot]
    outcome = gcp_checks.check_regional_quota(fake, config, "PREEMPTIBLE_NVIDIA_H100_GPUS", spot)
    assert outcome.status == FAIL and "limit 8 < 16 needed" in outcome.message


def test_a_quota_metric_missing_from_the_region_is_a_failure() -> None:
    fake = ready()
    del fake.regional["NVIDIA_L4_GPUS"]
    config = config_of()
    outcome = gcp_checks.check_regional_quota(fake, config, "NVIDIA_L4_GPUS", [config.gpu.pools[0]])
    assert outcome.status == FAIL and "no NVIDIA_L4_GPUS quota" in outcome.message


def test_the_global_gpu_quota_counts_every_pool_spot_included() -> None:
    fake = ready()
    fake.global_gpus = 16
    outcome = gcp_checks.check_global_quota(fake, config_of())
    assert outcome.status == FAIL and "limit 16 < 24 needed" in outcome.message
    fake.global_gpus = None
    assert gcp_checks.check_global_quota(fake, config_of()).status == FAIL, "a missing quota is no pass"


@pytest.mark.parametrize(
    "method", ["project", "enabled_services", "zones", "region_quotas", "accelerator_types", "managed_zone"]
)
def test_any_api_error_is_a_failure_naming_the_error(method: str, capsys: pytest.CaptureFixture[str]) -> None:
    fake = ready()
    fake.errors[method] = PermissionError(f"403 Permission denied on {method}")
    code, lines = doctor(fake, capsys)
    assert code == 1, f"an error from {method} fails the run"
    assert any(line.startswith(FAIL) and f"Permission denied on {method}" in line for line in lines.values())


def test_every_accelerator_has_a_quota_metric() -> None:
    assert set(gcp_checks.GPU_QUOTA_METRICS) == set(ACCELERATORS), (
        "a new accelerator needs its Compute quota metric, or doctor cannot check its quota"
    )


def test_an_existing_zone_must_exist_serve_the_domain_and_be_delegated() -> None:
    existing = config_of(dns={"createZone": False, "zoneName": "llm"})
    fake = ready()
    missing = gcp_checks.check_dns(fake, existing, resolver({}))
    assert missing.status == FAIL and "no Cloud DNS zone named llm" in missing.message
    fake.dns_zones["llm"] = ManagedZone("llm", "other.example.", ZONE_NS)
    assert "serves other.example." in gcp_checks.check_dns(fake, existing, resolver({})).message
    fake.dns_zones["llm"] = ManagedZone("llm", f"{DOMAIN}.", ZONE_NS)
    assert gcp_checks.check_dns(fake, existing, resolver({DOMAIN: ZONE_NS})).status == PASS
    undelegated = gcp_checks.check_dns(fake, existing, resolver({}))
    assert undelegated.status == FAIL and "ns-cloud-a1.googledomains.com" in undelegated.message


def test_a_zone_to_create_passes_only_when_its_parent_is_a_public_zone() -> None:
    assert gcp_checks.check_dns(ready(), config_of(), resolver(PARENT_NS)).status == PASS
    orphan = gcp_checks.check_dns(ready(), config_of(), resolver({}))
    assert orphan.status == FAIL and "acme.example has no public name servers" in orphan.message


def test_each_secret_must_exist_and_hold_an_enabled_version() -> None:
    fake = ready()
    store = GcpSecretStore(fake, PROJECT)
    fake.secrets["hf-token"] = SecretState(exists=True, has_value=False)
    del fake.secrets["litellm-master-key"]
    empty = check_secret(store, "hf-token", "gcp-full", None)
    assert (
        empty.status == FAIL
        and "gcloud secrets versions add hf-token --project acme-llm-prod" in empty.message
    )
    missing = check_secret(store, "litellm-master-key", "gcp-full", None)
    assert missing.status == FAIL and "`pulumi up` creates the container" in missing.message
    assert check_secret(store, "litellm-database-url", "gcp-full", None).status == PASS


def test_a_secret_lookup_error_is_a_failure() -> None:
    fake = ready()
    fake.errors["secret_state"] = TimeoutError("deadline exceeded")
    store = GcpSecretStore(fake, PROJECT)
    result = run_check(Check("secret hf-token", lambda: check_secret(store, "hf-token", "gcp-full", None)))
    assert result.status == FAIL and "deadline exceeded" in result.message


def test_a_bad_stack_file_is_refused_before_any_cloud_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = stack_raw("gcp-full")
    raw["gpu"]["pools"][0]["accelerator"] = "nvidia-b9000"
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(yaml.safe_dump({"config": {f"llm-platform:{k}": v for k, v in raw.items()}}))

    def no_cloud(project: str) -> GcpClient:
        raise AssertionError("a bad config never reaches the cloud")

    assert cli.main(["doctor", str(bad)], gcp=no_cloud, resolve=resolver({})) == 2
    assert "unknown accelerator 'nvidia-b9000'" in capsys.readouterr().err
