"""The stub's substrate: one cloud resource (whose computed account reaches the contract) and access."""

from __future__ import annotations

from typing import Any

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
from substrate.facts import cold_start_facts, gpu_facts
from substrate.interface import ClusterAccess
from tests.stub_cloud.config import Block

CLUSTER_TYPE = "stub:index/cluster:Cluster"


class StubCluster(pulumi.CustomResource):
    account_id: pulumi.Output[str]

    def __init__(self, name: str, region: str, opts: pulumi.ResourceOptions) -> None:
        # Output properties are the keys given here, as written: the account is computed by the provider.
        super().__init__(CLUSTER_TYPE, name, {"region": region, "account_id": None}, opts)


def _identity(pair: tuple[str, str]) -> WorkloadIdentity:
    return WorkloadIdentity(
        namespace=pair[0], service_account=pair[1], annotation_key="", annotation_value=""
    )


def stub_contract(config: StackConfig, block: Block, account: pulumi.Input[str]) -> SubstrateContract:
    def cls(name: str) -> StorageClass:
        return StorageClass(name=name, provisioner="stub.csi", parameters={}, access_mode="ReadWriteOnce")

    storage = StorageFacts(
        default=cls("platform-default"), fast=cls("platform-fast"), model_cache=cls("platform-model-cache")
    )
    return SubstrateContract(
        cluster=ClusterFacts(cloud="stub", region=block.region, name=config.cluster.name, account=account),
        gpu=gpu_facts(config.gpu, stack="operator", driver_owner="operator"),
        node_autoscaler=NodeAutoscalerFacts(kind="none"),
        secrets=SecretsFacts(
            backend="stub-secrets",
            location=block.region,
            prefix="",
            names=tuple(s.name for s in config.secrets),
            identity=_identity(ESO_IDENTITY),
        ),
        dns=DnsFacts(
            provider="none",
            domain=config.dns.domain,
            zone_id="",
            policy="sync",
            identity=_identity(EXTERNAL_DNS_IDENTITY),
        ),
        storage=storage,
        registry=RegistryFacts(url="registry.stub/models"),
        cold_start=cold_start_facts(config.gpu, storage, image_streaming=False, preloaded_images=False),
    )


class StubSubstrate(Component):
    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:substrate:Stub", name, opts)
        block = config.cloud_block
        assert isinstance(block, Block)
        cluster = StubCluster(f"{name}-cluster", block.region, self.child())
        provider = k8s.Provider(f"{name}-k8s", context=block.kubeconfig_context, opts=self.child())
        self.access = ClusterAccess(provider=provider, kubeconfig=None, substrate=self)
        self.contract = stub_contract(config, block, cluster.account_id)
        self.exports: dict[str, Any] = {}
        self.register_outputs({})
