"""The GPU facts every adapter reports, derived from the cloud-neutral `gpu` block in one place."""

from __future__ import annotations

from stacks.schema import Gpu
from substrate.contract import DriverOwner, GpuFacts, GpuStack


def gpu_facts(gpu: Gpu, *, stack: GpuStack, driver_owner: DriverOwner) -> GpuFacts:
    return GpuFacts(
        stack=stack,
        driver_owner=driver_owner,
        pools=tuple(p.name for p in gpu.pools),
        accelerators=tuple(sorted({p.accelerator for p in gpu.pools})),
        pool_accelerators=tuple(f"{p.name}={p.accelerator}" for p in gpu.pools),
        spot_pools=tuple(p.name for p in gpu.pools if p.spot),
        time_sharing=gpu.sharing is not None,
        time_sharing_replicas=gpu.sharing.max_shared_clients_per_gpu if gpu.sharing else 1,
    )
