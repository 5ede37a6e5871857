"""The per-cloud blocks of a stack's config (`gcp`, `aws`, `existing`): only the `cloud`'s own is allowed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from stacks import aws_rules, eks_versions, existing_rules, gcp_rules, text
from stacks.base import NAME, Model


class GcpBlock(Model):
    project: str
    region: str = Field(pattern=r"^[a-z]+-[a-z]+[0-9]+$")
    zones: list[str] | None = None
    machine_types: dict[str, str] = Field(default_factory=dict)
    system_machine_type: str = "e2-standard-4"

    _project = field_validator("project")(gcp_rules.project)
    _system = field_validator("system_machine_type")(gcp_rules.system_machine)

    @field_validator("machine_types")
    @classmethod
    def _named(cls, v: dict[str, str]) -> dict[str, str]:
        for pool, machine in v.items():
            text.token(machine, f"gcp.machineTypes.{pool}")
        return v

    @model_validator(mode="after")
    def _zones_in_region(self) -> GcpBlock:
        if self.zones is not None:
            gcp_rules.zones(self.region, self.zones)
        return self


class AwsBlock(Model):
    region: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
    availability_zones: int = Field(default=3, ge=2, le=6)
    # Checked on the day the config is validated, the default included: a version out of standard
    # support is refused rather than left for EKS to upgrade under `upgradePolicy: STANDARD`.
    kubernetes_version: str = eks_versions.DEFAULT
    admin_principals: list[str]
    instance_types: dict[str, str] = Field(default_factory=dict)
    system_instance_type: str = "m7i.xlarge"
    # An EBS snapshot of a containerd image store with the serving images pre-pulled (GPU nodes mount it).
    image_snapshot_id: str | None = Field(default=None, pattern=r"^snap-[0-9a-f]{8,17}$")

    @model_validator(mode="before")
    @classmethod
    def _default_version_is_checked_too(cls, data: Any) -> Any:
        # Filled in as if written, so the default meets the same check under the key's own name.
        if isinstance(data, dict) and not {"kubernetesVersion", "kubernetes_version"} & set(data):
            return {**data, "kubernetesVersion": eks_versions.DEFAULT}
        return data

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _quoted(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            raise ValueError(
                f'{v!r} is a number: quote the version ("{eks_versions.DEFAULT}"); YAML reads 1.30 as 1.3'
            )
        return v

    @field_validator("kubernetes_version")
    @classmethod
    def _in_standard_support(cls, v: str) -> str:
        problem = eks_versions.CALENDAR.problem(v, eks_versions.today())
        if problem:
            raise ValueError(problem)
        return v

    _admins = field_validator("admin_principals")(aws_rules.principals)
    _system = field_validator("system_instance_type")(aws_rules.system_instance)

    @field_validator("instance_types")
    @classmethod
    def _named(cls, v: dict[str, str]) -> dict[str, str]:
        for pool, instance in v.items():
            text.token(instance, f"aws.instanceTypes.{pool}")
        return v


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
