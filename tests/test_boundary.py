"""The hard boundary, enforced by checks rather than convention.

IaC owns the cloud substrate; the bootstrap is the only Kubernetes-side component. So `substrate/`
never imports `bootstrap/`, and `bootstrap/` imports no cloud SDK — it sees cluster access and the
contract only. import-linter's contracts (pyproject.toml) run here and in `make lint`; the AST scan
below is the same rule without the tool, and is itself shown to catch a violation.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOUD_SDKS = ("pulumi_gcp", "pulumi_aws", "boto3", "botocore", "google")
RULES = {"substrate": ("bootstrap",), "bootstrap": CLOUD_SDKS}


def imported_modules(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violations(package: str, files: dict[str, str]) -> list[str]:
    forbidden = RULES[package]
    return [
        f"{path} imports {module}"
        for path, source in files.items()
        for module in sorted(imported_modules(source))
        if module.split(".")[0] in forbidden
    ]


def package_sources(package: str) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / package).rglob("*.py")}


def test_the_substrate_never_imports_the_bootstrap() -> None:
    assert violations("substrate", package_sources("substrate")) == []


def test_the_bootstrap_imports_no_cloud_sdk() -> None:
    assert package_sources("bootstrap"), "the bootstrap package exists"
    assert violations("bootstrap", package_sources("bootstrap")) == []


def test_the_scan_catches_a_crossing() -> None:
    assert violations("bootstrap", {"bootstrap/x.py": "import pulumi_aws as aws\n"}) == [
        "bootstrap/x.py imports pulumi_aws"
    ]
    assert violations("substrate", {"substrate/x.py": "from bootstrap.layers import LAYERS\n"}) == [
        "substrate/x.py imports bootstrap.layers"
    ]


def test_import_linter_contracts_are_kept() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout
