"""The neutral core names no cloud: every cloud is a package behind the registry (clouds/).

The schema, the contract and its wire form, the bootstrap, the offline engine, the policy registry and
the preflight CLI read the registry; a cloud's name, its Kubernetes service or its vendor appearing
in one of them means cloud knowledge leaked back into the core. The scan reads code, comments and
docstrings alike (word match, any case), and is itself shown to catch a leak.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLOUD_WORDS = re.compile(r"(?<![A-Za-z0-9])(gcp|aws|gke|eks|google|amazon)(?![A-Za-z0-9])", re.IGNORECASE)
CORE = (
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "bootstrap").rglob("*.py")),
    "substrate/contract.py",
    "substrate/contract_values.py",
    "substrate/contract_wire.py",
    "stacks/schema.py",
    "stacks/base.py",
    "offline/engine.py",
    "offline/computed.py",
    "offline/plan.py",
    "policy/rules/__init__.py",
    "policy/rules/base.py",
    "preflight/cli.py",
    "preflight/doctor.py",
    "substrate/adapters.py",
)


def cloud_names(source: str) -> list[str]:
    return [
        f"line {n}: {m.group(0)}"
        for n, line in enumerate(source.splitlines(), start=1)
        for m in CLOUD_WORDS.finditer(line)
    ]


@pytest.mark.parametrize("path", CORE)
def test_a_core_module_names_no_cloud(path: str) -> None:
    found = cloud_names((ROOT / path).read_text())
    assert found == [], f"{path} names a cloud; that knowledge belongs in the cloud's package: {found}"


def test_the_scan_catches_a_cloud_name_and_ignores_longer_words() -> None:
    assert cloud_names("x = 'GKE'\n# on Amazon\n") == ["line 1: GKE", "line 2: Amazon"]
    assert cloud_names("gcpsm = awsome = eksample = 1") == [], "only whole words count"
