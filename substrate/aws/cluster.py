"""The EKS control plane: pinned version, access entries only, KMS envelope encryption, full audit logs.

- Authentication is `API` (access entries); no aws-auth ConfigMap exists. The creator is never made
  admin implicitly (`bootstrap_cluster_creator_admin_permissions` can only be chosen at creation, so
  it stays false); `aws.adminPrincipals` get explicit entries with the cluster-admin access policy.
- The private endpoint is always on. The public endpoint is on only when authorized networks are
  given and `privateEndpoint` is false, and then answers those CIDRs only — never 0.0.0.0/0.
- All five control-plane log types go to a log group created first, with a retention (EKS would
  otherwise create it itself, kept forever).
- The version is pinned and the support policy is STANDARD: no extended-support charges, and an
  upgrade is a reviewed change of `aws.kubernetesVersion`. EKS upgrades a cluster left past the end
  of standard support itself; `up` then shows the version diff to pin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.aws.iam import iam_name, managed_policy, partition, policy_json, service_trust, statement
from substrate.aws.network import KARPENTER_DISCOVERY_TAG
from substrate.component import Component
from substrate.naming import digest

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"


@dataclass(kw_only=True)
class ClusterArgs:
    name: str
    region: str
    version: str
    subnet_ids: Sequence[pulumi.Input[str]]
    service_cidr: str
    authorized_networks: Sequence[str]
    private_endpoint: bool
    etcd_key_arn: pulumi.Input[str]
    admin_principals: Sequence[str]
    deletion_protection: bool
    protect: bool
    log_retention_days: int


def public_endpoint(authorized_networks: Sequence[str], private_endpoint: bool) -> bool:
    return bool(authorized_networks) and not private_endpoint


class EksCluster(Component):
    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:Cluster", name, opts)
        role = aws.iam.Role(
            f"{name}-role",
            name=iam_name(args.name, "cluster", args.region),
            description=f"EKS control plane of {args.name}",
            assume_role_policy=service_trust("eks.amazonaws.com"),
            opts=self.child(),
        )
        grants = [
            aws.iam.RolePolicyAttachment(
                f"{name}-role-cluster-policy",
                role=role.name,
                policy_arn=managed_policy(args.region, "AmazonEKSClusterPolicy"),
                opts=self.child(),
            ),
            aws.iam.RolePolicy(
                f"{name}-role-etcd-key",
                role=role.name,
                name="etcd-envelope-encryption",
                policy=policy_json(
                    [
                        statement(
                            ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                            args.etcd_key_arn,
                        )
                    ]
                ),
                opts=self.child(),
            ),
        ]
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/eks/{args.name}/cluster",
            retention_in_days=args.log_retention_days,
            opts=self.child(),
        )
        public = public_endpoint(args.authorized_networks, args.private_endpoint)
        self.cluster = aws.eks.Cluster(
            f"{name}-eks",
            name=args.name,
            version=args.version,
            role_arn=role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=list(args.subnet_ids),
                endpoint_private_access=True,
                endpoint_public_access=public,
                # Left unset when the public endpoint is off: EKS would store its 0.0.0.0/0 default.
                public_access_cidrs=list(args.authorized_networks) if public else None,
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=False
            ),
            # Every add-on is an EKS-managed one (addons.py): nothing self-managed to adopt or drift.
            bootstrap_self_managed_addons=False,
            kubernetes_network_config=aws.eks.ClusterKubernetesNetworkConfigArgs(
                ip_family="ipv4", service_ipv4_cidr=args.service_cidr
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.etcd_key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(LOG_TYPES),
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            deletion_protection=args.deletion_protection,
            opts=self.child(depends_on=[*grants, logs], protect=args.protect),
        )
        self.access = [self._admin(name, args, arn) for arn in args.admin_principals]
        # Karpenter finds the node security group by this tag. Managed node groups without security
        # groups in their launch template use the cluster security group EKS creates, so that is it.
        self.security_group_id: pulumi.Output[str] = self.cluster.vpc_config.apply(
            lambda c: c.cluster_security_group_id or ""
        )
        aws.ec2.Tag(
            f"{name}-sg-karpenter-discovery",
            resource_id=self.security_group_id,
            key=KARPENTER_DISCOVERY_TAG,
            value=args.name,
            opts=self.child(),
        )
        self.endpoint: pulumi.Output[str] = self.cluster.endpoint
        self.ca_data: pulumi.Output[str] = self.cluster.certificate_authority.apply(lambda ca: ca.data or "")
        self.register_outputs({"name": self.cluster.name, "endpoint": self.endpoint})

    def _admin(self, name: str, args: ClusterArgs, principal: str) -> aws.eks.AccessPolicyAssociation:
        # Keyed by the ARN, not its position: reordering the list replaces nothing.
        key = digest(principal)
        entry = aws.eks.AccessEntry(
            f"{name}-admin-{key}",
            cluster_name=self.cluster.name,
            principal_arn=principal,
            type="STANDARD",
            opts=self.child(),
        )
        return aws.eks.AccessPolicyAssociation(
            f"{name}-admin-{key}",
            cluster_name=self.cluster.name,
            principal_arn=entry.principal_arn,
            policy_arn=f"arn:{partition(args.region)}:eks::aws:cluster-access-policy/{ADMIN_POLICY}",
            access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
            opts=self.child(),
        )
