"""The llm-platform-baseline policy pack: its registry, unknown values, both adapters, and `make plan`.

Rules are plain functions over a neutral record (policy/rules/); `policy/__main__.py` adapts them to
CrossGuard and `policy/offline.py` to the mock engine. Here: every rule is registered, documented and
run by the pack as a mandatory policy; an unknown value fails a rule instead of passing it; every
fixture stack plans clean; `make plan` reports violations and exits 2. Per-rule compliant/violating
pairs are in test_policy_pairs.py.
"""

from __future__ import annotations

import enum
import importlib
import json
import re
import runpy
import sys
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime.config import set_all_config

from offline import plan
from offline.engine import SECRET_SIG, SECRET_VALUE, render
from policy import offline as policy_offline
from policy.rules import PACK_NAME, REGISTRY, UNKNOWN, PolicyResource, Rule, platform, secrets
from policy.rules.base import CannotEvaluate, need, optional, present
from stacks import loader
from substrate.aws.policy import eks
from substrate.aws.policy import iam as aws_iam
from substrate.gcp.policy import gke
from substrate.gcp.policy import iam as gcp_iam
from tests.stack_fixtures import fixture_stack_names, render_stack, stack_arg, stack_raw

ROOT = Path(__file__).resolve().parent.parent
CHECKOV_OR_CIS = re.compile(r"^(CKV2?_(GCP|AWS)_\d+|CIS GKE \d+(\.\d+)+)$")


def environment_of(stack: str) -> str:
    return loader.validate(stack_raw(stack)).environment


# --- the registry ---------------------------------------------------------------------------------


def test_every_rule_has_a_unique_kebab_case_id_and_a_one_line_description() -> None:
    ids = [r.id for r in REGISTRY]
    assert len(ids) == len(set(ids)), "rule ids are unique: CrossGuard reports policies by id"
    for r in REGISTRY:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.id), f"{r.id}: ids are kebab-case"
        assert r.description and "\n" not in r.description, f"{r.id}: one-line description"


def test_every_mapped_scanner_id_is_a_checkov_or_cis_gke_id() -> None:
    for r in REGISTRY:
        for mapped in filter(None, r.maps_to.split(", ")):
            assert CHECKOV_OR_CIS.match(mapped), f"{r.id}: '{mapped}' is not a checkov / CIS GKE id"


def test_every_scanner_baseline_rule_names_the_id_it_codifies() -> None:
    own = {r.id for r in REGISTRY if not r.maps_to}
    assert all(not i.startswith(("gke-", "eks-", "aws-imds", "aws-no-ssh")) for i in own), (
        "GKE, EKS and EC2 hardening rules come from the scanners' baseline: they name the id they codify"
    )


def test_the_registry_lists_every_rule_the_rule_modules_define() -> None:
    defined = {
        value.id
        for module in (gke, gcp_iam, eks, aws_iam, secrets, platform)
        for value in vars(module).values()
        if isinstance(value, Rule)
    }
    assert defined == {r.id for r in REGISTRY}, "a rule not in REGISTRY would run nowhere"


def test_the_readme_policy_table_lists_every_rule_with_its_scanner_ids() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "## Policy pack" in readme
    section = readme.split("## Policy pack", 1)[1]
    for r in REGISTRY:
        row = f"| `{r.id}` | {r.maps_to or '—'} | {r.description} |"
        assert row in section, f"README's policy table lacks or misstates: {row}"


# --- unknown values fail, once, in one helper ---------------------------------------------------------


def test_need_fails_an_unknown_value_with_cannot_evaluate_naming_the_field() -> None:
    with pytest.raises(CannotEvaluate, match=r"^cannot evaluate: a\.b is unknown$"):
        need({"a": {"b": UNKNOWN}}, "a.b")


def test_need_fails_an_absent_value_too_because_offline_absent_and_unknown_look_the_same() -> None:
    with pytest.raises(CannotEvaluate, match=r"^cannot evaluate: a\.b is unknown \(not set"):
        need({"a": {}}, "a.b")
    with pytest.raises(CannotEvaluate, match=r"^cannot evaluate: a\.b is unknown \(not set"):
        need({"a": {"b": None}}, "a.b")


def test_optional_uses_its_default_only_when_absent_never_when_unknown() -> None:
    assert optional({}, "a.b", "default") == "default"
    with pytest.raises(CannotEvaluate, match=r"^cannot evaluate: a\.b is unknown$"):
        optional({"a": {"b": UNKNOWN}}, "a.b", "default")


def test_an_unknown_container_makes_everything_below_it_unknown() -> None:
    with pytest.raises(CannotEvaluate, match=r"^cannot evaluate: a is unknown$"):
        optional({"a": UNKNOWN}, ("a", "b", 0), [])


def test_a_computed_value_counts_as_present_when_only_presence_matters() -> None:
    assert present({"keyArn": UNKNOWN}, "keyArn")
    assert not present({"keyArn": ""}, "keyArn")


def test_a_rule_that_meets_an_unknown_returns_the_violation_instead_of_raising() -> None:
    pool = PolicyResource(
        "gcp:container/nodePool:NodePool", "urn:x::pool", "pool", {"nodeConfig": {"imageType": UNKNOWN}}
    )
    assert gke.cos_image(pool) == ["cannot evaluate: nodeConfig.imageType is unknown"]


# --- the offline adapter ----------------------------------------------------------------------------


def test_the_offline_adapter_unwraps_secrets_and_turns_engine_unknowns_into_unknown() -> None:
    wrapped = {SECRET_SIG: SECRET_VALUE, "value": {"config": "{}"}}
    assert policy_offline.plain({"stringData": wrapped, "x": [Unknown()]}) == {
        "stringData": {"config": "{}"},
        "x": [UNKNOWN],
    }


def test_the_offline_adapter_gives_each_record_its_ancestry_protect_and_environment() -> None:
    records = {r.name: r for r in policy_offline.records(render_stack("gcp-full"), "prod")}
    secret = records["bootstrap-cluster-secret"]
    assert secret.ancestor_types == ("llm-platform:bootstrap:Bootstrap",)
    assert records["substrate-cluster-gke"].protect and records["substrate-cluster-gke"].environment == "prod"
    assert secret.props["stringData"]["server"] == "https://kubernetes.default.svc", "secrets are unwrapped"


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_every_fixture_stack_plans_with_zero_violations(stack: str) -> None:
    violations = policy_offline.evaluate(render_stack(stack), environment_of(stack))
    assert violations == [], f"{stack} violates the baseline:\n" + policy_offline.report(violations)


# --- make plan ---------------------------------------------------------------------------------------


def test_make_plan_prints_the_policy_section_with_a_count_and_exits_0_when_clean(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main([stack_arg("gcp-full")]) == 0
    out = capsys.readouterr().out
    assert f"== policy ({PACK_NAME}: {len(REGISTRY)} mandatory rules) ==" in out
    assert out.rstrip().endswith("0 mandatory violations")


@pytest.fixture
def one_violating_rule(monkeypatch: pytest.MonkeyPatch) -> Rule:
    """The registry plus a rule every GKE node pool violates, as if the program had regressed."""

    def no_node_pools(r: PolicyResource) -> list[str]:
        return ["node pools are forbidden"] if r.type == gke.POOL else []

    violating = Rule("test-no-node-pools", "No node pools (test rule)", "", no_node_pools)
    monkeypatch.setattr(policy_offline, "REGISTRY", (*REGISTRY, violating))
    return violating


def test_make_plan_groups_violations_by_rule_and_exits_3(
    one_violating_rule: Rule, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan.main([stack_arg("gcp-full")]) == 3, (
        "a mandatory violation fails the plan with its own exit code"
    )
    section = capsys.readouterr().out.split("== policy", 1)[1]
    assert "test-no-node-pools: No node pools (test rule)" in section
    assert "    - substrate-gpu-l4: node pools are forbidden" in section
    assert section.rstrip().endswith("3 mandatory violations"), "gcp-full has three pools"


def test_the_json_plan_lists_violations_under_policy_and_exits_3(
    one_violating_rule: Rule, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan.main([stack_arg("gcp-full"), "--format", "json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert {v["rule_id"] for v in doc["policy"]["violations"]} == {one_violating_rule.id}
    assert {v["urn"].rsplit("::", 1)[-1] for v in doc["policy"]["violations"]} == {
        "substrate-system-pool",
        "substrate-gpu-l4",
        "substrate-gpu-h100-spot",
    }


# --- the CrossGuard pack ----------------------------------------------------------------------------
# pulumi-policy lives in the pack's own venv (policy/requirements.txt), not the project's: it pins
# protobuf 5 and the project needs protobuf 6. These tests load policy/__main__.py against a stand-in
# with the SDK's surface: policy classes that keep their arguments, and props that raise
# UnknownValueError on reading an unknown, as the SDK's proxy does.


class _UnknownValueError(Exception):
    pass


class _UnknownRaising(Mapping[str, Any]):
    """Like pulumi_policy's _DictProxy: reading an unknown raises; iterating keys does not."""

    def __init__(self, target: dict[str, Any]) -> None:
        self._target = target

    def __getitem__(self, key: str) -> Any:
        value = self._target[key]
        if value == "04da6b54-80e4-46f7-96ec-b56ff0331ba9":
            raise _UnknownValueError(key)
        return _UnknownRaising(value) if isinstance(value, dict) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._target)

    def __len__(self) -> int:
        return len(self._target)


def _stand_in_sdk() -> tuple[types.ModuleType, types.ModuleType]:
    sdk, proxy = types.ModuleType("pulumi_policy"), types.ModuleType("pulumi_policy.proxy")

    class _Policy:
        def __init__(self, name: str, description: str, validate: Any = None) -> None:
            self.name, self.description, self.validate = name, description, validate

    class EnforcementLevel(enum.Enum):
        ADVISORY = "advisory"
        MANDATORY = "mandatory"

    def policy_pack(**kwargs: Any) -> None:
        sdk.__dict__["served"] = kwargs

    sdk.__dict__.update(
        EnforcementLevel=EnforcementLevel,
        Policy=_Policy,
        PolicyPack=policy_pack,
        PolicyResource=object,
        ReportViolation=object,
        ResourceValidationArgs=object,
        StackValidationArgs=object,
        ResourceValidationPolicy=type("ResourceValidationPolicy", (_Policy,), {}),
        StackValidationPolicy=type("StackValidationPolicy", (_Policy,), {}),
    )
    proxy.__dict__["UnknownValueError"] = _UnknownValueError
    return sdk, proxy


@pytest.fixture
def stand_in_sdk(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    sdk, proxy = _stand_in_sdk()
    monkeypatch.setitem(sys.modules, "pulumi_policy", sdk)
    monkeypatch.setitem(sys.modules, "pulumi_policy.proxy", proxy)
    monkeypatch.delitem(sys.modules, "policy.__main__", raising=False)
    return sdk


def test_the_pack_serves_exactly_the_registry_as_mandatory_policies(stand_in_sdk: types.ModuleType) -> None:
    runpy.run_path(str(ROOT / "policy" / "__main__.py"), run_name="__main__")
    served = stand_in_sdk.served
    assert served["name"] == PACK_NAME
    assert served["enforcement_level"] == stand_in_sdk.EnforcementLevel.MANDATORY
    assert [p.name for p in served["policies"]] == [r.id for r in REGISTRY]


def test_stack_scoped_rules_become_stack_policies_and_the_others_resource_policies(
    stand_in_sdk: types.ModuleType,
) -> None:
    pack = importlib.import_module("policy.__main__")
    kinds = {p.name: type(p).__name__ for p in pack.policies()}
    for r in REGISTRY:
        expected = "StackValidationPolicy" if r.scope == "stack" else "ResourceValidationPolicy"
        assert kinds[r.id] == expected, f"{r.id} runs as a {expected}"


def _args(type_: str, props: dict[str, Any], protect: bool = False) -> Any:
    return types.SimpleNamespace(
        resource_type=type_,
        props=_UnknownRaising(props),
        urn=f"urn:pulumi:s::llm-platform::{type_}::r",
        name="r",
        opts=types.SimpleNamespace(protect=protect),
    )


def test_the_pack_reports_an_unknown_value_as_a_mandatory_violation_not_an_advisory_note(
    stand_in_sdk: types.ModuleType,
) -> None:
    pack = importlib.import_module("policy.__main__")
    policy = next(p for p in pack.policies() if p.name == "gke-secure-boot")
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # what the engine sends for a computed value
    props = {"nodeConfig": {"shieldedInstanceConfig": {"enableSecureBoot": unknown}}}
    reported: list[tuple[str, str | None]] = []
    policy.validate(_args(gke.POOL, props), lambda message, urn: reported.append((message, urn)))
    assert reported == [
        ("cannot evaluate: nodeConfig.shieldedInstanceConfig.enableSecureBoot is unknown", None)
    ]


def test_the_pack_reads_the_environment_from_the_stack_config(stand_in_sdk: types.ModuleType) -> None:
    pack = importlib.import_module("policy.__main__")
    policy = next(p for p in pack.policies() if p.name == "prod-deletion-protection")
    reported: list[str] = []
    try:
        set_all_config({"llm-platform:environment": "prod"})
        policy.validate(_args(eks.CLUSTER, {}), lambda message, urn: reported.append(message))
        set_all_config({})
        policy.validate(_args(eks.CLUSTER, {}), lambda message, urn: reported.append(message))
    finally:
        set_all_config({})
    assert len(reported) == 1 and "not `protect`ed" in reported[0], "prod only; dev is the default"


def test_the_stack_policy_walks_the_parent_chain_and_reports_by_urn(stand_in_sdk: types.ModuleType) -> None:
    pack = importlib.import_module("policy.__main__")
    policy = next(p for p in pack.policies() if p.name == "k8s-inside-bootstrap")

    def resource(type_: str, name: str, parent: Any) -> Any:
        return types.SimpleNamespace(
            resource_type=type_,
            urn=f"urn:{name}",
            name=name,
            props=_UnknownRaising({}),
            opts=types.SimpleNamespace(protect=False),
            parent=parent,
        )

    stack = resource("pulumi:pulumi:Stack", "stack", None)
    bootstrap = resource(platform.BOOTSTRAP, "bootstrap", stack)
    substrate = resource("llm-platform:substrate:Gke", "substrate", stack)
    inside = resource("kubernetes:core/v1:Secret", "inside", bootstrap)
    outside = resource("kubernetes:core/v1:ConfigMap", "outside", substrate)
    reported: list[str | None] = []
    args = types.SimpleNamespace(resources=[stack, bootstrap, substrate, inside, outside])
    policy.validate(args, lambda message, urn: reported.append(urn))
    assert reported == ["urn:outside"]


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_a_new_stacks_first_preview_fails_only_where_a_value_is_truly_unknown(stack: str) -> None:
    """Under a first preview every provider-computed output is unknown. GKE and existing stacks are
    fully checkable then (names and emails are derived, not computed); EKS IAM documents embed a KMS
    key's ARN, which exists only after the key — those, and only those, cannot be evaluated yet."""
    raw = stack_raw(stack)
    rendering = render(raw, stack, preview=True)
    violations = policy_offline.evaluate(rendering, loader.validate(raw).environment)
    if raw["cloud"] != "aws":
        assert violations == [], "every rule evaluates on a first preview"
        return
    assert violations, "an EKS first preview has IAM documents that embed unknown ARNs"
    for v in violations:
        assert v.rule_id == "aws-iam-no-wildcard-actions", v
        assert v.message.startswith("cannot evaluate: policy is unknown"), v
