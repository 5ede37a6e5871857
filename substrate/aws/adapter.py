"""`cloud: aws` — the EKS substrate, composed from its concerns, presenting cluster access + contract.

The shared config reads the same as on GKE; what has no EKS counterpart is ignored, not translated:
`cluster.releaseChannel` (the version is pinned by `aws.kubernetesVersion`), `gpu.driverVersion` (the
NVIDIA AMI carries the driver), `network.podsCidr`/`masterCidr` (pods take VPC addresses, the control
plane is AWS's), `coldStart.imageStreaming`/`secondaryBootDiskImage` (GKE features; EKS's preloaded
images are `aws.imageSnapshotId`). Everything EKS-specific is checked before anything is registered.
"""

from __future__ import annotations

import ipaddress
import re

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from stacks.loader import ConfigError
from stacks.schema import StackConfig
from substrate.aws.addons import AddonsArgs, BootAddons, WorkloadAddons
from substrate.aws.cluster import ClusterArgs, EksCluster
from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.config import block
from substrate.aws.contract import eks_contract
from substrate.aws.dns import DnsArgs, DnsZone
from substrate.aws.encryption import EncryptionArgs, EncryptionKeys
from substrate.aws.gpu import GpuPools, GpuPoolsArgs, instance_types
from substrate.aws.karpenter import KarpenterArgs, KarpenterPrerequisites
from substrate.aws.network import Network, NetworkArgs, available_zones, plan_subnets
from substrate.aws.nodes import NodeRole, NodeRoleArgs
from substrate.aws.registry import ModelRegistry, RegistryArgs
from substrate.aws.secrets import SecretContainers, SecretsArgs
from substrate.aws.system_pool import SystemPool, SystemPoolArgs
from substrate.component import Component
from substrate.contract import (
    MODEL_REPOSITORY,
)
from substrate.interface import ClusterAccess
from substrate.kubeconfig import exec_kubeconfig

# What EKS accepts as a service range: inside these blocks, /12 to /24.
SERVICE_BLOCKS = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
AWS_CLI_HINT = (
    "Install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
)


def check_services_cidr(cidr: str) -> str:
    net = ipaddress.ip_network(cidr)
    inside = isinstance(net, ipaddress.IPv4Network) and any(net.subnet_of(b) for b in SERVICE_BLOCKS)
    if not inside or not 12 <= net.prefixlen <= 24:
        raise ConfigError(
            f"invalid stack config:\n  - network.servicesCidr: '{cidr}' cannot be an EKS service range: "
            "it must be a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
        )
    return cidr


def _tag(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9 _.:/=+@-]", "-", value)[:256]


class EksSubstrate(Component):
    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        a, cluster_name, protect = block(config), config.cluster.name, config.protect
        prod = config.environment == "prod"
        # EKS-specific config errors surface here, before the first registration.
        gpu_instances = instance_types(config.gpu.pools, a.instance_types)
        plan_subnets(config.network.cidr, a.availability_zones)
        services_cidr = check_services_cidr(config.network.services_cidr)
        # The one check that needs a cloud answer, asked before anything is registered.
        zone_names = available_zones(a.region, a.availability_zones)
        super().__init__("llm-platform:substrate:Eks", name, opts)

        # An explicit provider: the stack never depends on whatever AWS profile or region is ambient.
        provider = aws.Provider(
            f"{name}-aws",
            region=a.region,
            default_tags=aws.ProviderDefaultTagsArgs(
                tags={
                    "managed-by": "llm-platform",
                    "stack": _tag(pulumi.get_stack()),
                    "cluster": cluster_name,
                }
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        scoped = pulumi.ResourceOptions(parent=self, providers=[provider])
        invoke = pulumi.InvokeOutputOptions(provider=provider, parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id

        network = Network(
            f"{name}-network",
            NetworkArgs(
                cluster_name=cluster_name,
                region=a.region,
                cidr=config.network.cidr,
                zones=a.availability_zones,
                zone_names=zone_names,
                nat_per_zone=prod,
            ),
            opts=scoped,
        )
        keys = EncryptionKeys(
            f"{name}-encryption",
            EncryptionArgs(
                cluster_name=cluster_name, protect=protect, deletion_window_days=30 if prod else 7
            ),
            opts=scoped,
        )
        cluster = EksCluster(
            f"{name}-cluster",
            ClusterArgs(
                name=cluster_name,
                region=a.region,
                version=a.kubernetes_version,
                subnet_ids=network.private_subnet_ids,
                service_cidr=services_cidr,
                authorized_networks=[n.cidr for n in config.cluster.control_plane.authorized_networks],
                private_endpoint=config.cluster.control_plane.private_endpoint,
                etcd_key_arn=keys.etcd_key.arn,
                admin_principals=a.admin_principals,
                deletion_protection=config.deletion_protection,
                protect=protect,
                log_retention_days=90 if prod else 30,
            ),
            opts=scoped,
        )
        eks = cluster.cluster
        ref = ClusterRef(name=cluster_name, eks_name=eks.name, arn=eks.arn)
        on_cluster = AddonsArgs(cluster=ref, region=a.region)
        nodes = NodeRole(
            f"{name}-nodes", NodeRoleArgs(cluster_name=cluster_name, region=a.region), opts=scoped
        )
        boot = BootAddons(f"{name}-boot-addons", on_cluster, opts=scoped)
        before_nodes: list[pulumi.Resource] = [*nodes.attachments, *boot.addons]
        system = SystemPool(
            f"{name}-system",
            SystemPoolArgs(
                cluster_name=eks.name,
                version=a.kubernetes_version,
                node_role_arn=nodes.role.arn,
                subnet_ids=network.private_subnet_ids,
                instance_type=a.system_instance_type,
                zones=a.availability_zones,
                after=before_nodes,
            ),
            opts=scoped,
        )
        GpuPools(
            f"{name}-gpu",
            GpuPoolsArgs(
                cluster_name=eks.name,
                version=a.kubernetes_version,
                node_role_arn=nodes.role.arn,
                subnet_ids=network.private_subnet_ids,
                pools=config.gpu.pools,
                instance_types=gpu_instances,
                image_snapshot_id=a.image_snapshot_id,
                after=before_nodes,
            ),
            opts=scoped,
        )
        WorkloadAddons(
            f"{name}-addons",
            AddonsArgs(
                cluster=ref,
                region=a.region,
                nodes=[system.pool],
            ),
            opts=scoped,
        )
        karpenter = KarpenterPrerequisites(
            f"{name}-karpenter",
            KarpenterArgs(
                cluster=ref,
                region=a.region,
                account_id=account_id,
            ),
            opts=scoped,
        )
        secrets = SecretContainers(
            f"{name}-secrets",
            SecretsArgs(
                cluster=ref,
                region=a.region,
                secrets=config.secrets,
                kms_key_arn=keys.data_key.arn,
                recovery_window_days=30 if prod else 7,
                protect=protect,
            ),
            opts=scoped,
        )
        dns = DnsZone(
            f"{name}-dns",
            DnsArgs(
                cluster=ref,
                region=a.region,
                domain=config.dns.domain,
                create_zone=config.dns.create_zone,
                protect=protect,
                provider=provider,
            ),
            opts=scoped,
        )
        registry = ModelRegistry(
            f"{name}-registry",
            RegistryArgs(
                name=f"{cluster_name}/{MODEL_REPOSITORY}", kms_key_arn=keys.data_key.arn, protect=protect
            ),
            opts=scoped,
        )

        kubeconfig = exec_kubeconfig(
            cluster=cluster_name,
            endpoint=cluster.endpoint,
            ca_data=cluster.ca_data,
            command="aws",
            args=[
                "eks",
                "get-token",
                "--cluster-name",
                cluster_name,
                "--region",
                a.region,
                "--output",
                "json",
            ],
            install_hint=AWS_CLI_HINT,
        )
        # The provider is usable once an admin principal's access entry is bound to its policy.
        k8s_provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=kubeconfig,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[eks, *cluster.access]),
        )
        # The bootstrap depends on this whole component: node groups, CoreDNS (Argo CD resolves its Git
        # host) and the EBS CSI driver (on destroy, PVCs go while it still runs) all exist before it.
        self.access = ClusterAccess(provider=k8s_provider, kubeconfig=kubeconfig, substrate=self)
        self.contract = eks_contract(
            config, account_id=account_id, karpenter=karpenter, secrets=secrets, dns=dns, registry=registry
        )
        self.exports = {
            "clusterName": eks.name,
            "dnsNameServers": dns.name_servers,
            "modelRegistry": registry.url,
        }
        self.register_outputs(
            {"cluster": eks.name, "contract": self.contract.resolve().apply(lambda c: c.flatten())}
        )
