"""Shared fixtures: stack files, and renders of the real program under the recording mock engine.

`render_stack(name, **overrides)` runs `__main__.py` once for a shipped stack (with top-level keys
replaced by `overrides`) and returns the Rendering: every registration with its inputs and options.
Renders of unmodified stacks are cached for the session; the program is deterministic.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from offline.engine import Rendering, render
from stacks import loader

_CACHE: dict[str, Rendering] = {}


def stack_raw(name: str) -> dict[str, Any]:
    return copy.deepcopy(loader.read_stack_file(loader.resolve_stack_file(name)))


def render_stack(name: str, **overrides: Any) -> Rendering:
    if not overrides and name in _CACHE:
        return _CACHE[name]
    raw = stack_raw(name)
    raw.update(overrides)
    rendering = render(raw, name)
    if not overrides:
        _CACHE[name] = rendering
    return rendering


@pytest.fixture
def raw_stack() -> Callable[[str], dict[str, Any]]:
    return stack_raw


@pytest.fixture
def rendered() -> Callable[..., Rendering]:
    return render_stack
