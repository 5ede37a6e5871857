"""Secret values never leave the secret manager: a canary placed on every path a secret could take
(config secrets, secret entries, repository credentials, ambient cloud credentials) never reaches the
plan output, the recorded inputs, the stack outputs or a tracked file; errors never echo it back."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi.runtime.config as runtime_config
import pytest

from offline import plan
from offline.engine import Rendering, is_secret, render
from stacks import loader
from tests.preflight_aws_fakes import SESSION
from tests.shipped_stacks import CREDENTIAL_OUTPUT
from tests.stack_fixtures import fixture_stack_names, render_stack, stack_arg, stack_raw

ROOT = Path(__file__).resolve().parent.parent
CANARY = "canary-" + secrets.token_hex(16)


def everything_recorded(r: Rendering) -> str:
    return json.dumps(
        {
            "plan": plan.to_json(r),
            "text": plan.to_text(r),
            "inputs": [x.inputs for x in r.resources],
            "outputs": r.outputs,
        },
        default=str,
    )


def test_a_secret_in_the_project_config_is_refused_without_echoing_it() -> None:
    raw = stack_raw("gcp-serving")
    config = loader.runtime_config(raw) | {"llm-platform:hfToken": CANARY}
    runtime_config.set_all_config(config, secret_keys=["llm-platform:hfToken"])
    try:
        with pytest.raises(loader.ConfigError) as caught:
            loader.from_runtime()
    finally:
        runtime_config.set_all_config({}, secret_keys=[])
    assert CANARY not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("secrets", [{"name": "hf-token", "owner": "serving", "value": CANARY}]),
        ("gitops", {"repoURL": f"https://x-access-token:{CANARY}@github.com/acme/llm-platform.git"}),
        ("gitops", {"repoURL": f"https://{CANARY}@github.com/acme/llm-platform.git"}),
        ("gitops", {"repoURL": f"https://github.com/acme/llm-platform.git?token={CANARY}"}),
    ],
    ids=["secret entry value", "repo URL password", "repo URL token user", "repo URL query token"],
)
def test_a_secret_value_in_config_is_refused_and_the_error_does_not_echo_it(key: str, value: Any) -> None:
    raw = stack_raw("gcp-serving") | {key: value}
    observed = Rendering(stack="gcp-serving")
    with pytest.raises(loader.ConfigError) as caught:
        render(raw, "gcp-serving", into=observed)
    assert CANARY not in str(caught.value), "an error message must never repeat a secret"
    assert observed.resources == []


def test_ambient_credentials_and_provider_secrets_never_reach_state(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (
        "GOOGLE_OAUTH_ACCESS_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "ARGOCD_AUTH_TOKEN",
    ):
        monkeypatch.setenv(variable, CANARY)
    raw = stack_raw("gcp-full")
    gitops = raw["gitops"] | {"credentialsSecret": "argocd-repo-credentials"}
    r = render(raw | {"gitops": gitops}, "gcp-full")
    assert CANARY not in everything_recorded(r)


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_every_credential_like_output_is_secret(stack: str) -> None:
    outputs = render_stack(stack).outputs
    for name, value in outputs.items():
        if CREDENTIAL_OUTPUT.search(name) and name != "contractSchemaVersion":
            assert is_secret(value), f"stack output {name} must be marked secret"
    if "kubeconfig" in outputs:
        assert is_secret(outputs["kubeconfig"])


def test_secret_values_in_the_secret_manager_never_come_back_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The canary as the value of every listed secret, the repo credential included: seed-secrets keeps
    them and prints none; the plan never sees them."""
    import yaml
    from moto import mock_aws

    from preflight import cli
    from substrate.aws.preflight.clients import AwsClients

    raw = stack_raw("aws-full")
    raw["gitops"] = raw["gitops"] | {"credentialsSecret": "argocd-repo-credentials"}
    stack = tmp_path / "Pulumi.canary.yaml"
    stack.write_text(yaml.safe_dump({"config": {f"{loader.PROJECT}:{k}": v for k, v in raw.items()}}))
    with mock_aws():
        secrets = SESSION.client("secretsmanager", region_name=raw["aws"]["region"])
        for entry in raw["secrets"]:
            value = json.dumps({"username": "x", "password": CANARY}) if "repo" in entry["name"] else CANARY
            secrets.create_secret(Name=f"llm-full/{entry['name']}", SecretString=value)
        clients = AwsClients(raw["aws"]["region"], None, None, None, None, secrets)
        assert cli.main(["seed-secrets", str(stack)], aws=lambda region: clients) == 0
        untouched = secrets.get_secret_value(SecretId="llm-full/litellm-master-key")["SecretString"]
    captured = capsys.readouterr()
    assert untouched == CANARY, "an existing value is kept"
    assert CANARY not in captured.out + captured.err
    assert plan.main([str(stack), "--format", "json"]) == 0
    assert CANARY not in capsys.readouterr().out


def test_planning_writes_no_file_and_no_tracked_file_holds_a_key_shaped_secret(tmp_path: Path) -> None:
    before = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    result = subprocess.run(
        [sys.executable, "-m", "offline.plan", stack_arg("gcp-full"), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0
    after = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert after == before, "a plan writes nothing into the working tree"
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    key_shapes = re.compile(
        r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}"
    )
    for name in files:
        path = ROOT / name
        if path.is_file() and path.stat().st_size <= 1_000_000:
            assert not key_shapes.search(path.read_text(errors="ignore")), f"{name} holds a key-shaped secret"
