"""`make plan`: the offline plan's text and JSON modes, stack names and paths, clean failures, warnings,
what an engineer checks before `pulumi up`, the first-preview plan and the exit codes (0 clean, 2 bad
config, 3 policy violation, 1 internal error). Malformed stack files: tests/test_stack_file.py; the
Makefile's stdout and exit code: tests/test_make_plan.py.

The EKS runway warning depends on the date: those tests pin it (`eks_versions.as_of`).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from offline import plan
from stacks import eks_versions, loader
from substrate.aws import config as aws_config
from tests.stack_fixtures import (
    fixture_stack_file,
    fixture_stack_names,
    point_stacks_dir_at,
    render_stack,
    stack_arg,
    stack_raw,
)

ROOT = Path(__file__).resolve().parent.parent


def test_the_text_plan_groups_by_boundary_and_shows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-serving")]) == 0
    out = capsys.readouterr().out
    assert "== substrate (" in out and "== bootstrap (" in out
    assert "== contract (schema v1)" in out and "gpu_stack = managed" in out
    assert "== summary ==" in out
    assert out.index("== substrate") < out.index("== bootstrap") < out.index("== contract")


def test_the_json_plan_lists_resources_with_their_options_and_the_contract(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("gcp-full"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stack"] == "gcp-full"
    assert set(doc["resources"][0]) >= {"urn", "type", "name", "parent", "dependencies", "protect", "inputs"}
    assert doc["contract"]["cluster_cloud"] == "gcp"
    provider = next(r for r in doc["resources"] if r["type"] == "pulumi:providers:kubernetes")
    assert provider["inputs"]["kubeconfig"] == "[secret]", "secret inputs are redacted in the plan"


def test_a_stack_file_path_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = fixture_stack_file("gcp-serving")
    copy = tmp_path / "Pulumi.my-fork.yaml"
    copy.write_text(src.read_text())
    assert plan.main([str(copy), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stack"] == "my-fork"


def test_bad_config_exits_non_zero_with_the_message_and_no_traceback(tmp_path: Path) -> None:
    doc = yaml.safe_load(fixture_stack_file("gcp-serving").read_text())
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


def test_a_stack_name_resolves_to_its_file_in_the_stacks_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_stacks_dir_at(tmp_path, monkeypatch, my_fork="gcp-serving")
    assert plan.main(["my-fork", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stack"] == "my-fork", (
        "a name is Pulumi.<name>.yaml in stacks/"
    )


def test_an_unknown_stack_name_lists_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_stacks_dir_at(tmp_path, monkeypatch, my_fork="gcp-serving", other_fork="aws-serving")
    assert plan.main(["gcp-nope"]) == 2
    err = capsys.readouterr().err
    assert "no stack 'gcp-nope'" in err and "my-fork, other-fork" in err, "the message lists the known names"


def _ends(version: str) -> date:
    found = eks_versions.CALENDAR.get(version)
    assert found is not None
    return found.end_of_standard_support


def test_the_text_plan_warns_when_fewer_than_90_days_of_standard_support_remain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    aws = aws_config.block(loader.validate(stack_raw("aws-serving")))
    ends = _ends(aws.kubernetes_version)
    with eks_versions.as_of(date.fromordinal(ends.toordinal() - 60)):
        assert plan.main([stack_arg("aws-serving")]) == 0, "a warning does not fail the plan"
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
        assert plan.main([stack_arg("aws-serving"), "--format", "json"]) == 0
    [warning] = json.loads(capsys.readouterr().out)["warnings"]
    assert f"ends on {ends} (1 day left)" in warning
    with eks_versions.as_of(date.fromordinal(ends.toordinal() - eks_versions.RUNWAY_WARNING_DAYS)):
        assert plan.main([stack_arg("aws-serving"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == [], (
        f"{eks_versions.RUNWAY_WARNING_DAYS} days is enough"
    )


def test_a_gke_plan_has_no_eks_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-serving")]) == 0
    assert "== warnings ==" not in capsys.readouterr().out


# --- what an engineer checks before `pulumi up` -------------------------------------------------------


def _section(out: str, title: str) -> str:
    return out.split(f"== {title}", 1)[1].split("\n\n", 1)[0]


def test_the_text_plan_shows_each_gpu_pool_as_the_cloud_will_receive_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("gcp-full")]) == 0
    cluster = _section(capsys.readouterr().out, "cluster")
    rows = {line.split()[0]: line.split() for line in cluster.splitlines()[5:]}
    assert rows["l4"] == ["l4", "g2-standard-8", "1", "0", "8", "on-demand", "200"], cluster
    assert rows["h100-spot"] == ["h100-spot", "a3-highgpu-8g", "8", "0", "2", "spot", "500"], cluster
    assert (
        "pool  " in cluster and "machine type" in cluster and "GPUs/node" in cluster and "disk GB" in cluster
    )


def test_the_text_plan_shows_the_gke_channel_and_who_can_reach_the_endpoint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("gcp-full")]) == 0
    cluster = _section(capsys.readouterr().out, "cluster")
    assert "version:  GKE release channel REGULAR" in cluster
    assert (
        "endpoint: public, authorized networks: 203.0.113.0/24 (corp-vpn), 198.51.100.16/28 (ci-runners)"
        in cluster
    )


def test_the_text_plan_shows_the_eks_version_and_each_pools_capacity_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("aws-full")]) == 0
    cluster = _section(capsys.readouterr().out, "cluster")
    aws = aws_config.block(loader.validate(stack_raw("aws-full")))
    assert f"version:  EKS {aws.kubernetes_version} (standard support)" in cluster
    assert "endpoint: public, authorized networks: 203.0.113.0/24, 198.51.100.16/28" in cluster
    rows = {line.split()[0]: line.split() for line in cluster.splitlines()[5:]}
    assert rows["h100-spot"][1:] == ["p5.48xlarge", "8", "0", "2", "spot", "500"], cluster
    assert rows["l4"][5] == "on-demand", cluster


def test_an_existing_cluster_plan_says_the_cluster_is_not_this_stacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("local")]) == 0
    assert "existing cluster: its version, endpoint and node pools are not managed by this stack" in (
        _section(capsys.readouterr().out, "cluster")
    )


def test_the_counts_add_up_and_agree_with_the_json_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-full")]) == 0
    out = capsys.readouterr().out
    assert plan.main([stack_arg("gcp-full"), "--format", "json"]) == 0
    resources = json.loads(capsys.readouterr().out)["resources"]
    custom = sum(r["custom"] for r in resources)
    summary = re.search(r"(\d+) resources \+ (\d+) components = (\d+) registrations", out)
    assert summary, out.split("== summary ==")[1][:200]
    assert [int(n) for n in summary.groups()] == [custom, len(resources) - custom, len(resources)]
    per_boundary = [
        int(n) for n in re.findall(r"^== \w+ \((\d+) resources?, \d+ components?\) ==$", out, re.M)
    ]
    assert sum(per_boundary) == custom, "the boundaries' resources add up to the total"


def test_one_of_a_kind_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-full")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^== bootstrap \(\d+ resources, 1 component\) ==$", out, re.M), (
        "1 component, not 1 components"
    )
    assert "1 components" not in out and "1 resources" not in out


def test_an_empty_contract_value_reads_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-serving")]) == 0
    contract = capsys.readouterr().out.split("== contract", 1)[1].split("== summary", 1)[0]
    assert "  node_autoscaler_interruption_queue = (none)" in contract
    assert not re.search(r" = $", contract, re.M), "no contract line ends in an empty value"


# --- the first-preview plan ---------------------------------------------------------------------------


def test_a_first_preview_plan_says_so_and_explains_what_cannot_evaluate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("aws-serving"), "--preview"]) == 3, "unknown values fail, as in the pack"
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Stack aws-serving: first-preview plan"), out.splitlines()[0]
    policy = out.split("== policy", 1)[1]
    assert "cannot evaluate: policy is unknown" in policy
    assert "cannot evaluate: on a first preview, a value the rule needs" in policy, "the output says why"
    assert "`pulumi up --skip-preview --policy-pack policy`" in policy, "and points to the documented way"


def test_a_plan_that_is_not_a_preview_does_not_call_itself_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-serving")]) == 0
    out = capsys.readouterr().out
    assert "first-preview" not in out and "--skip-preview" not in out


# --- JSON: policy and boundary ------------------------------------------------------------------------


def test_the_json_policy_tells_a_clean_plan_from_one_where_nothing_ran(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from policy.rules import PACK_NAME, REGISTRY

    assert plan.main([stack_arg("gcp-serving"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["policy"] == {
        "pack": PACK_NAME,
        "rules_evaluated": len(REGISTRY),
        "resources_checked": len(doc["resources"]),
        "violations": [],
        "cannot_evaluate": 0,
    }
    assert doc["policy"]["rules_evaluated"] > 0 and doc["policy"]["resources_checked"] > 0
    assert doc["preview"] is False


def test_every_json_resource_carries_its_boundary(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main([stack_arg("gcp-serving"), "--format", "json"]) == 0
    resources = json.loads(capsys.readouterr().out)["resources"]
    argo = next(r for r in resources if r["type"] == "kubernetes:helm.sh/v3:Release")
    assert argo["boundary"] == "bootstrap"
    assert all(r["boundary"] in ("substrate", "bootstrap") for r in resources)


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_no_fixture_stack_registers_anything_outside_both_boundaries(stack: str) -> None:
    rendering = render_stack(stack)
    outside = [r.urn for r in rendering.resources if plan.boundary(rendering, r) == "outside"]
    assert outside == [], "every registration is under the substrate or the bootstrap component"


# --- exit codes ---------------------------------------------------------------------------------------


def test_an_internal_error_exits_1_with_one_redacted_line_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "ghp_" + "Zq8Xw2Lm4Nv6Bc1Rt7Yp3Hs9Kd5Fg0Ja2Ue4"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"engine fell over near {token}")

    monkeypatch.setattr(plan, "render", broken)
    monkeypatch.delenv("LLM_PLATFORM_DEBUG", raising=False)
    assert plan.main([stack_arg("gcp-serving")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert (
        f"internal error planning {stack_arg('gcp-serving')} "
        "(RuntimeError: engine fell over near [redacted: a token])" in captured.err
    ), "the line names the stack as given"
    assert "LLM_PLATFORM_DEBUG=1" in captured.err, "the line says how to get the traceback"


def test_a_policy_violation_exits_3_and_bad_config_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from policy import offline as policy_offline

    violation = policy_offline.Violation("test-rule", "urn:pulumi:s::p::t::n", "always fails")
    monkeypatch.setattr(plan, "evaluate", lambda rendering, environment: [violation])
    assert plan.main([stack_arg("gcp-serving")]) == plan.EXIT_POLICY == 3
    assert plan.main(["gcp-nope"]) == plan.EXIT_CONFIG == 2
    capsys.readouterr()
