"""The system node group: where Argo CD, the controllers (Karpenter included) and the gateway run.

Never a GPU node, and never launched by Karpenter: the controller that adds nodes must not run on
nodes it may remove. One node per zone at least, three per zone at most, on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.aws.nodes import NodeGroupSpec, launch_template, node_group
from substrate.component import Component
from substrate.contract import SYSTEM_POOL_LABEL

SYSTEM_DISK_GB = 100


@dataclass(kw_only=True)
class SystemPoolArgs:
    cluster_name: pulumi.Input[str]
    version: str
    node_role_arn: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    instance_type: str
    zones: int
    # What a node needs before it can register and become Ready (node role grants, boot add-ons).
    after: Sequence[pulumi.Resource] = ()


class SystemPool(Component):
    def __init__(self, name: str, args: SystemPoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:SystemPool", name, opts)
        template = launch_template(
            f"{name}-template",
            description="llm-platform system nodes",
            disk_size_gb=SYSTEM_DISK_GB,
            opts=self.child(),
        )
        self.pool: aws.eks.NodeGroup = node_group(
            f"{name}-pool",
            NodeGroupSpec(
                pool="system",
                ami_type="AL2023_x86_64_STANDARD",
                instance_type=args.instance_type,
                min_size=args.zones,
                max_size=3 * args.zones,
                labels=dict(SYSTEM_POOL_LABEL),
            ),
            cluster_name=args.cluster_name,
            version=args.version,
            node_role_arn=args.node_role_arn,
            subnet_ids=list(args.subnet_ids),
            template=template,
            opts=self.child(depends_on=list(args.after)),
        )
        self.register_outputs({"name": self.pool.node_group_name})
