"""The GKE control plane: regional, VPC-native, private nodes, hardened, with its node pools managed apart.

The default node pool is removed at creation; pools are separate resources (system_pool.py, gpu.py) so
they can change without touching the cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component
from substrate.gcp.network import PODS_RANGE, SERVICES_RANGE
from substrate.gcp.nodes import default_pool_config


@dataclass(kw_only=True)
class AuthorizedNetwork:
    cidr: str
    name: str


@dataclass(kw_only=True)
class ClusterArgs:
    project: str
    region: str
    name: str
    release_channel: str
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]
    master_cidr: str
    private_endpoint: bool
    authorized_networks: Sequence[AuthorizedNetwork]
    kms_key: pulumi.Input[str]
    node_service_account: pulumi.Input[str]
    deletion_protection: bool
    protect: bool
    image_streaming: bool
    zones: Sequence[str] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    # Resources that must exist first (the KMS grant to the GKE service agent).
    after: Sequence[pulumi.Resource] = ()


class GkeCluster(Component):
    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:Cluster", name, opts)
        self.cluster = gcp.container.Cluster(
            f"{name}-gke",
            project=args.project,
            name=args.name,
            location=args.region,
            node_locations=list(args.zones) if args.zones else None,
            description="llm-platform substrate",
            resource_labels=args.labels,
            deletion_protection=args.deletion_protection,
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel=args.release_channel),
            # The default pool is created and deleted at once; it still runs hardened for those minutes.
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=default_pool_config(args.node_service_account),
            network=args.network,
            subnetwork=args.subnetwork,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(
                cluster_secondary_range_name=PODS_RANGE, services_secondary_range_name=SERVICES_RANGE
            ),
            private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True,
                enable_private_endpoint=args.private_endpoint,
                master_ipv4_cidr_block=args.master_cidr,
            ),
            master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[
                    gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                        cidr_block=n.cidr, display_name=n.name
                    )
                    for n in args.authorized_networks
                ],
                gcp_public_cidrs_access_enabled=False,
            ),
            master_auth=gcp.container.ClusterMasterAuthArgs(
                client_certificate_config=gcp.container.ClusterMasterAuthClientCertificateConfigArgs(
                    issue_client_certificate=False
                )
            ),
            enable_legacy_abac=False,
            enable_shielded_nodes=True,
            datapath_provider="ADVANCED_DATAPATH",
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=f"{args.project}.svc.id.goog"
            ),
            database_encryption=gcp.container.ClusterDatabaseEncryptionArgs(
                state="ENCRYPTED", key_name=args.kms_key
            ),
            gateway_api_config=gcp.container.ClusterGatewayApiConfigArgs(channel="CHANNEL_STANDARD"),
            addons_config=gcp.container.ClusterAddonsConfigArgs(
                gce_persistent_disk_csi_driver_config=gcp.container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs(
                    enabled=True
                ),
                gcs_fuse_csi_driver_config=gcp.container.ClusterAddonsConfigGcsFuseCsiDriverConfigArgs(
                    enabled=True
                ),
                http_load_balancing=gcp.container.ClusterAddonsConfigHttpLoadBalancingArgs(disabled=False),
                horizontal_pod_autoscaling=gcp.container.ClusterAddonsConfigHorizontalPodAutoscalingArgs(
                    disabled=False
                ),
                dns_cache_config=gcp.container.ClusterAddonsConfigDnsCacheConfigArgs(enabled=True),
            ),
            node_pool_defaults=gcp.container.ClusterNodePoolDefaultsArgs(
                node_config_defaults=gcp.container.ClusterNodePoolDefaultsNodeConfigDefaultsArgs(
                    gcfs_config=gcp.container.ClusterNodePoolDefaultsNodeConfigDefaultsGcfsConfigArgs(
                        enabled=args.image_streaming
                    )
                )
            ),
            logging_config=gcp.container.ClusterLoggingConfigArgs(
                enable_components=[
                    "SYSTEM_COMPONENTS",
                    "APISERVER",
                    "CONTROLLER_MANAGER",
                    "SCHEDULER",
                    "WORKLOADS",
                ]
            ),
            monitoring_config=gcp.container.ClusterMonitoringConfigArgs(
                enable_components=["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"],
                managed_prometheus=gcp.container.ClusterMonitoringConfigManagedPrometheusArgs(enabled=True),
            ),
            vertical_pod_autoscaling=gcp.container.ClusterVerticalPodAutoscalingArgs(enabled=True),
            security_posture_config=gcp.container.ClusterSecurityPostureConfigArgs(
                mode="BASIC", vulnerability_mode="VULNERABILITY_BASIC"
            ),
            maintenance_policy=gcp.container.ClusterMaintenancePolicyArgs(
                recurring_window=gcp.container.ClusterMaintenancePolicyRecurringWindowArgs(
                    start_time="2024-01-06T02:00:00Z",
                    end_time="2024-01-06T08:00:00Z",
                    recurrence="FREQ=WEEKLY;BYDAY=SA,SU",
                )
            ),
            opts=self.child(
                depends_on=list(args.after),
                protect=args.protect,
                # The removed default pool's config and size are never reconciled again.
                ignore_changes=["nodeConfig", "initialNodeCount"],
            ),
        )
        if args.private_endpoint:
            self.endpoint: pulumi.Output[str] = self.cluster.private_cluster_config.apply(
                lambda c: _required(c.private_endpoint if c else None, "private endpoint")
            )
        else:
            self.endpoint = self.cluster.endpoint.apply(lambda e: _required(e, "endpoint"))
        self.ca_certificate: pulumi.Output[str] = self.cluster.master_auth.apply(
            lambda a: _required(a.cluster_ca_certificate if a else None, "CA certificate")
        )
        self.register_outputs({"name": self.cluster.name, "endpoint": self.endpoint})


def _required(value: str | None, what: str) -> str:
    # An empty endpoint or CA would make a kubeconfig that points nowhere; fail loudly instead.
    if not value:
        raise ValueError(f"GKE returned no cluster {what}")
    return value
