"""The GCP checks: project, APIs, zones that sell the pools' GPUs, GPU quota, DNS delegation.

Zones: a GKE pool's node locations are `gcp.zones`, else the cluster's default zones, which GKE
picks in the region; pool creation fails if any of them lacks the accelerator. So with `gcp.zones`
every listed zone must offer it, and without, every zone of the region must (or set `gcp.zones`).
Quota: the region's per-accelerator metric (spot and flex-start options: its PREEMPTIBLE_ twin) must
cover the sum of `maxNodes x acceleratorsPerNode` of the pools whose options draw on it; the
project-wide GPUS_ALL_REGIONS must cover every pool. Metric names are those of Compute's regions.get
quota list.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from preflight.delegation import Resolver, delegated_to, delegation_possible
from preflight.report import Outcome, failed, passed
from stacks.schema import GpuPool, StackConfig
from substrate.gcp.apis import REQUIRED_APIS
from substrate.gcp.offers import gke_machine
from substrate.gcp.preflight.client import GcpClient

# accelerator (stacks/accelerators.py) -> Compute's regional quota metric for on-demand GPUs.
GPU_QUOTA_METRICS: dict[str, str] = {
    "nvidia-l4": "NVIDIA_L4_GPUS",
    "nvidia-t4": "NVIDIA_T4_GPUS",
    "nvidia-a100-40gb": "NVIDIA_A100_GPUS",
    "nvidia-a100-80gb": "NVIDIA_A100_80GB_GPUS",
    "nvidia-h100-80gb": "NVIDIA_H100_GPUS",
    "nvidia-h100-mega-80gb": "NVIDIA_H100_MEGA_GPUS",
    "nvidia-h200-141gb": "NVIDIA_H200_GPUS",
}
ALL_REGIONS = "GPUS_ALL_REGIONS"


def _gcp(config: StackConfig) -> Any:
    assert config.gcp is not None  # doctor builds GCP checks for cloud: gcp only
    return config.gcp


def quota_metrics(pool: GpuPool) -> list[str]:
    """The regional metrics a pool's capacity options draw on, each once.

    On-demand nodes draw on the accelerator's metric; spot and flex-start nodes both on its
    PREEMPTIBLE_ twin (tests/fixtures/capacity_facts.yaml); reserved nodes on none, the reservation
    took its GPUs when it was made. Each metric must cover the whole pool: any option may end up
    holding every node when the others are out.
    """
    base = GPU_QUOTA_METRICS[pool.accelerator]
    drawn = {"on-demand": base, "spot": f"PREEMPTIBLE_{base}", "flex-start": f"PREEMPTIBLE_{base}"}
    return list(dict.fromkeys(drawn[o] for o in pool.capacity if o in drawn))


def gpu_demand(config: StackConfig) -> dict[str, list[GpuPool]]:
    """Regional quota metric -> the pools that draw on it."""
    by_metric: dict[str, list[GpuPool]] = defaultdict(list)
    for pool in config.gpu.pools:
        for metric in quota_metrics(pool):
            by_metric[metric].append(pool)
    return dict(sorted(by_metric.items()))


def _gpus(pools: list[GpuPool]) -> tuple[int, str]:
    need = sum(p.max_nodes * p.accelerators_per_node for p in pools)
    parts = "; ".join(f"pool {p.name} {p.max_nodes} x {p.accelerators_per_node}" for p in pools)
    return need, parts


def check_credentials(client: GcpClient) -> Outcome:
    return passed(f"Application Default Credentials found: {client.principal()}")


def check_project(client: GcpClient, config: StackConfig) -> Outcome:
    project = client.project()
    if project.state != "ACTIVE":
        return failed(f"project {project.project_id} is {project.state}: restore it or use another project")
    return passed(f"project {project.project_id} (number {project.number}) is active and accessible")


def check_apis(client: GcpClient, config: StackConfig) -> Outcome:
    missing = [api for api in REQUIRED_APIS if api not in client.enabled_services()]
    if missing:
        return failed(
            f"not enabled: {', '.join(missing)}; run `gcloud services enable {' '.join(missing)} "
            f"--project {_gcp(config).project}` (`pulumi up` would enable them, but the zone and quota "
            "checks need the Compute API now)"
        )
    return passed(f"all {len(REQUIRED_APIS)} required APIs are enabled")


def pool_zones(client: GcpClient, config: StackConfig) -> tuple[list[str], bool]:
    """The zones a pool may land in, and whether they come from `gcp.zones`."""
    gcp = _gcp(config)
    if gcp.zones:
        return list(gcp.zones), True
    return [z.name for z in client.zones(gcp.region) if z.status == "UP"], False


def check_region(client: GcpClient, config: StackConfig) -> Outcome:
    gcp = _gcp(config)
    zones = {z.name: z.status for z in client.zones(gcp.region)}
    if not zones:
        return failed(f"region {gcp.region} has no zones for this project: check gcp.region")
    down = [f"{z} ({zones.get(z, 'not in the region')})" for z in gcp.zones or [] if zones.get(z) != "UP"]
    if down:
        return failed(f"gcp.zones lists zones that are not usable: {', '.join(down)}")
    up = sorted(z for z, status in zones.items() if status == "UP")
    return passed(f"{gcp.region}: zones up: {', '.join(up)}")


def check_machines(client: GcpClient, config: StackConfig, machine: str, accelerator: str | None) -> Outcome:
    """Every zone the pool may use sells `machine` (and `accelerator`, for a GPU pool)."""
    zones, configured = pool_zones(client, config)
    if not zones:
        return failed(f"no zone of {_gcp(config).region} is up")
    offering = [
        z
        for z in zones
        if (accelerator is None or accelerator in client.accelerator_types(z))
        and client.has_machine_type(z, machine)
    ]
    what = f"{machine} with {accelerator}" if accelerator else machine
    lacking = [z for z in zones if z not in offering]
    if not lacking:
        return passed(f"{what} is offered in {', '.join(zones)}")
    if not offering:
        return failed(f"{what} is offered in none of {', '.join(zones)}: pick a region that sells it")
    if configured:
        return failed(
            f"{what} is not offered in {', '.join(lacking)}: keep only zones that offer it in "
            f"gcp.zones ({', '.join(offering)})"
        )
    return failed(
        f"{what} is not offered in {', '.join(lacking)}, and GKE may place the pool there: set "
        f"gcp.zones to zones that offer it ({', '.join(offering)})"
    )


def check_regional_quota(
    client: GcpClient, config: StackConfig, metric: str, pools: list[GpuPool]
) -> Outcome:
    region = _gcp(config).region
    need, parts = _gpus(pools)
    quota = client.region_quotas(region).get(metric)
    if quota is None:
        return failed(
            f"{region} has no {metric} quota for this project (the GPU may not be sold there): request it "
            "in IAM & Admin > Quotas, or pick another region"
        )
    if need <= quota.limit:
        return passed(
            f"{metric} in {region}: limit {quota.limit:g} >= {need} at max ({parts}); in use {quota.usage:g}"
        )
    return failed(
        f"{metric} in {region}: limit {quota.limit:g} < {need} needed at max ({parts}): request an increase "
        "(IAM & Admin > Quotas) or lower maxNodes"
    )


def check_global_quota(client: GcpClient, config: StackConfig) -> Outcome:
    # Spot pools are counted too: the global GPU cap is not split by provisioning model.
    need, parts = _gpus(list(config.gpu.pools))
    quota = client.project_quotas().get(ALL_REGIONS)
    if quota is None:
        return failed(f"the project has no {ALL_REGIONS} quota: request one (IAM & Admin > Quotas)")
    if need <= quota.limit:
        return passed(
            f"{ALL_REGIONS}: limit {quota.limit:g} >= {need} at max ({parts}); in use {quota.usage:g}"
        )
    return failed(
        f"{ALL_REGIONS}: limit {quota.limit:g} < {need} needed at max ({parts}): request an increase "
        "(IAM & Admin > Quotas) or lower maxNodes"
    )


def check_dns(client: GcpClient, config: StackConfig, resolve: Resolver) -> Outcome:
    domain, name = config.dns.domain, config.dns.zone
    zone = client.managed_zone(name)
    if zone is None:
        if config.dns.create_zone:
            return delegation_possible(domain, resolve)
        return failed(
            f"no Cloud DNS zone named {name} in project {_gcp(config).project}: create it, set dns.zoneName "
            "to the zone that serves the domain, or set dns.createZone: true"
        )
    if zone.dns_name.rstrip(".").lower() != domain:
        return failed(
            f"Cloud DNS zone {name} serves {zone.dns_name}, not {domain}: set dns.zoneName to the zone "
            f"of {domain}"
        )
    # createZone with the zone present: a previous `pulumi up` made it, or `up` fails on "already exists".
    return delegated_to(domain, zone.name_servers, f"Cloud DNS zone {name}", resolve)


def machine_for(config: StackConfig, pool: GpuPool) -> str:
    return gke_machine(pool, _gcp(config).machine_types)
