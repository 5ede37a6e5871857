"""`make seed-secrets`: create-if-absent into existing containers, idempotent, and never a value shown.

AWS runs against moto (Secrets Manager `<cluster>/<name>`), GCP against the fake GcpClient. Each test
that generates a value reads it back through moto — the test may, the tool never does — and asserts
it appears in neither stdout nor stderr.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from preflight import cli, secret_values
from preflight.report import FAIL, KEPT, NEEDS, SEEDED
from preflight.secret_store import SecretState
from preflight.seed import seed_one, seed_secrets
from substrate.aws.preflight.clients import AwsClients
from substrate.aws.preflight.secrets import SecretsManagerStore
from substrate.gcp.preflight.client import GcpSecretStore
from tests.preflight_aws_fakes import SESSION, raw_stack, stack_file
from tests.preflight_gcp_fakes import FakeGcp
from tests.stack_fixtures import stack_arg, stack_raw

REGION, CLUSTER = "us-east-2", "llm-full"
URL_SAFE = set(string.ascii_letters + string.digits + "-_")


@pytest.fixture
def clients() -> Iterator[AwsClients]:
    with mock_aws():
        sm = SESSION.client("secretsmanager", region_name=REGION)
        yield AwsClients(REGION, None, None, None, None, sm)


def value_of(clients: AwsClients, name: str) -> str:
    return str(clients.secrets.get_secret_value(SecretId=f"{CLUSTER}/{name}")["SecretString"])


def stages(clients: AwsClients, name: str) -> dict[str, Any]:
    return dict(clients.secrets.describe_secret(SecretId=f"{CLUSTER}/{name}")["VersionIdsToStages"])


def has_current(clients: AwsClients, name: str) -> bool:
    versions = clients.secrets.describe_secret(SecretId=f"{CLUSTER}/{name}").get("VersionIdsToStages", {})
    return any("AWSCURRENT" in labels for labels in versions.values())


def run_seed(clients: AwsClients, tmp_path: Path) -> int:
    return cli.main(["seed-secrets", str(stack_file(tmp_path, raw_stack()))], aws=lambda region: clients)


def test_the_master_key_is_generated_into_its_empty_container_and_never_shown(
    clients: AwsClients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for entry in raw_stack()["secrets"]:
        clients.secrets.create_secret(Name=f"{CLUSTER}/{entry['name']}")
    assert run_seed(clients, tmp_path) == 0, "human-provided secrets are reported, not failed"
    captured = capsys.readouterr()
    value = value_of(clients, "litellm-master-key")
    assert value.startswith("sk-") and len(value) == 51 and set(value[3:]) <= URL_SAFE, (
        "the master key is sk- and 48 URL-safe characters"
    )
    assert value not in captured.out and value not in captured.err, "the generated value is never printed"
    assert value[3:20] not in captured.out + captured.err, "not even in part"
    assert re.search(r"^SEEDED\s+secret litellm-master-key", captured.out, re.M)
    assert re.search(r"^NEEDS\s+secret hf-token\s+needs a value: a Hugging Face", captured.out, re.M)
    assert "aws secretsmanager put-secret-value" in captured.out, "a human secret gets the command to add it"
    assert not has_current(clients, "hf-token"), "a human secret gets no value from seed"


def test_a_second_run_changes_nothing(
    clients: AwsClients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clients.secrets.create_secret(Name=f"{CLUSTER}/litellm-master-key")
    assert run_seed(clients, tmp_path) == 1, "the other containers are missing, so the run fails"
    first_value, first_versions = (
        value_of(clients, "litellm-master-key"),
        stages(clients, "litellm-master-key"),
    )
    capsys.readouterr()
    run_seed(clients, tmp_path)
    out = capsys.readouterr().out
    assert stages(clients, "litellm-master-key") == first_versions, "an existing value gets no new version"
    assert value_of(clients, "litellm-master-key") == first_value
    assert re.search(r"^KEPT\s+secret litellm-master-key\s+.*already has a value", out, re.M)
    assert first_value not in out


def test_a_value_set_by_a_human_is_left_alone(clients: AwsClients) -> None:
    clients.secrets.create_secret(Name=f"{CLUSTER}/litellm-master-key", SecretString="sk-chosen-by-a-human")
    store = SecretsManagerStore(clients.secrets, CLUSTER, REGION)
    outcome = seed_one(store, "litellm-master-key", secret_values.litellm_master_key, "")
    assert outcome.status == KEPT
    assert value_of(clients, "litellm-master-key") == "sk-chosen-by-a-human"


def test_a_missing_container_fails_and_says_to_run_pulumi_up_first(
    clients: AwsClients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_seed(clients, tmp_path) == 1
    out = capsys.readouterr().out
    assert re.search(r"^FAIL\s+secret litellm-master-key\s+.*run `pulumi up` first", out, re.M)
    assert clients.secrets.list_secrets()["SecretList"] == [], "seed-secrets never creates a container"


def test_two_racing_seeds_cannot_both_write_a_value(clients: AwsClients) -> None:
    clients.secrets.create_secret(Name=f"{CLUSTER}/litellm-salt-key")
    store = SecretsManagerStore(clients.secrets, CLUSTER, REGION)
    store.add_value("litellm-salt-key", "first")
    with pytest.raises(clients.secrets.exceptions.ResourceExistsException):
        store.add_value("litellm-salt-key", "second")
    assert value_of(clients, "litellm-salt-key") == "first", (
        "the second writer fails instead of replacing the first value"
    )


def test_a_failed_write_reports_the_error_without_the_value() -> None:
    class EchoingStore:
        def where(self, name: str) -> str:
            return name

        def state(self, name: str) -> SecretState:
            return SecretState(exists=True)

        def add_value(self, name: str, value: str) -> None:
            raise ValueError(f"Invalid length for parameter SecretString, value: {value}")

        def add_command(self, name: str) -> str:
            return ""

    [result] = seed_secrets(EchoingStore(), ["litellm-salt-key"], None)
    assert result.status == FAIL and "Invalid length" in result.message
    assert "value: [generated value]" in result.message, "the value is scrubbed from the SDK's message"


def test_gcp_secrets_are_seeded_through_the_same_seam() -> None:
    fake = FakeGcp(
        secrets={"litellm-master-key": SecretState(exists=True), "hf-token": SecretState(exists=True)}
    )
    store = GcpSecretStore(fake, "acme-llm-prod")
    first = seed_secrets(store, ["litellm-master-key", "hf-token", "litellm-salt-key"], None)
    assert [r.status for r in first] == [SEEDED, NEEDS, FAIL], "seeded, needs a human, container missing"
    assert "gcloud secrets versions add hf-token" in first[1].message
    [(secret_id, data)] = fake.added
    assert secret_id == "litellm-master-key" and data.startswith(b"sk-") and len(data) == 51
    second = seed_secrets(store, ["litellm-master-key"], None)
    assert second[0].status == KEPT and len(fake.added) == 1, "a second run adds no version"
    assert data.decode() not in " ".join(r.message for r in first + second)


def test_gcp_seed_runs_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    names = [entry["name"] for entry in stack_raw("gcp-full")["secrets"]]  # every container Pulumi created
    fake = FakeGcp(secrets={n: SecretState(exists=True) for n in names})
    assert cli.main(["seed-secrets", stack_arg("gcp-full")], gcp=lambda project: fake) == 0
    out = capsys.readouterr().out
    generated = {name for name, _ in fake.added}
    assert generated == {"litellm-master-key", "litellm-salt-key"}, "the platform-internal keys are generated"
    for _, data in fake.added:
        assert data.decode() not in out
    assert "2 generated, 0 already set, 3 need a value from you, 0 failed" in out


def test_the_repo_credentials_secret_is_described_as_the_json_argo_cd_expects() -> None:
    assert "sshPrivateKey" in secret_values.what_it_holds("my-repo", repo_credentials="my-repo")
    assert "Hugging Face" in secret_values.what_it_holds("hf-token", None)
