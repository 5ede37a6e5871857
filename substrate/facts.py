"""Contract facts every adapter derives the same way from the cloud-neutral config, in one place."""

from __future__ import annotations

from stacks.schema import Gpu
from substrate.contract import (
    POOL_LABEL,
    ColdStartFacts,
    DriverOwner,
    GpuFacts,
    GpuStack,
    StorageFacts,
    capacity_node_pools,
)


def gpu_facts(
    gpu: Gpu,
    *,
    stack: GpuStack,
    driver_owner: DriverOwner,
    node_pool_prefix: str | None = None,
    pool_selector: str = POOL_LABEL,
) -> GpuFacts:
    """`node_pool_prefix`: how the cloud names what implements each option (GKE node pools `""`,
    Karpenter NodePools `"gpu-"`); None where the platform builds no nodes (an existing cluster)."""
    node_pools = (
        tuple(
            f"{p.name}=" + "|".join(n for _, n in capacity_node_pools(p.name, p.capacity, node_pool_prefix))
            for p in gpu.pools
        )
        if node_pool_prefix is not None
        else ()
    )
    return GpuFacts(
        stack=stack,
        driver_owner=driver_owner,
        pools=tuple(p.name for p in gpu.pools),
        accelerators=tuple(sorted({p.accelerator for p in gpu.pools})),
        pool_accelerators=tuple(f"{p.name}={p.accelerator}" for p in gpu.pools),
        spot_pools=tuple(p.name for p in gpu.pools if p.spot),
        pool_capacity=tuple(f"{p.name}=" + "|".join(p.capacity) for p in gpu.pools),
        pool_node_pools=node_pools,
        pool_reservations=tuple(f"{p.name}=" + "|".join(p.reservations) for p in gpu.pools if p.reservations),
        pool_max_nodes=tuple(f"{p.name}={p.max_nodes}" for p in gpu.pools),
        pool_max_gpus=tuple(f"{p.name}={p.max_nodes * p.accelerators_per_node}" for p in gpu.pools),
        pool_selector=pool_selector,
        time_sharing=gpu.sharing is not None,
        time_sharing_replicas=gpu.sharing.max_shared_clients_per_gpu if gpu.sharing else 1,
    )


def cold_start_facts(
    gpu: Gpu, storage: StorageFacts, *, image_streaming: bool, preloaded_images: bool
) -> ColdStartFacts:
    """The cloud-specific levers (image pull) are the adapter's; model cache and warm nodes are common."""
    return ColdStartFacts(
        image_streaming=image_streaming,
        preloaded_images=preloaded_images,
        model_cache_class=storage.model_cache.name,
        warm_pool_min_nodes=sum(p.min_nodes for p in gpu.pools),
    )
