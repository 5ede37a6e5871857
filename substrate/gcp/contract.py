"""The contract a GKE substrate presents: its facts, in one place, from the config and what it built."""

from __future__ import annotations

from stacks.schema import StackConfig
from substrate.contract import (
    ClusterFacts,
    DnsFacts,
    NodeAutoscalerFacts,
    RegistryFacts,
    SecretsFacts,
    SubstrateContract,
)
from substrate.facts import cold_start_facts, gpu_facts
from substrate.gcp.bridge import COMPUTE_CLASS_LABEL
from substrate.gcp.config import block
from substrate.gcp.dns import DnsZone
from substrate.gcp.identity import KeylessIdentity
from substrate.gcp.registry import ModelRegistry
from substrate.gcp.storage import storage_facts


def gke_contract(
    config: StackConfig,
    *,
    eso: KeylessIdentity,
    external_dns: KeylessIdentity,
    dns: DnsZone,
    registry: ModelRegistry,
) -> SubstrateContract:
    g = block(config)
    storage = storage_facts()
    return SubstrateContract(
        cluster=ClusterFacts(cloud="gcp", region=g.region, name=config.cluster.name, account=g.project),
        # Serving selects the pool's ComputeClass (the seed's), which orders the option node pools.
        gpu=gpu_facts(
            config.gpu,
            stack="managed",
            driver_owner="gke",
            node_pool_prefix="",
            pool_selector=COMPUTE_CLASS_LABEL,
        ),
        node_autoscaler=NodeAutoscalerFacts(kind="cluster-autoscaler"),
        secrets=SecretsFacts(
            backend="gcp-secret-manager",
            location=g.project,
            prefix="",
            names=tuple(s.name for s in config.secrets),
            identity=eso.identity,
        ),
        dns=DnsFacts(
            provider="google",
            domain=config.dns.domain,
            zone_id=dns.zone_name,
            policy="sync",
            identity=external_dns.identity,
        ),
        storage=storage,
        registry=RegistryFacts(url=registry.url),
        cold_start=cold_start_facts(
            config.gpu,
            storage,
            image_streaming=config.cold_start.image_streaming,
            preloaded_images=config.cold_start.secondary_boot_disk_image is not None,
        ),
    )
