"""GCP's rules for the `gcp` block, as pure functions: project ids, zones, machine types, capacity options.

The block's validators (substrate/gcp/config.py) call these. Pure: no Pulumi, no pydantic.
"""

from __future__ import annotations

from collections.abc import Sequence

from stacks import capacity as capacity_rules
from stacks import text

PROJECT_ID = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
# General-purpose Compute Engine families the system pool may use (GPU and memory-optimized ones are
# not a place for Argo CD and the controllers). Shapes: FAMILY-standard|highmem|highcpu-VCPUS.
SYSTEM_FAMILIES = ("e2", "n1", "n2", "n2d", "n4", "n4d", "c2", "c2d", "c3", "c3d", "c4", "c4d", "t2d")
SYSTEM_MACHINE = rf"({'|'.join(SYSTEM_FAMILIES)})-(standard|highmem|highcpu)-[1-9][0-9]{{0,2}}"


def project(value: str) -> str:
    if not text.matches(PROJECT_ID, value):
        raise ValueError(
            f"{text.shown(value)} is not a valid GCP project id: 6-30 characters, lowercase letters, "
            "digits and hyphens, starting with a letter and not ending with a hyphen"
        )
    return value


def zones(region: str, listed: Sequence[str]) -> None:
    """Zones of the block: at least one when listed, each once, each in the block's region."""
    if not listed:
        raise ValueError("gcp.zones is empty; list the zones, or omit the key for every zone of the region")
    text.unique(list(listed), "zone", "each zone hosts the pools once")
    for zone in listed:
        if not text.matches(rf"{region}-[a-z]", zone):
            raise ValueError(f"zone {text.shown(zone)} is not in region '{region}' (e.g. {region}-a)")


def system_machine(value: str) -> str:
    text.token(value, "a machine type")
    if not text.matches(SYSTEM_MACHINE, value):
        raise ValueError(
            f"{text.shown(value)} is not a general-purpose machine type for the system pool: "
            f"FAMILY-standard|highmem|highcpu-VCPUS with FAMILY one of {', '.join(SYSTEM_FAMILIES)} "
            "(e.g. e2-standard-4)"
        )
    return value


# Capacity options a GKE node pool can be built with (stacks/capacity.py has the vocabulary).
CAPACITY_OPTIONS = ("reservation", "spot", "on-demand", "flex-start")
# A Compute Engine resource name (RFC 1035 label): how a reservation is named.
RESOURCE_NAME = r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?"


# ComputeClass names GKE gives a meaning of its own. The seed names each pool's ComputeClass after the
# pool, so a pool with one of these names would replace or shadow GKE's class. Built-in classes:
# https://cloud.google.com/kubernetes-engine/docs/concepts/about-built-in-compute-classes (`autopilot`,
# `autopilot-spot`); a class named `default` is the cluster's default for every pod that selects none:
# https://cloud.google.com/kubernetes-engine/docs/how-to/run-pods-default-compute-classes (read
# 2026-12-01). Autopilot's own classes (Balanced, Performance, Scale-Out, Accelerator) are capitalised
# and cannot equal a pool name, which is lowercase.
RESERVED_COMPUTE_CLASSES = ("autopilot", "autopilot-spot", "default")


def compute_class_names(pools: Sequence[str]) -> list[str]:
    """Why a pool's name cannot be its ComputeClass's name on GKE (one problem per such pool)."""
    return [
        f"gpu.pools[{i}].name: '{name}' is a ComputeClass name GKE reserves (its pool's ComputeClass is "
        f"named after the pool); not allowed on gcp: {', '.join(RESERVED_COMPUTE_CLASSES)}"
        for i, name in enumerate(pools)
        if name in RESERVED_COMPUTE_CLASSES
    ]


def capacity(key: str, options: Sequence[str], reservations: Sequence[str]) -> list[str]:
    """Why GKE cannot build the pool at `key` with these capacity options and reservations."""
    return capacity_rules.cloud_refusals(
        key,
        options,
        reservations,
        cloud="GKE builds; allowed on gcp",
        allowed=CAPACITY_OPTIONS,
        reservation_pattern=RESOURCE_NAME,
        reservation_rule="a Compute Engine reservation name: 1-63 lowercase letters, digits and hyphens, "
        "starting with a letter and not ending with a hyphen",
    )
