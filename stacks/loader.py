"""Reading a stack's config — from the Pulumi runtime or a stack file — into one validated StackConfig.

Bad config becomes a ConfigError: a `pulumi.RunError`, so Pulumi prints the message without a traceback,
and it is raised before the program registers any resource.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pydantic import ValidationError

from stacks.schema import StackConfig

PROJECT = "llm-platform"
STACKS_DIR = Path(__file__).resolve().parent


class ConfigError(pulumi.RunError):
    """Invalid stack config; the message names each offending key and what is allowed."""


def format_errors(error: ValidationError) -> str:
    lines = []
    for err in error.errors():
        path = _path(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            message = f"'{err['input']}' is not allowed here (must match {err['ctx']['pattern']})"
        lines.append(f"  - {path or '(stack)'}: {message}")
    return "invalid stack config:\n" + "\n".join(lines)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("function-") or part in {"function-after", "function-before"}:
            continue
        else:
            out += f".{part}" if out else part
    return out


def validate(raw: Mapping[str, Any]) -> StackConfig:
    """Validate a mapping of un-namespaced config keys; raises ConfigError."""
    try:
        return StackConfig.model_validate(dict(raw))
    except ValidationError as exc:
        raise ConfigError(format_errors(exc)) from None


def _decode(value: str) -> Any:
    # Pulumi passes objects and lists as JSON strings and scalars as plain strings.
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def from_runtime() -> StackConfig:
    """The running stack's config, every key under the project namespace."""
    prefix = f"{PROJECT}:"
    runtime = pulumi.runtime.config
    secret_keys = set(runtime.get_config_secret_keys_env()) | set(runtime._SECRET_KEYS.get())
    secret = sorted(k for k in secret_keys if k.startswith(prefix))
    if secret:
        raise ConfigError(
            f"invalid stack config:\n  - {secret[0]}: is a secret value; this stack's config holds names "
            "only: put the value in the cloud secret manager and list its name under `secrets`"
        )
    raw: dict[str, Any] = {}
    for key, value in {**runtime.get_config_env(), **runtime.CONFIG.get()}.items():
        if key.startswith(prefix):
            raw[key[len(prefix) :]] = _decode(value)
        elif ":" in key and not key.startswith(("gcp:", "aws:", "kubernetes:", "pulumi:")):
            raise ConfigError(
                f"invalid stack config:\n  - {key}: unknown namespace; keys live under '{prefix}'"
            )
    return validate(raw)


def resolve_stack_file(stack: str) -> Path:
    """A stack name (`gcp-full`) or a path to a stack file."""
    path = Path(stack)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = STACKS_DIR / f"Pulumi.{stack}.yaml"
    if candidate.exists():
        return candidate
    known = ", ".join(stack_names())
    raise ConfigError(f"no stack '{stack}': give a stack name ({known}) or a path to a stack file")


def stack_names() -> list[str]:
    return sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in STACKS_DIR.glob("Pulumi.*.yaml")
    )


def read_stack_file(path: Path) -> dict[str, Any]:
    """The project-namespace keys of a stack file, un-namespaced, values as written."""
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    config = doc.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: `config` must be a mapping of keys")
    raw: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, name = str(key).partition(":")
        if not name:
            namespace, name = PROJECT, namespace
        if namespace == PROJECT:
            raw[name] = value
        elif namespace not in ("gcp", "aws", "kubernetes", "pulumi"):
            raise ConfigError(
                f"invalid stack config:\n  - {key}: unknown namespace; keys live under '{PROJECT}:'"
            )
    return raw


def runtime_config(raw: Mapping[str, Any]) -> dict[str, str]:
    """Config as the Pulumi engine hands it to a program: namespaced keys, objects as JSON strings."""
    return {
        f"{PROJECT}:{k}": v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
        for k, v in raw.items()
    }
