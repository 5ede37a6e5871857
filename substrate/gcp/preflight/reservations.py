"""GCE reservations a GKE pool names: each must exist where the pool runs, fit its nodes, and say how
much of it is free.

A reservation is zonal; GKE consumes one (affinity SPECIFIC) only with VMs of exactly its machine
type and attached GPUs. So every reservation is looked up (`reservations.get`) in each zone the pool
may use — `gcp.zones`, else every zone of the region that is up — and must be READY there, reserve
the pool's machine type and, for N1 machines, the pool's GPUs attached (G2/A2/A3 machine types carry
theirs). Free is `count - inUseCount`: what the pool gets before it falls back to its next option.
"""

from __future__ import annotations

from preflight.report import Outcome, failed, passed
from stacks.accelerators import accelerator
from stacks.schema import GpuPool, StackConfig
from substrate.gcp.offers import gke_machine_gpus
from substrate.gcp.preflight.checks import machine_for, pool_zones
from substrate.gcp.preflight.client import GcpClient, Reservation


def _fits(found: Reservation, machine: str, gpus: tuple[tuple[str, int], ...]) -> bool:
    if found.machine_type != machine:
        return False
    # Machine types with built-in GPUs may list them or not; attached GPUs (N1) must be listed exactly.
    built_in = gke_machine_gpus(machine) is not None
    return found.accelerators == gpus or (built_in and not found.accelerators)


def _shape(machine: str, gpus: tuple[tuple[str, int], ...]) -> str:
    attached = ", ".join(f"{n} x {t}" for t, n in gpus)
    return f"{machine} with {attached}" if attached else machine


def check_reservation(client: GcpClient, config: StackConfig, pool: GpuPool, name: str) -> Outcome:
    zones, configured = pool_zones(client, config)
    found = [r for zone in zones if (r := client.reservation(zone, name)) is not None]
    where = "gcp.zones" if configured else "the region's zones"
    if not found:
        return failed(
            f"no reservation {name} in any zone pool {pool.name} uses ({where}: {', '.join(zones)}): a "
            "reservation is zonal; create it in one of them, fix gpu.pools[].reservations, or list its "
            "zone in gcp.zones"
        )
    machine = machine_for(config, pool)
    gpus = ((accelerator(pool.accelerator).gke_type, pool.accelerators_per_node),)
    for r in found:
        if r.status != "READY":
            return failed(
                f"reservation {name} in {r.zone} is {r.status}, not READY: GKE cannot consume it yet"
            )
        if not _fits(r, machine, gpus):
            return failed(
                f"reservation {name} in {r.zone} reserves {_shape(r.machine_type, r.accelerators)}, not pool "
                f"{pool.name}'s {_shape(machine, gpus)}: GKE consumes a reservation only with the same "
                "machine type and GPUs; fix the reservation, the pool (accelerator, acceleratorsPerNode, "
                "gcp.machineTypes) or gpu.pools[].reservations"
            )
    parts = [f"{r.zone} {r.count - r.in_use} of {r.count} free" for r in found]
    free = sum(r.count - r.in_use for r in found)
    note = "" if free else f"; none free, so pool {pool.name} falls back to its next option"
    return passed(f"{name} reserves {_shape(machine, gpus)}: {'; '.join(parts)}{note}")
