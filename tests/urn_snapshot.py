"""What an existing stack's `pulumi up` would see of a change: URNs, inputs and options, before and after.

`snapshot()` reduces a rendering to, per URN, its type, a digest of its inputs and the options that decide
a replacement or a changed deletion (parent, protect, ignoreChanges, delete timeout, dependencies).
`differences()` compares a new rendering with a saved snapshot, honouring Pulumi aliases: a resource that
moved or was re-parented is the same resource when one of its aliases is the old URN.

The saved snapshot (tests/fixtures/urn_snapshot.json) is of the test-owned fixture stacks. A change meant
to alter what is registered rewrites it on purpose, in the same commit:

    .venv/bin/python -m tests.urn_snapshot --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from offline.engine import Registration, Rendering, render
from tests.stack_fixtures import fixture_stack_names, stack_raw

SNAPSHOT = Path(__file__).resolve().parent / "fixtures" / "urn_snapshot.json"


def render_fixture(name: str) -> Rendering:
    # Uncached: the snapshot is of a fresh render.
    return render(stack_raw(name), name)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _entry(reg: Registration, identity: dict[str, str]) -> dict[str, Any]:
    return {
        "type": reg.type,
        "inputs": _digest(reg.inputs),
        "parent": identity.get(reg.parent, reg.parent),
        "protect": reg.protect,
        "ignoreChanges": sorted(reg.ignore_changes),
        "deleteTimeout": reg.delete_timeout,
        "dependencies": _digest(sorted(identity.get(d, d) for d in reg.dependencies)),
    }


def _identities(rendering: Rendering, known: set[str]) -> dict[str, str]:
    """Current URN → the URN it had in the snapshot (itself, or the alias the snapshot knows)."""
    out = {}
    for reg in rendering.resources:
        old = [a for a in reg.aliases if a in known]
        out[reg.urn] = old[0] if old and reg.urn not in known else reg.urn
    return out


def snapshot(rendering: Rendering) -> dict[str, dict[str, Any]]:
    return {reg.urn: _entry(reg, {}) for reg in rendering.resources}


def differences(old: dict[str, dict[str, Any]], rendering: Rendering) -> list[str]:
    """Everything an existing stack would see change; empty for a pure refactor."""
    identity = _identities(rendering, set(old))
    new = {identity[reg.urn]: _entry(reg, identity) for reg in rendering.resources}
    problems = [
        f"{urn}: no longer registered (replaced or deleted; add an alias)" for urn in old if urn not in new
    ]
    problems += [f"{urn}: new registration" for urn in new if urn not in old]
    for urn in sorted(set(old) & set(new)):
        changed = [key for key in old[urn] if old[urn][key] != new[urn][key]]
        if changed:
            problems.append(f"{urn}: {', '.join(changed)} changed")
    return problems


def write() -> None:
    data = {name: snapshot(render_fixture(name)) for name in fixture_stack_names()}
    lines = [f"{json.dumps(name)}: {json.dumps(entries, sort_keys=True)}" for name, entries in data.items()]
    SNAPSHOT.write_text("{\n" + ",\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.urn_snapshot --write")
    write()
