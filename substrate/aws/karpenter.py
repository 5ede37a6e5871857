"""The cloud half of Karpenter: the seed installs the controller; this creates what it acts with.

- A node role of its own (not the managed node groups' role: EKS creates those groups' access entries
  itself, a second entry for the same role would collide) with an `EC2_LINUX` access entry.
- The interruption queue (SSE on, 5 minutes retention) fed by EventBridge rules for spot interruption
  warnings, rebalance recommendations, instance state changes, AWS Health scheduled changes and
  interruptible capacity reservation reclaims. Only these rules may send to it (aws:SourceArn), over
  TLS only.
- The controller role under Pod Identity (kube-system/karpenter) with the controller policy of the
  reference CloudFormation template of the Karpenter release the seed installs (v1.14.1,
  getting-started-with-karpenter/cloudformation.yaml), statement for statement. The template spreads
  the statements over six managed policies (each under IAM's 6,144-character managed-policy quota);
  here they are one inline policy of the one role, within the 10,240-character inline quota.
  Launches, tagging, deletions and instance profiles are allowed only for resources tagged for this
  cluster, as there. Narrowed only where an ARN allows: EC2 resources in this account (the reference
  says any), `iam:PassRole` on this node role, the queue this component creates. A Karpenter bump
  re-reads the template: the test fixture of the reference policy moves with the seed's version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.iam import partition, policy_json, statement
from substrate.aws.identity import PodIdentityArgs, PodIdentityRole
from substrate.aws.nodes import NodeRole, NodeRoleArgs
from substrate.component import Component
from substrate.naming import bounded

NAMESPACE, SERVICE_ACCOUNT = "kube-system", "karpenter"
# What RunInstances, CreateFleet and CreateLaunchTemplate create, and tag as they create it.
LAUNCHED = ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")
INTERRUPTION_EVENTS: dict[str, dict[str, Any]] = {
    "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
    "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
    "state-change": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
    "scheduled-change": {
        "source": ["aws.health"],
        "detail-type": ["AWS Health Event"],
        "detail": {"service": ["EC2"], "eventTypeCategory": ["scheduledChange"]},
    },
    # Karpenter >= 1.10 drains nodes of an interruptible ODCR on this 2-minute warning.
    "reservation-interruption": {
        "source": ["aws.ec2"],
        "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
    },
}


@dataclass(kw_only=True)
class KarpenterArgs:
    cluster: ClusterRef
    region: str
    account_id: pulumi.Input[str]


def controller_policy(
    args: KarpenterArgs, node_role_arn: pulumi.Input[str], queue_arn: pulumi.Input[str]
) -> pulumi.Output[str]:
    """The reference controller policy, statement by statement (same Sids), narrowed as above."""
    p, region, cluster = partition(args.region), args.region, args.cluster.name
    own = pulumi.Output.concat(f"arn:{p}:ec2:{region}:", args.account_id, ":")
    profiles = pulumi.Output.concat(f"arn:{p}:iam::", args.account_id, ":instance-profile/*")

    def ec2(*kinds: str) -> list[pulumi.Output[str]]:
        return [pulumi.Output.concat(own, kind, "/*") for kind in kinds]

    cluster_tag, nodeclass_tag = f"kubernetes.io/cluster/{cluster}", "karpenter.k8s.aws/ec2nodeclass"
    request_owned = {f"aws:RequestTag/{cluster_tag}": "owned", "aws:RequestTag/eks:eks-cluster-name": cluster}
    resource_owned = {f"aws:ResourceTag/{cluster_tag}": "owned"}
    on_nodepool = {
        "StringEquals": resource_owned,
        "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
    }
    profile_request = {**request_owned, "aws:RequestTag/topology.kubernetes.io/region": region}
    profile_resource = {**resource_owned, "aws:ResourceTag/topology.kubernetes.io/region": region}
    return policy_json(
        [
            statement(
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [
                    f"arn:{p}:ec2:{region}::image/*",
                    f"arn:{p}:ec2:{region}::snapshot/*",
                    *ec2("security-group", "subnet", "capacity-reservation", "placement-group"),
                ],
                sid="AllowScopedEC2InstanceAccessActions",
            ),
            # Only launch templates Karpenter made for this cluster, never another tenant's.
            statement(
                ["ec2:RunInstances", "ec2:CreateFleet"],
                ec2("launch-template")[0],
                sid="AllowScopedEC2LaunchTemplateAccessActions",
                condition=on_nodepool,
            ),
            statement(
                ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                ec2(*LAUNCHED),
                sid="AllowScopedEC2InstanceActionsWithTags",
                condition={
                    "StringEquals": request_owned,
                    "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
                },
            ),
            statement(
                ["ec2:CreateTags"],
                ec2(*LAUNCHED),
                sid="AllowScopedResourceCreationTagging",
                condition={
                    "StringEquals": {
                        **request_owned,
                        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                    },
                    "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
                },
            ),
            statement(
                ["ec2:CreateTags"],
                ec2("instance")[0],
                sid="AllowScopedResourceTagging",
                condition={
                    **on_nodepool,
                    "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster},
                    "ForAllValues:StringEquals": {
                        "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
                    },
                },
            ),
            statement(
                ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                ec2("instance", "launch-template"),
                sid="AllowScopedDeletion",
                condition=on_nodepool,
            ),
            # Describe* supports no resource-level permissions; bound to this region instead.
            statement(
                [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                "*",
                sid="AllowRegionalReadActions",
                condition={"StringEquals": {"aws:RequestedRegion": region}},
            ),
            statement(
                ["ssm:GetParameter"],
                f"arn:{p}:ssm:{region}::parameter/aws/service/*",
                sid="AllowSSMReadActions",
            ),
            statement(["pricing:GetProducts"], "*", sid="AllowPricingReadActions"),
            statement(
                ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                queue_arn,
                sid="AllowInterruptionQueueActions",
            ),
            statement(
                ["iam:PassRole"],
                node_role_arn,
                sid="AllowPassingInstanceRole",
                condition={
                    "StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"]}
                },
            ),
            # Karpenter v1 tags the instance profiles it creates with the EC2NodeClass they serve.
            statement(
                ["iam:CreateInstanceProfile"],
                profiles,
                sid="AllowScopedInstanceProfileCreationActions",
                condition={
                    "StringEquals": profile_request,
                    "StringLike": {f"aws:RequestTag/{nodeclass_tag}": "*"},
                },
            ),
            statement(
                ["iam:TagInstanceProfile"],
                profiles,
                sid="AllowScopedInstanceProfileTagActions",
                condition={
                    "StringEquals": {**profile_resource, **profile_request},
                    "StringLike": {
                        f"aws:ResourceTag/{nodeclass_tag}": "*",
                        f"aws:RequestTag/{nodeclass_tag}": "*",
                    },
                },
            ),
            statement(
                [
                    "iam:AddRoleToInstanceProfile",
                    "iam:RemoveRoleFromInstanceProfile",
                    "iam:DeleteInstanceProfile",
                ],
                profiles,
                sid="AllowScopedInstanceProfileActions",
                condition={
                    "StringEquals": profile_resource,
                    "StringLike": {f"aws:ResourceTag/{nodeclass_tag}": "*"},
                },
            ),
            statement(["iam:GetInstanceProfile"], profiles, sid="AllowInstanceProfileReadActions"),
            # Karpenter lists instance profiles to garbage-collect the ones it created.
            statement(["iam:ListInstanceProfiles"], "*", sid="AllowUnscopedInstanceProfileListAction"),
            statement(["eks:DescribeCluster"], args.cluster.arn, sid="AllowAPIServerEndpointDiscovery"),
            # Zonal shift status (read when settings.enableZonalShift is on). ARC has no ARN type for an
            # EKS cluster: `*`, with the condition naming this cluster.
            statement(
                ["arc-zonal-shift:GetManagedResource"],
                "*",
                sid="AllowZonalShiftStatusReadOnly",
                condition={"StringEquals": {"arc-zonal-shift:ResourceIdentifier": args.cluster.arn}},
            ),
        ]
    )


class KarpenterPrerequisites(Component):
    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:Karpenter", name, opts)
        cluster = args.cluster.name
        self.nodes = NodeRole(
            f"{name}-nodes",
            NodeRoleArgs(cluster_name=cluster, region=args.region, role="karpenter-nodes"),
            opts=self.child(),
        )
        self.node_access = aws.eks.AccessEntry(
            f"{name}-nodes",
            cluster_name=args.cluster.eks_name,
            principal_arn=self.nodes.role.arn,
            type="EC2_LINUX",
            opts=self.child(),
        )
        self.queue = aws.sqs.Queue(
            f"{name}-interruptions",
            name=bounded(cluster, "karpenter", limit=80),
            message_retention_seconds=300,
            sqs_managed_sse_enabled=True,
            opts=self.child(),
        )
        rules = []
        for event, pattern in INTERRUPTION_EVENTS.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{event}",
                name=bounded(cluster, "karpenter", event, limit=64),
                description=f"Karpenter interruption handling for {cluster}: {event}",
                event_pattern=json.dumps(pattern, sort_keys=True),
                opts=self.child(),
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{event}",
                rule=rule.name,
                target_id="KarpenterInterruptionQueueTarget",
                arn=self.queue.arn,
                opts=self.child(),
            )
            rules.append(rule)
        self.queue_policy = aws.sqs.QueuePolicy(
            f"{name}-interruptions",
            queue_url=self.queue.url,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "EventBridgeRulesOnly",
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": self.queue.arn,
                            "Condition": {"ArnEquals": {"aws:SourceArn": [r.arn for r in rules]}},
                        },
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sqs:*",
                            "Resource": self.queue.arn,
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                }
            ),
            opts=self.child(),
        )
        self.controller = PodIdentityRole(
            f"{name}-controller",
            PodIdentityArgs(
                cluster=args.cluster,
                region=args.region,
                role="karpenter",
                namespace=NAMESPACE,
                service_account=SERVICE_ACCOUNT,
                policy=controller_policy(args, self.nodes.role.arn, self.queue.arn),
            ),
            opts=self.child(),
        )
        self.node_role_name: pulumi.Output[str] = self.nodes.role.name
        self.queue_name: pulumi.Output[str] = self.queue.name
        self.register_outputs({"nodeRole": self.node_role_name, "queue": self.queue_name})
