"""The test-owned fixture stacks, and renders of the real program for them under the recording mock engine.

Every stack a test renders or hands a CLI is a fixture stack (tests/fixtures/stacks/Pulumi.<name>.yaml),
never a shipped one in stacks/: a fork edits stacks/ (as the README tells it to) and the suite must stay
green. The shipped files are checked, for properties only, by tests/test_shipped_stacks.py.

`render_stack(name, **overrides)` runs `__main__.py` once for a fixture stack (with top-level keys
replaced by `overrides`) and returns the Rendering: every registration with its inputs and options.
Renders of unmodified stacks are cached for the session; the program is deterministic.
`fixture_stack_file(name)` is the path a test gives a CLI (`offline.plan`, preflight, `make plan`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from offline.engine import Rendering, render
from stacks import loader

FIXTURE_STACKS = Path(__file__).resolve().parent / "fixtures" / "stacks"

_CACHE: dict[str, Rendering] = {}


def fixture_stack_file(name: str) -> Path:
    """The fixture stack file `name`: the path a test gives a CLI instead of a (shipped) stack name."""
    path = FIXTURE_STACKS / f"Pulumi.{name}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no fixture stack {name!r} under {FIXTURE_STACKS}")
    return path


def fixture_stack_names() -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in FIXTURE_STACKS.glob("*.yaml"))


def stack_raw(name: str) -> dict[str, Any]:
    return copy.deepcopy(loader.read_stack_file(fixture_stack_file(name)))


def render_stack(name: str, **overrides: Any) -> Rendering:
    if not overrides and name in _CACHE:
        return _CACHE[name]
    raw = stack_raw(name)
    raw.update(overrides)
    rendering = render(raw, name)
    if not overrides:
        _CACHE[name] = rendering
    return rendering


def stack_arg(name: str) -> str:
    """The fixture stack `name` as a CLI argument: its path (the CLIs take a name or a path)."""
    return str(fixture_stack_file(name))


def point_stacks_dir_at(directory: Path, monkeypatch: pytest.MonkeyPatch, **copies: str) -> Path:
    """Make `directory` the stacks directory names resolve in, holding `Pulumi.<new>.yaml` copies of fixtures.

    For tests of name resolution itself: they must not depend on which names a fork ships.
    `copies` maps a new stack name (underscores become dashes) to the fixture it copies.
    """
    for new, fixture in copies.items():
        target = directory / f"Pulumi.{new.replace('_', '-')}.yaml"
        target.write_text(fixture_stack_file(fixture).read_text())
    monkeypatch.setattr(loader, "STACKS_DIR", directory)
    return directory
