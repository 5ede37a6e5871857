"""An existing cluster registers no cloud resource: nothing to compute offline."""

from __future__ import annotations

from typing import Any

TYPE_PREFIXES: tuple[str, ...] = ()


def computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {}


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    return None
