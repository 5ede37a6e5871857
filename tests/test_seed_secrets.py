"""Every secret the seed reads is one the stack declares: an ExternalSecret naming a secret the substrate
never created a container for would never sync, and its workload would never start (closed, but broken)."""

from __future__ import annotations

import pytest

from tests.seed_render import render_seed
from tests.urn_snapshot import fixture_stack_names


def _keys(spec: dict) -> list[str]:
    keys = [item["remoteRef"]["key"] for item in spec.get("data", [])]
    keys += [source["extract"]["key"] for source in spec.get("dataFrom", []) if "extract" in source]
    return keys


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_every_external_secret_reads_a_secret_the_stack_declares(stack: str) -> None:
    seed = render_seed(stack)
    annotations = seed.secret.annotations
    declared = {n for n in annotations["secrets_names"].split(",") if n}
    prefix = annotations["secrets_prefix"]
    read = {
        (app.appset.name, key.removeprefix(prefix))
        for app, obj in seed.objects()
        if obj.get("kind") == "ExternalSecret"
        for key in _keys(obj["spec"])
    }
    missing = sorted(f"{appset}: {name}" for appset, name in read if name not in declared)
    assert not missing, f"{stack}: ExternalSecrets read secrets the stack never declares: {missing}"
