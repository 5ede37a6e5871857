"""Keyless controller identities: one IAM role per Kubernetes service account, through EKS Pod Identity.

No OIDC provider, no IRSA annotation, no access key: the role trusts `pods.eks.amazonaws.com` only
for sessions tagged with this cluster, namespace and service account, and a PodIdentityAssociation
binds exactly that service account to it. Each role holds only the permissions its concern adds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.iam import iam_name, managed_policy, pod_identity_trust
from substrate.component import Component
from substrate.contract import WorkloadIdentity


@dataclass(kw_only=True)
class PodIdentityArgs:
    cluster: ClusterRef
    region: str
    role: str  # short purpose, e.g. "eso"
    namespace: str
    service_account: str
    # An inline policy document (JSON); None when the role only carries managed policies.
    policy: pulumi.Input[str] | None = None
    managed_policies: Sequence[str] = ()


class PodIdentityRole(Component):
    def __init__(self, name: str, args: PodIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:PodIdentityRole", name, opts)
        self.role = aws.iam.Role(
            f"{name}-role",
            name=iam_name(args.cluster.name, args.role, args.region),
            description=f"{args.role} in {args.cluster.name} ({args.namespace}/{args.service_account})",
            assume_role_policy=pod_identity_trust(args.cluster.arn, args.namespace, args.service_account),
            opts=self.child(),
        )
        grants: list[pulumi.Resource] = []
        if args.policy is not None:
            grants.append(
                aws.iam.RolePolicy(
                    f"{name}-policy",
                    role=self.role.name,
                    name=args.role,
                    policy=args.policy,
                    opts=self.child(),
                )
            )
        for policy in args.managed_policies:
            grants.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-{policy.split('/')[-1]}",
                    role=self.role.name,
                    policy_arn=managed_policy(args.region, policy),
                    opts=self.child(),
                )
            )
        self.grants = grants
        # Pods pick credentials up at creation: the association (and its permissions) exist first.
        self.association = aws.eks.PodIdentityAssociation(
            f"{name}-association",
            cluster_name=args.cluster.eks_name,
            namespace=args.namespace,
            service_account=args.service_account,
            role_arn=self.role.arn,
            opts=self.child(depends_on=grants),
        )
        self.identity = WorkloadIdentity(
            namespace=args.namespace,
            service_account=args.service_account,
            # Pod Identity binds the role in the EKS API; the service account carries no annotation.
            annotation_key="",
            annotation_value="",
        )
        self.register_outputs({"role": self.role.arn})
