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
from pydantic import ValidationError

import clouds
from stacks import redaction, stack_file
from stacks.schema import StackConfig

PROJECT = "llm-platform"
STACKS_DIR = Path(__file__).resolve().parent


class ConfigError(pulumi.RunError):
    """Invalid stack config; the message names each offending key and what is allowed."""


class StackFileError(ConfigError):
    """The stack file itself cannot be read as a stack file; the message starts with its location."""


def format_errors(error: ValidationError) -> str:
    """Every refusal, one line per offending key: the key, the rule, and the value only when it is safe.

    A value that looks like a credential (redaction.why_sensitive) is replaced by a marker wherever the
    message would repeat it. A pattern mismatch never echoes the value: the pattern is the rule, and
    a value that fails a name pattern is often something pasted into the wrong key.
    """
    lines = []
    for err in error.errors():
        path = _path(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        if err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            message = f"not allowed here: must match {err['ctx']['pattern']} (value not shown)"
        elif isinstance(value, str) and value and (reason := redaction.why_sensitive(value)):
            message = message.replace(value, redaction.REDACTED.format(reason))
        lines.append(f"  - {path or '(stack)'}: {redaction.scrub(message)}")
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


def provider_namespaces() -> set[str]:
    """Config namespaces a stack may carry besides the project's: every cloud's providers, and Pulumi's."""
    return {"kubernetes", "pulumi"}.union(*(config.NAMESPACES for _, config in clouds.parts("config")))


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
        elif ":" in key and key.partition(":")[0] not in provider_namespaces():
            raise ConfigError(
                f"invalid stack config:\n  - {key}: unknown namespace; keys live under '{prefix}'"
            )
    return validate(raw)


def resolve_stack_file(stack: str) -> Path:
    """A stack name (`gcp-full`) or a path to a stack file."""
    path = Path(stack)
    known = ", ".join(stack_names())
    if path.suffix not in (".yaml", ".yml") and "/" not in stack:
        candidate = STACKS_DIR / f"Pulumi.{stack}.yaml"
        if candidate.is_file():
            return candidate
        if not path.exists():
            raise ConfigError(f"no stack '{stack}': give a stack name ({known}) or a path to a stack file")
    if path.is_dir():
        raise StackFileError(
            f"{path}: is a directory; give a stack name or a stack file (Pulumi.<stack>.yaml)"
        )
    if not path.exists():
        broken = "is a symbolic link that does not resolve" if path.is_symlink() else "no such file"
        raise StackFileError(f"{path}: {broken}; give a stack name ({known}) or a path to a stack file")
    if path.suffix not in (".yaml", ".yml"):
        raise StackFileError(
            f"{path}: not a .yaml file; give a stack name or a stack file (Pulumi.<stack>.yaml)"
        )
    return path


def stack_names() -> list[str]:
    return sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in STACKS_DIR.glob("Pulumi.*.yaml")
    )


def read_stack_file(path: Path) -> dict[str, Any]:
    """The project-namespace keys of a stack file, un-namespaced, values as written.

    The file is read as Pulumi reads it (stack_file.load): UTF-8, one mapping, no duplicate keys,
    only the top-level keys Pulumi knows. Each refusal is a StackFileError: one line, `file:line:column`.
    """
    try:
        doc = stack_file.load(path)
    except stack_file.MalformedError as exc:
        raise StackFileError(str(exc)) from None
    config = doc.get("config") or {}
    raw: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, name = str(key).partition(":")
        if not name:
            namespace, name = PROJECT, namespace
        if namespace == PROJECT:
            raw[name] = value
        elif namespace not in provider_namespaces():
            raise ConfigError(
                f"invalid stack config:\n  - {redaction.scrub(str(key))}: unknown namespace; "
                f"keys live under '{PROJECT}:'"
            )
    return raw


def error_line(stack: str, exc: ConfigError) -> str:
    """What a CLI prints for a refused stack: the file named once, never a traceback."""
    if isinstance(exc, StackFileError):
        return f"error: {exc}"  # the message starts with `file:line:column`
    return f"error: {stack}: {exc}"


def runtime_config(raw: Mapping[str, Any]) -> dict[str, str]:
    """Config as the Pulumi engine hands it to a program: namespaced keys, objects as JSON strings."""
    return {
        f"{PROJECT}:{k}": v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
        for k, v in raw.items()
    }
