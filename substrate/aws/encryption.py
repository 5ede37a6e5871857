"""Customer-managed KMS keys: one for EKS envelope encryption of Kubernetes Secrets, one for data at rest.

Two keys, not one, because their readers differ: the etcd key is used by the EKS control plane only
(through the cluster role's grant), while the data key encrypts Secrets Manager secrets and the ECR
repository and is what External Secrets decrypts through (kms:ViaService secretsmanager only). A
leaked ESO session then can never touch the etcd key, and either key can be rotated, audited or
disabled without the other. Both rotate yearly; both keep AWS's default key policy (the account's
IAM policies decide), so no principal is written into a key policy.

Aliases carry a suffix unique to the Pulumi project and stack: two stacks of the same cluster name in
one account never fight over an alias, and a deleted key's alias is free at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.component import Component
from substrate.naming import stack_suffix


@dataclass(kw_only=True)
class EncryptionArgs:
    cluster_name: str
    protect: bool
    # KMS waits this long before a deleted key is gone for good (7-30 days).
    deletion_window_days: int


class EncryptionKeys(Component):
    def __init__(self, name: str, args: EncryptionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:EncryptionKeys", name, opts)
        self.etcd_key = self._key(
            name, args, "etcd", f"EKS envelope encryption of Kubernetes Secrets in {args.cluster_name}"
        )
        self.data_key = self._key(
            name, args, "data", f"Secrets Manager secrets and ECR images of {args.cluster_name}"
        )
        self.register_outputs({"etcdKey": self.etcd_key.arn, "dataKey": self.data_key.arn})

    def _key(self, name: str, args: EncryptionArgs, purpose: str, description: str) -> aws.kms.Key:
        key = aws.kms.Key(
            f"{name}-{purpose}",
            description=description,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_days,
            opts=self.child(protect=args.protect),
        )
        aws.kms.Alias(
            f"{name}-{purpose}",
            name=f"alias/{args.cluster_name}-{purpose}-{stack_suffix()}",
            target_key_id=key.key_id,
            opts=self.child(),
        )
        return key
