"""The cloud-neutral GPU vocabulary: one name per accelerator, mapped to each cloud's machines.

A stack's `gpu.pools[].accelerator` names an entry here; every adapter turns it into its own machine
type, so the same `gpu` block works on every cloud. A per-cloud override (`gcp.machineTypes`) must stay
inside the accelerator's machine family — a g2 machine carries L4s, never A100s.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Accelerator:
    """One accelerator model and how each cloud sells it."""

    name: str
    gke_type: str
    # accelerators per node -> default GKE machine type
    gke_machines: dict[int, str]
    # machine-type prefixes an override may use on GKE
    gke_families: tuple[str, ...]
    # accelerators per node -> default EC2 instance type (empty: not sold on EC2)
    eks_instances: dict[int, str] = field(default_factory=dict)
    eks_families: tuple[str, ...] = ()
    memory_gib: int = 0
    # Boot disk type on GKE: A3 Ultra (H200) machines take Hyperdisk only.
    gke_boot_disk: str = "pd-ssd"

    @property
    def allowed_counts(self) -> list[int]:
        return sorted(set(self.gke_machines) | set(self.eks_instances))


ACCELERATORS: dict[str, Accelerator] = {
    a.name: a
    for a in (
        Accelerator(
            name="nvidia-l4",
            gke_type="nvidia-l4",
            gke_machines={1: "g2-standard-8", 2: "g2-standard-24", 4: "g2-standard-48", 8: "g2-standard-96"},
            gke_families=("g2-",),
            eks_instances={1: "g6.2xlarge", 4: "g6.24xlarge", 8: "g6.48xlarge"},
            eks_families=("g6.", "gr6."),
            memory_gib=24,
        ),
        Accelerator(
            name="nvidia-t4",
            gke_type="nvidia-tesla-t4",
            gke_machines={1: "n1-standard-8", 2: "n1-standard-16", 4: "n1-standard-32"},
            gke_families=("n1-",),
            eks_instances={1: "g4dn.2xlarge", 4: "g4dn.12xlarge", 8: "g4dn.metal"},
            eks_families=("g4dn.",),
            memory_gib=16,
        ),
        Accelerator(
            name="nvidia-a100-40gb",
            gke_type="nvidia-tesla-a100",
            gke_machines={
                1: "a2-highgpu-1g",
                2: "a2-highgpu-2g",
                4: "a2-highgpu-4g",
                8: "a2-highgpu-8g",
                16: "a2-megagpu-16g",
            },
            gke_families=("a2-highgpu-", "a2-megagpu-"),
            eks_instances={8: "p4d.24xlarge"},
            eks_families=("p4d.",),
            memory_gib=40,
        ),
        Accelerator(
            name="nvidia-a100-80gb",
            gke_type="nvidia-a100-80gb",
            gke_machines={1: "a2-ultragpu-1g", 2: "a2-ultragpu-2g", 4: "a2-ultragpu-4g", 8: "a2-ultragpu-8g"},
            gke_families=("a2-ultragpu-",),
            eks_instances={8: "p4de.24xlarge"},
            eks_families=("p4de.",),
            memory_gib=80,
        ),
        Accelerator(
            name="nvidia-h100-80gb",
            gke_type="nvidia-h100-80gb",
            gke_machines={1: "a3-highgpu-1g", 2: "a3-highgpu-2g", 4: "a3-highgpu-4g", 8: "a3-highgpu-8g"},
            gke_families=("a3-highgpu-", "a3-edgegpu-"),
            eks_instances={8: "p5.48xlarge"},
            eks_families=("p5.",),
            memory_gib=80,
        ),
        Accelerator(
            name="nvidia-h100-mega-80gb",
            gke_type="nvidia-h100-mega-80gb",
            gke_machines={8: "a3-megagpu-8g"},
            gke_families=("a3-megagpu-",),
            memory_gib=80,
        ),
        Accelerator(
            name="nvidia-h200-141gb",
            gke_type="nvidia-h200-141gb",
            gke_machines={8: "a3-ultragpu-8g"},
            gke_families=("a3-ultragpu-",),
            gke_boot_disk="hyperdisk-balanced",
            eks_instances={8: "p5e.48xlarge"},
            eks_families=("p5e.", "p5en."),
            memory_gib=141,
        ),
    )
}


def accelerator(name: str) -> Accelerator:
    """The vocabulary entry for `name`; the schema has already rejected unknown names."""
    return ACCELERATORS[name]
