"""The schema of a stack's config: one pydantic model tree, validated once before any resource exists.

Keys are camelCase as written in `stacks/Pulumi.<stack>.yaml` (project namespace `llm-platform:`).
Every model forbids unknown keys and names the ones it allows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator

import clouds
from stacks import checks, text
from stacks.base import NAME, Model
from stacks.gpu import Gpu, GpuPool, GpuSharing

# The gpu block's models are re-exported: adapters read them from here.
__all__ = ["Cloud", "Gpu", "GpuPool", "GpuSharing", "StackConfig"]

# The clouds registered when the schema was imported, as a Literal for code that enumerates them.
Cloud = Literal[clouds.names()]  # type: ignore[valid-type]
Profile = Literal["serving", "llm-gateway", "full"]
Environment = Literal["dev", "prod"]

# The argo-cd Helm chart this release is tested with (argoproj/argo-helm); exact versions only. Pinned
# with the bootstrap's other charts in the seed's data file.
BOOTSTRAP_CHARTS = Path(__file__).resolve().parent.parent / "seeds" / "bootstrap-charts.yaml"
DEFAULT_ARGOCD_CHART_VERSION = str(yaml.safe_load(BOOTSTRAP_CHARTS.read_text())["argo-cd"]["chartVersion"])
SEMVER = r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
# Chart majors the bootstrap's values are written for: another major renames values silently.
ARGOCD_CHART_MAJORS = (9,)


class AuthorizedNetwork(Model):
    cidr: str
    name: str = Field(min_length=1, max_length=64)

    _cidr = field_validator("cidr")(checks.cidr)

    @field_validator("name")
    @classmethod
    def _named(cls, v: str) -> str:
        return text.not_blank(v, "an authorized network's name")


class ControlPlane(Model):
    authorized_networks: list[AuthorizedNetwork] = Field(default_factory=list, max_length=50)
    private_endpoint: bool = False

    @field_validator("authorized_networks")
    @classmethod
    def _distinct_and_bounded(cls, networks: list[AuthorizedNetwork]) -> list[AuthorizedNetwork]:
        text.unique([n.name for n in networks], "name", "each authorized network has its own name")
        text.unique([n.cidr for n in networks], "cidr", "list each network once")
        too_open = checks.authorized_union([n.cidr for n in networks])
        if too_open:
            raise ValueError(too_open)
        return networks


class Cluster(Model):
    name: str = Field(max_length=40, pattern=NAME)
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = "REGULAR"
    deletion_protection: bool | None = None
    control_plane: ControlPlane = Field(default_factory=ControlPlane)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> Any:
        if isinstance(v, str) and (not 2 <= len(v) <= 40 or not text.matches(text.NAME, v)):
            raise ValueError(
                f"{text.shown(v)} is not a valid cluster name: 2-40 characters, lowercase letters, digits "
                "and hyphens, starting with a letter and not ending with a hyphen"
            )
        return v


class Network(Model):
    cidr: str = "10.0.0.0/20"
    pods_cidr: str = "10.16.0.0/14"
    services_cidr: str = "10.20.0.0/20"
    master_cidr: str = "172.16.0.0/28"

    @field_validator("cidr", "pods_cidr", "services_cidr", "master_cidr")
    @classmethod
    def _private(cls, v: str) -> str:
        return checks.cidr(v, allow_public=False)

    @model_validator(mode="after")
    def _disjoint(self) -> Network:
        if not self.master_cidr.endswith("/28"):
            raise ValueError(
                f"masterCidr '{self.master_cidr}' must be a /28 (a private control plane's range)"
            )
        clash = checks.overlapping(
            {
                "cidr": self.cidr,
                "podsCidr": self.pods_cidr,
                "servicesCidr": self.services_cidr,
                "masterCidr": self.master_cidr,
            }
        )
        if clash:
            raise ValueError(f"{clash[0]} and {clash[1]} overlap; the ranges must be disjoint")
        return self


class ColdStart(Model):
    image_streaming: bool = True
    secondary_boot_disk_image: str | None = Field(
        default=None,
        pattern=r"^(projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/)?global/images/[a-z]([-a-z0-9]*[a-z0-9])?$",
    )

    @model_validator(mode="after")
    def _needs_streaming(self) -> ColdStart:
        if self.secondary_boot_disk_image and not self.image_streaming:
            raise ValueError(
                "secondaryBootDiskImage needs imageStreaming: true (the disk is mounted by image streaming)"
            )
        return self


class Dns(Model):
    domain: str
    create_zone: bool = True
    zone_name: str | None = Field(default=None, max_length=63, pattern=NAME)

    _domain = field_validator("domain")(checks.domain)

    @model_validator(mode="after")
    def _zone_name_valid(self) -> Dns:
        if self.zone_name is None and (len(self.zone) > 63 or not text.matches(text.NAME, self.zone)):
            raise ValueError(
                f"the zone name derived from '{self.domain}' ('{self.zone}') is not a valid Cloud DNS zone "
                "name (a letter first, at most 63 characters); set dns.zoneName"
            )
        return self

    @property
    def zone(self) -> str:
        """The managed zone's name: given, or derived from the domain."""
        return self.zone_name or self.domain.replace(".", "-")


class SecretRef(Model):
    name: str = Field(pattern=r"^[a-zA-Z][a-zA-Z0-9_-]{0,127}$")
    owner: str = Field(pattern=r"^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$")

    _no_value = model_validator(mode="before")(checks.secret_entry)


class GitOps(Model):
    repo_url: str = Field(alias="repoURL")
    revision: str = Field(default="main", min_length=1, max_length=255)
    path: str = Field(default="seeds", max_length=255)
    # For a private repo: the name of a `secrets` entry holding its credential as JSON
    # ({"username", "password"} for https, {"sshPrivateKey"} for ssh). External Secrets turns it into
    # Argo CD's repository Secret; the value never passes through git or Pulumi.
    credentials_secret: str | None = None

    _url = field_validator("repo_url")(checks.repo_url)
    _revision = field_validator("revision")(text.git_revision)
    _path = field_validator("path")(text.repo_path)


class ArgoCd(Model):
    chart_version: str = DEFAULT_ARGOCD_CHART_VERSION
    # Narrowing the profile (or destroying the stack) deletes layer roots, and with them every workload
    # of those layers. The roots are protected unless this says so.
    allow_layer_removal: bool = False

    @field_validator("chart_version")
    @classmethod
    def _exact(cls, v: str) -> str:
        if not text.matches(SEMVER, v):
            raise ValueError(
                f"{text.shown(v)} is not an exact chart version (e.g. {DEFAULT_ARGOCD_CHART_VERSION}); "
                "no ranges"
            )
        if int(v.split(".", maxsplit=1)[0]) not in ARGOCD_CHART_MAJORS:
            majors = ", ".join(f"{m}.x" for m in ARGOCD_CHART_MAJORS)
            raise ValueError(
                f"argo-cd chart {v} is not a major the bootstrap's values are written for ({majors})"
            )
        return v


def _choices(names: tuple[str, ...]) -> str:
    shown = [f"'{n}'" for n in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


class StackConfig(Model):
    """A whole stack's config: what `pulumi config` holds under the `llm-platform:` namespace.

    `cloud` names a registered cloud (clouds/); its config block sits under the key of the same name
    and is validated with that cloud's `config.Block`, then the cloud's `STACK_RULES` run.
    """

    cloud: str
    profile: Profile
    environment: Environment = "dev"
    cluster: Cluster
    # The `cloud`'s own block, read from the key named after the cloud.
    cloud_block: Model | None = Field(default=None, validation_alias=AliasChoices(*clouds.names()))
    network: Network = Field(default_factory=Network)
    gpu: Gpu
    cold_start: ColdStart = Field(default_factory=ColdStart)
    dns: Dns
    secrets: list[SecretRef] = Field(default_factory=list)
    gitops: GitOps
    argocd: ArgoCd = Field(default_factory=ArgoCd)

    @model_validator(mode="before")
    @classmethod
    def _one_cloud_block(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("cloud"), str):
            return data
        cloud = data["cloud"]
        if clouds.get(cloud) is None:
            return data  # refused by the `cloud` field, under its own key
        for block in clouds.names():
            present = data.get(block) is not None
            if block == cloud and not present:
                raise ValueError(f"cloud is '{cloud}' but the '{block}' block is missing")
            if block != cloud and present:
                raise ValueError(
                    f"a '{block}' block on a '{cloud}' stack: keep only the '{cloud}' block "
                    "(a cloud swap edits `cloud` and its block together)"
                )
        return data

    @field_validator("cloud")
    @classmethod
    def _registered(cls, v: str) -> str:
        if clouds.get(v) is None:
            raise ValueError(
                f"{text.shown(v)} is not a registered cloud; allowed: {_choices(clouds.names())}"
            )
        return v

    @field_validator("cloud_block", mode="plain")
    @classmethod
    def _cloud_block(cls, v: Any, info: ValidationInfo) -> Model | None:
        cloud = info.data.get("cloud")
        if v is None or cloud is None:
            return None
        block: type[Model] = clouds.part(cloud, "config").Block
        return block.model_validate(v)

    @model_validator(mode="after")
    def _cloud_rules(self) -> StackConfig:
        for rule in clouds.part(self.cloud, "config").STACK_RULES:
            problems = rule(self)
            if problems:
                raise ValueError("; ".join(problems))
        return self

    def __getattr__(self, name: str) -> Any:
        # `config.<cloud>` reads the block of a registered cloud (None on another cloud's stack). Only the
        # clouds' preflight checks still read it; everything else asks `substrate.<cloud>.config.block`.
        if name in clouds.names():
            return self.cloud_block if self.cloud == name else None
        return super().__getattr__(name)  # type: ignore[misc]

    @field_validator("secrets")
    @classmethod
    def _one_container_each(cls, secrets: list[SecretRef]) -> list[SecretRef]:
        text.unique([s.name for s in secrets], "secret name", "each name is one secret container")
        return secrets

    @model_validator(mode="after")
    def _credentials_are_a_listed_secret(self) -> StackConfig:
        wanted = self.gitops.credentials_secret
        if wanted is not None and wanted not in {s.name for s in self.secrets}:
            raise ValueError(
                f"gitops.credentialsSecret '{wanted}' is not one of `secrets`; list it there so its "
                "container exists and External Secrets may read it"
            )
        return self

    @model_validator(mode="after")
    def _prod_is_protected(self) -> StackConfig:
        if self.environment == "prod" and self.cluster.deletion_protection is False:
            raise ValueError(
                "cluster.deletionProtection: false is not allowed on a prod stack; "
                "set environment: dev to make the cluster destroyable"
            )
        return self

    @property
    def deletion_protection(self) -> bool:
        """Explicit `cluster.deletionProtection`, else on for prod only."""
        if self.cluster.deletion_protection is not None:
            return self.cluster.deletion_protection
        return self.environment == "prod"

    @property
    def protect(self) -> bool:
        """Whether stateful resources carry Pulumi's `protect` (prod stacks)."""
        return self.environment == "prod"


def _refresh_cloud_keys() -> None:
    """Read the cloud block from the key of every cloud registered now (a fork's or a test's too)."""
    StackConfig.model_fields["cloud_block"].validation_alias = AliasChoices(*clouds.names())
    StackConfig.model_rebuild(force=True)


clouds.on_change(_refresh_cloud_keys)
