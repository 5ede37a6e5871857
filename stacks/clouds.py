"""The per-cloud blocks of a stack's config (`gcp`, `aws`, `existing`): only the `cloud`'s own is allowed."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from stacks import eks_versions
from stacks.base import NAME, Model


class GcpBlock(Model):
    project: str
    region: str = Field(pattern=r"^[a-z]+-[a-z]+[0-9]+$")
    zones: list[str] | None = None
    machine_types: dict[str, str] = Field(default_factory=dict)
    system_machine_type: str = "e2-standard-4"

    @field_validator("project")
    @classmethod
    def _project(cls, v: str) -> str:
        if not re.match(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$", v):
            raise ValueError(
                f"'{v}' is not a valid GCP project id: 6-30 characters, lowercase letters, digits and "
                "hyphens, starting with a letter and not ending with a hyphen"
            )
        return v

    @model_validator(mode="after")
    def _zones_in_region(self) -> GcpBlock:
        for zone in self.zones or []:
            if not re.match(rf"^{re.escape(self.region)}-[a-z]$", zone):
                raise ValueError(f"zone '{zone}' is not in region '{self.region}' (e.g. {self.region}-a)")
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

    @field_validator("admin_principals")
    @classmethod
    def _admins(cls, principals: list[str]) -> list[str]:
        # The cluster authenticates through access entries only and never bootstraps its creator (a flag
        # EKS can only set at creation), so these principals are the only way in, this program included.
        if not principals:
            raise ValueError(
                "at least one IAM role or user ARN is required: EKS access entries are the only way into "
                "the cluster (the creator gets no implicit admin), and the bootstrap runs as one of them"
            )
        for arn in principals:
            if not re.match(r"^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/[\w+=,.@/-]{1,512}$", arn):
                raise ValueError(
                    f"'{arn}' is not an IAM role or user ARN (arn:aws:iam::123456789012:role/NAME); "
                    "for an assumed-role session give the role's ARN, not the sts session's"
                )
        if len(set(principals)) != len(principals):
            raise ValueError("an ARN is listed twice; each principal gets one access entry")
        return principals


class ExistingBlock(Model):
    """A cluster no adapter builds (on-prem, another provider, kind): its facts come from config."""

    kubeconfig_context: str = Field(min_length=1)
    region: str = Field(default="on-prem", min_length=1, max_length=63, pattern=NAME)
    # The provisioner behind the neutral storage classes (kind ships rancher.io/local-path).
    storage_provisioner: str = Field(default="rancher.io/local-path", min_length=1)
    secrets_backend: Literal["vault", "kubernetes", "gcp-secret-manager", "aws-secrets-manager"] = (
        "kubernetes"
    )
    # Where that backend lives: Vault address, namespace holding the secrets, GCP project, AWS region.
    secrets_location: str = Field(default="platform-secrets", min_length=1)
    dns_provider: Literal["none", "rfc2136", "cloudflare", "google", "aws"] = "none"
    dns_zone_id: str = ""
    model_registry: str = Field(
        default="localhost:5001/models", pattern=r"^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+$"
    )
