"""Secret Manager containers, one per `secrets` entry — never a version, so no value enters state.

Values are added out of band (console, gcloud, or `make seed-secrets`) and reach pods through External
Secrets. The ESO identity may read exactly these secrets: one grant per secret, nothing project-wide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.schema import SecretRef
from substrate.component import Component


@dataclass(kw_only=True)
class SecretsArgs:
    project: str
    cluster_name: str
    secrets: Sequence[SecretRef]
    reader: pulumi.Input[str]  # IAM member of the ESO identity
    protect: bool


class SecretContainers(Component):
    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:SecretContainers", name, opts)
        self.secrets: list[gcp.secretmanager.Secret] = []
        self.grants: list[gcp.secretmanager.SecretIamMember] = []
        for ref in args.secrets:
            secret = gcp.secretmanager.Secret(
                f"{name}-{ref.name}",
                project=args.project,
                secret_id=ref.name,
                labels={"owner": ref.owner, "cluster": args.cluster_name, "managed-by": "llm-platform"},
                replication=gcp.secretmanager.SecretReplicationArgs(
                    auto=gcp.secretmanager.SecretReplicationAutoArgs()
                ),
                opts=self.child(protect=args.protect),
            )
            self.secrets.append(secret)
            self.grants.append(
                gcp.secretmanager.SecretIamMember(
                    f"{name}-{ref.name}-eso",
                    project=args.project,
                    secret_id=secret.secret_id,
                    role="roles/secretmanager.secretAccessor",
                    member=args.reader,
                    opts=self.child(),
                )
            )
        self.register_outputs({"names": [s.secret_id for s in self.secrets]})
