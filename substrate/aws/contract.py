"""The contract an EKS substrate presents: its facts, in one place, from the config and what it built."""

from __future__ import annotations

import pulumi

from stacks.schema import StackConfig
from substrate.aws.config import block
from substrate.aws.dns import DnsZone
from substrate.aws.karpenter import NAMESPACE as KARPENTER_NAMESPACE
from substrate.aws.karpenter import SERVICE_ACCOUNT as KARPENTER_SERVICE_ACCOUNT
from substrate.aws.karpenter import KarpenterPrerequisites
from substrate.aws.registry import ModelRegistry
from substrate.aws.secrets import SecretContainers, prefix
from substrate.aws.storage import storage_facts
from substrate.contract import (
    KARPENTER_NODEPOOL_PREFIX,
    ClusterFacts,
    DnsFacts,
    NodeAutoscalerFacts,
    RegistryFacts,
    SecretsFacts,
    SubstrateContract,
)
from substrate.facts import cold_start_facts, gpu_facts


def eks_contract(
    config: StackConfig,
    *,
    account_id: pulumi.Input[str],
    karpenter: KarpenterPrerequisites,
    secrets: SecretContainers,
    dns: DnsZone,
    registry: ModelRegistry,
) -> SubstrateContract:
    a = block(config)
    storage = storage_facts()
    return SubstrateContract(
        cluster=ClusterFacts(cloud="aws", region=a.region, name=config.cluster.name, account=account_id),
        # The seed's Karpenter NodePools, one per option, named by the same rule (karpenter-gpu-nodepools).
        gpu=gpu_facts(
            config.gpu, stack="operator", driver_owner="image", node_pool_prefix=KARPENTER_NODEPOOL_PREFIX
        ),
        node_autoscaler=NodeAutoscalerFacts(
            kind="karpenter",
            namespace=KARPENTER_NAMESPACE,
            service_account=KARPENTER_SERVICE_ACCOUNT,
            node_role=karpenter.node_role_name,
            interruption_queue=karpenter.queue_name,
        ),
        secrets=SecretsFacts(
            backend="aws-secrets-manager",
            location=a.region,
            prefix=prefix(config.cluster.name),
            names=tuple(s.name for s in config.secrets),
            identity=secrets.eso.identity,
        ),
        dns=DnsFacts(
            provider="aws",
            domain=config.dns.domain,
            zone_id=dns.zone_id,
            policy="sync",
            identity=dns.external_dns.identity,
        ),
        storage=storage,
        registry=RegistryFacts(url=registry.url),
        # EKS has no managed lazy image loading like GKE image streaming; nothing here enables
        # one, so images are pulled whole (or come preloaded from the snapshot).
        cold_start=cold_start_facts(
            config.gpu, storage, image_streaming=False, preloaded_images=a.image_snapshot_id is not None
        ),
    )
