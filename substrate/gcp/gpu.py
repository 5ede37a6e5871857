"""GPU node pools with GKE-managed NVIDIA drivers, scaled by the cluster autoscaler down to minNodes.

GKE installs the driver (`gpu_driver_version`), so the contract says GPU stack `managed` with the driver
owned by GKE, and the seed installs no GPU operator. GKE adds the `nvidia.com/gpu=present:NoSchedule`
taint to GPU pools by itself. The provider keeps only taints whose key is already in state, so leaving it out
would not diff either; it is declared so the taint the contract promises the seed is one Pulumi states
(google-beta 8.x, node_config.go).

Capacity options: one node pool per (pool, option), so the cluster autoscaler can fall from one to the
next and a ComputeClass (the seed's) orders them. A single-option pool keeps the pool's own name (an
existing stack sees only its labels change, in place); each option of a longer list gets `<pool>-<option>`
(at most 24 + 12 = 36 characters, inside GKE's 40). `capacity_node_pools` is that naming, shared with
the contract. Every GPU node pool is labelled with its pool, its option, and the ComputeClass that
selects it (`cloud.google.com/compute-class: <pool>`: GKE schedules a pod selecting the class only onto
node pools carrying that label). The provider updates node-pool labels in place (node_pool.go sends
them as `UpdateNodePoolRequest.labels`); only a new name would replace a pool.

- reservation: `reservation_affinity` SPECIFIC_RESERVATION on the named reservations only, so the pool
  never silently buys on-demand beside a full reservation (the next option does that, visibly).
- spot: `spot = true`.
- flex-start: `flex_start = true`, scaled from zero with location policy ANY and no reservation
  affinity, as GKE documents flex-start node pools (GKE >= 1.32.2-gke.1652000; nodes run at most 7 days).
- on-demand: neither, today's pool.

A secondary boot disk's image is passed fully qualified (`projects/P/global/images/NAME`): the field is
ForceNew and the API reads it back qualified, so a short form would replace every GPU pool on the next `up`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from stacks.accelerators import accelerator
from stacks.schema import GpuPool, GpuSharing
from substrate.component import Component
from substrate.contract import (
    ACCELERATOR_LABEL,
    CAPACITY_LABEL,
    GPU_TAINT_KEY,
    GPU_TAINT_VALUE,
    POOL_LABEL,
    capacity_node_pools,
)
from substrate.gcp.bridge import COMPUTE_CLASS_LABEL
from substrate.gcp.nodes import autoscaled_pool_options, hardened_node_config
from substrate.gcp.offers import gke_machine

IMAGE_CACHE_MODE = "CONTAINER_IMAGE_CACHE"
# The label key whose value names the reservation a SPECIFIC affinity consumes (pulumi_gcp 10.x docstring).
RESERVATION_NAME_KEY = "compute.googleapis.com/reservation-name"


def qualified_image(image: str, project: str) -> str:
    """`global/images/NAME` (this project's) or `projects/P/global/images/NAME`, always as the latter."""
    return image if image.startswith("projects/") else f"projects/{project}/{image}"


@dataclass(kw_only=True)
class GpuPoolsArgs:
    project: str
    region: str
    cluster: pulumi.Input[str]
    service_account: pulumi.Input[str]
    pools: Sequence[GpuPool]
    driver_version: str
    image_streaming: bool
    machine_overrides: dict[str, str] = field(default_factory=dict)
    sharing: GpuSharing | None = None
    secondary_boot_disk_image: str | None = None
    zones: Sequence[str] | None = None


class GpuPools(Component):
    def __init__(self, name: str, args: GpuPoolsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:GpuPools", name, opts)
        self.pools = [
            self._pool(name, args, pool, option, node_pool)
            for pool in args.pools
            for option, node_pool in capacity_node_pools(pool.name, pool.capacity)
        ]
        self.register_outputs({"pools": [p.name for p in self.pools]})

    def _pool(
        self, name: str, args: GpuPoolsArgs, pool: GpuPool, option: str, node_pool: str
    ) -> gcp.container.NodePool:
        gpu = accelerator(pool.accelerator)
        sharing = (
            gcp.container.NodePoolNodeConfigGuestAcceleratorGpuSharingConfigArgs(
                gpu_sharing_strategy=args.sharing.strategy,
                max_shared_clients_per_gpu=args.sharing.max_shared_clients_per_gpu,
            )
            if args.sharing
            else None
        )
        boot_disks = (
            [
                gcp.container.NodePoolNodeConfigSecondaryBootDiskArgs(
                    disk_image=qualified_image(args.secondary_boot_disk_image, args.project),
                    mode=IMAGE_CACHE_MODE,
                )
            ]
            if args.secondary_boot_disk_image
            else None
        )
        # Warm nodes (minNodes) are held by the first option only: the rest start empty and fill on fallback.
        first = option == pool.capacity[0]
        min_nodes = pool.min_nodes if first and option != "flex-start" else 0
        return gcp.container.NodePool(
            f"{name}-{node_pool}",
            project=args.project,
            name=node_pool,
            location=args.region,
            cluster=args.cluster,
            node_locations=list(args.zones) if args.zones else None,
            # Per zone: the schema has made warm pools list their zones and keep this within maxNodes.
            initial_node_count=math.ceil(min_nodes / len(args.zones)) if args.zones else 0,
            autoscaling=gcp.container.NodePoolAutoscalingArgs(
                total_min_node_count=min_nodes,
                total_max_node_count=pool.max_nodes,
                # ANY: take capacity in whichever zone has it; GPUs are scarce and spot is preemptible.
                location_policy="ANY",
            ),
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(max_surge=1, max_unavailable=0),
            node_config=hardened_node_config(
                args.service_account,
                machine_type=gke_machine(pool, args.machine_overrides),
                disk_size_gb=pool.disk_size_gb,
                disk_type=gpu.gke_boot_disk,
                spot=option == "spot",
                flex_start=True if option == "flex-start" else None,
                reservation_affinity=_affinity(option, pool.reservations),
                guest_accelerators=[
                    gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(
                        type=gpu.gke_type,
                        count=pool.accelerators_per_node,
                        gpu_driver_installation_config=gcp.container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                            gpu_driver_version=args.driver_version
                        ),
                        gpu_sharing_config=sharing,
                    )
                ],
                labels={
                    POOL_LABEL: pool.name,
                    ACCELERATOR_LABEL: pool.accelerator,
                    CAPACITY_LABEL: option,
                    COMPUTE_CLASS_LABEL: pool.name,
                },
                taints=[
                    gcp.container.NodePoolNodeConfigTaintArgs(
                        key=GPU_TAINT_KEY, value=GPU_TAINT_VALUE, effect="NO_SCHEDULE"
                    )
                ],
                gcfs_config=gcp.container.NodePoolNodeConfigGcfsConfigArgs(enabled=args.image_streaming),
                secondary_boot_disks=boot_disks,
            ),
            opts=self.child(**autoscaled_pool_options()),
        )


def _affinity(
    option: str, reservations: Sequence[str]
) -> gcp.container.NodePoolNodeConfigReservationAffinityArgs | None:
    if option == "reservation":
        return gcp.container.NodePoolNodeConfigReservationAffinityArgs(
            consume_reservation_type="SPECIFIC_RESERVATION",
            key=RESERVATION_NAME_KEY,
            values=list(reservations),
        )
    if option == "flex-start":
        # Flex-start capacity comes from Dynamic Workload Scheduler, never from a reservation.
        return gcp.container.NodePoolNodeConfigReservationAffinityArgs(
            consume_reservation_type="NO_RESERVATION"
        )
    return None
