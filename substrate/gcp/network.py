"""A dedicated VPC for the cluster: one subnet with pod/service secondary ranges, Cloud Router + NAT.

Nodes are private, so egress (image pulls from outside Artifact Registry, model downloads) goes through
Cloud NAT. The project's default network is never used.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component

PODS_RANGE = "pods"
SERVICES_RANGE = "services"
# Admission webhooks the platform layer installs listen on these ports (cert-manager, KEDA, Kueue,
# the GPU operator). GKE's own firewall only lets the control plane reach nodes on 443 and 10250.
WEBHOOK_PORTS = ("8443", "9443", "6443")


@dataclass(kw_only=True)
class NetworkArgs:
    project: str
    region: str
    cluster_name: str
    cidr: str
    pods_cidr: str
    services_cidr: str
    master_cidr: str


class Network(Component):
    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:Network", name, opts)
        self.vpc = gcp.compute.Network(
            f"{name}-vpc",
            project=args.project,
            name=f"{args.cluster_name}-vpc",
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            description="llm-platform cluster network",
            opts=self.child(),
        )
        self.subnet = gcp.compute.Subnetwork(
            f"{name}-subnet",
            project=args.project,
            name=f"{args.cluster_name}-nodes",
            region=args.region,
            network=self.vpc.id,
            ip_cidr_range=args.cidr,
            private_ip_google_access=True,
            secondary_ip_ranges=[
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=PODS_RANGE, ip_cidr_range=args.pods_cidr
                ),
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=SERVICES_RANGE, ip_cidr_range=args.services_cidr
                ),
            ],
            log_config=gcp.compute.SubnetworkLogConfigArgs(
                aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5, metadata="INCLUDE_ALL_METADATA"
            ),
            opts=self.child(),
        )
        self.router = gcp.compute.Router(
            f"{name}-router",
            project=args.project,
            name=f"{args.cluster_name}-router",
            region=args.region,
            network=self.vpc.id,
            opts=self.child(),
        )
        self.nat = gcp.compute.RouterNat(
            f"{name}-nat",
            project=args.project,
            name=f"{args.cluster_name}-nat",
            region=args.region,
            router=self.router.name,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=self.child(),
        )
        self.webhooks = gcp.compute.Firewall(
            f"{name}-control-plane-webhooks",
            project=args.project,
            name=f"{args.cluster_name}-cp-webhooks",
            network=self.vpc.id,
            direction="INGRESS",
            source_ranges=[args.master_cidr],
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=list(WEBHOOK_PORTS))],
            description="GKE control plane to in-cluster admission webhooks",
            opts=self.child(),
        )
        self.register_outputs({"network": self.vpc.id, "subnetwork": self.subnet.id})
