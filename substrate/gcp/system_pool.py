"""The system pool: where Argo CD, the controllers and the gateway run — never a GPU node."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component
from substrate.contract import SYSTEM_POOL_LABEL
from substrate.gcp.nodes import autoscaled_pool_options, hardened_node_config


@dataclass(kw_only=True)
class SystemPoolArgs:
    project: str
    region: str
    cluster: pulumi.Input[str]
    machine_type: str
    service_account: pulumi.Input[str]
    zones: Sequence[str] | None = None
    min_nodes_per_zone: int = 1
    max_nodes_per_zone: int = 3


class SystemPool(Component):
    def __init__(self, name: str, args: SystemPoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:SystemPool", name, opts)
        self.pool = gcp.container.NodePool(
            f"{name}-pool",
            project=args.project,
            name="system",
            location=args.region,
            cluster=args.cluster,
            node_locations=list(args.zones) if args.zones else None,
            initial_node_count=args.min_nodes_per_zone,
            autoscaling=gcp.container.NodePoolAutoscalingArgs(
                min_node_count=args.min_nodes_per_zone,
                max_node_count=args.max_nodes_per_zone,
                location_policy="BALANCED",
            ),
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(max_surge=1, max_unavailable=0),
            node_config=hardened_node_config(
                args.service_account,
                machine_type=args.machine_type,
                disk_size_gb=100,
                disk_type="pd-balanced",
                labels=SYSTEM_POOL_LABEL,
            ),
            opts=self.child(**autoscaled_pool_options()),
        )
        self.register_outputs({"name": self.pool.name})
