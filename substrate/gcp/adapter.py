"""`cloud: gcp` — the GKE substrate, composed from its concerns, presenting cluster access + contract."""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from stacks.loader import ConfigError
from stacks.schema import StackConfig
from substrate.component import Component
from substrate.contract import (
    ESO_IDENTITY,
    EXTERNAL_DNS_IDENTITY,
    MODEL_REPOSITORY,
)
from substrate.gcp.apis import ProjectApis
from substrate.gcp.cluster import AuthorizedNetwork, ClusterArgs, GkeCluster
from substrate.gcp.config import block
from substrate.gcp.contract import gke_contract
from substrate.gcp.dns import DnsArgs, DnsZone
from substrate.gcp.encryption import EncryptionArgs, SecretsEncryptionKey
from substrate.gcp.gpu import GpuPools, GpuPoolsArgs
from substrate.gcp.identity import KeylessIdentity, NodeIdentity, NodeIdentityArgs, WorkloadIdentityArgs
from substrate.gcp.network import Network, NetworkArgs
from substrate.gcp.registry import ModelRegistry, RegistryArgs
from substrate.gcp.secrets import SecretContainers, SecretsArgs
from substrate.gcp.system_pool import SystemPool, SystemPoolArgs
from substrate.interface import ClusterAccess
from substrate.kubeconfig import exec_kubeconfig


def _label(value: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", value.lower())[:63]


def check_zones_offered(project: str, region: str, zones: list[str] | None) -> None:
    """Refuse `gcp.zones` the region does not have, asking Compute Engine (a plain invoke).

    It runs on the default provider with the stack's project and region before the adapter registers
    anything, so a refusal leaves no partial plan.
    """
    if not zones:
        return
    offered = sorted(gcp.compute.get_zones(project=project, region=region).names)
    missing = [z for z in zones if z not in offered]
    if missing:
        raise ConfigError(
            f"invalid stack config:\n  - gcp.zones: '{missing[0]}' is not a zone of {region}; "
            f"allowed: {', '.join(offered) or 'none (is the Compute Engine API enabled?)'}"
        )


class GkeSubstrate(Component):
    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        g, cluster_name, protect = block(config), config.cluster.name, config.protect
        # The one check that needs a cloud answer, asked before anything is registered.
        check_zones_offered(g.project, g.region, g.zones)
        super().__init__("llm-platform:substrate:Gke", name, opts)
        labels = {"managed-by": "llm-platform", "stack": _label(pulumi.get_stack()), "cluster": cluster_name}

        # An explicit provider: the stack never depends on whatever gcloud happens to be configured for.
        provider = gcp.Provider(
            f"{name}-gcp",
            project=g.project,
            region=g.region,
            default_labels=labels,
            opts=pulumi.ResourceOptions(parent=self),
        )
        scoped = pulumi.ResourceOptions(parent=self, providers=[provider])
        apis = ProjectApis(f"{name}-apis", g.project, opts=scoped)
        after_apis = pulumi.ResourceOptions.merge(scoped, pulumi.ResourceOptions(depends_on=apis.services))
        network = Network(
            f"{name}-network",
            NetworkArgs(
                project=g.project,
                region=g.region,
                cluster_name=cluster_name,
                cidr=config.network.cidr,
                pods_cidr=config.network.pods_cidr,
                services_cidr=config.network.services_cidr,
                master_cidr=config.network.master_cidr,
            ),
            opts=after_apis,
        )
        nodes = NodeIdentity(
            f"{name}-nodes", NodeIdentityArgs(project=g.project, cluster_name=cluster_name), opts=after_apis
        )
        encryption = SecretsEncryptionKey(
            f"{name}-encryption",
            EncryptionArgs(project=g.project, region=g.region, cluster_name=cluster_name, protect=protect),
            opts=after_apis,
        )
        cluster = GkeCluster(
            f"{name}-cluster",
            ClusterArgs(
                project=g.project,
                region=g.region,
                name=cluster_name,
                release_channel=config.cluster.release_channel,
                network=network.vpc.id,
                subnetwork=network.subnet.id,
                master_cidr=config.network.master_cidr,
                private_endpoint=config.cluster.control_plane.private_endpoint,
                authorized_networks=[
                    AuthorizedNetwork(cidr=n.cidr, name=n.name)
                    for n in config.cluster.control_plane.authorized_networks
                ],
                kms_key=encryption.key.id,
                node_service_account=nodes.email,
                deletion_protection=config.deletion_protection,
                protect=protect,
                image_streaming=config.cold_start.image_streaming,
                zones=g.zones,
                labels=labels,
                after=[encryption.agent_grant, *nodes.grants],
            ),
            opts=after_apis,
        )
        gke = cluster.cluster
        SystemPool(
            f"{name}-system",
            SystemPoolArgs(
                project=g.project,
                region=g.region,
                cluster=gke.id,
                machine_type=g.system_machine_type,
                service_account=nodes.email,
                zones=g.zones,
            ),
            opts=scoped,
        )
        GpuPools(
            f"{name}-gpu",
            GpuPoolsArgs(
                project=g.project,
                region=g.region,
                cluster=gke.id,
                service_account=nodes.email,
                pools=config.gpu.pools,
                driver_version=config.gpu.driver_version,
                image_streaming=config.cold_start.image_streaming,
                machine_overrides=g.machine_types,
                sharing=config.gpu.sharing,
                secondary_boot_disk_image=config.cold_start.secondary_boot_disk_image,
                zones=g.zones,
            ),
            opts=scoped,
        )
        registry = ModelRegistry(
            f"{name}-registry",
            RegistryArgs(
                project=g.project,
                region=g.region,
                repository_id=MODEL_REPOSITORY,
                reader=nodes.account.member,
                protect=protect,
            ),
            opts=after_apis,
        )
        eso = KeylessIdentity(
            f"{name}-eso",
            WorkloadIdentityArgs(
                project=g.project,
                cluster_name=cluster_name,
                role="eso",
                namespace=ESO_IDENTITY[0],
                service_account=ESO_IDENTITY[1],
                cluster=gke,
            ),
            opts=after_apis,
        )
        SecretContainers(
            f"{name}-secrets",
            SecretsArgs(
                project=g.project,
                cluster_name=cluster_name,
                secrets=config.secrets,
                reader=eso.account.member,
                protect=protect,
            ),
            opts=after_apis,
        )
        external_dns = KeylessIdentity(
            f"{name}-external-dns",
            WorkloadIdentityArgs(
                project=g.project,
                cluster_name=cluster_name,
                role="dns",
                namespace=EXTERNAL_DNS_IDENTITY[0],
                service_account=EXTERNAL_DNS_IDENTITY[1],
                cluster=gke,
            ),
            opts=after_apis,
        )
        dns = DnsZone(
            f"{name}-dns",
            DnsArgs(
                project=g.project,
                cluster_name=cluster_name,
                domain=config.dns.domain,
                zone_name=config.dns.zone,
                create_zone=config.dns.create_zone,
                editor=external_dns.account.member,
                protect=protect,
            ),
            opts=after_apis,
        )

        kubeconfig = exec_kubeconfig(
            cluster=cluster_name,
            endpoint=cluster.endpoint,
            ca_data=cluster.ca_certificate,
            command="gke-gcloud-auth-plugin",
            install_hint="Install it with: gcloud components install gke-gcloud-auth-plugin",
        )
        k8s_provider = k8s.Provider(
            f"{name}-k8s", kubeconfig=kubeconfig, opts=pulumi.ResourceOptions(parent=self, depends_on=[gke])
        )
        self.access = ClusterAccess(provider=k8s_provider, kubeconfig=kubeconfig, substrate=self)
        self.contract = gke_contract(config, eso=eso, external_dns=external_dns, dns=dns, registry=registry)
        self.exports = {
            "clusterName": gke.name,
            "dnsNameServers": dns.name_servers,
            "modelRegistry": registry.url,
        }
        self.register_outputs(
            {"cluster": gke.name, "contract": self.contract.resolve().apply(lambda c: c.flatten())}
        )
