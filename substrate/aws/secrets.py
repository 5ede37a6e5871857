"""Secrets Manager containers, one per `secrets` entry, named `<cluster>/<name>` — never a version.

No value ever enters Pulumi state: values are put out of band (console, CLI, `make seed-secrets`) and
reach pods through External Secrets. ESO runs under Pod Identity (external-secrets/external-secrets)
and may read exactly these secrets and decrypt with exactly the data key, and only through Secrets
Manager (kms:ViaService): no `*` resource anywhere.

A deleted secret keeps its name for the recovery window (7 days on dev, 30 on prod): re-creating a
stack within it fails until the secret is restored or the window ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stacks.schema import SecretRef
from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.iam import policy_json, statement
from substrate.aws.identity import PodIdentityArgs, PodIdentityRole
from substrate.component import Component
from substrate.contract import ESO_IDENTITY

ESO_NAMESPACE, ESO_SERVICE_ACCOUNT = ESO_IDENTITY
READ_ACTIONS = (
    "secretsmanager:GetSecretValue",
    "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecretVersionIds",
)


@dataclass(kw_only=True)
class SecretsArgs:
    cluster: ClusterRef
    region: str
    secrets: Sequence[SecretRef]
    kms_key_arn: pulumi.Input[str]
    recovery_window_days: int
    protect: bool


def prefix(cluster: str) -> str:
    """Every secret of the cluster is named `<prefix><name>`; ESO's remote refs use the same."""
    return f"{cluster}/"


class SecretContainers(Component):
    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:SecretContainers", name, opts)
        self.secrets = [
            aws.secretsmanager.Secret(
                f"{name}-{ref.name}",
                name=f"{prefix(args.cluster.name)}{ref.name}",
                description=(
                    f"{args.cluster.name}: {ref.name} (owner {ref.owner}); the value is set out of band"
                ),
                kms_key_id=args.kms_key_arn,
                recovery_window_in_days=args.recovery_window_days,
                tags={"owner": ref.owner, "cluster": args.cluster.name},
                opts=self.child(protect=args.protect),
            )
            for ref in args.secrets
        ]
        statements = [
            statement(
                ["kms:Decrypt"],
                args.kms_key_arn,
                sid="DecryptThroughSecretsManagerOnly",
                condition={"StringEquals": {"kms:ViaService": f"secretsmanager.{args.region}.amazonaws.com"}},
            )
        ]
        if self.secrets:
            statements.insert(
                0, statement(READ_ACTIONS, [s.arn for s in self.secrets], sid="ReadTheListedSecrets")
            )
        self.eso = PodIdentityRole(
            f"{name}-eso",
            PodIdentityArgs(
                cluster=args.cluster,
                region=args.region,
                role="eso",
                namespace=ESO_NAMESPACE,
                service_account=ESO_SERVICE_ACCOUNT,
                policy=policy_json(statements),
            ),
            opts=self.child(),
        )
        self.register_outputs({"names": [s.name for s in self.secrets]})
