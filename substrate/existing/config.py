"""The `existing` block of a stack's config, and every stack-wide rule that holds on an existing cluster.

The schema validates `existing:` with `Block` and then runs `STACK_RULES` in order (the first with
problems refuses the stack). Pure: pydantic and the stdlib only, no Pulumi.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from stacks import capacity as capacity_rules
from stacks import text
from stacks.base import NAME, Model, typed_block
from substrate.existing import rules as existing_rules
from substrate.existing.rules import capacity

if TYPE_CHECKING:
    from stacks.schema import StackConfig

__all__ = ["NAMESPACES", "STACK_RULES", "Block", "ExistingBlock", "SecretsAuth", "block", "capacity"]

# An existing cluster brings no provider of its own (`kubernetes:` is every stack's).
NAMESPACES: tuple[str, ...] = ()


class StaticKeyRef(Model):
    """A Kubernetes Secret (made out of band, never by Pulumi) holding a cloud key for External Secrets."""

    name: str
    namespace: str
    # gcp-secret-manager: the key holding the service account's JSON key.
    key: str | None = None
    # aws-secrets-manager: the keys holding the access key id and the secret access key.
    access_key_id_key: str | None = None
    secret_access_key_key: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return text.dns_subdomain(v, "Secret name")

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, v: str) -> str:
        return text.dns_label(v, "namespace")

    @field_validator("key", "access_key_id_key", "secret_access_key_key")
    @classmethod
    def _data_key(cls, v: str | None) -> str | None:
        if v is not None and not text.matches(r"[-._A-Za-z0-9]{1,253}", v):
            raise ValueError("a Secret data key is letters, digits, `-`, `_` and `.`")
        return v


class SecretsAuth(Model):
    """How External Secrets authenticates to a cloud secret manager from a cluster outside that cloud."""

    # The cluster already gives ESO's pod cloud credentials (GKE Workload Identity, EKS Pod Identity, IRSA).
    ambient: bool = False
    secret_ref: StaticKeyRef | None = None
    # aws-secrets-manager: a role ESO assumes with those credentials.
    role: str | None = None

    @field_validator("role")
    @classmethod
    def _role(cls, v: str | None) -> str | None:
        if v is not None and not text.matches(
            r"arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}", v
        ):
            raise ValueError(
                "existing.secretsAuth.role must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"
            )
        return v


class ExistingBlock(Model):
    """A cluster no adapter builds (on-prem, another provider, kind): its facts come from config."""

    kubeconfig_context: str = Field(min_length=1, max_length=253)
    region: str = Field(default="on-prem", min_length=1, max_length=63, pattern=NAME)
    # The provisioner behind the neutral storage classes (kind ships rancher.io/local-path).
    storage_provisioner: str = Field(default="rancher.io/local-path", min_length=1)
    secrets_backend: Literal["vault", "kubernetes", "gcp-secret-manager", "aws-secrets-manager"] = (
        "kubernetes"
    )
    # Where that backend lives: Vault address, namespace holding the secrets, GCP project, AWS region.
    secrets_location: str = Field(default="platform-secrets", min_length=1)
    secrets_auth: SecretsAuth | None = None
    dns_provider: Literal["none", "rfc2136", "cloudflare", "google", "aws"] = "none"
    dns_zone_id: str = Field(default="", max_length=253)
    model_registry: str = Field(
        default="localhost:5001/models", pattern=r"^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+$"
    )

    @field_validator("kubeconfig_context")
    @classmethod
    def _context(cls, v: str) -> str:
        return text.not_blank(v, "a kubeconfig context")

    @field_validator("storage_provisioner")
    @classmethod
    def _provisioner(cls, v: str) -> str:
        if not text.matches(existing_rules.PROVISIONER, v) or len(v) > 253:
            raise ValueError(
                f"{text.shown(v)} is not a provisioner name: lowercase DNS-style name, optionally "
                "/NAME (e.g. rancher.io/local-path, ebs.csi.aws.com)"
            )
        return v

    @field_validator("dns_zone_id")
    @classmethod
    def _zone_id(cls, v: str) -> str:
        if v and (text.has_control_or_space(v) or not v.isascii()):
            raise ValueError("existing.dnsZoneId must be printable ASCII without whitespace")
        return v

    @model_validator(mode="after")
    def _backends_can_work(self) -> ExistingBlock:
        problems = [
            existing_rules.secrets_location(self.secrets_backend, self.secrets_location),
            existing_rules.secrets_auth(self.secrets_backend, self.secrets_auth),
            existing_rules.dns(self.dns_provider, self.dns_zone_id),
        ]
        found = [p for p in problems if p]
        if found:
            raise ValueError("; ".join(found))
        return self


Block = ExistingBlock


def block(config: StackConfig) -> ExistingBlock:
    """The stack's `existing` block, typed (the schema guarantees it on a `cloud: existing` stack)."""
    return typed_block(config, ExistingBlock)


def _can_work(config: StackConfig) -> list[str]:
    return existing_rules.stack_problems(block(config), [s.name for s in config.secrets])


def _capacity(config: StackConfig) -> list[str]:
    return capacity_rules.problems(config.gpu.pools, capacity)


STACK_RULES: tuple[Callable[[StackConfig], list[str]], ...] = (_can_work, _capacity)
