"""The EKS control plane: pinned version, access entries only, restricted endpoint, KMS, logs, protection.

Also the explicit AWS provider, the KMS keys, the kubeconfig the bootstrap uses, and what must not
exist (an aws-auth ConfigMap, an open public endpoint, an implicit creator admin).
"""

from __future__ import annotations

import copy
import json

import pytest

from offline.engine import is_secret
from stacks import eks_versions, loader
from tests.stack_fixtures import render_stack, stack_raw

CLUSTER = "aws:eks/cluster:Cluster"
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


def test_the_cluster_runs_the_pinned_kubernetes_version_on_standard_support() -> None:
    cluster = render_stack("aws-full").one(CLUSTER).inputs
    assert cluster["name"] == "llm-full"
    assert cluster["version"] == stack_raw("aws-full")["aws"]["kubernetesVersion"], "the configured version"
    assert cluster["upgradePolicy"] == {"supportType": "STANDARD"}, "no silent extended-support charges"


def test_a_stack_that_names_no_version_runs_the_tables_default() -> None:
    assert "kubernetesVersion" not in stack_raw("aws-serving")["aws"]
    version = render_stack("aws-serving").one(CLUSTER).inputs["version"]
    assert version == eks_versions.DEFAULT, "the default comes from stacks/eks-versions.yaml"


def test_access_is_through_access_entries_only_and_the_creator_gets_no_implicit_admin() -> None:
    r = render_stack("aws-full")
    assert r.one(CLUSTER).inputs["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }
    config_maps = [c for c in r.of_type("kubernetes:core/v1:ConfigMap") if "aws-auth" in str(c.inputs)]
    assert config_maps == [], "no aws-auth ConfigMap: access entries are the only mapping"


def test_each_admin_principal_gets_an_entry_bound_to_the_cluster_admin_policy() -> None:
    r = render_stack("aws-full")
    admins = stack_raw("aws-full")["aws"]["adminPrincipals"]
    entries = [
        e.inputs for e in r.of_type("aws:eks/accessEntry:AccessEntry") if e.inputs["type"] == "STANDARD"
    ]
    assert sorted(e["principalArn"] for e in entries) == sorted(admins)
    associations = [a.inputs for a in r.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")]
    assert sorted(a["principalArn"] for a in associations) == sorted(admins)
    for a in associations:
        assert (a["policyArn"], a["accessScope"]) == (ADMIN_POLICY, {"type": "cluster"})


def test_the_kubernetes_provider_waits_for_the_admin_access_policies() -> None:
    r = render_stack("aws-full")
    provider = r.one("pulumi:providers:kubernetes")
    for association in r.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"):
        assert association.urn in provider.dependencies, "the bootstrap can only reach the API once bound"


def test_the_public_endpoint_answers_only_the_authorized_networks() -> None:
    vpc = render_stack("aws-full").one(CLUSTER).inputs["vpcConfig"]
    authorized = [n["cidr"] for n in stack_raw("aws-full")["cluster"]["controlPlane"]["authorizedNetworks"]]
    assert vpc["endpointPrivateAccess"] is True, "nodes always reach the API privately"
    assert vpc["endpointPublicAccess"] is True
    assert vpc["publicAccessCidrs"] == authorized
    assert "0.0.0.0/0" not in vpc["publicAccessCidrs"], "the API is never open to the internet"


@pytest.mark.parametrize(
    "control_plane",
    [
        {"privateEndpoint": True, "authorizedNetworks": [{"name": "vpn", "cidr": "203.0.113.0/24"}]},
        {"privateEndpoint": True},
    ],
    ids=["private endpoint with networks", "private endpoint alone"],
)
def test_without_authorized_networks_or_with_a_private_endpoint_there_is_no_public_endpoint(
    control_plane: dict[str, object],
) -> None:
    cluster = copy.deepcopy(stack_raw("aws-serving")["cluster"])
    cluster["controlPlane"] = control_plane
    vpc = render_stack("aws-serving", cluster=cluster).one(CLUSTER).inputs["vpcConfig"]
    assert vpc["endpointPublicAccess"] is False
    assert vpc["endpointPrivateAccess"] is True
    assert "publicAccessCidrs" not in vpc, "no CIDR list, so EKS's 0.0.0.0/0 default is never written"


def test_kubernetes_secrets_are_envelope_encrypted_with_the_etcd_key() -> None:
    r = render_stack("aws-full")
    encryption = r.one(CLUSTER).inputs["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    etcd = next(k for k in r.of_type("aws:kms/key:Key") if k.name.endswith("-etcd"))
    assert etcd.urn in r.one(CLUSTER).dependencies
    assert encryption["provider"]["keyArn"].startswith("arn:aws:kms:us-east-2:111122223333:key/")


def test_every_kms_key_rotates_and_has_a_stack_unique_alias() -> None:
    r = render_stack("aws-full")
    keys = r.of_type("aws:kms/key:Key")
    assert len(keys) == 2, "one key for etcd, one for data at rest"
    for key in keys:
        assert key.inputs["enableKeyRotation"] is True, key.name
        assert key.inputs["deletionWindowInDays"] == 30, "prod keeps a deleted key recoverable for 30 days"
        assert "policy" not in key.inputs, "the default key policy: IAM decides, no principal in the key"
    aliases = sorted(a.inputs["name"] for a in r.of_type("aws:kms/alias:Alias"))
    assert len(aliases) == 2 and all(a.startswith("alias/llm-full-") for a in aliases)
    assert len({a.rsplit("-", 1)[-1] for a in aliases}) == 1, "both aliases carry the stack's suffix"
    assert render_stack("aws-serving").of_type("aws:kms/key:Key")[0].inputs["deletionWindowInDays"] == 7


def test_all_five_control_plane_log_types_go_to_a_log_group_created_first() -> None:
    r = render_stack("aws-full")
    cluster = r.one(CLUSTER)
    assert cluster.inputs["enabledClusterLogTypes"] == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]
    logs = r.one("aws:cloudwatch/logGroup:LogGroup")
    assert logs.inputs["name"] == "/aws/eks/llm-full/cluster", "EKS writes to exactly this group"
    assert logs.inputs["retentionInDays"] == 90, "prod keeps control-plane logs 90 days, never forever"
    assert logs.urn in cluster.dependencies


def test_the_service_range_is_the_shared_services_cidr() -> None:
    network = render_stack("aws-full").one(CLUSTER).inputs["kubernetesNetworkConfig"]
    assert network == {
        "ipFamily": "ipv4",
        "serviceIpv4Cidr": stack_raw("aws-full")["network"]["servicesCidr"],
    }


def test_every_addon_is_eks_managed_from_creation() -> None:
    assert render_stack("aws-full").one(CLUSTER).inputs["bootstrapSelfManagedAddons"] is False


def test_prod_protects_stateful_resources_and_the_cluster_cannot_be_deleted() -> None:
    r = render_stack("aws-full")
    assert r.one(CLUSTER).inputs["deletionProtection"] is True
    stateful = (
        CLUSTER,
        "aws:kms/key:Key",
        "aws:route53/zone:Zone",
        "aws:ecr/repository:Repository",
        "aws:secretsmanager/secret:Secret",
    )
    for type_ in stateful:
        regs = r.of_type(type_)
        assert regs and all(reg.protect for reg in regs), f"{type_} is protected on prod"


def test_dev_stacks_stay_destroyable() -> None:
    r = render_stack("aws-serving")
    assert r.one(CLUSTER).inputs["deletionProtection"] is False
    protected = [reg.name for reg in r.resources if reg.protect and reg.type.startswith("aws:")]
    assert protected == [], "no cloud resource is protected on dev"


def test_the_provider_is_explicit_with_the_region_and_default_tags() -> None:
    provider = render_stack("aws-full").one("pulumi:providers:aws").inputs
    assert provider["region"] == "us-east-2"
    tags = json.loads(provider["defaultTags"])["tags"]
    assert tags == {"managed-by": "llm-platform", "stack": "aws-full", "cluster": "llm-full"}


def test_the_kubeconfig_execs_aws_eks_get_token_and_is_secret() -> None:
    provider = render_stack("aws-full").one("pulumi:providers:kubernetes")
    assert is_secret(provider.inputs["kubeconfig"]), "the kubeconfig is stored encrypted"
    doc = json.loads(provider.inputs["kubeconfig"]["value"])
    (user,) = doc["users"]
    assert set(user["user"]) == {"exec"}, "no token or key in state: credentials are fetched at use"
    assert user["user"]["exec"]["command"] == "aws"
    assert user["user"]["exec"]["args"] == [
        "eks",
        "get-token",
        "--cluster-name",
        "llm-full",
        "--region",
        "us-east-2",
        "--output",
        "json",
    ]
    assert doc["clusters"][0]["cluster"]["server"].startswith("https://")
    assert doc["clusters"][0]["cluster"]["certificate-authority-data"]


@pytest.mark.parametrize(
    ("principals", "message"),
    [
        ([], "at least one IAM role or user ARN is required"),
        (["arn:aws:sts::111122223333:assumed-role/admins/alice"], "not an IAM role or user ARN"),
        (["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a"], "listed twice"),
    ],
    ids=["none", "an sts session", "a duplicate"],
)
def test_admin_principals_are_required_iam_arns(principals: list[str], message: str) -> None:
    raw = stack_raw("aws-full")
    raw["aws"] = {**raw["aws"], "adminPrincipals": principals}
    with pytest.raises(loader.ConfigError) as caught:
        loader.validate(raw)
    assert "  - aws.adminPrincipals: " in str(caught.value) and message in str(caught.value)
    del raw["aws"]["adminPrincipals"]
    with pytest.raises(loader.ConfigError) as missing:
        loader.validate(raw)
    assert "  - aws.adminPrincipals: required key is missing" in str(missing.value)
