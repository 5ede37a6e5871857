"""Helpers of the bad-config catalogs: mutations of a shipped stack's raw config, and the refusal check.

A case starts from a valid fixture stack, breaks one thing, runs the real program under the mock
engine and asserts a ConfigError naming the key and what is allowed, with nothing registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from offline.engine import Rendering, render
from stacks import loader
from tests.stack_fixtures import stack_raw

Mutation = Callable[[dict[str, Any]], None]


def set_(path: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        node: Any = raw
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        last = parts[-1]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def del_(path: str) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        node: Any = raw
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[parts[-1]]

    return mutate


def append(path: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        node: Any = raw
        for part in path.split("."):
            node = node[int(part)] if part.isdigit() else node.setdefault(part, [])
        node.append(value)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        for m in mutations:
            m(raw)

    return mutate


def assert_refused(
    stack: str, mutation: Mutation, key: str, allowed: str, hidden: str | None = None
) -> Rendering:
    """Render `stack` with `mutation`; assert the refusal names `key`, says `allowed`, never shows
    `hidden` (a credential-shaped value) and registered nothing."""
    raw = stack_raw(stack)
    mutation(raw)
    observed = Rendering(stack=stack)
    with pytest.raises(loader.ConfigError) as caught:
        render(raw, stack, into=observed)
    message = str(caught.value)
    assert f"  - {key}: " in message, f"the error must name the key {key!r}:\n{message}"
    assert allowed in message, f"the error must say what is allowed ({allowed!r}):\n{message}"
    assert "Traceback" not in message and "pydantic" not in message.lower(), "errors read as config advice"
    if hidden is not None:
        assert hidden not in message, f"a credential-shaped value is never echoed:\n{message}"
    assert observed.resources == [], "nothing is registered from a bad config"
    return observed
