"""Refusals never repeat a credential: what `format_errors` and the stack-file reader may echo.

`format_errors` is the one formatter every validation error goes through. A model of its own here
(a name pattern, a validator that quotes its input, a choice) isolates its rules from the schema's
wording; the end-to-end cases put credentials into real keys of a fixture stack. The detector must
also stay quiet on every value a stack holds, or errors lose the values that help (every file in
stacks/ is checked for that by tests/test_shipped_stacks.py).
"""

from __future__ import annotations

import random
import string
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from offline import plan
from stacks import loader, redaction
from tests.stack_fixtures import stack_raw

# Shapes only; none of these is a live credential.
CREDENTIALS = {
    "github": "ghp_" + "Zq8Xw2Lm4Nv6Bc1Rt7Yp3Hs9Kd5Fg0Ja2Ue4",
    "aws": "AKIA" + "Q7ZJ4XK2M9PLR3TV",
    "gitlab": "glpat-" + "x9Fq2Lm7Rt4Bn8Vc1Zs6",
    "slack": "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKl",
    "pem": "-----BEGIN OPENSSH "
    + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "entropy": "q8ZfR2xW7mL0vN5tB3yK9pH1sD6gJ4cA",
}
USERINFO_URL = "https://deploy:s3cr3t-pass@github.com/acme/llm-platform.git"


class Probe(BaseModel):
    name: str = Field(default="ok", pattern=r"^[a-z]+$")
    quoted: str = "ok"
    mode: Literal["fast", "safe"] = "fast"

    @field_validator("quoted")
    @classmethod
    def _echoes(cls, v: str) -> str:
        if v != "ok":
            raise ValueError(f"'{v}' is not a known value")
        return v


def refusal(**values: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        Probe.model_validate(values)
    return loader.format_errors(caught.value)


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_a_credential_a_validator_quotes_is_redacted_and_the_key_and_rule_stay(kind: str) -> None:
    message = refusal(quoted=CREDENTIALS[kind])
    assert CREDENTIALS[kind] not in message, f"a {kind} credential is never echoed:\n{message}"
    assert "  - quoted: " in message and "is not a known value" in message, "the key and the rule stay"
    assert "[redacted: " in message, "the message says something was removed"


def test_a_url_with_userinfo_keeps_its_host_and_loses_the_credentials() -> None:
    message = refusal(quoted=USERINFO_URL)
    assert "s3cr3t-pass" not in message and "deploy" not in message
    assert "[redacted: a URL with credentials]" in message


def test_a_pattern_mismatch_never_shows_the_value_even_a_harmless_one() -> None:
    message = refusal(name="Not_Valid")
    assert "Not_Valid" not in message
    assert "  - name: not allowed here: must match ^[a-z]+$ (value not shown)" in message


def test_safe_values_are_still_echoed_because_they_tell_the_user_what_to_fix() -> None:
    assert "'nvidia-x100' is not a known value" in refusal(quoted="nvidia-x100")
    assert "Input should be 'fast' or 'safe'" in refusal(mode="slow"), "the choices are ours: always shown"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cluster.name", CREDENTIALS["github"]),
        ("gcp.project", CREDENTIALS["aws"]),
        ("gitops.repoURL", USERINFO_URL),
        ("dns.domain", CREDENTIALS["pem"]),
    ],
)
def test_a_credential_in_a_real_key_of_a_stack_is_not_echoed_by_make_plan(
    key: str, value: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    raw = stack_raw("gcp-serving")
    block, field = key.split(".")
    raw[block] = {**raw[block], field: value}
    path = tmp_path / "Pulumi.leak.yaml"
    path.write_text(yaml.safe_dump({"config": {f"{loader.PROJECT}:{k}": v for k, v in raw.items()}}))
    assert plan.main([str(path)]) == 2
    captured = capsys.readouterr()
    secret = "s3cr3t-pass" if value == USERINFO_URL else value
    assert secret not in captured.err + captured.out, f"{key}: the value is redacted:\n{captured.err}"
    assert key in captured.err, f"the refusal names {key}:\n{captured.err}"


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_git_revision_a_path_and_an_arn_stay_readable_and_a_random_token_does_not() -> None:
    assert redaction.why_sensitive("9c909d4f0a1b2c3d4e5f60718293a4b5c6d7e8f9") is None, (
        "hex is never upper case"
    )
    assert redaction.why_sensitive("/tmp/pytest-of-root/pytest-14/test_each_malformed_stack_file8") is None
    assert redaction.why_sensitive("arn:aws:iam::111122223333:role/llm-platform-deployer") is None
    assert redaction.why_sensitive(CREDENTIALS["entropy"]) == "a high-entropy string"


def test_random_tokens_of_every_common_length_are_caught() -> None:
    rng = random.Random(9)
    alphabet = string.ascii_letters + string.digits
    for length in (24, 32, 40, 64):
        tokens = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(200)]
        caught = sum(redaction.why_sensitive(t) is not None for t in tokens)
        assert caught >= 196, f"{caught}/200 random {length}-character tokens caught; the rule promises 98%+"
