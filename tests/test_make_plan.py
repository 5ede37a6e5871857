"""`make plan` through the real Makefile: stdout carries only the plan, and the exit code is findable.

The first-run case: `make plan ... FORMAT=json > plan.json` on a fresh clone builds the venv first, and
nothing that build prints may reach stdout. A real build takes minutes, so the test runs the Makefile's
own venv recipe against a stand-in interpreter. `VENV` points at a temporary directory whose
`.installed` marker is older than the requirements files (stale, as after a pull that changes a pin),
and `PYTHON` at a script that does what `python -m venv` does for this recipe: it creates
`$VENV/bin/python` (a wrapper around this checkout's `.venv` interpreter, so the plan really runs) and a
`$VENV/bin/pip` that prints what pip prints, on stdout. Every recipe line runs as written; if any of
them let its output through, `json.loads(stdout)` fails.

make itself exits 2 whenever a recipe fails, so the plan's code (2 bad config, 3 policy violation,
1 internal error) is named on stderr and written to EXIT_CODE_FILE. Codes 1 and 3 come from a stand-in
`PY` that exits with them: the recipe's handling is what is under test, not the plan.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.stack_fixtures import stack_arg

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")

FAKE_VENV = """#!/bin/sh
# Stand-in for `python -m venv DIR`: chatter on stdout, as a real build has.
echo "creating virtual environment in $3"
mkdir -p "$3/bin"
printf '#!/bin/sh\\nexec %s "$@"\\n' "{python}" > "$3/bin/python"
printf '#!/bin/sh\\necho "Collecting pulumi==3.0.0"\\necho "Successfully installed"\\n' > "$3/bin/pip"
chmod +x "$3/bin/python" "$3/bin/pip"
"""


def make(*args: str) -> subprocess.CompletedProcess[str]:
    assert MAKE is not None
    return subprocess.run(
        [MAKE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")},
    )


@pytest.fixture
def stale_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A VENV whose marker predates the requirements files, and the stand-in interpreter that rebuilds it."""
    venv = tmp_path / "venv"
    venv.mkdir()
    marker = venv / ".installed"
    marker.touch()
    os.utime(marker, (0, 0))
    python = tmp_path / "python3"
    python.write_text(FAKE_VENV.format(python=ROOT / ".venv" / "bin" / "python"))
    python.chmod(0o755)
    return venv, python


def test_a_stale_venv_is_rebuilt_and_stdout_is_still_only_the_json_plan(
    stale_venv: tuple[Path, Path],
) -> None:
    venv, python = stale_venv
    result = make(
        "plan", f"STACK={stack_arg('gcp-serving')}", "FORMAT=json", f"VENV={venv}", f"PYTHON={python}"
    )
    assert result.returncode == 0, result.stderr
    assert (venv / ".installed").stat().st_mtime > 0, "the stale marker forced the venv recipe to run"
    doc = json.loads(result.stdout)  # fails if make, venv or pip printed anything to stdout
    assert doc["stack"] == "gcp-serving"
    assert "creating virtual environment" in result.stderr and "Collecting pulumi" in result.stderr, (
        "the build's output is routed to stderr, not dropped"
    )
    assert (
        f"building {venv} from requirements.txt" in result.stderr and f"{venv} is ready" in result.stderr
    ), "progress is shown while the venv builds"


def test_a_fresh_venv_is_not_rebuilt(stale_venv: tuple[Path, Path], tmp_path: Path) -> None:
    venv, python = stale_venv
    assert make("venv", f"VENV={venv}", f"PYTHON={python}").returncode == 0
    again = make(
        "plan",
        f"STACK={stack_arg('gcp-serving')}",
        "FORMAT=json",
        f"VENV={venv}",
        f"PYTHON={tmp_path / 'absent'}",
    )
    assert again.returncode == 0, again.stderr
    assert "building" not in again.stderr, "an up-to-date marker skips the build"
    json.loads(again.stdout)


def test_bad_config_through_make_names_exit_2_and_writes_it(tmp_path: Path) -> None:
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config:\n  llm-platform:cloud: gcp\n  llm-platform:cloud: aws\n")
    code_file = tmp_path / "code"
    result = make("plan", f"STACK={bad}", f"EXIT_CODE_FILE={code_file}")
    assert result.returncode == 2, "make exits 2 on any recipe failure"
    assert code_file.read_text().strip() == "2"
    assert f"error: {bad}:3:3: duplicate key 'llm-platform:cloud'" in result.stderr
    assert "make plan: offline.plan exited 2 (bad config)" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


@pytest.mark.parametrize(("code", "meaning"), [(3, "policy violation"), (1, "internal error")])
def test_the_plans_own_exit_code_survives_make(tmp_path: Path, code: int, meaning: str) -> None:
    stub = tmp_path / "plan-python"
    stub.write_text(f"#!/bin/sh\nexit {code}\n")
    stub.chmod(0o755)
    code_file = tmp_path / "code"
    result = make("plan", f"PY={stub}", f"EXIT_CODE_FILE={code_file}")
    assert result.returncode == 2
    assert code_file.read_text().strip() == str(code), f"EXIT_CODE_FILE holds the plan's code {code}"
    assert f"make plan: offline.plan exited {code} ({meaning})" in result.stderr


def test_a_clean_plan_through_make_exits_0_and_writes_0(tmp_path: Path) -> None:
    code_file = tmp_path / "code"
    stub = tmp_path / "plan-python"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    result = make("plan", f"PY={stub}", f"EXIT_CODE_FILE={code_file}")
    assert result.returncode == 0 and code_file.read_text().strip() == "0"
    assert result.stdout == "" and result.stderr == ""
