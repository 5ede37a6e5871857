"""The cloud half of Karpenter: node role and access entry, interruption queue and rules, controller role.

The seed installs the controller; the substrate creates what it acts with, and the contract names it.
The controller policy follows Karpenter's reference template, narrowed: `iam:PassRole` on Karpenter's
node role only, launches and deletions only for resources tagged for this cluster.
"""

from __future__ import annotations

import json
from typing import Any

from offline.engine import Rendering
from tests.conftest import render_stack

RULE = "aws:cloudwatch/eventRule:EventRule"


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


def test_the_interruption_queue_is_encrypted_and_fed_by_the_four_event_rules() -> None:
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
    }
    targets = r.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert len(targets) == 4
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
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
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
