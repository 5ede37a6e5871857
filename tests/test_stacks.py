"""Every fixture stack renders through the real program, deterministically.

The shipped stacks/ files are checked by tests/test_shipped_stacks.py.
"""

from __future__ import annotations

import pytest

from offline.engine import render
from tests.stack_fixtures import fixture_stack_names, render_stack, stack_raw

STACKS = fixture_stack_names()


def test_the_fixture_stacks_cover_every_cloud_and_profile_the_release_ships() -> None:
    assert set(STACKS) == {"gcp-serving", "gcp-llm-gateway", "gcp-full", "aws-serving", "aws-full", "local"}


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


def _differences(a: object, b: object, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [path]


def test_only_never_reusable_names_and_stack_labels_depend_on_the_stack_name() -> None:
    raw = stack_raw("gcp-full")
    alpha, beta = render(raw, "alpha"), render(raw, "beta")
    by_name = {(r.type, r.name): r.inputs for r in beta.resources}
    differing = {
        f"{r.name}{d}" for r in alpha.resources for d in _differences(r.inputs, by_name[(r.type, r.name)])
    }
    assert differing == {
        # a deleted key ring's name is never reusable, and what refers to the ring follows it
        "substrate-encryption-keyring.name",
        "substrate-encryption-key.keyRing",
        "substrate-encryption-gke-agent.cryptoKeyId",
        "substrate-cluster-gke.databaseEncryption.keyName",
        # a deleted custom role's id stays reserved for weeks, and its grant follows it
        "substrate-dns-zone-lister-role.roleId",
        "substrate-dns-zone-lister.role",
        "substrate-dns-record-editor-role.roleId",
        "substrate-dns-external-dns.role",
        # labels naming the stack (provider config arrives JSON-encoded)
        "substrate-gcp.defaultLabels",
        "substrate-cluster-gke.resourceLabels.stack",
    }
