"""Every rule of the policy pack, as pairs: a compliant resource passes, one flipped field fails it.

Compliant inputs are the real rendered resources of gcp-full and aws-full (via the offline adapter);
the few resource kinds no fixture stack creates (security groups, SSM parameters, secret versions) are
hand-built, minimal and marked as such. Each flip must produce exactly one violation in the whole
registry, from the rule under test — so rules neither miss nor overlap. The same field made unknown
must fail the rule with "cannot evaluate". A rule added to the registry without a pair fails here.
Rules that depend on the date (the EKS version's standard support) are evaluated on a pinned one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pytest

from policy.offline import records
from policy.rules import BY_ID, REGISTRY, UNKNOWN, PolicyResource
from policy.rules.base import Path, keys_of, show
from stacks import eks_versions, loader
from tests.stack_fixtures import render_stack, stack_raw

DELETE = object()  # flip value: remove the field
HAND_BUILT = "hand-built"
EVALUATED_ON = date(2026, 12, 1)  # in EKS standard support that day: 1.34, 1.35, 1.36


@pytest.fixture(autouse=True)
def _pinned_evaluation_date() -> Iterator[None]:
    with eks_versions.as_of(EVALUATED_ON):
        yield


def resource(stack: str, name: str, type_: str) -> PolicyResource:
    if stack == HAND_BUILT:
        return HAND_BUILT_RESOURCES[name]
    environment = loader.validate(stack_raw(stack)).environment
    found = [r for r in records(render_stack(stack), environment) if r.name == name and r.type == type_]
    assert len(found) == 1, f"{stack} renders exactly one {type_} named {name}"
    return found[0]


def with_prop(r: PolicyResource, path: Path, value: Any) -> PolicyResource:
    """A copy of `r` with the prop at `path` set to `value` (or removed, for DELETE)."""
    props = copy.deepcopy(dict(r.props))
    *parents, last = keys_of(path)
    node: Any = props
    for key in parents:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return replace(r, props=props)


def all_violations(r: PolicyResource) -> list[tuple[str, str]]:
    return [(rule.id, message) for rule in REGISTRY for message in rule(r)]


@dataclass(frozen=True)
class Pair:
    rule_id: str
    stack: str  # gcp-full | aws-full | hand-built
    name: str
    type: str
    path: Path | None = None  # the flipped prop …
    value: Any = None  # (a callable computes it from the compliant resource)
    option: Mapping[str, Any] = field(default_factory=dict)  # … or record field (type, protect, ancestry)
    unknown: bool = True  # the flipped prop, made unknown, fails the rule with "cannot evaluate"

    @property
    def id(self) -> str:
        flipped = show(self.path) if self.path is not None else ",".join(self.option)
        return f"{self.rule_id}[{self.stack}/{self.name}:{flipped}]"

    def compliant(self) -> PolicyResource:
        return resource(self.stack, self.name, self.type)

    def flipped(self) -> PolicyResource:
        r = self.compliant()
        if self.path is not None:
            r = with_prop(r, self.path, self.value(r) if callable(self.value) else self.value)
        return replace(r, **self.option)


GKE_CLUSTER = ("gcp-full", "substrate-cluster-gke", "gcp:container/cluster:Cluster")
GKE_POOL = ("gcp-full", "substrate-gpu-l4", "gcp:container/nodePool:NodePool")
GKE_SYSTEM_POOL = ("gcp-full", "substrate-system-pool", "gcp:container/nodePool:NodePool")
EKS_CLUSTER = ("aws-full", "substrate-cluster-eks", "aws:eks/cluster:Cluster")
EKS_GPU_GROUP = ("aws-full", "substrate-gpu-l4", "aws:eks/nodeGroup:NodeGroup")
EKS_SYSTEM_GROUP = ("aws-full", "substrate-system-pool", "aws:eks/nodeGroup:NodeGroup")
LAUNCH_TEMPLATE = ("aws-full", "substrate-gpu-l4-template", "aws:ec2/launchTemplate:LaunchTemplate")
ARGOCD = ("gcp-full", "bootstrap-argocd", "kubernetes:helm.sh/v3:Release")
CLUSTER_SECRET = ("gcp-full", "bootstrap-cluster-secret", "kubernetes:core/v1:Secret")
EKS_CLUSTER_SECRET = ("aws-full", "bootstrap-cluster-secret", "kubernetes:core/v1:Secret")
SECRETS_ROOT = ("gcp-full", "bootstrap-root-secrets", "kubernetes:argoproj.io/v1alpha1:Application")
DNS_POLICY = ("aws-full", "substrate-dns-external-dns-policy", "aws:iam/rolePolicy:RolePolicy")
ESO_POLICY = ("aws-full", "substrate-secrets-eso-policy", "aws:iam/rolePolicy:RolePolicy")
NODE_GRANT = (
    "gcp-full",
    "substrate-nodes-container.defaultNodeServiceAccount",
    "gcp:projects/iAMMember:IAMMember",
)
GCP_SECRET = ("gcp-full", "substrate-secrets-hf-token", "gcp:secretmanager/secret:Secret")
AWS_SECRET = ("aws-full", "substrate-secrets-hf-token", "aws:secretsmanager/secret:Secret")
SECURITY_GROUP = (HAND_BUILT, "sg", "aws:ec2/securityGroup:SecurityGroup")
INGRESS_RULE = (HAND_BUILT, "ingress-rule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
SSM_PARAMETER = (HAND_BUILT, "parameter", "aws:ssm/parameter:Parameter")

# No fixture stack creates these kinds; the smallest compliant ones.
HAND_BUILT_RESOURCES = {
    "sg": PolicyResource(
        SECURITY_GROUP[2],
        "urn:pulumi:hand-built::llm-platform::aws:ec2/securityGroup:SecurityGroup::sg",
        "sg",
        {
            "vpcId": "vpc-0123",
            "ingress": [
                {"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["0.0.0.0/0"]},
                {"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["10.0.0.0/8"]},
            ],
        },
    ),
    "ingress-rule": PolicyResource(
        INGRESS_RULE[2],
        "urn:pulumi:hand-built::llm-platform::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::rule",
        "ingress-rule",
        {"securityGroupId": "sg-0123", "ipProtocol": "-1", "cidrIpv4": "10.0.0.0/8"},
    ),
    "parameter": PolicyResource(
        SSM_PARAMETER[2],
        "urn:pulumi:hand-built::llm-platform::aws:ssm/parameter:Parameter::parameter",
        "parameter",
        {"name": "/llm-platform/cluster-name", "type": "String", "value": "llm-full"},
    ),
}


def policy_with(old: str, new: str) -> Callable[[PolicyResource], str]:
    """The resource's own IAM policy document with one action replaced."""
    return lambda r: str(r.props["policy"]).replace(old, new)


def _cluster_config(config: dict[str, Any]) -> str:
    return json.dumps({"tlsClientConfig": {"insecure": False}, **config})


PAIRS: list[Pair] = [
    # GKE
    Pair("gke-private-nodes", *GKE_CLUSTER, "privateClusterConfig.enablePrivateNodes", False),
    Pair("gke-private-nodes", *GKE_POOL, "networkConfig.enablePrivateNodes", False),
    Pair(
        "gke-control-plane-restricted",
        *GKE_CLUSTER,
        ("masterAuthorizedNetworksConfig", "cidrBlocks", 0, "cidrBlock"),
        "0.0.0.0/0",
    ),
    Pair("gke-control-plane-restricted", *GKE_CLUSTER, "masterAuthorizedNetworksConfig", DELETE),
    Pair(
        "gke-control-plane-restricted",
        *GKE_CLUSTER,
        "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
        True,
    ),
    Pair("gke-shielded-nodes", *GKE_CLUSTER, "enableShieldedNodes", False),
    Pair("gke-secure-boot", *GKE_POOL, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", False),
    Pair("gke-secure-boot", *GKE_CLUSTER, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", False),
    Pair(
        "gke-integrity-monitoring",
        *GKE_SYSTEM_POOL,
        "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring",
        False,
    ),
    Pair("gke-metadata-server", *GKE_POOL, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"),
    Pair(
        "gke-legacy-endpoints-disabled",
        *GKE_POOL,
        ("nodeConfig", "metadata", "disable-legacy-endpoints"),
        "false",
    ),
    Pair("gke-legacy-abac-disabled", *GKE_CLUSTER, "enableLegacyAbac", True),
    Pair(
        "gke-no-client-certificate",
        *GKE_CLUSTER,
        "masterAuth.clientCertificateConfig.issueClientCertificate",
        True,
    ),
    Pair("gke-network-policy", *GKE_CLUSTER, "datapathProvider", "LEGACY_DATAPATH"),
    Pair("gke-vpc-native", *GKE_CLUSTER, "networkingMode", "ROUTES"),
    Pair("gke-logging", *GKE_CLUSTER, "loggingConfig.enableComponents", []),
    Pair("gke-logging", *GKE_CLUSTER, "loggingService", "none"),
    Pair("gke-monitoring", *GKE_CLUSTER, "monitoringConfig.enableComponents", []),
    Pair("gke-release-channel", *GKE_CLUSTER, "releaseChannel.channel", "UNSPECIFIED"),
    Pair("gke-auto-repair", *GKE_POOL, "management.autoRepair", False),
    Pair("gke-auto-upgrade", *GKE_SYSTEM_POOL, "management.autoUpgrade", False),
    Pair("gke-cos-image", *GKE_POOL, "nodeConfig.imageType", "UBUNTU_CONTAINERD"),
    Pair(
        "gke-no-default-service-account",
        *GKE_POOL,
        "nodeConfig.serviceAccount",
        "123456789-compute@developer.gserviceaccount.com",
    ),
    Pair("gke-no-default-service-account", *GKE_CLUSTER, "nodeConfig.serviceAccount", "default"),
    Pair("gke-secrets-encryption", *GKE_CLUSTER, "databaseEncryption.state", "DECRYPTED"),
    # A computed key name still names a key: presence is all this check needs.
    Pair("gke-secrets-encryption", *GKE_CLUSTER, "databaseEncryption.keyName", "", unknown=False),
    # EKS and EC2
    Pair("eks-secrets-encryption", *EKS_CLUSTER, "encryptionConfig.resources", []),
    Pair("eks-control-plane-logs", *EKS_CLUSTER, "enabledClusterLogTypes", ["api", "authenticator"]),
    Pair("eks-endpoint-restricted", *EKS_CLUSTER, "vpcConfig.endpointPrivateAccess", False),
    Pair("eks-endpoint-restricted", *EKS_CLUSTER, "vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]),
    Pair("eks-endpoint-restricted", *EKS_CLUSTER, "vpcConfig.publicAccessCidrs", DELETE, unknown=True),
    Pair("eks-supported-version", *EKS_CLUSTER, "version", "1.29"),  # not in the table
    Pair("eks-supported-version", *EKS_CLUSTER, "version", "1.33"),  # out of standard support that day
    Pair("eks-node-group-no-remote-access", *EKS_GPU_GROUP, "remoteAccess", {"ec2SshKey": "ops"}),
    Pair("aws-imdsv2-required", *LAUNCH_TEMPLATE, "metadataOptions.httpTokens", "optional"),
    Pair("aws-imds-hop-limit", *LAUNCH_TEMPLATE, "metadataOptions.httpPutResponseHopLimit", 2.0),
    Pair("aws-imds-hop-limit", *EKS_SYSTEM_GROUP, "launchTemplate", DELETE),
    Pair("aws-no-ssh-from-anywhere", *SECURITY_GROUP, ("ingress", 1, "cidrBlocks"), ["0.0.0.0/0"]),
    Pair("aws-no-ssh-from-anywhere", *SECURITY_GROUP, ("ingress", 1, "ipv6CidrBlocks"), ["::/0"]),
    Pair("aws-no-ssh-from-anywhere", *INGRESS_RULE, "cidrIpv4", "0.0.0.0/0"),
    # No secret values in state
    Pair("no-secret-versions", *GCP_SECRET, option={"type": "gcp:secretmanager/secretVersion:SecretVersion"}),
    Pair(
        "no-secret-versions", *AWS_SECRET, option={"type": "aws:secretsmanager/secretVersion:SecretVersion"}
    ),
    Pair("no-ssm-secure-string", *SSM_PARAMETER, "type", "SecureString"),
    Pair(
        "k8s-secret-no-credentials",
        *CLUSTER_SECRET,
        "stringData.config",
        _cluster_config({"bearerToken": "t0k3n"}),
    ),
    Pair(
        "k8s-secret-no-credentials",
        *CLUSTER_SECRET,
        "stringData.config",
        json.dumps({"tlsClientConfig": {"insecure": False, "keyData": "LS0tLS1CRUdJTi"}}),
    ),
    Pair("k8s-secret-no-credentials", *CLUSTER_SECRET, "stringData.password", "hunter2", unknown=False),
    Pair(
        "k8s-secret-no-credentials",
        *CLUSTER_SECRET,
        ("metadata", "labels", "argocd.argoproj.io/secret-type"),
        DELETE,
    ),
    Pair("helm-values-no-credentials", *ARGOCD, "values.configs.secret.argocdServerAdminPassword", "hunter2"),
    Pair(
        "helm-values-no-credentials",
        *SECRETS_ROOT,
        "spec.source.helm.valuesObject.webhook.apiKey",
        "sk-live-0123",
    ),
    # IAM
    Pair(
        "aws-iam-no-wildcard-actions",
        *DNS_POLICY,
        "policy",
        policy_with("route53:ChangeResourceRecordSets", "route53:*"),
    ),
    Pair("aws-iam-no-wildcard-actions", *ESO_POLICY, "policy", policy_with('"kms:Decrypt"', '"kms:*"')),
    Pair("gcp-iam-no-broad-project-roles", *NODE_GRANT, "role", "roles/editor"),
    Pair("gcp-iam-no-broad-project-roles", *NODE_GRANT, "role", "roles/secretmanager.secretAccessor"),
    # The platform's own invariants
    Pair(
        "k8s-inside-bootstrap",
        *ARGOCD,
        option={"ancestor_types": ("llm-platform:substrate:Gke",)},
    ),
    Pair("k8s-no-workloads", *ARGOCD, option={"type": "kubernetes:apps/v1:Deployment"}),
    Pair("k8s-no-workloads", *ARGOCD, option={"type": "kubernetes:apps/v1:DaemonSet"}),
    Pair("gpu-pool-taint", *GKE_POOL, "nodeConfig.taints", []),
    # GKE's driver, and the operator told it owns the driver: installed twice.
    Pair("gpu-single-owner", *CLUSTER_SECRET, ("metadata", "labels", "gpu_driver_owner"), "operator"),
    # The managed stack's standalone DCGM exporter plus the GPU Operator's: two on every GPU node.
    Pair("gpu-single-owner", *CLUSTER_SECRET, ("metadata", "labels", "enable_gpu_operator"), "true"),
    Pair("gpu-single-owner", *EKS_CLUSTER_SECRET, ("metadata", "labels", "enable_dcgm_exporter"), "true"),
    Pair("gpu-single-owner", *EKS_CLUSTER_SECRET, ("metadata", "labels", "gpu_driver_owner"), "gke"),
    Pair("gpu-pool-taint", *EKS_GPU_GROUP, "taints", DELETE),
    Pair("prod-deletion-protection", *GKE_CLUSTER, option={"protect": False}),
    Pair("prod-deletion-protection", *GKE_CLUSTER, "deletionProtection", False),
    Pair("prod-deletion-protection", *EKS_CLUSTER, option={"protect": False}),
]


@pytest.mark.parametrize("rule_id", [r.id for r in REGISTRY])
def test_every_registered_rule_has_at_least_one_pair(rule_id: str) -> None:
    assert any(p.rule_id == rule_id for p in PAIRS), f"{rule_id} has no compliant/violating pair here"


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.id)
def test_the_compliant_resource_passes_every_rule(pair: Pair) -> None:
    assert pair.rule_id in BY_ID
    assert all_violations(pair.compliant()) == []


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.id)
def test_one_flipped_field_gives_exactly_one_violation_naming_the_rule(pair: Pair) -> None:
    violations = all_violations(pair.flipped())
    assert [rule_id for rule_id, _ in violations] == [pair.rule_id], violations
    assert not violations[0][1].startswith("cannot evaluate"), "a known bad value is a plain violation"


@pytest.mark.parametrize("pair", [p for p in PAIRS if p.path is not None and p.unknown], ids=lambda p: p.id)
def test_the_flipped_field_unknown_fails_the_rule_with_cannot_evaluate(pair: Pair) -> None:
    assert pair.path is not None
    r = with_prop(pair.compliant(), pair.path, UNKNOWN)
    violations = all_violations(r)
    assert [rule_id for rule_id, _ in violations] == [pair.rule_id], violations
    assert violations[0][1].startswith("cannot evaluate: "), violations[0][1]


def test_a_kubernetes_resource_whose_parents_are_not_known_cannot_be_evaluated() -> None:
    release = replace(resource(*ARGOCD), ancestor_types=None)
    assert all_violations(release) == [("k8s-inside-bootstrap", "cannot evaluate: parent is unknown")]


def test_the_kubernetes_provider_is_not_a_kubernetes_resource() -> None:
    provider = resource("gcp-full", "substrate-k8s", "pulumi:providers:kubernetes")
    assert all_violations(replace(provider, ancestor_types=())) == []


def test_templated_credentials_in_helm_values_are_allowed() -> None:
    root = with_prop(
        resource(*SECRETS_ROOT), "spec.source.helm.valuesObject.auth.password", "{{ .password }}"
    )
    assert all_violations(root) == [], "External Secrets templates resolve in-cluster, not in state"


def test_references_to_existing_secrets_are_not_credentials() -> None:
    argocd = with_prop(resource(*ARGOCD), "values.redis.existingSecret", "argocd-redis")
    assert all_violations(argocd) == []


def test_a_dev_stack_needs_no_deletion_protection() -> None:
    cluster = replace(resource(*GKE_CLUSTER), environment="dev", protect=False)
    assert all_violations(with_prop(cluster, "deletionProtection", False)) == []


def test_a_node_pool_without_accelerators_needs_no_gpu_taint() -> None:
    assert all_violations(with_prop(resource(*GKE_SYSTEM_POOL), "nodeConfig.taints", [])) == []


def test_a_credential_in_an_applications_helm_values_string_or_parameters_is_caught() -> None:
    root = resource(*SECRETS_ROOT)
    helm = "spec.source.helm"
    as_yaml = with_prop(root, f"{helm}.values", "auth:\n  password: hunter2\n")
    as_parameter = with_prop(root, f"{helm}.parameters", [{"name": "auth.password", "value": "hunter2"}])
    assert all_violations(as_yaml) == [
        ("helm-values-no-credentials", f"{helm}.values.auth.password holds a literal credential")
    ]
    assert all_violations(as_parameter) == [
        ("helm-values-no-credentials", f"{helm}.parameters[0].value holds a literal credential")
    ]


def test_every_source_of_a_multi_source_application_is_checked() -> None:
    root = resource(*SECRETS_ROOT)
    source = dict(root.props["spec"]["source"])
    leaking = {**source, "helm": {"valuesObject": {"apiKey": "sk-live-0123"}}}
    multi = with_prop(with_prop(root, "spec.source", DELETE), "spec.sources", [source, leaking])
    assert all_violations(multi) == [
        ("helm-values-no-credentials", "spec.sources[1].helm.valuesObject.apiKey holds a literal credential")
    ]


def test_the_eks_version_rule_judges_standard_support_on_the_evaluation_date() -> None:
    cluster = resource(*EKS_CLUSTER)
    version = cluster.props["version"]
    row = eks_versions.CALENDAR.get(version)
    assert row is not None, f"{version} is in the table"
    ends = row.end_of_standard_support
    assert BY_ID["eks-supported-version"](cluster) == [], f"{version} is in standard support {EVALUATED_ON}"
    with eks_versions.as_of(ends):
        [message] = BY_ID["eks-supported-version"](cluster)
    assert f"version is {version}: EKS standard support for {version} ended on {ends}" in message, (
        "the same cluster fails once its version leaves standard support, and the message names the date"
    )
