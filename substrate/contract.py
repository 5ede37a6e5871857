"""The substrate contract: every fact the in-cluster side needs, and the only thing that crosses to it.

Every adapter fills the same record. Values may be Pulumi outputs (an identity's email exists only
once the identity does), so the bootstrap never reads this record's outputs directly: `resolve()`
waits for them once and yields a `ResolvedContract` of plain values, read by attribute; `known()` is
that record when every value is already plain (a first preview sees it), else None. `flatten()` of
the resolved record is the wire format — the `section_field` keys the bootstrap writes onto Argo CD's
cluster Secret and the seed templates from — so the contract's shape is the same on every cloud and
is versioned by SCHEMA_VERSION.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pulumi

from substrate.contract_values import check
from substrate.contract_wire import flat_keys, flatten, unflatten

SCHEMA_VERSION = "v1"

GpuStack = Literal["managed", "operator"]
# Who installs the NVIDIA driver and container toolkit on GPU nodes, which secret manager External
# Secrets reads, which external-dns provider: open vocabularies, the neutral values plus what each
# registered cloud brings (contract_values), checked when a contract is built.
DriverOwner = str
SecretsBackend = str
DnsProvider = str

GPU_TAINT_KEY = "nvidia.com/gpu"
GPU_TAINT_VALUE = "present"
GPU_TAINT_EFFECT = "NoSchedule"
POOL_LABEL = "llm-platform.io/gpu-pool"
ACCELERATOR_LABEL = "llm-platform.io/accelerator"
# The capacity option a GPU node was bought with (reservation, spot, on-demand, flex-start, capacity-block).
CAPACITY_LABEL = "llm-platform.io/capacity"
# The seed names a pool's Karpenter NodePools `gpu-<pool>[-<option>]` (today's `gpu-<pool>` when single).
KARPENTER_NODEPOOL_PREFIX = "gpu-"
# The node label of the system pool every adapter builds (Argo CD and the controllers run there).
SYSTEM_POOL_LABEL = {"llm-platform.io/pool": "system"}
# Where the seed's controllers run, as (namespace, service account): the identity each cloud binds.
ESO_IDENTITY = ("external-secrets", "external-secrets")
EXTERNAL_DNS_IDENTITY = ("external-dns", "external-dns")
# The model registry's name under the cluster (Artifact Registry repository, ECR prefix).
MODEL_REPOSITORY = "models"


@dataclass(frozen=True, kw_only=True)
class ClusterFacts:
    cloud: str
    region: str
    name: str
    # The cloud account the cluster belongs to (project, account id); empty where there is none.
    account: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
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
    # Containers per GPU when time-sharing is on (1 otherwise); a seed-configured device plugin needs it.
    time_sharing_replicas: int
    # Per pool, the capacity options tried in order: "pool=reservation|spot|on-demand".
    pool_capacity: tuple[str, ...] = ()
    # Per pool, the node pools or Karpenter NodePools implementing each option, in the same order:
    # "pool=l4-reservation|l4-spot|l4-on-demand"; empty where the platform builds no nodes.
    pool_node_pools: tuple[str, ...] = ()
    # Per pool with reservations, what they consume: "pool=name|name" (GCE names, EC2 `cr-` ids).
    pool_reservations: tuple[str, ...] = ()
    # Per pool, its ceiling: "pool=maxNodes" nodes and "pool=maxNodes x acceleratorsPerNode" physical GPUs,
    # for a node provisioner that bounds each option itself (Karpenter's per-NodePool limits).
    pool_max_nodes: tuple[str, ...] = ()
    pool_max_gpus: tuple[str, ...] = ()
    # The node label a serving pod selects its pool by, with the pool's name as the value: a cloud's
    # own (a class label whose class orders the options) where it has one, the pool label elsewhere.
    pool_selector: str = POOL_LABEL
    taint_key: str = GPU_TAINT_KEY
    taint_value: str = GPU_TAINT_VALUE
    taint_effect: str = GPU_TAINT_EFFECT
    pool_label: str = POOL_LABEL
    accelerator_label: str = ACCELERATOR_LABEL
    capacity_label: str = CAPACITY_LABEL


def capacity_node_pools(pool: str, capacity: Sequence[str], prefix: str = "") -> list[tuple[str, str]]:
    """(option, node-pool name) for each option of a pool, in order: a single option keeps
    `<prefix><pool>` (today's name, so existing stacks see no replacement); each option of a longer
    list is `<prefix><pool>-<option>`."""
    if len(capacity) == 1:
        return [(capacity[0], f"{prefix}{pool}")]
    return [(option, f"{prefix}{pool}-{option}") for option in capacity]


@dataclass(frozen=True, kw_only=True)
class NodeAutoscalerFacts:
    """What adds GPU nodes from zero: a cloud's cluster autoscaler, Karpenter (the seed's), or none."""

    kind: Literal["cluster-autoscaler", "karpenter", "none"]
    # Karpenter only (empty otherwise): where its controller runs and the cloud objects it uses.
    namespace: str = ""
    service_account: str = ""
    node_role: pulumi.Input[str] = ""
    interruption_queue: pulumi.Input[str] = ""


@dataclass(frozen=True, kw_only=True)
class WorkloadIdentity:
    """The Kubernetes service account a controller runs as, and what to annotate it with (if anything)."""

    namespace: str
    service_account: str
    # The cloud's service-account annotation; empty when the cloud binds the identity itself (pod identity).
    annotation_key: str
    annotation_value: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class SecretsFacts:
    backend: SecretsBackend
    # Where the backend lives: a cloud project or region, a Vault address, a namespace.
    location: pulumi.Input[str]
    prefix: str
    names: tuple[str, ...]
    identity: WorkloadIdentity
    # How ESO authenticates when its pod identity cannot (an existing cluster off the backend's cloud):
    # the ClusterSecretStore provider settings as JSON, names of Kubernetes Secrets only; empty when
    # the pod identity does.
    auth: str = ""

    def resolve(self) -> pulumi.Output[ResolvedSecrets]:
        resolved: pulumi.Output[ResolvedSecrets] = _resolve(self)
        return resolved

    def known(self) -> ResolvedSecrets | None:
        known: ResolvedSecrets | None = _known(self)
        return known


@dataclass(frozen=True, kw_only=True)
class DnsFacts:
    provider: DnsProvider
    domain: str
    zone_id: pulumi.Input[str]
    # external-dns deletes the records it created when their source goes away ("sync"), so teardown
    # leaves no dangling records; "upsert-only" would orphan them.
    policy: Literal["sync", "upsert-only"]
    identity: WorkloadIdentity


@dataclass(frozen=True, kw_only=True)
class StorageClass:
    name: str
    provisioner: str
    parameters: dict[str, str]
    access_mode: Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"]
    volume_binding_mode: Literal["WaitForFirstConsumer", "Immediate"] = "WaitForFirstConsumer"


@dataclass(frozen=True, kw_only=True)
class StorageFacts:
    # Neutral names: the seed creates these StorageClasses; `default` is the cluster default.
    default: StorageClass
    fast: StorageClass
    model_cache: StorageClass


@dataclass(frozen=True, kw_only=True)
class RegistryFacts:
    # Where digest-pinned modelcar images live: <url>/<model>@sha256:...
    url: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class ColdStartFacts:
    # One lever per latency: image pull, model load, GPU node provisioning, runtime warm-up.
    image_streaming: bool
    preloaded_images: bool
    model_cache_class: str
    # Runtime warm-up is the seed's lever (readiness gates, min replicas); nodes kept warm are reported here.
    warm_pool_min_nodes: int


@dataclass(frozen=True, kw_only=True)
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

    def __post_init__(self) -> None:
        check(
            backend=self.secrets.backend, dns_provider=self.dns.provider, driver_owner=self.gpu.driver_owner
        )

    def resolve(self) -> pulumi.Output[ResolvedContract]:
        """The contract with every output waited for, once."""
        resolved: pulumi.Output[ResolvedContract] = _resolve(self)
        return resolved

    def known(self) -> ResolvedContract | None:
        """The plain record when no value waits on a resource (an existing stack, or no output at all)."""
        known: ResolvedContract | None = _known(self)
        return known


# The same records with every value plain: what the bootstrap reads. Sections with no output in them
# (GpuFacts, StorageFacts, ColdStartFacts) are shared as they are.


@dataclass(frozen=True, kw_only=True)
class ResolvedCluster:
    cloud: str
    region: str
    name: str
    account: str


@dataclass(frozen=True, kw_only=True)
class ResolvedNodeAutoscaler:
    kind: Literal["cluster-autoscaler", "karpenter", "none"]
    namespace: str
    service_account: str
    node_role: str
    interruption_queue: str


@dataclass(frozen=True, kw_only=True)
class ResolvedIdentity:
    namespace: str
    service_account: str
    annotation_key: str
    annotation_value: str


@dataclass(frozen=True, kw_only=True)
class ResolvedSecrets:
    backend: SecretsBackend
    location: str
    prefix: str
    names: tuple[str, ...]
    identity: ResolvedIdentity
    auth: str


@dataclass(frozen=True, kw_only=True)
class ResolvedDns:
    provider: DnsProvider
    domain: str
    zone_id: str
    policy: Literal["sync", "upsert-only"]
    identity: ResolvedIdentity


@dataclass(frozen=True, kw_only=True)
class ResolvedRegistry:
    url: str


@dataclass(frozen=True, kw_only=True)
class ResolvedContract:
    cluster: ResolvedCluster
    gpu: GpuFacts
    node_autoscaler: ResolvedNodeAutoscaler
    secrets: ResolvedSecrets
    dns: ResolvedDns
    storage: StorageFacts
    registry: ResolvedRegistry
    cold_start: ColdStartFacts
    schema_version: str

    def flatten(self) -> dict[str, str]:
        """The wire format: `section_field` keys to strings, in a stable order."""
        return dict(sorted(flatten(self).items()))

    @classmethod
    def from_flat(cls, flat: Mapping[str, str]) -> ResolvedContract:
        """The record a cluster Secret's (or a stack output's) flat keys carry."""
        return unflatten(cls, flat)


_RESOLVED: dict[type, type] = {
    ClusterFacts: ResolvedCluster,
    NodeAutoscalerFacts: ResolvedNodeAutoscaler,
    WorkloadIdentity: ResolvedIdentity,
    SecretsFacts: ResolvedSecrets,
    DnsFacts: ResolvedDns,
    RegistryFacts: ResolvedRegistry,
    SubstrateContract: ResolvedContract,
}
_PLAIN = (str, bool, int, tuple, dict)


def _leaves(value: Any) -> list[Any]:
    if type(value) in _RESOLVED:
        return [leaf for f in dataclasses.fields(value) for leaf in _leaves(getattr(value, f.name))]
    return [value]


def _rebuild(value: Any, leaves: Any) -> Any:
    """`value` as its resolved record, each leaf taken in order from the iterator `leaves`."""
    resolved = _RESOLVED.get(type(value))
    if resolved is None:
        return next(leaves)
    return resolved(**{f.name: _rebuild(getattr(value, f.name), leaves) for f in dataclasses.fields(value)})


def _resolve(value: Any) -> pulumi.Output[Any]:
    return pulumi.Output.all(*_leaves(value)).apply(lambda plain: _rebuild(value, iter(plain)))


def _known(value: Any) -> Any:
    leaves = _leaves(value)
    # A section shared as it is (GpuFacts, StorageFacts, ColdStartFacts) holds plain values only.
    plain = all(isinstance(v, _PLAIN) or dataclasses.is_dataclass(v) for v in leaves)
    return _rebuild(value, iter(leaves)) if plain else None


def contract_keys() -> list[str]:
    """Every flat key of the contract, in wire order: the annotations it crosses as, and what the seed's
    contract ConfigMap mirrors — generated from the declaration, never hand-kept."""
    return sorted(flat_keys(ResolvedContract))
