"""GPU managed node groups on the AL2023 NVIDIA AMI, one per `gpu.pools` entry.

The AMI (`AL2023_x86_64_NVIDIA`) carries the NVIDIA driver, CUDA user-mode driver, container toolkit
and fabric manager, not the device plugin: the contract says GPU stack `operator` with the driver owned
by the image, so the seed runs the GPU Operator with driver and toolkit disabled. EKS does not taint
GPU nodes by itself; the taint is declared here with the contract's pool and accelerator labels.

Each group holds its pool's `minNodes` as always-on capacity (desired = min, which may be 0) and is
sized up to `maxNodes`. Capacity beyond the floor comes from Karpenter NodePools the seed creates with
the same labels and taint: a managed node group at zero never scales from zero by itself.

Instance type: `aws.instanceTypes[pool]` when given (the schema keeps it in the accelerator's
family), else the accelerator's EC2 instance for the count; an accelerator or count EC2 does not sell
is a config error naming the pool (substrate/aws/offers.py), raised before anything is registered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.schema import GpuPool
from substrate.aws.nodes import NodeGroupSpec, launch_template, node_group
from substrate.aws.offers import eks_instance
from substrate.component import Component
from substrate.contract import ACCELERATOR_LABEL, GPU_TAINT_KEY, GPU_TAINT_VALUE, POOL_LABEL

GPU_AMI = "AL2023_x86_64_NVIDIA"


def instance_types(pools: Sequence[GpuPool], overrides: Mapping[str, str]) -> dict[str, str]:
    """Pool name -> EC2 instance type (the schema has refused pools EC2 cannot serve)."""
    return {pool.name: eks_instance(pool, overrides) for pool in pools}


@dataclass(kw_only=True)
class GpuPoolsArgs:
    cluster_name: pulumi.Input[str]
    version: str
    node_role_arn: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    pools: Sequence[GpuPool]
    instance_types: Mapping[str, str]
    image_snapshot_id: str | None = None
    after: Sequence[pulumi.Resource] = field(default_factory=list)


class GpuPools(Component):
    def __init__(self, name: str, args: GpuPoolsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:GpuPools", name, opts)
        self.pools = [self._pool(name, args, pool) for pool in args.pools]
        self.register_outputs({"pools": [p.node_group_name for p in self.pools]})

    def _pool(self, name: str, args: GpuPoolsArgs, pool: GpuPool) -> aws.eks.NodeGroup:
        template = launch_template(
            f"{name}-{pool.name}-template",
            description=f"llm-platform GPU pool {pool.name}",
            disk_size_gb=pool.disk_size_gb,
            image_snapshot_id=args.image_snapshot_id,
            opts=self.child(),
        )
        return node_group(
            f"{name}-{pool.name}",
            NodeGroupSpec(
                pool=pool.name,
                ami_type=GPU_AMI,
                instance_type=args.instance_types[pool.name],
                min_size=pool.min_nodes,
                max_size=pool.max_nodes,
                spot=pool.spot,
                labels={POOL_LABEL: pool.name, ACCELERATOR_LABEL: pool.accelerator},
                taints=[
                    aws.eks.NodeGroupTaintArgs(key=GPU_TAINT_KEY, value=GPU_TAINT_VALUE, effect="NO_SCHEDULE")
                ],
            ),
            cluster_name=args.cluster_name,
            version=args.version,
            node_role_arn=args.node_role_arn,
            subnet_ids=list(args.subnet_ids),
            template=template,
            opts=self.child(depends_on=list(args.after)),
        )
