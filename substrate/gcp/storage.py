"""Storage classes on GKE, under the contract's neutral names (the seed creates them).

- default: balanced PD, ReadWriteOnce — PVCs that name no class.
- fast: SSD PD — scratch and compile caches.
- model cache: Hyperdisk ML, ReadOnlyMany — one populated volume of weights attached read-only to every
  replica, so a scale-out loads the model without downloading it again.
"""

from __future__ import annotations

from substrate.contract import StorageClass, StorageFacts

PD_CSI = "pd.csi.storage.gke.io"


def storage_facts() -> StorageFacts:
    return StorageFacts(
        default=StorageClass(
            name="platform-default",
            provisioner=PD_CSI,
            parameters={"type": "pd-balanced"},
            access_mode="ReadWriteOnce",
        ),
        fast=StorageClass(
            name="platform-fast",
            provisioner=PD_CSI,
            parameters={"type": "pd-ssd"},
            access_mode="ReadWriteOnce",
        ),
        model_cache=StorageClass(
            name="platform-model-cache",
            provisioner=PD_CSI,
            parameters={"type": "hyperdisk-ml"},
            access_mode="ReadOnlyMany",
        ),
    )
