"""The preflight commands as a user meets them, and the rule that preflight never reads a secret value.

Bad config ends like `make plan`: the same message on stderr, exit 2, no traceback, no cloud call.
Importing preflight loads no Google library and no resolver (they load on first real use). And no
code path can read a secret's value: a scan of the source finds no value-reading call, and a whole
doctor and seed run over moto records every Secrets Manager operation and finds none that reads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from botocore.stub import Stubber
from moto import mock_aws

from preflight import cli
from substrate.aws.preflight.clients import AwsClients
from tests.preflight_aws_fakes import NEEDED, SECRETS, SESSION, raw_stack, resolver, stack_file
from tests.stack_fixtures import fixture_stack_file, point_stacks_dir_at, stack_arg

ROOT = Path(__file__).resolve().parent.parent
# Calls that return a secret's payload: Secrets Manager, Secret Manager (and their batch forms).
VALUE_READERS = {
    "get_secret_value",
    "batch_get_secret_value",
    "GetSecretValue",
    "BatchGetSecretValue",
    "access_secret_version",
    "AccessSecretVersion",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def bad_stack(tmp_path: Path) -> Path:
    doc = yaml.safe_load(fixture_stack_file("aws-serving").read_text())
    doc["config"]["llm-platform:cluster"]["name"] = "Not_Valid"
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize("command", ["doctor", "seed-secrets"])
def test_bad_config_fails_like_make_plan_with_exit_2_and_no_traceback(tmp_path: Path, command: str) -> None:
    bad = bad_stack(tmp_path)
    preflight, plan = run("preflight", command, str(bad)), run("offline.plan", str(bad))
    assert preflight.returncode == 2
    assert "Traceback" not in preflight.stderr
    assert "cluster.name" in preflight.stderr and "is not a valid cluster name" in preflight.stderr
    assert preflight.stderr == plan.stderr, "the same config error as `make plan`, word for word"


def test_an_unknown_stack_names_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_stacks_dir_at(tmp_path, monkeypatch, my_fork="gcp-full")
    assert cli.main(["doctor", "no-such-stack"]) == 2
    assert "my-fork" in capsys.readouterr().err, "the message lists the stacks that do exist"


def test_an_accelerator_ec2_does_not_sell_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = raw_stack()
    raw["gpu"]["pools"][0]["acceleratorsPerNode"] = 2  # EC2 sells L4s 1, 4 or 8 per instance
    assert cli.main(["doctor", str(stack_file(tmp_path, raw))]) == 2
    assert "gpu.pools[0]: nvidia-l4 x2 is not sold on EC2" in capsys.readouterr().err


def test_an_existing_cluster_stack_is_refused_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["doctor", stack_arg("local")]) == 2
    assert "cloud: existing" in capsys.readouterr().err


def test_importing_preflight_loads_no_cloud_sdk_and_no_resolver() -> None:
    sdks = ("google.cloud", "google.auth", "google.api_core", "dns", "boto3")
    probe = f"import sys, preflight.cli; print(sorted(m for m in sys.modules if m.startswith({sdks!r})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", "cloud SDKs load on first real use, never at import"


def value_reading_names(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in VALUE_READERS:
            found.append(node.attr)
        elif isinstance(node, ast.Name) and node.id in VALUE_READERS:
            found.append(node.id)
        elif isinstance(node, ast.Constant) and node.value in VALUE_READERS:
            found.append(str(node.value))
    return found


def test_no_preflight_code_calls_an_api_that_returns_a_secret_value() -> None:
    offenders = {
        str(path.relative_to(ROOT)): names
        for path in sorted((ROOT / "preflight").rglob("*.py"))
        if (names := value_reading_names(path.read_text()))
    }
    assert offenders == {}, "preflight checks metadata only; it never reads a secret's value"


def test_the_scan_catches_a_value_read() -> None:
    assert value_reading_names("client.get_secret_value(SecretId='x')") == ["get_secret_value"]
    assert value_reading_names("getattr(client, 'access_secret_version')") == ["access_secret_version"]


def test_a_whole_doctor_and_seed_run_never_calls_get_secret_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with mock_aws():
        secrets = SESSION.client("secretsmanager", region_name="us-east-2")
        for name in SECRETS:
            secrets.create_secret(Name=f"llm-full/{name}")
        operations: list[str] = []
        secrets.meta.events.register("before-call.*.*", lambda model, **_: operations.append(model.name))
        quotas = SESSION.client("service-quotas", region_name="us-east-2")
        stub = Stubber(quotas)
        for code, need in sorted(NEEDED.items()):
            stub.add_response("get_service_quota", {"Quota": {"QuotaCode": code, "Value": need}})
        stub.activate()
        eks = SESSION.client("eks", region_name="us-east-2")
        eks_stub = Stubber(eks)
        version = raw_stack()["aws"]["kubernetesVersion"]
        eks_stub.add_response(
            "describe_cluster_versions",
            {"clusterVersions": [{"clusterVersion": version, "versionStatus": "STANDARD_SUPPORT"}]},
        )
        eks_stub.activate()
        clients = AwsClients(
            "us-east-2",
            SESSION.client("sts", region_name="us-east-2"),
            SESSION.client("ec2", region_name="us-east-2"),
            quotas,
            SESSION.client("route53", region_name="us-east-2"),
            secrets,
            eks=eks,
        )
        path = str(stack_file(tmp_path, raw_stack()))
        cli.main(["seed-secrets", path], aws=lambda region: clients)
        cli.main(["doctor", path], aws=lambda region: clients, resolve=resolver({}))
    assert {"DescribeSecret", "PutSecretValue"} <= set(operations), "the run did reach Secrets Manager"
    assert not set(operations) & VALUE_READERS, f"no value is ever read: {sorted(set(operations))}"
    assert "PASS   secret litellm-master-key" in capsys.readouterr().out, "the seeded value is seen as set"
