"""`make plan`: the offline plan's text and JSON modes, stack names and paths, clean failures, warnings.

The EKS runway warning depends on the date: those tests pin it (`eks_versions.as_of`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from offline import plan
from stacks import eks_versions, loader

ROOT = Path(__file__).resolve().parent.parent


def test_the_text_plan_groups_by_boundary_and_shows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["gcp-serving"]) == 0
    out = capsys.readouterr().out
    assert "== substrate (" in out and "== bootstrap (" in out
    assert "== contract (schema v1)" in out and "gpu_stack = managed" in out
    assert "== summary ==" in out
    assert out.index("== substrate") < out.index("== bootstrap") < out.index("== contract")


def test_the_json_plan_lists_resources_with_their_options_and_the_contract(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main(["gcp-full", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stack"] == "gcp-full"
    assert set(doc["resources"][0]) >= {"urn", "type", "name", "parent", "dependencies", "protect", "inputs"}
    assert doc["contract"]["cluster_cloud"] == "gcp"
    provider = next(r for r in doc["resources"] if r["type"] == "pulumi:providers:kubernetes")
    assert provider["inputs"]["kubeconfig"] == "[secret]", "secret inputs are redacted in the plan"


def test_a_stack_file_path_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = loader.resolve_stack_file("gcp-serving")
    copy = tmp_path / "Pulumi.my-fork.yaml"
    copy.write_text(src.read_text())
    assert plan.main([str(copy), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stack"] == "my-fork"


def test_bad_config_exits_non_zero_with_the_message_and_no_traceback(tmp_path: Path) -> None:
    doc = yaml.safe_load(loader.resolve_stack_file("gcp-serving").read_text())
    doc["config"]["llm-platform:cluster"]["name"] = "Not_Valid"
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(yaml.safe_dump(doc))
    result = subprocess.run(
        [sys.executable, "-m", "offline.plan", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "cluster.name" in result.stderr and "lowercase" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == "", "nothing is planned from a bad config"


def test_an_unknown_stack_name_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["gcp-nope"]) == 2
    err = capsys.readouterr().err
    assert "no stack 'gcp-nope'" in err and "gcp-full" in err


def _ends(version: str) -> date:
    found = eks_versions.CALENDAR.get(version)
    assert found is not None
    return found.end_of_standard_support


def test_the_text_plan_warns_when_fewer_than_90_days_of_standard_support_remain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    aws = loader.validate(loader.read_stack_file(loader.resolve_stack_file("aws-serving"))).aws
    assert aws is not None
    ends = _ends(aws.kubernetes_version)
    with eks_versions.as_of(date.fromordinal(ends.toordinal() - 60)):
        assert plan.main(["aws-serving"]) == 0, "a warning does not fail the plan"
    out = capsys.readouterr().out
    assert "== warnings ==" in out
    assert f"aws.kubernetesVersion {aws.kubernetes_version}: EKS standard support ends on {ends}" in out
    assert "(60 days left)" in out, "the warning says how long is left"
    assert out.index("== warnings ==") < out.index("== policy"), "warnings come before the policy verdict"


def test_the_json_plan_carries_the_warning_and_a_version_with_runway_gets_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ends = _ends(eks_versions.DEFAULT)
    with eks_versions.as_of(date.fromordinal(ends.toordinal() - 1)):
        assert plan.main(["aws-serving", "--format", "json"]) == 0
    [warning] = json.loads(capsys.readouterr().out)["warnings"]
    assert f"ends on {ends} (1 day left)" in warning
    with eks_versions.as_of(date.fromordinal(ends.toordinal() - eks_versions.RUNWAY_WARNING_DAYS)):
        assert plan.main(["aws-serving", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == [], (
        f"{eks_versions.RUNWAY_WARNING_DAYS} days is enough"
    )


def test_a_gke_plan_has_no_eks_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["gcp-serving"]) == 0
    assert "== warnings ==" not in capsys.readouterr().out
