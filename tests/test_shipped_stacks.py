"""Every stack file in stacks/ — whatever a fork put there — validates and plans clean, by properties only.

The rest of the suite renders the test-owned fixture stacks (tests/fixtures/stacks/); this file is the
only one that reads stacks/, and it asserts no value any file holds (tests/shipped_stacks.py says
what it checks). The fork scenario edits every shipped stack's project/account, region and zones,
domain, repo URL, cluster name and authorized networks and runs the same check over the copy; and
the fixture-based tests are shown not to read stacks/ at all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline import plan
from stacks import loader, stack_file
from tests import shipped_stacks
from tests.shipped_stacks import (
    directory_problems,
    pair_problems,
    plan_file,
    stack_file_problems,
    stack_files,
)
from tests.stack_fixtures import FIXTURE_STACKS, fixture_stack_names, render_stack, stack_arg, stack_raw

TESTS = Path(__file__).resolve().parent
SHIPPED = stack_files(loader.STACKS_DIR)  # collected from the directory: a fork's own files are checked too
NS = f"{loader.PROJECT}:"


def test_stacks_holds_at_least_one_stack_file() -> None:
    assert SHIPPED, f"{loader.STACKS_DIR} holds Pulumi.<stack>.yaml files for `make plan STACK=<name>`"


@pytest.mark.parametrize("path", SHIPPED, ids=[shipped_stacks.stack_name(p) for p in SHIPPED])
def test_each_shipped_stack_validates_renders_and_plans_with_zero_violations(path: Path) -> None:
    problems = stack_file_problems(path)
    assert problems == [], "a shipped stack is sound:\n" + "\n".join(problems)


def test_shipped_stacks_of_one_profile_render_the_same_contract_keys_on_every_cloud() -> None:
    problems = pair_problems(SHIPPED)
    assert problems == [], "\n".join(problems)


# --- the check itself can fail --------------------------------------------------------------------------


def _write(directory: Path, name: str, doc: dict[str, Any]) -> Path:
    path = directory / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _fixture_doc(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((FIXTURE_STACKS / f"Pulumi.{name}.yaml").read_text()))


def test_the_check_refuses_an_empty_directory(tmp_path: Path) -> None:
    assert directory_problems(tmp_path) == [f"{tmp_path}: holds at least one Pulumi.<stack>.yaml"]


def test_the_check_reports_an_invalid_stack_by_file_and_key(tmp_path: Path) -> None:
    doc = _fixture_doc("gcp-serving")
    doc["config"][f"{NS}cluster"]["name"] = "Not_Valid"
    path = _write(tmp_path, "broken", doc)
    [problem] = stack_file_problems(path)
    assert problem.startswith("Pulumi.broken.yaml: validates:") and "cluster.name" in problem


def test_the_check_reports_a_policy_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "violating", _fixture_doc("gcp-serving"))
    rule = shipped_stacks.policy_offline.REGISTRY[0].id
    violation = shipped_stacks.policy_offline.Violation(rule, "urn:pulumi:s::p::t::n", "always fails")
    monkeypatch.setattr(shipped_stacks.policy_offline, "evaluate", lambda rendering, environment: [violation])
    problems = stack_file_problems(path)
    assert len(problems) == 1 and "zero policy violations" in problems[0] and rule in problems[0]


def test_the_check_reports_a_credential_shaped_stack_value(tmp_path: Path) -> None:
    doc = _fixture_doc("local")
    token = "ghp_" + "Zq8Xw2Lm4Nv6Bc1Rt7Yp3Hs9Kd5Fg0Ja2Ue4"
    doc["config"][f"{NS}existing"]["kubeconfigContext"] = token
    problems = stack_file_problems(_write(tmp_path, "leaky", doc))
    assert any("looks like a credential" in p for p in problems), problems


def test_the_check_reports_contracts_whose_keys_differ_across_clouds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gcp, aws = (
        _write(tmp_path, "g", _fixture_doc("gcp-serving")),
        _write(tmp_path, "a", _fixture_doc("aws-serving")),
    )
    real = shipped_stacks.plan_file

    def without_a_key(path: Path) -> shipped_stacks.Planned:
        planned = real(path)
        if path == aws:
            rendering = copy.copy(planned.rendering)
            rendering.outputs = {**rendering.outputs, "contract": {"only": "one"}}
            return shipped_stacks.Planned(planned.path, planned.raw, planned.config, rendering)
        return planned

    monkeypatch.setattr(shipped_stacks, "plan_file", without_a_key)
    assert pair_problems([gcp, aws]) == [
        "profile serving: the aws and gcp stacks render contracts with the same keys"
    ]


# --- a fork ---------------------------------------------------------------------------------------------

FORK = {
    "gcp_project": "globex-ml-staging",
    "gcp_region": "europe-west4",
    "aws_account": "444455556666",
    "aws_region": "eu-west-1",
    "domain": "ai.globex.example",
    "repo": "https://gitlab.example.com/globex/platform-fork.git",
    "networks": [{"name": "globex-office", "cidr": "192.0.2.0/24"}],
    "kube_context": "kind-globex",
}
ACCOUNT_IN_ARN = re.compile(r"^(arn:aws:iam::)\d{12}(:.*)$")


def fork_edit(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    """What a fork changes in `Pulumi.<name>.yaml`, as the README tells it to; returns what was edited."""
    config = doc["config"]
    edited: dict[str, Any] = {}
    if gcp := config.get(f"{NS}gcp"):
        gcp["project"] = edited["project"] = FORK["gcp_project"]
        gcp["region"] = edited["region"] = FORK["gcp_region"]
        if "zones" in gcp:
            gcp["zones"] = [f"{FORK['gcp_region']}-{s}" for s in "abc"][: len(gcp["zones"])]
    if aws := config.get(f"{NS}aws"):
        aws["region"] = edited["region"] = FORK["aws_region"]
        principals = aws.get("adminPrincipals", [])
        aws["adminPrincipals"] = [
            ACCOUNT_IN_ARN.sub(rf"\g<1>{FORK['aws_account']}\g<2>", p) for p in principals
        ]
        edited["account"] = FORK["aws_account"]
    if existing := config.get(f"{NS}existing"):
        existing["kubeconfigContext"] = edited["context"] = FORK["kube_context"]
    cluster = config[f"{NS}cluster"]
    cluster["name"] = edited["cluster"] = f"globex-{name}"[:20].rstrip("-")
    if networks := cluster.get("controlPlane", {}).get("authorizedNetworks"):
        assert networks, "a stack that lists networks lists at least one"
        cluster["controlPlane"]["authorizedNetworks"] = edited["networks"] = FORK["networks"]
    config[f"{NS}dns"]["domain"] = edited["domain"] = FORK["domain"]
    config[f"{NS}gitops"]["repoURL"] = edited["repo"] = FORK["repo"]
    return edited


def fork(directory: Path) -> dict[str, dict[str, Any]]:
    """A copy of the repo's stacks/ in `directory`, every file edited as a fork would; the edits by stack."""
    edits = {}
    for path in stack_files(loader.STACKS_DIR):
        doc = stack_file.load(path)
        name = shipped_stacks.stack_name(path)
        edits[name] = fork_edit(name, doc)
        (directory / path.name).write_text(yaml.safe_dump(doc, sort_keys=False))
    return edits


def test_a_fork_that_edits_every_stacks_identity_values_passes_the_shipped_stacks_check(
    tmp_path: Path,
) -> None:
    edits = fork(tmp_path)
    assert sorted(edits) == [shipped_stacks.stack_name(p) for p in SHIPPED], "every shipped file is forked"
    for name, edited in edits.items():
        assert {"cluster", "domain", "repo"} <= set(edited), f"{name}: the fork edits its identity values"
    assert directory_problems(tmp_path) == [], "a fork's own values plan as cleanly as the shipped ones"
    for path in stack_files(tmp_path):
        planned, edited = plan_file(path), edits[shipped_stacks.stack_name(path)]
        contract = planned.rendering.outputs["contract"]
        assert contract["cluster_name"] == edited["cluster"], (
            f"{path.name}: the fork's cluster name is planned"
        )
        assert planned.config.dns.domain == FORK["domain"] and planned.config.gitops.repo_url == FORK["repo"]
        if "region" in edited:
            assert contract["cluster_region"] == edited["region"], (
                f"{path.name}: the fork's region is planned"
            )


def test_the_fork_edits_reach_every_kind_of_shipped_stack(tmp_path: Path) -> None:
    """The scenario is the issue's: project or account, region, domain, repo URL, cluster name, networks."""
    edited_keys = {k for edited in fork(tmp_path).values() for k in edited}
    clouds = {stack_raw_cloud(p) for p in SHIPPED}
    wanted = {"cluster", "domain", "repo"}
    wanted |= {"project", "region", "networks"} if "gcp" in clouds else set()
    wanted |= {"account", "region"} if "aws" in clouds else set()
    assert wanted <= edited_keys, f"the fork scenario edits {sorted(wanted - edited_keys)} too"


def stack_raw_cloud(path: Path) -> str:
    return str(loader.read_stack_file(path).get("cloud"))


# --- the fixture-based tests do not read stacks/ ----------------------------------------------------------


def test_fixture_renders_and_plans_read_no_file_in_stacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded: list[Path] = []
    real_load: Callable[[Path], dict[str, Any]] = stack_file.load

    def spy(path: Path) -> dict[str, Any]:
        loaded.append(Path(path).resolve())
        return real_load(path)

    monkeypatch.setattr(loader, "STACKS_DIR", tmp_path)  # an empty stacks directory
    monkeypatch.setattr(stack_file, "load", spy)
    for name in fixture_stack_names():
        assert render_stack(name, environment=stack_raw(name)["environment"]).resources, f"{name} renders"
    assert plan.main([stack_arg("gcp-serving"), "--format", "json"]) == 0
    capsys.readouterr()
    assert loaded and all(p.is_relative_to(FIXTURE_STACKS) for p in loaded), (
        f"the fixture helpers read only tests/fixtures/stacks/: {sorted(set(loaded))}"
    )


# What reads the shipped stacks (a name, the directory, or its listing) outside name-resolution tests.
SHIPPED_READS = re.compile(
    r"loader\.STACKS_DIR|loader\.stack_names\(\)|resolve_stack_file\(\s*[\"']"
    r"|(?:plan|cli)\.main\(\[\s*(?:[\"'](?:doctor|seed-secrets)[\"'],\s*)?[\"'](?:gcp|aws)-(?:full|serving|llm-gateway)"
    r"|[\"']offline\.plan[\"'],\s*[\"'](?:gcp|aws)-|STACK=(?:gcp|aws)-"
)
# This file checks stacks/ on purpose.
MAY_READ_SHIPPED = {"test_shipped_stacks.py", "shipped_stacks.py"}


def test_no_other_test_file_reads_a_shipped_stack() -> None:
    offenders = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name not in MAY_READ_SHIPPED
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SHIPPED_READS.search(line)
    ]
    assert offenders == [], (
        "tests render fixture stacks (tests/stack_fixtures.py), never stacks/:\n" + "\n".join(offenders)
    )
