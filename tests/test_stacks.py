"""Every shipped stack file validates and renders through the real program, deterministically."""

from __future__ import annotations

import pytest

from offline.engine import render
from stacks import loader
from tests.conftest import render_stack, stack_raw

STACKS = loader.stack_names()


def test_the_stacks_the_release_promises_are_shipped() -> None:
    assert {"gcp-serving", "gcp-full"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_renders_a_cluster_and_a_contract(stack: str) -> None:
    r = render_stack(stack)
    assert r.outputs["contract"]["cluster_name"] == stack_raw(stack)["cluster"]["name"]
    assert r.outputs["profile"] == stack_raw(stack)["profile"]


@pytest.mark.parametrize("stack", STACKS)
def test_two_renders_register_the_same_urns_and_inputs(stack: str) -> None:
    first, second = render(stack_raw(stack), stack), render(stack_raw(stack), stack)
    assert sorted(r.urn for r in first.resources) == sorted(r.urn for r in second.resources)
    by_urn = second.by_urn()
    for reg in first.resources:
        assert reg.inputs == by_urn[reg.urn].inputs, f"{reg.urn} renders differently twice"
