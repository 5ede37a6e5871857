"""The cloud half of Karpenter: node role and access entry, interruption queue and rules, controller role.

The seed installs the controller; the substrate creates what it acts with, and the contract names it.
The controller policy is Karpenter's reference policy for the release the seed installs (kept as the
fixture tests/fixtures/karpenter_controller_policy_v<version>.json: the statements of the template's
controller policies, which it has split over several managed policies since v1.9), statement by
statement: same Sids, actions and conditions, resources equal or narrower, every narrowing listed in
`narrowings` with its reason. As one inline policy it must fit IAM's inline quota. Bumping Karpenter in
the seed fails here until the fixture is bumped and the diff applied.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline.engine import Rendering
from tests.stack_fixtures import render_stack

RULE = "aws:cloudwatch/eventRule:EventRule"
STACKS = ("aws-full", "aws-serving")
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter"
REFERENCE_TEMPLATE = "getting-started/getting-started-with-karpenter/cloudformation.yaml"
# IAM quota: a role's inline policies total at most 10,240 characters, whitespace not counted.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
INLINE_POLICY_QUOTA = 10_240
LAUNCHING = (
    "AllowScopedEC2InstanceAccessActions",
    "AllowScopedEC2LaunchTemplateAccessActions",
    "AllowScopedEC2InstanceActionsWithTags",
    "AllowScopedResourceCreationTagging",
    "AllowScopedResourceTagging",
    "AllowScopedDeletion",
)


@dataclass(frozen=True)
class Narrowing:
    """Where our resource is narrower than the reference's: `reference` (a prefix of the substituted
    reference resource) becomes `ours` in the listed statements, for `reason`."""

    sids: tuple[str, ...]
    reference: str
    ours: str
    reason: str


def seeded_karpenter_version() -> str:
    # Only files naming the chart: the seeds also hold Helm templates, which are no YAML until rendered.
    for path in sorted(p for p in (ROOT / "seeds").rglob("*.yaml") if KARPENTER_CHART in p.read_text()):
        for doc in yaml.safe_load_all(path.read_text()):
            source = ((doc or {}).get("spec", {}).get("template", {}).get("spec", {})).get("source", {})
            if source.get("repoURL") == KARPENTER_CHART:
                return str(source["targetRevision"])
    raise AssertionError(f"no seed installs {KARPENTER_CHART}")


def reference_fixture() -> dict[str, Any]:
    path = FIXTURES / f"karpenter_controller_policy_v{seeded_karpenter_version()}.json"
    assert path.exists(), f"the reference policy of the seeded Karpenter is kept as {path.name}"
    return json.loads(path.read_text())


def substitutions(r: Rendering) -> dict[str, str]:
    """The template's variables as this stack resolves them. The template's own node role and queue
    stand for any role / queue of the account: `narrowings` pins them to ours."""
    c = r.outputs["contract"]
    account, region = c["cluster_account"], c["cluster_region"]
    return {
        "${AWS::Partition}": "aws",
        "${AWS::Region}": region,
        "${AWS::AccountId}": account,
        "${ClusterName}": c["cluster_name"],
        "${KarpenterNodeRole.Arn}": f"arn:aws:iam::{account}:role/*",
        "${KarpenterInterruptionQueue.Arn}": f"arn:aws:sqs:{region}:{account}:*",
    }


def narrowings(r: Rendering) -> list[Narrowing]:
    c = r.outputs["contract"]
    account, region = c["cluster_account"], c["cluster_region"]
    return [
        Narrowing(
            LAUNCHING,
            f"arn:aws:ec2:{region}:*:",
            f"arn:aws:ec2:{region}:{account}:",
            "EC2 resources of this account only: the reference leaves the account open",
        ),
        Narrowing(
            ("AllowPassingInstanceRole",),
            f"arn:aws:iam::{account}:role/*",
            f"arn:aws:iam::{account}:role/{c['node_autoscaler_node_role']}",
            "PassRole on Karpenter's own node role only (the template's KarpenterNodeRole)",
        ),
        Narrowing(
            ("AllowInterruptionQueueActions",),
            f"arn:aws:sqs:{region}:{account}:*",
            f"arn:aws:sqs:{region}:{account}:{c['node_autoscaler_interruption_queue']}",
            "the interruption queue this stack creates (the template's KarpenterInterruptionQueue)",
        ),
    ]


def substitute(value: Any, subs: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, resolved in subs.items():
            value = value.replace(placeholder, resolved)
        return value
    if isinstance(value, list):
        return [substitute(v, subs) for v in value]
    if isinstance(value, dict):
        return {substitute(k, subs): substitute(v, subs) for k, v in value.items()}
    return value


def as_set(value: Any) -> frozenset[Any]:
    return frozenset(value if isinstance(value, list) else [value])


def conditions(statement: dict[str, Any]) -> dict[str, dict[str, frozenset[Any]]]:
    return {
        op: {key: as_set(v) for key, v in block.items()}
        for op, block in statement.get("Condition", {}).items()
    }


def glob_covers(pattern: str, value: str) -> bool:
    """IAM resource matching: `*` in the pattern matches anything (a `*` in the value included)."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), value) is not None


def controller_statements(r: Rendering) -> dict[str, dict[str, Any]]:
    (reg,) = [p for p in r.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-controller-policy")]
    return {s["Sid"]: s for s in json.loads(reg.inputs["policy"])["Statement"]}


def test_karpenter_nodes_have_their_own_role_admitted_by_an_ec2_linux_access_entry() -> None:
    r = render_stack("aws-full")
    (entry,) = [
        e.inputs for e in r.of_type("aws:eks/accessEntry:AccessEntry") if e.inputs["type"] == "EC2_LINUX"
    ]
    assert entry["principalArn"] == "arn:aws:iam::111122223333:role/llm-full-karpenter-nodes-us-east-2"
    managed = {g.inputs["nodeRoleArn"] for g in r.of_type("aws:eks/nodeGroup:NodeGroup")}
    assert entry["principalArn"] not in managed, "managed groups' role gets its entry from EKS itself"


def test_the_interruption_queue_is_encrypted_and_fed_by_the_five_event_rules() -> None:
    r = render_stack("aws-full")
    queue = r.one("aws:sqs/queue:Queue")
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert queue.inputs["messageRetentionSeconds"] == 300
    patterns = {
        json.dumps(json.loads(rule.inputs["eventPattern"]), sort_keys=True) for rule in r.of_type(RULE)
    }
    details = {json.loads(p)["detail-type"][0] for p in patterns}
    assert details == {
        "EC2 Spot Instance Interruption Warning",
        "EC2 Instance Rebalance Recommendation",
        "EC2 Instance State-change Notification",
        "AWS Health Event",
        "EC2 Capacity Reservation Instance Interruption Warning",
    }
    targets = r.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert len(targets) == 5
    assert {t.inputs["arn"] for t in targets} == {"arn:aws:sqs:us-east-2:111122223333:llm-full-karpenter"}


def test_only_the_rules_may_send_to_the_queue_and_only_over_tls() -> None:
    r = render_stack("aws-full")
    doc = json.loads(r.one("aws:sqs/queuePolicy:QueuePolicy").inputs["policy"])
    allow, deny = doc["Statement"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    rule_arns = sorted(
        f"arn:aws:events:us-east-2:111122223333:rule/{x.inputs['name']}" for x in r.of_type(RULE)
    )
    assert sorted(allow["Condition"]["ArnEquals"]["aws:SourceArn"]) == rule_arns
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_controller_may_pass_only_its_node_role_and_only_to_ec2() -> None:
    statements = controller_statements(render_stack("aws-full"))
    pass_role = statements["AllowPassingInstanceRole"]
    assert pass_role["Action"] == ["iam:PassRole"]
    assert pass_role["Resource"] == "arn:aws:iam::111122223333:role/llm-full-karpenter-nodes-us-east-2"
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"]}
    }
    for sid, s in statements.items():
        if "iam:PassRole" in s["Action"]:
            assert sid == "AllowPassingInstanceRole", "no other statement passes roles"


def test_the_controller_launches_and_deletes_only_what_is_tagged_for_this_cluster() -> None:
    statements = controller_statements(render_stack("aws-full"))
    for sid in ("AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging"):
        assert (
            statements[sid]["Condition"]["StringEquals"]["aws:RequestTag/kubernetes.io/cluster/llm-full"]
            == "owned"
        )
    deletion = statements["AllowScopedDeletion"]["Condition"]["StringEquals"]
    assert deletion == {"aws:ResourceTag/kubernetes.io/cluster/llm-full": "owned"}
    queue = statements["AllowInterruptionQueueActions"]
    assert queue["Resource"] == "arn:aws:sqs:us-east-2:111122223333:llm-full-karpenter"
    assert statements["AllowAPIServerEndpointDiscovery"]["Resource"] == (
        "arn:aws:eks:us-east-2:111122223333:cluster/llm-full"
    )
    reads = statements["AllowRegionalReadActions"]
    assert reads["Condition"] == {"StringEquals": {"aws:RequestedRegion": "us-east-2"}}


def test_the_cluster_security_group_is_tagged_for_karpenter_discovery() -> None:
    tag = render_stack("aws-full").one("aws:ec2/tag:Tag").inputs
    assert (tag["key"], tag["value"]) == ("karpenter.sh/discovery", "llm-full")
    assert tag["resourceId"].startswith("sg-")


def test_the_contract_names_karpenter_and_the_objects_it_uses() -> None:
    c = render_stack("aws-full").outputs["contract"]
    assert c["node_autoscaler_kind"] == "karpenter"
    assert (c["node_autoscaler_namespace"], c["node_autoscaler_service_account"]) == (
        "kube-system",
        "karpenter",
    )
    assert c["node_autoscaler_node_role"] == "llm-full-karpenter-nodes-us-east-2"
    assert c["node_autoscaler_interruption_queue"] == "llm-full-karpenter"


def test_the_reference_fixture_is_the_policy_of_the_karpenter_release_the_seed_installs() -> None:
    version = seeded_karpenter_version()
    source = reference_fixture()["source"]
    assert source["tag"] == f"v{version}", "the fixture is read at the exact release tag the seed installs"
    assert source["url"] == f"https://github.com/{source['repository']}/blob/{source['tag']}/{source['path']}"
    minor = ".".join(version.split(".")[:2])
    # A tag made before the release copied its docs to v<minor>/ carries them under preview/.
    templates = {f"website/content/en/{docs}/{REFERENCE_TEMPLATE}" for docs in (f"v{minor}", "preview")}
    assert source["path"] in templates, f"the getting-started template of the release's own docs: {templates}"


@pytest.mark.parametrize("stack", STACKS)
def test_the_controller_policy_has_exactly_the_reference_statements(stack: str) -> None:
    ours = controller_statements(render_stack(stack))
    reference = [s["Sid"] for s in reference_fixture()["policy"]["Statement"]]
    assert len(set(reference)) == len(reference)
    assert sorted(ours) == sorted(reference), "one statement per reference statement, same Sid, none added"


@pytest.mark.parametrize("stack", STACKS)
def test_each_statement_grants_the_reference_actions_under_the_reference_conditions(stack: str) -> None:
    r = render_stack(stack)
    ours, subs = controller_statements(r), substitutions(r)
    differ = {}
    for ref in substitute(reference_fixture()["policy"]["Statement"], subs):
        mine = ours[ref["Sid"]]
        got = (mine["Effect"], as_set(mine["Action"]), conditions(mine))
        want = (ref["Effect"], as_set(ref["Action"]), conditions(ref))
        if got != want:
            differ[ref["Sid"]] = {"ours": got, "reference": want}
    assert not differ, f"effect, actions, condition keys and values are the reference's: {differ}"


@pytest.mark.parametrize("stack", STACKS)
def test_each_statement_names_the_reference_resources_narrowed_only_as_listed(stack: str) -> None:
    r = render_stack(stack)
    ours, subs = controller_statements(r), substitutions(r)
    listed, differ = narrowings(r), {}
    for ref in substitute(reference_fixture()["policy"]["Statement"], subs):
        expected = set()
        for resource in as_set(ref["Resource"]):
            narrowed = resource
            for n in listed:
                if ref["Sid"] in n.sids and resource.startswith(n.reference):
                    narrowed = n.ours + resource[len(n.reference) :]
            assert glob_covers(resource, narrowed), f"{ref['Sid']}: a narrowing stays within {resource}"
            expected.add(narrowed)
        if as_set(ours[ref["Sid"]]["Resource"]) != expected:
            differ[ref["Sid"]] = {
                "ours": sorted(as_set(ours[ref["Sid"]]["Resource"])),
                "expected": sorted(expected),
            }
    assert not differ, f"resources are the reference's, narrowed only as `narrowings` lists: {differ}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_listed_narrowing_applies_to_every_statement_it_names(stack: str) -> None:
    r = render_stack(stack)
    by_sid = {s["Sid"]: s for s in substitute(reference_fixture()["policy"]["Statement"], substitutions(r))}
    for n in narrowings(r):
        assert n.reason
        for sid in n.sids:
            resources = as_set(by_sid[sid]["Resource"])
            assert any(res.startswith(n.reference) for res in resources), f"stale narrowing in {sid}: {n}"


@pytest.mark.parametrize("stack", STACKS)
def test_the_controller_role_fits_iams_inline_policy_quota(stack: str) -> None:
    policies = render_stack(stack).of_type("aws:iam/rolePolicy:RolePolicy")
    (controller,) = [p for p in policies if p.name.endswith("-controller-policy")]
    inline = [p for p in policies if p.inputs["role"] == controller.inputs["role"]]
    size = sum(len(re.sub(r"\s", "", p.inputs["policy"])) for p in inline)
    assert size <= INLINE_POLICY_QUOTA, (
        f"the controller role's inline policies total {size} characters; IAM allows {INLINE_POLICY_QUOTA}"
    )


def test_the_controller_may_launch_into_reservations_and_placement_groups_of_this_account() -> None:
    statements = controller_statements(render_stack("aws-full"))
    access = statements["AllowScopedEC2InstanceAccessActions"]
    for kind in ("capacity-reservation", "placement-group"):
        arn = f"arn:aws:ec2:us-east-2:111122223333:{kind}/*"
        assert arn in access["Resource"], f"RunInstances/CreateFleet may target this account's {kind}s"
    assert "Condition" not in access, (
        "Karpenter launches into reservations it did not create: no tag condition"
    )
    reads = statements["AllowRegionalReadActions"]["Action"]
    for action in ("ec2:DescribeCapacityReservations", "ec2:DescribePlacementGroups"):
        assert action in reads, f"{action}: Karpenter resolves its selector terms by describing them"


def test_instance_profiles_are_managed_by_the_ec2nodeclass_tag_karpenter_v1_sets() -> None:
    statements = controller_statements(render_stack("aws-full"))
    create = statements["AllowScopedInstanceProfileCreationActions"]["Condition"]
    assert create["StringLike"] == {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"}
    assert create["StringEquals"]["aws:RequestTag/eks:eks-cluster-name"] == "llm-full"
    assert statements["AllowUnscopedInstanceProfileListAction"]["Action"] == ["iam:ListInstanceProfiles"]
    for s in statements.values():
        assert "karpenter.sh/nodeclass" not in json.dumps(s), "Karpenter v1 never sets karpenter.sh/nodeclass"


def test_launch_templates_are_used_only_when_karpenter_tagged_them_for_this_cluster() -> None:
    statements = controller_statements(render_stack("aws-full"))
    for sid, s in statements.items():
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        if any(":launch-template/" in res for res in resources) and "ec2:RunInstances" in s["Action"]:
            assert "Condition" in s, f"{sid}: RunInstances with a launch template only under tag conditions"
    spot = statements["AllowScopedEC2InstanceActionsWithTags"]["Resource"]
    assert "arn:aws:ec2:us-east-2:111122223333:spot-instances-request/*" in spot
