"""Storage classes on EKS under the contract's neutral names (the seed creates them), all EBS CSI.

- default: gp3, encrypted, ReadWriteOnce — PVCs that name no class.
- fast: gp3 at 500 IOPS per GiB (the gp3 ceiling; the driver raises tiny volumes to gp3's 3,000 floor
  and caps large ones at gp3's maximum) and 750 MiB/s, which gp3 allows at any size (0.25 MiB/s per
  IOPS at the 3,000 floor) — scratch and compile caches.
- model cache: the same disk, ReadWriteOnce. EBS attaches a volume to one node (io2 multi-attach is
  block-only within one zone and needs a cluster-aware filesystem), so the ReadOnlyMany volume GKE
  offers with Hyperdisk ML has no EBS counterpart: each replica's node holds its own copy of the
  weights. A shared read-only cache on AWS would be EFS (file system, mount targets, EFS CSI add-on and
  its role); its StorageClass needs the file system id, which the contract's string parameters cannot
  carry, so it is not part of this release.

Every class encrypts with AWS's EBS key and binds when the first consumer is scheduled, so a volume
is created in the zone of the node that will mount it.
"""

from __future__ import annotations

from substrate.contract import StorageClass, StorageFacts

EBS_CSI = "ebs.csi.aws.com"
GP3 = {"type": "gp3", "encrypted": "true"}
GP3_FAST = {**GP3, "iopsPerGB": "500", "allowAutoIOPSPerGBIncrease": "true", "throughput": "750"}


def storage_facts() -> StorageFacts:
    return StorageFacts(
        default=StorageClass(
            name="platform-default", provisioner=EBS_CSI, parameters=dict(GP3), access_mode="ReadWriteOnce"
        ),
        fast=StorageClass(
            name="platform-fast", provisioner=EBS_CSI, parameters=dict(GP3_FAST), access_mode="ReadWriteOnce"
        ),
        model_cache=StorageClass(
            name="platform-model-cache",
            provisioner=EBS_CSI,
            parameters=dict(GP3_FAST),
            access_mode="ReadWriteOnce",
        ),
    )
