"""The registry of clouds (clouds/): one entry per cloud, every part found by name, loaded on first use.

Importing the registry loads no pydantic and no Pulumi (the policy pack reads it in a venv without
them); planning a stack loads its own cloud's SDK and never another's; every built-in cloud brings
every part the core asks for; a registered name cannot be taken twice.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import clouds
from tests.stack_fixtures import fixture_stack_file

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_registry_loads_no_pydantic_and_no_pulumi() -> None:
    loaded = _run(
        "import sys, clouds; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'pulumi', 'pulumi_gcp', 'pulumi_aws', 'substrate', 'stacks')))"
    )
    assert loaded == "[]", f"the registry names modules, it imports none: {loaded}"


@pytest.mark.parametrize(("stack", "foreign"), [("gcp-serving", "pulumi_aws"), ("aws-serving", "pulumi_gcp")])
def test_a_stack_loads_its_own_clouds_sdk_and_never_another(stack: str, foreign: str) -> None:
    path = str(fixture_stack_file(stack))
    script = (
        "import sys\n"
        "from offline.engine import render\n"
        "from stacks import loader\n"
        f"render(loader.read_stack_file(loader.resolve_stack_file({path!r})), 's')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(('pulumi_gcp', 'pulumi_aws'))}))"
    )
    loaded = _run(script)
    assert foreign not in loaded, f"a {stack} plan loaded {foreign}: {loaded}"
    assert loaded != "[]", "the stack's own SDK was loaded (the render really built the substrate)"


@pytest.mark.parametrize("name", clouds.names())
def test_every_built_in_cloud_brings_every_part(name: str) -> None:
    for part in clouds.PARTS:
        module = clouds.part(name, part)
        assert module.__name__.startswith(clouds.get(name).package), f"{name}'s {part} lives in its package"  # type: ignore[union-attr]
    config = clouds.part(name, "config")
    assert {"Block", "STACK_RULES", "capacity", "NAMESPACES"} <= set(vars(config)), (
        f"{name}.config is complete"
    )
    bridge = clouds.part(name, "bridge")
    assert {"ANNOTATIONS", "SECRET_STORES", "DNS_PROVIDERS", "DRIVER_OWNERS"} <= set(vars(bridge)), (
        f"{name}.bridge is complete"
    )
    assert clouds.has_part(name, "preflight"), f"{name} says what preflight checks (or why it checks nothing)"


def test_a_registered_name_cannot_be_taken_twice() -> None:
    twin = clouds.Cloud(name="gcp", package="tests.stub_cloud", adapter="adapter:StubSubstrate")
    with pytest.raises(ValueError, match="cloud 'gcp' is already registered"):
        clouds.register(twin)
    assert clouds.get("gcp").package == "substrate.gcp", "the built-in entry is untouched"  # type: ignore[union-attr]
