"""What every managed node group shares: the node role and a hardened launch template.

Node role: AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryPullOnly (pull, nothing else) and
AmazonEKS_CNI_Policy. The CNI policy stays on the node role rather than a Pod Identity role for
aws-node: with Pod Identity, a new node's CNI cannot assign a single pod IP until the Pod Identity
agent runs on it, and that ordering is known to leave nodes NotReady
(aws/amazon-vpc-cni-k8s#3840, terraform-aws-modules/terraform-aws-eks#3621). What keeps pods away
from these permissions is IMDSv2 with a hop limit of 1: a containerized pod cannot reach the node's
credentials; only host-network pods (aws-node, kube-proxy) can.

Launch template: IMDSv2 required, hop limit 1; an encrypted gp3 root volume (AWS's EBS key, so the
Auto Scaling service role needs no grant on a customer key). No security groups: managed node groups
then attach the EKS cluster security group, which the control plane and Karpenter rely on. Optionally
a second volume restored from `aws.imageSnapshotId` becomes containerd's image store (see
`image_store_user_data`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.aws.iam import iam_name, managed_policy, service_trust
from substrate.component import Component

NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy")
ROOT_DEVICE = "/dev/xvda"  # AL2023 EKS AMIs boot from xvda
IMAGE_STORE_DEVICE = "/dev/xvdb"
CONTAINERD_ROOT = "/var/lib/containerd"
MIME_BOUNDARY = "==LLMPLATFORM=="


@dataclass(kw_only=True)
class NodeRoleArgs:
    cluster_name: str
    region: str
    role: str = "nodes"


class NodeRole(Component):
    """An EC2 role for nodes; managed node groups get their access entry from EKS automatically."""

    def __init__(self, name: str, args: NodeRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:NodeRole", name, opts)
        self.role = aws.iam.Role(
            f"{name}-role",
            name=iam_name(args.cluster_name, args.role, args.region),
            description=f"EC2 nodes of {args.cluster_name}",
            assume_role_policy=service_trust("ec2.amazonaws.com"),
            opts=self.child(),
        )
        self.attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{policy}",
                role=self.role.name,
                policy_arn=managed_policy(args.region, policy),
                opts=self.child(),
            )
            for policy in NODE_POLICIES
        ]
        self.register_outputs({"role": self.role.arn})


def image_store_user_data(device: str = IMAGE_STORE_DEVICE) -> str:
    """MIME multi-part user data that mounts a pre-pulled image volume as containerd's root.

    On AL2023, `nodeadm-run.service` (which starts containerd and kubelet) runs after cloud-final, so
    this script runs before containerd first opens its root. EKS merges its own NodeConfig part into
    managed node groups' user data, so this holds no NodeConfig. The snapshot must be a filesystem
    holding a containerd root (`io.containerd.*` directories) taken from a node of the same AMI family
    with containerd stopped; the filesystem is grown to the volume size after mounting.
    """
    script = f"""#!/bin/bash
set -euo pipefail
# Nitro exposes EBS as NVMe; amazon-ec2-utils' udev rules add the {device} name.
for _ in $(seq 1 120); do [ -e {device} ] && break; sleep 1; done
[ -e {device} ] || {{ echo "image store {device} never appeared" >&2; exit 1; }}
systemctl stop containerd 2>/dev/null || true
mkdir -p {CONTAINERD_ROOT}
mount -o noatime {device} {CONTAINERD_ROOT}
case "$(blkid -o value -s TYPE {device})" in
  xfs) xfs_growfs {CONTAINERD_ROOT} ;;
  ext4) resize2fs {device} ;;
esac
echo "{device} {CONTAINERD_ROOT} auto noatime,nofail 0 2" >> /etc/fstab
"""
    mime = (
        "MIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="{MIME_BOUNDARY}"\n\n'
        f"--{MIME_BOUNDARY}\n"
        'Content-Type: text/x-shellscript; charset="us-ascii"\n\n'
        f"{script}\n"
        f"--{MIME_BOUNDARY}--\n"
    )
    return base64.b64encode(mime.encode()).decode()


def _volume(
    device: str, size_gb: int, snapshot_id: str | None = None
) -> aws.ec2.LaunchTemplateBlockDeviceMappingArgs:
    return aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
        device_name=device,
        ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
            volume_size=size_gb,
            volume_type="gp3",
            encrypted="true",
            delete_on_termination="true",
            snapshot_id=snapshot_id,
        ),
    )


def launch_template(
    name: str,
    *,
    description: str,
    disk_size_gb: int,
    image_snapshot_id: str | None = None,
    opts: pulumi.ResourceOptions,
) -> aws.ec2.LaunchTemplate:
    """A launch template for a managed node group (EKS picks the AMI from the group's ami_type)."""
    devices = [_volume(ROOT_DEVICE, disk_size_gb)]
    if image_snapshot_id:
        # As large as the root disk: the snapshot's images plus room for pulls (must be >= the snapshot).
        devices.append(_volume(IMAGE_STORE_DEVICE, disk_size_gb, image_snapshot_id))
    return aws.ec2.LaunchTemplate(
        name,
        description=description,
        update_default_version=True,
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled",
            http_tokens="required",
            http_put_response_hop_limit=1,
            instance_metadata_tags="disabled",
        ),
        block_device_mappings=devices,
        user_data=image_store_user_data() if image_snapshot_id else None,
        opts=opts,
    )


def template_ref(template: aws.ec2.LaunchTemplate) -> aws.eks.NodeGroupLaunchTemplateArgs:
    # A version number, not $Latest: the API would store the number and every `up` would diff.
    return aws.eks.NodeGroupLaunchTemplateArgs(id=template.id, version=template.latest_version.apply(str))


@dataclass(kw_only=True)
class NodeGroupSpec:
    """The pool-specific parts of a managed node group; the rest is the same for every pool."""

    pool: str
    ami_type: str
    instance_type: str
    min_size: int
    max_size: int
    spot: bool = False
    labels: dict[str, str] | None = None
    taints: list[aws.eks.NodeGroupTaintArgs] | None = None


def node_group(
    name: str,
    spec: NodeGroupSpec,
    *,
    cluster_name: pulumi.Input[str],
    version: str,
    node_role_arn: pulumi.Input[str],
    subnet_ids: list[pulumi.Input[str]],
    template: aws.ec2.LaunchTemplate,
    opts: pulumi.ResourceOptions,
) -> aws.eks.NodeGroup:
    return aws.eks.NodeGroup(
        name,
        cluster_name=cluster_name,
        node_group_name=spec.pool,
        version=version,
        node_role_arn=node_role_arn,
        subnet_ids=subnet_ids,
        ami_type=spec.ami_type,
        capacity_type="SPOT" if spec.spot else "ON_DEMAND",
        instance_types=[spec.instance_type],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(
            min_size=spec.min_size, desired_size=spec.min_size, max_size=spec.max_size
        ),
        update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
        node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(enabled=True),
        labels=spec.labels,
        taints=spec.taints,
        launch_template=template_ref(template),
        # An autoscaler (or an operator) owns the node count after creation; `up` never resets it.
        opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(ignore_changes=["scalingConfig.desiredSize"])
        ),
    )
