"""The schema of a stack's config: one pydantic model tree, validated once before any resource exists.

Keys are camelCase as written in `stacks/Pulumi.<stack>.yaml` (project namespace `llm-platform:`).
Every model forbids unknown keys and names the ones it allows.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from stacks import checks
from stacks.accelerators import ACCELERATORS

Cloud = Literal["gcp", "aws", "existing"]
Profile = Literal["serving", "llm-gateway", "full"]
Environment = Literal["dev", "prod"]

# The argo-cd Helm chart this release is tested with (argoproj/argo-helm); exact versions only.
DEFAULT_ARGOCD_CHART_VERSION = "9.1.0"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
NAME = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"


class Model(BaseModel):
    """Base of every config model: camelCase keys, unknown keys rejected with the allowed ones named."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = {f.alias or n for n, f in cls.model_fields.items()}
            unknown = sorted(k for k in data if k not in allowed and k not in cls.model_fields)
            if unknown:
                raise ValueError(
                    f"unknown key '{unknown[0]}'; allowed keys here: {', '.join(sorted(allowed))}"
                )
        return data


class AuthorizedNetwork(Model):
    cidr: str
    name: str = Field(min_length=1, max_length=64)

    _cidr = field_validator("cidr")(checks.cidr)


class ControlPlane(Model):
    authorized_networks: list[AuthorizedNetwork] = Field(default_factory=list)
    private_endpoint: bool = False


class Cluster(Model):
    name: str = Field(max_length=40, pattern=NAME)
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = "REGULAR"
    deletion_protection: bool | None = None
    control_plane: ControlPlane = Field(default_factory=ControlPlane)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> Any:
        if isinstance(v, str) and (len(v) > 40 or not re.match(NAME, v)):
            raise ValueError(
                f"'{v}' is not a valid cluster name: 1-40 characters, lowercase letters, digits and "
                "hyphens, starting with a letter and not ending with a hyphen"
            )
        return v


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
    kubernetes_version: str = Field(default="1.33", pattern=r"^1\.[0-9]{2}$")
    admin_principals: list[str]
    instance_types: dict[str, str] = Field(default_factory=dict)
    system_instance_type: str = "m7i.xlarge"
    # An EBS snapshot of a containerd image store with the serving images pre-pulled (GPU nodes mount it).
    image_snapshot_id: str | None = Field(default=None, pattern=r"^snap-[0-9a-f]{8,17}$")

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
            raise ValueError(f"masterCidr '{self.master_cidr}' must be a /28 (GKE's control-plane range)")
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


class GpuPool(Model):
    name: str = Field(max_length=24, pattern=NAME)
    accelerator: str
    accelerators_per_node: int = 1
    min_nodes: int = Field(default=0, ge=0)
    max_nodes: int = Field(default=1, ge=1, le=1000)
    spot: bool = False
    disk_size_gb: int = Field(default=200, ge=200, le=65536)

    @field_validator("accelerator")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in ACCELERATORS:
            raise ValueError(f"unknown accelerator '{v}'; allowed: {', '.join(ACCELERATORS)}")
        return v

    @model_validator(mode="after")
    def _sizes(self) -> GpuPool:
        allowed = ACCELERATORS[self.accelerator].allowed_counts
        if self.accelerators_per_node not in allowed:
            raise ValueError(
                f"pool '{self.name}': acceleratorsPerNode {self.accelerators_per_node} is not sold for "
                f"{self.accelerator}; allowed: {', '.join(map(str, allowed))}"
            )
        if self.min_nodes > self.max_nodes:
            raise ValueError(
                f"pool '{self.name}': minNodes ({self.min_nodes}) must not exceed maxNodes ({self.max_nodes})"
            )
        return self


class GpuSharing(Model):
    strategy: Literal["TIME_SHARING"] = "TIME_SHARING"
    max_shared_clients_per_gpu: int = Field(default=2, ge=2, le=48)


class Gpu(Model):
    driver_version: Literal["LATEST", "DEFAULT"] = "LATEST"
    pools: list[GpuPool] = Field(min_length=1)
    sharing: GpuSharing | None = None

    @field_validator("pools")
    @classmethod
    def _unique(cls, pools: list[GpuPool]) -> list[GpuPool]:
        names = [p.name for p in pools]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"pool name '{dupes[0]}' is used twice; pool names must be unique")
        if "system" in names:
            raise ValueError("pool name 'system' is reserved for the system pool")
        return pools


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
                "secondaryBootDiskImage needs imageStreaming: true (GKE requires image streaming)"
            )
        return self


class Dns(Model):
    domain: str
    create_zone: bool = True
    zone_name: str | None = Field(default=None, max_length=63, pattern=NAME)

    _domain = field_validator("domain")(checks.domain)

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
    revision: str = Field(default="main", min_length=1)
    path: str = Field(default="seeds", pattern=r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
    # For a private repo: the name of a `secrets` entry holding its credential as JSON
    # ({"username", "password"} for https, {"sshPrivateKey"} for ssh). External Secrets turns it into
    # Argo CD's repository Secret; the value never passes through git or Pulumi.
    credentials_secret: str | None = None

    _url = field_validator("repo_url")(checks.repo_url)


class ArgoCd(Model):
    chart_version: str = DEFAULT_ARGOCD_CHART_VERSION
    # Narrowing the profile (or destroying the stack) deletes layer roots, and with them every workload
    # of those layers. The roots are protected unless this says so.
    allow_layer_removal: bool = False

    @field_validator("chart_version")
    @classmethod
    def _exact(cls, v: str) -> str:
        if not SEMVER.match(v):
            raise ValueError(
                f"'{v}' is not an exact chart version (e.g. {DEFAULT_ARGOCD_CHART_VERSION}); no ranges"
            )
        return v


CLOUD_BLOCKS: dict[str, str] = {"gcp": "gcp", "aws": "aws", "existing": "existing"}


class StackConfig(Model):
    """A whole stack's config: what `pulumi config` holds under the `llm-platform:` namespace."""

    cloud: Cloud
    profile: Profile
    environment: Environment = "dev"
    cluster: Cluster
    gcp: GcpBlock | None = None
    aws: AwsBlock | None = None
    existing: ExistingBlock | None = None
    network: Network = Field(default_factory=Network)
    gpu: Gpu
    cold_start: ColdStart = Field(default_factory=ColdStart)
    dns: Dns
    secrets: list[SecretRef] = Field(default_factory=list)
    gitops: GitOps
    argocd: ArgoCd = Field(default_factory=ArgoCd)

    @model_validator(mode="after")
    def _one_cloud_block(self) -> StackConfig:
        for block in CLOUD_BLOCKS.values():
            present = getattr(self, block) is not None
            if block == self.cloud and not present:
                raise ValueError(f"cloud is '{self.cloud}' but the '{block}' block is missing")
            if block != self.cloud and present:
                raise ValueError(
                    f"a '{block}' block on a '{self.cloud}' stack: keep only the '{self.cloud}' block "
                    "(a cloud swap edits `cloud` and its block together)"
                )
        return self

    @model_validator(mode="after")
    def _overrides_fit(self) -> StackConfig:
        pools = {p.name: p for p in self.gpu.pools}
        overrides: dict[str, str] = {}
        families: dict[str, tuple[str, ...]] = {}
        key = ""
        if self.gcp is not None:
            key, overrides = "gcp.machineTypes", self.gcp.machine_types
            families = {n: ACCELERATORS[p.accelerator].gke_families for n, p in pools.items()}
        elif self.aws is not None:
            key, overrides = "aws.instanceTypes", self.aws.instance_types
            families = {n: ACCELERATORS[p.accelerator].eks_families for n, p in pools.items()}
        for pool, machine in overrides.items():
            if pool not in pools:
                raise ValueError(f"{key}.{pool}: no GPU pool named '{pool}'; pools: {', '.join(pools)}")
            allowed = families[pool]
            if not allowed or not machine.startswith(allowed):
                raise ValueError(
                    f"{key}.{pool}: '{machine}' does not carry {pools[pool].accelerator}; "
                    f"allowed machine families: {', '.join(f + '*' for f in allowed) or 'none on this cloud'}"
                )
        return self

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
