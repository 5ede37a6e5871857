"""The cloud half of Karpenter: the seed installs the controller; this creates what it acts with.

- A node role of its own (not the managed node groups' role: EKS creates those groups' access entries
  itself, a second entry for the same role would collide) with an `EC2_LINUX` access entry.
- The interruption queue (SSE on, 5 minutes retention) fed by EventBridge rules for spot interruption
  warnings, rebalance recommendations, instance state changes and AWS Health scheduled changes. Only
  these rules may send to it (aws:SourceArn), over TLS only.
- The controller role under Pod Identity (kube-system/karpenter), with the policy of Karpenter's
  reference CloudFormation template (getting-started-with-karpenter/cloudformation.yaml), narrowed where
  the ARN allows: resources in this account and region, `iam:PassRole` on the node role only and only
  to EC2, instance profiles and launched resources only when tagged for this cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from substrate.aws.iam import partition, policy_json, statement
from substrate.aws.identity import PodIdentityArgs, PodIdentityRole
from substrate.aws.nodes import NodeRole, NodeRoleArgs
from substrate.component import Component
from substrate.naming import bounded

NAMESPACE, SERVICE_ACCOUNT = "kube-system", "karpenter"
INTERRUPTION_EVENTS: dict[str, dict[str, Any]] = {
    "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
    "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
    "state-change": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]},
    "scheduled-change": {
        "source": ["aws.health"],
        "detail-type": ["AWS Health Event"],
        "detail": {"service": ["EC2"], "eventTypeCategory": ["scheduledChange"]},
    },
}


@dataclass
class KarpenterArgs:
    cluster: str
    region: str
    account_id: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]


def controller_policy(
    args: KarpenterArgs, node_role_arn: pulumi.Input[str], queue_arn: pulumi.Input[str]
) -> pulumi.Output[str]:
    p, region, cluster = partition(args.region), args.region, args.cluster
    own = pulumi.Output.concat(f"arn:{p}:ec2:{region}:", args.account_id, ":")
    iam = pulumi.Output.concat(f"arn:{p}:iam::", args.account_id, ":instance-profile/*")

    def ec2(*kinds: str) -> list[pulumi.Output[str]]:
        return [pulumi.Output.concat(own, kind, "/*") for kind in kinds]

    owned = {f"aws:RequestTag/kubernetes.io/cluster/{cluster}": "owned"}
    nodepool = {"aws:RequestTag/karpenter.sh/nodepool": "*"}
    launched = ("fleet", "instance", "volume", "network-interface", "launch-template")
    profile_tags = {**owned, "aws:RequestTag/topology.kubernetes.io/region": region}
    profile_resource_tags = {
        f"aws:ResourceTag/kubernetes.io/cluster/{cluster}": "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": region,
    }
    return policy_json(
        [
            statement(
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [
                    f"arn:{p}:ec2:{region}::image/*",
                    f"arn:{p}:ec2:{region}::snapshot/*",
                    *ec2("spot-instances-request", "security-group", "subnet", "launch-template"),
                ],
                sid="AllowScopedEC2InstanceAccessActions",
            ),
            statement(
                ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                ec2(*launched),
                sid="AllowScopedEC2InstanceActionsWithTags",
                condition={"StringEquals": owned, "StringLike": nodepool},
            ),
            statement(
                ["ec2:CreateTags"],
                ec2(*launched),
                sid="AllowScopedResourceCreationTagging",
                condition={
                    "StringEquals": {
                        **owned,
                        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                    },
                    "StringLike": nodepool,
                },
            ),
            statement(
                ["ec2:CreateTags"],
                ec2("instance"),
                sid="AllowScopedResourceTagging",
                condition={
                    "StringEquals": {f"aws:ResourceTag/kubernetes.io/cluster/{cluster}": "owned"},
                    "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["karpenter.sh/nodeclaim", "Name"]},
                },
            ),
            statement(
                ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                ec2("instance", "launch-template"),
                sid="AllowScopedDeletion",
                condition={
                    "StringEquals": {f"aws:ResourceTag/kubernetes.io/cluster/{cluster}": "owned"},
                    "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                },
            ),
            # Describe* supports no resource-level permissions; bound to this region instead.
            statement(
                [
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
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
                ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                queue_arn,
                sid="AllowInterruptionQueueActions",
            ),
            statement(
                ["iam:PassRole"],
                node_role_arn,
                sid="AllowPassingInstanceRole",
                condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            ),
            statement(
                ["iam:CreateInstanceProfile"],
                iam,
                sid="AllowScopedInstanceProfileCreationActions",
                condition={
                    "StringEquals": profile_tags,
                    "StringLike": {"aws:RequestTag/karpenter.sh/nodeclass": "*"},
                },
            ),
            statement(
                ["iam:TagInstanceProfile"],
                iam,
                sid="AllowScopedInstanceProfileTagActions",
                condition={
                    "StringEquals": {**profile_resource_tags, **profile_tags},
                    "StringLike": {
                        "aws:ResourceTag/karpenter.sh/nodeclass": "*",
                        "aws:RequestTag/karpenter.sh/nodeclass": "*",
                    },
                },
            ),
            statement(
                [
                    "iam:AddRoleToInstanceProfile",
                    "iam:RemoveRoleFromInstanceProfile",
                    "iam:DeleteInstanceProfile",
                ],
                iam,
                sid="AllowScopedInstanceProfileActions",
                condition={
                    "StringEquals": profile_resource_tags,
                    "StringLike": {"aws:ResourceTag/karpenter.sh/nodeclass": "*"},
                },
            ),
            statement(["iam:GetInstanceProfile"], iam, sid="AllowInstanceProfileReadActions"),
            statement(["eks:DescribeCluster"], args.cluster_arn, sid="AllowAPIServerEndpointDiscovery"),
        ]
    )


class KarpenterPrerequisites(Component):
    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:Karpenter", name, opts)
        cluster = args.cluster
        self.nodes = NodeRole(
            f"{name}-nodes", NodeRoleArgs(cluster, args.region, role="karpenter-nodes"), opts=self.child()
        )
        self.node_access = aws.eks.AccessEntry(
            f"{name}-nodes",
            cluster_name=args.cluster_name,
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
                cluster=cluster,
                region=args.region,
                cluster_name=args.cluster_name,
                cluster_arn=args.cluster_arn,
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
