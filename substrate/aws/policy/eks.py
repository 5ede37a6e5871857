"""EKS and the EC2 pieces around it: control plane, node groups, launch templates, security groups."""

from __future__ import annotations

from typing import Any

from policy.rules.base import (
    UNKNOWN,
    CannotEvaluate,
    Key,
    PolicyResource,
    need,
    optional,
    present,
    rule,
    show,
)

# The EKS version table is the config schema's (stacks/eks-versions.yaml), read by a module that needs
# only the standard library and PyYAML, both in the pack's own virtualenv; policy/__main__.py puts the
# project root on the path, as it does for this package.
from stacks import eks_versions

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SECURITY_GROUPS = frozenset(
    {"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"}
)
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
ANYWHERE = frozenset({"0.0.0.0/0", "::/0"})
SSH_PORT = 22


@rule("eks-secrets-encryption", "EKS Secrets envelope-encrypted with a KMS key", "CKV_AWS_58")
def secrets_encryption(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    out = []
    resources = need(r.props, "encryptionConfig.resources")
    if "secrets" not in resources:
        out.append(f"encryptionConfig.resources is {list(resources)!r}: it must include 'secrets'")
    if not present(r.props, "encryptionConfig.provider.keyArn"):
        out.append("encryptionConfig.provider.keyArn is not set: envelope encryption needs a KMS key")
    return out


@rule("eks-control-plane-logs", "Every EKS control-plane log type enabled", "CKV_AWS_37")
def control_plane_logs(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    enabled = need(r.props, "enabledClusterLogTypes")
    missing = [t for t in CONTROL_PLANE_LOG_TYPES if t not in enabled]
    return (
        [f"enabledClusterLogTypes lacks {', '.join(missing)}: audit trails would be lost"] if missing else []
    )


@rule(
    "eks-endpoint-restricted",
    "EKS API: private access on; public access off or limited to CIDRs other than 0.0.0.0/0",
    "CKV_AWS_39, CKV_AWS_38",
)
def endpoint_restricted(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    out = []
    if need(r.props, "vpcConfig.endpointPrivateAccess") is not True:
        out.append(
            "vpcConfig.endpointPrivateAccess must be True: nodes would reach the API over the internet"
        )
    if need(r.props, "vpcConfig.endpointPublicAccess") is not True:
        return out
    cidrs = optional(r.props, "vpcConfig.publicAccessCidrs", [])
    if not cidrs:
        out.append("vpcConfig.publicAccessCidrs is not set: EKS opens the public endpoint to 0.0.0.0/0")
    for index, cidr in enumerate(cidrs):
        if cidr is UNKNOWN:
            raise CannotEvaluate(f"vpcConfig.publicAccessCidrs[{index}]")
        if str(cidr).endswith("/0"):
            out.append(
                f"vpcConfig.publicAccessCidrs includes {cidr}: the public endpoint is open to everyone"
            )
    return out


@rule("eks-supported-version", "EKS runs a supported Kubernetes version", "CKV_AWS_339")
def supported_version(r: PolicyResource) -> list[str]:
    # Supported means standard support on the day of the check: the cluster's upgrade policy is
    # STANDARD, so EKS upgrades a control plane past it and the next `up` would fight that upgrade.
    if r.type != CLUSTER:
        return []
    version = str(need(r.props, "version"))
    problem = eks_versions.CALENDAR.problem(version, eks_versions.today())
    return [f"version is {version}: {problem}"] if problem else []


@rule("eks-node-group-no-remote-access", "EKS node groups have no SSH remote access", "CKV_AWS_100")
def node_group_no_remote_access(r: PolicyResource) -> list[str]:
    if r.type != NODE_GROUP:
        return []
    if optional(r.props, "remoteAccess", {}) in ({}, []):
        return []
    return ["remoteAccess is set: node groups get SSH from 0.0.0.0/0 unless restricted; use SSM instead"]


@rule("aws-imdsv2-required", "Launch templates require IMDSv2 (session tokens)", "CKV_AWS_79")
def imdsv2_required(r: PolicyResource) -> list[str]:
    if r.type != LAUNCH_TEMPLATE or _imds_disabled(r):
        return []
    tokens = need(r.props, "metadataOptions.httpTokens")
    return [] if tokens == "required" else [f"metadataOptions.httpTokens is {tokens!r}: IMDSv1 must be off"]


@rule(
    "aws-imds-hop-limit", "Instance metadata hop limit 1 (pods cannot reach node credentials)", "CKV_AWS_341"
)
def imds_hop_limit(r: PolicyResource) -> list[str]:
    if r.type == NODE_GROUP:
        if optional(r.props, "launchTemplate", None) is None:
            return ["launchTemplate is not set: EKS's default template sets the metadata hop limit to 2"]
        return []
    if r.type != LAUNCH_TEMPLATE or _imds_disabled(r):
        return []
    limit = need(r.props, "metadataOptions.httpPutResponseHopLimit")
    return [] if limit == 1 else [f"metadataOptions.httpPutResponseHopLimit is {limit!r}: it must be 1"]


def _imds_disabled(r: PolicyResource) -> bool:
    return optional(r.props, "metadataOptions.httpEndpoint", "enabled") == "disabled"


@rule("aws-no-ssh-from-anywhere", "No security group allows SSH (22) from 0.0.0.0/0 or ::/0", "CKV_AWS_24")
def no_ssh_from_anywhere(r: PolicyResource) -> list[str]:
    if r.type in SECURITY_GROUPS:
        rules = [("ingress", i) for i in range(len(optional(r.props, "ingress", [])))]
        return [
            m for path in rules for m in _ssh_check(r, path, ("cidrBlocks", "ipv6CidrBlocks"), "protocol")
        ]
    if r.type == SECURITY_GROUP_RULE and need(r.props, "type") == "ingress":
        return _ssh_check(r, (), ("cidrBlocks", "ipv6CidrBlocks"), "protocol")
    if r.type == INGRESS_RULE:
        return _ssh_check(r, (), ("cidrIpv4", "cidrIpv6"), "ipProtocol")
    return []


def _ssh_check(
    r: PolicyResource, at: tuple[Key, ...], cidr_fields: tuple[str, ...], protocol: str
) -> list[str]:
    proto = str(need(r.props, (*at, protocol))).lower()
    if proto in ("-1", "all"):
        covers_ssh = True
    elif proto in ("tcp", "6"):
        low, high = need(r.props, (*at, "fromPort")), need(r.props, (*at, "toPort"))
        covers_ssh = low <= SSH_PORT <= high
    else:
        covers_ssh = False
    if not covers_ssh:
        return []
    sources: list[Any] = []
    for name in cidr_fields:
        value = optional(r.props, (*at, name), [])
        sources += value if isinstance(value, list) else [value]
    if UNKNOWN in sources:
        raise CannotEvaluate(show((*at, cidr_fields[0])))
    open_to = sorted(ANYWHERE.intersection(sources))
    where = show(at) or "the ingress rule"
    return (
        [f"{where} allows port {SSH_PORT} from {', '.join(open_to)}: use SSM Session Manager"]
        if open_to
        else []
    )
