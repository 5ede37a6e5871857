"""An existing stack's `pulumi up` sees no replacement from a refactor: every fixture stack registers the
same URNs (or aliases of them), with the same inputs and options, as the saved snapshot."""

from __future__ import annotations

import json

import pytest

from offline.engine import Registration, Rendering
from tests.urn_snapshot import SNAPSHOT, differences, fixture_stack_names, render_fixture, snapshot

SAVED = json.loads(SNAPSHOT.read_text())


def test_the_snapshot_covers_every_fixture_stack() -> None:
    assert sorted(SAVED) == fixture_stack_names()


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_the_stack_registers_what_it_registered_before(stack: str) -> None:
    problems = differences(SAVED[stack], render_fixture(stack))
    assert not problems, "an existing stack would see changes:\n" + "\n".join(problems[:20])


def _reg(
    urn: str, *, parent: str = "", aliases: list[str] | None = None, inputs: dict | None = None
) -> Registration:
    return Registration(
        urn=urn,
        type=urn.split("::")[2].rsplit("$", 1)[-1],
        name=urn.rsplit("::", 1)[-1],
        custom=True,
        parent=parent,
        dependencies=[],
        property_dependencies={},
        protect=False,
        ignore_changes=[],
        delete_timeout="",
        provider="",
        inputs=inputs or {"a": 1},
        aliases=aliases or [],
    )


def test_a_move_without_an_alias_is_reported_and_an_alias_makes_it_the_same_resource() -> None:
    old_urn = "urn:pulumi:s::p::x:y:Z::thing"
    new_urn = "urn:pulumi:s::p::x:y:Parent$x:y:Z::thing"
    before = snapshot(Rendering(stack="s", resources=[_reg(old_urn)]))
    moved = Rendering(stack="s", resources=[_reg(new_urn)])
    assert any("no longer registered" in p for p in differences(before, moved))
    aliased = Rendering(stack="s", resources=[_reg(new_urn, aliases=[old_urn])])
    assert differences(before, aliased) == []
    changed = Rendering(stack="s", resources=[_reg(new_urn, aliases=[old_urn], inputs={"a": 2})])
    assert differences(before, changed) == [f"{old_urn}: inputs changed"]
