"""EKS-managed add-ons, in the two phases a cluster without self-managed add-ons needs.

- Boot add-ons (vpc-cni, kube-proxy, eks-pod-identity-agent) are DaemonSets a node needs to become
  Ready and its pods to get credentials: created before any node group.
- Workload add-ons (coredns, aws-ebs-csi-driver) are Deployments that need schedulable nodes: created
  after the system node group, or EKS reports them DEGRADED until the create times out.

Versions: `addon_version` is left unset, so EKS installs its default version for the cluster's
Kubernetes version. Resolving "most recent" with `eks.get_addon_version_output` would turn every AWS
add-on release into an unreviewed upgrade on the next `up` (and a plan that differs from one day to
the next); unset, an add-on upgrade is a deliberate change here. Conflicts with manual edits resolve
to EKS's configuration (OVERWRITE).

The EBS CSI controller runs under Pod Identity (kube-system/ebs-csi-controller-sa) with the managed
AmazonEBSCSIDriverPolicy; its association exists before the add-on so the controller starts with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.identity import PodIdentityArgs, PodIdentityRole
from substrate.component import Component

BOOT_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
WORKLOAD_ADDONS = ("coredns", "aws-ebs-csi-driver")
EBS_CSI_NAMESPACE, EBS_CSI_SERVICE_ACCOUNT = "kube-system", "ebs-csi-controller-sa"
EBS_CSI_POLICY = "service-role/AmazonEBSCSIDriverPolicy"


def _addon(
    name: str, cluster_name: pulumi.Input[str], addon: str, opts: pulumi.ResourceOptions
) -> aws.eks.Addon:
    return aws.eks.Addon(
        name,
        cluster_name=cluster_name,
        addon_name=addon,
        resolve_conflicts_on_create="OVERWRITE",
        resolve_conflicts_on_update="OVERWRITE",
        opts=opts,
    )


@dataclass(kw_only=True)
class AddonsArgs:
    cluster: ClusterRef
    region: str
    # Workload add-ons only: the node groups they schedule onto.
    nodes: Sequence[pulumi.Resource] = ()


class BootAddons(Component):
    def __init__(self, name: str, args: AddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:BootAddons", name, opts)
        self.addons = [_addon(f"{name}-{a}", args.cluster.eks_name, a, self.child()) for a in BOOT_ADDONS]
        self.register_outputs({"addons": [a.addon_name for a in self.addons]})


class WorkloadAddons(Component):
    def __init__(self, name: str, args: AddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:WorkloadAddons", name, opts)
        self.ebs_csi = PodIdentityRole(
            f"{name}-ebs-csi",
            PodIdentityArgs(
                cluster=args.cluster,
                region=args.region,
                role="ebs-csi",
                namespace=EBS_CSI_NAMESPACE,
                service_account=EBS_CSI_SERVICE_ACCOUNT,
                managed_policies=[EBS_CSI_POLICY],
            ),
            opts=self.child(),
        )
        nodes = list(args.nodes)
        self.coredns = _addon(
            f"{name}-coredns", args.cluster.eks_name, "coredns", self.child(depends_on=nodes)
        )
        self.ebs_csi_driver = _addon(
            f"{name}-aws-ebs-csi-driver",
            args.cluster.eks_name,
            "aws-ebs-csi-driver",
            self.child(depends_on=[*nodes, self.ebs_csi.association]),
        )
        self.addons = [self.coredns, self.ebs_csi_driver]
        self.register_outputs({"addons": [a.addon_name for a in self.addons]})
