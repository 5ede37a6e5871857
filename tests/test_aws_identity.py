"""IAM on EKS: every policy document the stack writes, parsed and held to least privilege.

Rules: no wildcard action on Secrets Manager, Route 53 or KMS; no `*` resource for secret reads, key
use or record changes; controller roles trust only EKS Pod Identity, bound by session tags to one
cluster, namespace and service account, and each association binds exactly that service account; no
OIDC provider, no IRSA trust, no IAM user or access key; nodes hold only the node policies.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.engine import Rendering
from tests.stack_fixtures import render_stack

ROLE = "aws:iam/role:Role"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
STACKS = ("aws-full", "aws-serving")
CONTROLLERS = {
    ("kube-system", "ebs-csi-controller-sa"),
    ("kube-system", "karpenter"),
    ("external-secrets", "external-secrets"),
    ("external-dns", "external-dns"),
}


def documents(r: Rendering) -> dict[str, dict[str, Any]]:
    """Every IAM / resource policy document the stack writes, by resource name."""
    docs = {role.name: json.loads(role.inputs["assumeRolePolicy"]) for role in r.of_type(ROLE)}
    for type_ in ("aws:iam/rolePolicy:RolePolicy", "aws:sqs/queuePolicy:QueuePolicy"):
        docs |= {reg.name: json.loads(reg.inputs["policy"]) for reg in r.of_type(type_)}
    return docs


def allows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in doc["Statement"] if s["Effect"] == "Allow"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def roles_by_arn(r: Rendering) -> dict[str, Any]:
    return {f"arn:aws:iam::111122223333:role/{role.inputs['name']}": role for role in r.of_type(ROLE)}


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_document_is_versioned_json(stack: str) -> None:
    for name, doc in documents(render_stack(stack)).items():
        assert doc["Version"] == "2012-10-17", name
        assert doc["Statement"], name


@pytest.mark.parametrize("stack", STACKS)
def test_no_wildcard_action_on_secrets_dns_or_keys(stack: str) -> None:
    for name, doc in documents(render_stack(stack)).items():
        for s in allows(doc):
            for action in as_list(s["Action"]):
                assert action != "*", f"{name}: no action wildcard"
                if action.split(":")[0] in ("secretsmanager", "route53", "kms"):
                    assert "*" not in action, f"{name}: {action} names one action, never a family"


@pytest.mark.parametrize("stack", STACKS)
def test_secret_reads_key_use_and_record_changes_never_apply_to_every_resource(stack: str) -> None:
    checked = 0
    for name, doc in documents(render_stack(stack)).items():
        for s in allows(doc):
            actions = as_list(s["Action"])
            sensitive = [
                a
                for a in actions
                if a.startswith(("secretsmanager:", "kms:")) or a == "route53:ChangeResourceRecordSets"
            ]
            if sensitive:
                checked += 1
                resources = as_list(s["Resource"])
                assert all("*" not in res for res in resources), f"{name}: {sensitive} on {resources}"
    assert checked >= 3, "the ESO, external-dns and cluster-role statements were all checked"


@pytest.mark.parametrize("stack", STACKS)
def test_controller_roles_trust_only_pod_identity_for_one_cluster_namespace_and_service_account(
    stack: str,
) -> None:
    r = render_stack(stack)
    roles = roles_by_arn(r)
    cluster_arn = (
        f"arn:aws:eks:{'us-east-2' if stack == 'aws-full' else 'eu-central-1'}:111122223333:cluster/"
    )
    associations = r.of_type(ASSOCIATION)
    assert {(a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations} == CONTROLLERS
    for association in associations:
        ns, sa = association.inputs["namespace"], association.inputs["serviceAccount"]
        assert "disableSessionTags" not in association.inputs, "the trust policy relies on session tags"
        trust = json.loads(roles[association.inputs["roleArn"]].inputs["assumeRolePolicy"])
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}, f"{ns}/{sa}"
        assert sorted(statement["Action"]) == ["sts:AssumeRole", "sts:TagSession"], f"{ns}/{sa}"
        bound = statement["Condition"]["StringEquals"]
        assert bound["aws:RequestTag/kubernetes-namespace"] == ns
        assert bound["aws:RequestTag/kubernetes-service-account"] == sa
        assert bound["aws:RequestTag/eks-cluster-arn"].startswith(cluster_arn)


def test_each_association_waits_for_its_role_and_permissions() -> None:
    r = render_stack("aws-full")
    index = r.by_urn()
    for association in r.of_type(ASSOCIATION):
        siblings = [
            reg for reg in r.resources if reg.parent == association.parent and reg.type.startswith("aws:iam/")
        ]
        assert siblings, association.name
        for grant in siblings:
            assert grant.urn in association.dependencies, f"{association.name} waits for {grant.name}"
        assert index[association.parent].type == "llm-platform:aws:PodIdentityRole"


@pytest.mark.parametrize("stack", STACKS)
def test_there_is_no_oidc_provider_no_irsa_trust_and_no_static_credential(stack: str) -> None:
    r = render_stack(stack)
    types = {reg.type for reg in r.resources}
    assert "aws:iam/openIdConnectProvider:OpenIdConnectProvider" not in types, "Pod Identity needs no OIDC"
    assert not {"aws:iam/user:User", "aws:iam/accessKey:AccessKey"} & types, "no long-lived credentials"
    for name, doc in documents(r).items():
        assert "AssumeRoleWithWebIdentity" not in json.dumps(doc), f"{name}: no IRSA trust"


def test_nodes_assume_their_roles_through_ec2_with_the_node_policies_only() -> None:
    r = render_stack("aws-full")
    node_roles = [role for role in r.of_type(ROLE) if role.inputs["name"].endswith("-nodes-us-east-2")]
    assert len(node_roles) == 2, "one for managed node groups, one for Karpenter's nodes"
    for role in node_roles:
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}
        attached = {
            a.inputs["policyArn"].rsplit("/", 1)[-1]
            for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a.inputs["role"] == role.inputs["name"]
        }
        assert attached == {
            "AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonEKS_CNI_Policy",
        }, role.inputs["name"]


def test_the_cluster_role_may_use_the_etcd_key_only() -> None:
    r = render_stack("aws-full")
    (grant,) = [p for p in r.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-etcd-key")]
    keys = {k.name.rsplit("-", 1)[-1]: k.urn for k in r.of_type("aws:kms/key:Key")}
    assert keys["etcd"] in grant.dependencies and keys["data"] not in grant.dependencies
    (statement,) = json.loads(grant.inputs["policy"])["Statement"]
    assert isinstance(statement["Resource"], str), "one key, named by its ARN"
    trust = documents(r)["substrate-cluster-role"]
    assert trust["Statement"][0]["Principal"] == {"Service": "eks.amazonaws.com"}
