"""checkov over the seed: every local chart, as Argo CD renders it for every shipped stack, is clean.

The rendered manifests (tests/seed_render.py) of each stack go to a directory of their own,
`<stack>/<ApplicationSet>.yaml`, and one checkov process (Kubernetes framework) scans them all; each
finding is mapped back to its stack and chart. A finding passes only if tests/checkov_waivers.yaml lists
its check and resource with a reason, and every waiver must still match a finding. checkov runs from
its own exactly pinned venv (`make checkov-venv`, tests/checkov/requirements.txt): it pins boto3 and
packaging versions the program's venv cannot take. Without that venv the tests fail, never skip.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks.loader import stack_names
from tests.seed_render import render_seed

ROOT = Path(__file__).resolve().parent.parent
CHECKOV_VENV = ROOT / os.environ.get("CHECKOV_VENV", ".venv-checkov")
REQUIREMENTS = ROOT / "tests" / "checkov" / "requirements.txt"
WAIVERS_FILE = ROOT / "tests" / "checkov_waivers.yaml"
CHECKOV_VERSION = "3.3.30"
EXACT_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+$")
CHECK_ID = re.compile(r"^CKV2?_K8S_\d+$")
STACKS = stack_names()
# Kinds with a pod template (or a pod): what checkov's Kubernetes checks judge.
WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob"})


@dataclass(frozen=True)
class Finding:
    stack: str
    appset: str
    check: str
    resource: str

    def __str__(self) -> str:
        return f"{self.stack}: {self.appset}: {self.check} on {self.resource}"


@dataclass(frozen=True)
class Scan:
    summary: dict[str, Any]
    scanned_files: frozenset[str]
    # Each written file (`<stack>/<ApplicationSet>.yaml`) with the kinds it holds.
    written_files: dict[str, frozenset[str]]
    findings: tuple[Finding, ...]


def checkov_binary(venv: Path = CHECKOV_VENV) -> Path:
    binary = venv / "bin" / "checkov"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `make checkov-venv` (`make test` builds it first)")
    return binary


def waivers() -> list[dict[str, str]]:
    return list(yaml.safe_load(WAIVERS_FILE.read_text())["waivers"])


def waived(finding: Finding) -> bool:
    return any(w["check"] == finding.check and w["resource"] == finding.resource for w in waivers())


def write_manifests(out: Path) -> dict[str, frozenset[str]]:
    """Each stack's rendered local charts, one file per ApplicationSet: path (relative to `out`) -> kinds."""
    written = {}
    for stack in STACKS:
        for app in render_seed(stack).apps:
            if not app.objects:
                continue
            path = out / stack / f"{app.appset.name}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump_all(app.objects, sort_keys=False))
            written[f"{stack}/{path.name}"] = frozenset(o["kind"] for o in app.objects)
    return written


def results(report: Any) -> Iterator[dict[str, Any]]:
    """checkov prints one report object per framework, or a list of them."""
    yield from report if isinstance(report, list) else [report]


@functools.cache
def scan(out: Path) -> Scan:
    written = write_manifests(out)
    command = [str(checkov_binary()), "--framework", "kubernetes", "-d", str(out), "-o", "json"]
    # No --quiet: its JSON drops the passed checks, which show that every file was parsed and checked.
    # --skip-download: no call to Prisma Cloud for guidelines or custom policies; the scan is offline.
    proc = subprocess.run([*command, "--skip-download"], capture_output=True, text=True, check=False)
    # checkov exits 1 when a check fails; anything else, or output that is not JSON, is a broken run.
    assert proc.returncode in (0, 1), f"checkov exited {proc.returncode}: {proc.stderr[-2000:]}"
    reports = list(results(json.loads(proc.stdout)))
    assert [r["check_type"] for r in reports] == ["kubernetes"], "only the Kubernetes framework runs"
    report = reports[0]
    checks = report["results"]["passed_checks"] + report["results"]["failed_checks"]
    findings = []
    for failed in report["results"]["failed_checks"]:
        stack, name = failed["file_path"].strip("/").split("/")
        findings.append(Finding(stack, name.removesuffix(".yaml"), failed["check_id"], failed["resource"]))
    return Scan(
        summary=dict(report["summary"]),
        scanned_files=frozenset(c["file_path"].strip("/") for c in checks),
        written_files=written,
        findings=tuple(findings),
    )


@pytest.fixture(scope="module")
def checkov_scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    return scan(tmp_path_factory.mktemp("rendered-seed"))


# ------------------------------------------------------------------------------------------ the tests


def test_checkov_scans_every_rendered_local_chart_of_every_stack(checkov_scan: Scan) -> None:
    assert checkov_scan.summary["parsing_errors"] == 0, "checkov must parse every rendered manifest"
    assert checkov_scan.summary["checkov_version"] == CHECKOV_VERSION, "the scan runs the pinned checkov"
    stacks = {f.split("/")[0] for f in checkov_scan.written_files}
    assert stacks == set(STACKS), "every shipped stack's render is scanned"
    must_scan = {f for f, kinds in checkov_scan.written_files.items() if kinds & WORKLOAD_KINDS}
    assert must_scan, "the seed renders workloads"
    assert sorted(must_scan - checkov_scan.scanned_files) == [], (
        "every rendered chart holding a workload is checked by checkov"
    )


def test_every_checkov_finding_is_a_documented_waiver(checkov_scan: Scan) -> None:
    unwaived = sorted(str(f) for f in checkov_scan.findings if not waived(f))
    assert unwaived == [], (
        "fix these, or waive them with a reason in tests/checkov_waivers.yaml:\n" + "\n".join(unwaived)
    )


def test_every_waiver_still_matches_a_finding(checkov_scan: Scan) -> None:
    found = {(f.check, f.resource) for f in checkov_scan.findings}
    stale = [
        f"{w['check']} on {w['resource']}" for w in waivers() if (w["check"], w["resource"]) not in found
    ]
    assert stale == [], f"waivers nothing needs any more (remove them): {stale}"


def test_every_waiver_names_one_kubernetes_check_one_resource_and_a_reason() -> None:
    entries = waivers()
    assert entries, "the waiver list exists"
    for w in entries:
        assert set(w) == {"check", "resource", "reason"}, f"{w}: exactly check, resource and reason"
        assert CHECK_ID.match(w["check"]), f"{w['check']} is a checkov Kubernetes check id"
        assert w["resource"].count(".") >= 2, f"{w['resource']} is checkov's Kind.namespace.name"
        assert len(w["reason"].split()) >= 8, f"{w['check']} on {w['resource']}: the reason says why"
    keys = [(w["check"], w["resource"]) for w in entries]
    assert len(keys) == len(set(keys)), "each check and resource is waived once"


def test_the_privileged_gpu_exporter_is_found_so_the_scan_is_not_blind(checkov_scan: Scan) -> None:
    privileged = [f for f in checkov_scan.findings if f.check == "CKV_K8S_16"]
    assert {f.resource for f in privileged} == {"DaemonSet.gpu-monitoring.dcgm-exporter"}, (
        "checkov reports the one privileged container of the seed, and only it"
    )
    assert {f.stack for f in privileged} == {s for s in STACKS if s.startswith("gcp-")}, (
        "dcgm-exporter runs only where the cloud owns the GPU stack (GKE)"
    )


def test_a_missing_checkov_venv_fails_naming_the_make_target(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"make checkov-venv"):
        checkov_binary(tmp_path / "no-such-venv")


def test_checkovs_venv_is_pinned_exactly_including_transitive_dependencies() -> None:
    lines = [line for line in REQUIREMENTS.read_text().splitlines() if line and not line.startswith("#")]
    assert [line for line in lines if not EXACT_PIN.match(line)] == [], "every requirement is name==version"
    pins = dict(line.split("==") for line in lines)
    assert pins.get("checkov") == CHECKOV_VERSION
    # checkov's own pins, the reason it has a venv of its own; present means the freeze is transitive.
    assert pins.get("boto3") == "1.35.49"
    assert pins.get("packaging", "").startswith("23."), "checkov 3.3.x needs packaging<24"
