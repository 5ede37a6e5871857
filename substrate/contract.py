"""The substrate contract: every fact the in-cluster side needs, and the only thing that crosses to it.

Every adapter fills the same record. `flatten()` turns it into `section_field` keys — the keys the
bootstrap writes onto Argo CD's cluster Secret and the seed templates from — so the contract's shape
is the same on every cloud and is versioned by SCHEMA_VERSION. Values may be Pulumi outputs (an
identity's email exists only once the identity does); `resolved()` waits for them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pulumi

SCHEMA_VERSION = "v1"
T = TypeVar("T")

GpuStack = Literal["managed", "operator"]
# Who installs the NVIDIA driver and container toolkit on GPU nodes.
DriverOwner = Literal["gke", "image", "operator"]
SecretsBackend = Literal["gcp-secret-manager", "aws-secrets-manager", "vault", "kubernetes"]
DnsProvider = Literal["google", "aws", "rfc2136", "cloudflare", "none"]

GPU_TAINT_KEY = "nvidia.com/gpu"
GPU_TAINT_VALUE = "present"
GPU_TAINT_EFFECT = "NoSchedule"
POOL_LABEL = "llm-platform.io/gpu-pool"
ACCELERATOR_LABEL = "llm-platform.io/accelerator"
# The node label of the system pool every adapter builds (Argo CD and the controllers run there).
SYSTEM_POOL_LABEL = {"llm-platform.io/pool": "system"}
# Where the seed's controllers run, as (namespace, service account): the identity each cloud binds.
ESO_IDENTITY = ("external-secrets", "external-secrets")
EXTERNAL_DNS_IDENTITY = ("external-dns", "external-dns")
# The model registry's name under the cluster (Artifact Registry repository, ECR prefix).
MODEL_REPOSITORY = "models"


@dataclass(frozen=True)
class ClusterFacts:
    cloud: str
    region: str
    name: str
    # GCP project id, AWS account id; empty where the cluster belongs to no cloud account.
    account: pulumi.Input[str]


@dataclass(frozen=True)
class GpuFacts:
    stack: GpuStack
    driver_owner: DriverOwner
    pools: tuple[str, ...]
    accelerators: tuple[str, ...]
    # "pool=accelerator" pairs, so a node provisioner launches the right GPU for each pool.
    pool_accelerators: tuple[str, ...]
    # Pools that run on spot capacity.
    spot_pools: tuple[str, ...]
    time_sharing: bool
    # Containers per GPU when time-sharing is on (1 otherwise); EKS's device plugin needs the number.
    time_sharing_replicas: int
    taint_key: str = GPU_TAINT_KEY
    taint_value: str = GPU_TAINT_VALUE
    taint_effect: str = GPU_TAINT_EFFECT
    pool_label: str = POOL_LABEL
    accelerator_label: str = ACCELERATOR_LABEL


@dataclass(frozen=True)
class NodeAutoscalerFacts:
    """What adds GPU nodes from zero: GKE's cluster autoscaler, Karpenter (the seed installs it), or none."""

    kind: Literal["cluster-autoscaler", "karpenter", "none"]
    # Karpenter only (empty otherwise): where its controller runs and the cloud objects it uses.
    namespace: str = ""
    service_account: str = ""
    node_role: pulumi.Input[str] = ""
    interruption_queue: pulumi.Input[str] = ""


@dataclass(frozen=True)
class WorkloadIdentity:
    """The Kubernetes service account a controller runs as, and what to annotate it with (if anything)."""

    namespace: str
    service_account: str
    # e.g. iam.gke.io/gcp-service-account; empty when the cloud binds the identity itself (EKS Pod Identity).
    annotation_key: str
    annotation_value: pulumi.Input[str]


@dataclass(frozen=True)
class SecretsFacts:
    backend: SecretsBackend
    # Where the backend lives: GCP project id, AWS region, Vault address.
    location: pulumi.Input[str]
    prefix: str
    names: tuple[str, ...]
    identity: WorkloadIdentity
    # How ESO authenticates when its pod identity cannot (an existing cluster off the backend's cloud):
    # the ClusterSecretStore provider settings as JSON, names of Kubernetes Secrets only; empty when
    # the pod identity does.
    auth: str = ""


@dataclass(frozen=True)
class DnsFacts:
    provider: DnsProvider
    domain: str
    zone_id: pulumi.Input[str]
    # external-dns deletes the records it created when their source goes away ("sync"), so teardown
    # leaves no dangling records; "upsert-only" would orphan them.
    policy: Literal["sync", "upsert-only"]
    identity: WorkloadIdentity


@dataclass(frozen=True)
class StorageClass:
    name: str
    provisioner: str
    parameters: dict[str, str]
    access_mode: Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"]
    volume_binding_mode: Literal["WaitForFirstConsumer", "Immediate"] = "WaitForFirstConsumer"


@dataclass(frozen=True)
class StorageFacts:
    # Neutral names: the seed creates these StorageClasses; `default` is the cluster default.
    default: StorageClass
    fast: StorageClass
    model_cache: StorageClass


@dataclass(frozen=True)
class RegistryFacts:
    # Where digest-pinned modelcar images live: <url>/<model>@sha256:...
    url: pulumi.Input[str]


@dataclass(frozen=True)
class ColdStartFacts:
    # One lever per latency: image pull, model load, GPU node provisioning, runtime warm-up.
    image_streaming: bool
    preloaded_images: bool
    model_cache_class: str
    # Runtime warm-up is the seed's lever (readiness gates, min replicas); nodes kept warm are reported here.
    warm_pool_min_nodes: int


@dataclass(frozen=True)
class SubstrateContract:
    cluster: ClusterFacts
    gpu: GpuFacts
    node_autoscaler: NodeAutoscalerFacts
    secrets: SecretsFacts
    dns: DnsFacts
    storage: StorageFacts
    registry: RegistryFacts
    cold_start: ColdStartFacts
    schema_version: str = SCHEMA_VERSION

    def flatten(self) -> dict[str, pulumi.Input[str]]:
        """`section_field` keys to string values (or outputs of strings), in a stable order."""
        return dict(sorted(_flatten("", self).items()))

    def resolved(self) -> pulumi.Output[dict[str, str]]:
        flat = self.flatten()
        return pulumi.Output.all(*flat.values()).apply(lambda values: dict(zip(flat, values, strict=True)))

    def derive(self, fn: Callable[[Mapping[str, str]], T]) -> pulumi.Input[T]:
        """`fn` over the contract: a plain value when every key `fn` reads is known before any resource
        exists (so a first preview — and the policy pack — sees it), else an output."""
        plain = {k: v for k, v in self.flatten().items() if isinstance(v, str)}
        try:
            return fn(plain)
        except KeyError:
            return self.resolved().apply(fn)


def _flatten(prefix: str, value: Any) -> dict[str, pulumi.Input[str]]:
    if dataclasses.is_dataclass(value) and not isinstance(value, StorageClass):
        out: dict[str, pulumi.Input[str]] = {}
        for field in dataclasses.fields(value):
            key = f"{prefix}_{field.name}" if prefix else field.name
            out.update(_flatten(key, getattr(value, field.name)))
        return out
    if isinstance(value, StorageClass):
        return {
            f"{prefix}_name": value.name,
            f"{prefix}_provisioner": value.provisioner,
            f"{prefix}_parameters": json.dumps(value.parameters, sort_keys=True, separators=(",", ":")),
            f"{prefix}_access_mode": value.access_mode,
            f"{prefix}_volume_binding_mode": value.volume_binding_mode,
        }
    if isinstance(value, bool):
        return {prefix: "true" if value else "false"}
    if isinstance(value, int):
        return {prefix: str(value)}
    if isinstance(value, tuple):
        return {prefix: ",".join(value)}
    return {prefix: value}


def contract_keys() -> list[str]:
    """Every flat key of the contract schema (values are irrelevant: the shape is fixed by the types)."""
    sample = SubstrateContract(
        cluster=ClusterFacts("", "", "", ""),
        gpu=GpuFacts("managed", "gke", (), (), (), (), False, 1),
        node_autoscaler=NodeAutoscalerFacts("none"),
        secrets=SecretsFacts("kubernetes", "", "", (), WorkloadIdentity("", "", "", "")),
        dns=DnsFacts("none", "", "", "sync", WorkloadIdentity("", "", "", "")),
        storage=StorageFacts(*(StorageClass("", "", {}, "ReadWriteOnce") for _ in range(3))),
        registry=RegistryFacts(""),
        cold_start=ColdStartFacts(False, False, "", 0),
    )
    return list(sample.flatten())
