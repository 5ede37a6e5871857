"""`cloud: existing` — the portable fallback: no cloud resources, the contract from config.

On-prem, another provider, or a local kind cluster. Pulumi reaches the cluster through a context of
the operator's own kubeconfig (whatever auth it uses stays outside Pulumi state) and describes it with
the same contract as GKE and EKS: GPU stack `operator` with the operator owning the driver, storage
from the named provisioner, secrets and DNS from the backends named in config. A cloud secret manager
off its cloud is reached with `existing.secretsAuth` (a static key in a Kubernetes Secret the operator
made, or the pod's ambient identity), which the contract carries as the store's auth settings.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as k8s

from stacks.schema import StackConfig
from substrate.component import Component
from substrate.contract import (
    ESO_IDENTITY,
    EXTERNAL_DNS_IDENTITY,
    ClusterFacts,
    DnsFacts,
    NodeAutoscalerFacts,
    RegistryFacts,
    SecretsFacts,
    StorageClass,
    StorageFacts,
    SubstrateContract,
    WorkloadIdentity,
)
from substrate.existing.config import SecretsAuth, block
from substrate.existing.rules import store_auth
from substrate.facts import cold_start_facts, gpu_facts
from substrate.interface import ClusterAccess


def storage_facts(provisioner: str) -> StorageFacts:
    # One provisioner backs all three classes; a generic one cannot promise ReadOnlyMany, so it doesn't.
    def cls(name: str) -> StorageClass:
        return StorageClass(name=name, provisioner=provisioner, parameters={}, access_mode="ReadWriteOnce")

    return StorageFacts(
        default=cls("platform-default"), fast=cls("platform-fast"), model_cache=cls("platform-model-cache")
    )


def _auth_json(backend: str, auth: SecretsAuth | None) -> str:
    settings = store_auth(backend, auth)
    return json.dumps(settings, sort_keys=True, separators=(",", ":")) if settings else ""


def existing_contract(config: StackConfig) -> SubstrateContract:
    """Every fact from config: an existing cluster has no resources of Pulumi's to read them from."""
    e = block(config)
    storage = storage_facts(e.storage_provisioner)
    return SubstrateContract(
        cluster=ClusterFacts(cloud="existing", region=e.region, name=config.cluster.name, account=""),
        gpu=gpu_facts(config.gpu, stack="operator", driver_owner="operator"),
        node_autoscaler=NodeAutoscalerFacts(kind="none"),
        secrets=SecretsFacts(
            backend=e.secrets_backend,
            location=e.secrets_location,
            prefix="",
            names=tuple(s.name for s in config.secrets),
            identity=WorkloadIdentity(
                namespace=ESO_IDENTITY[0],
                service_account=ESO_IDENTITY[1],
                annotation_key="",
                annotation_value="",
            ),
            auth=_auth_json(e.secrets_backend, e.secrets_auth),
        ),
        dns=DnsFacts(
            provider=e.dns_provider,
            domain=config.dns.domain,
            zone_id=e.dns_zone_id,
            policy="sync",
            identity=WorkloadIdentity(
                namespace=EXTERNAL_DNS_IDENTITY[0],
                service_account=EXTERNAL_DNS_IDENTITY[1],
                annotation_key="",
                annotation_value="",
            ),
        ),
        storage=storage,
        registry=RegistryFacts(url=e.model_registry),
        cold_start=cold_start_facts(config.gpu, storage, image_streaming=False, preloaded_images=False),
    )


class ExistingCluster(Component):
    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:substrate:Existing", name, opts)
        e = block(config)
        provider = k8s.Provider(f"{name}-k8s", context=e.kubeconfig_context, opts=self.child())
        self.access = ClusterAccess(provider=provider, kubeconfig=None, substrate=self)
        self.contract = existing_contract(config)
        self.exports: dict[str, object] = {"kubeContext": e.kubeconfig_context}
        self.register_outputs({"context": e.kubeconfig_context})
