"""The contract's value vocabularies (secrets backend, DNS provider, GPU driver owner) are open: the
neutral values plus what each registered cloud's bridge brings, checked when a contract is built.

A value no registered cloud brings is refused naming the field and what is allowed; a cloud's values
are allowed exactly while it is registered; no value is brought twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

import clouds
from substrate.contract import (
    ClusterFacts,
    ColdStartFacts,
    DnsFacts,
    GpuFacts,
    NodeAutoscalerFacts,
    RegistryFacts,
    SecretsFacts,
    StorageClass,
    StorageFacts,
    SubstrateContract,
    WorkloadIdentity,
)
from substrate.contract_values import (
    NEUTRAL_DNS_PROVIDERS,
    NEUTRAL_DRIVER_OWNERS,
    NEUTRAL_SECRETS_BACKENDS,
    dns_providers,
    driver_owners,
    secrets_backends,
)
from tests.stub_cloud import bridge as stub_bridge

STUB = clouds.Cloud(name="stub", package="tests.stub_cloud", adapter="adapter:StubSubstrate")


def neutral_contract(
    *, backend: str = "kubernetes", dns: str = "none", driver: str = "operator"
) -> SubstrateContract:
    identity = WorkloadIdentity(namespace="ns", service_account="sa", annotation_key="", annotation_value="")
    storage = StorageClass(name="c", provisioner="p", parameters={}, access_mode="ReadWriteOnce")
    return SubstrateContract(
        cluster=ClusterFacts(cloud="neutral", region="r", name="c", account=""),
        gpu=GpuFacts(
            stack="operator",
            driver_owner=driver,
            pools=("a",),
            accelerators=("x",),
            pool_accelerators=("a=x",),
            spot_pools=(),
            time_sharing=False,
            time_sharing_replicas=1,
        ),
        node_autoscaler=NodeAutoscalerFacts(kind="none"),
        secrets=SecretsFacts(backend=backend, location="l", prefix="", names=(), identity=identity),
        dns=DnsFacts(provider=dns, domain="d.example", zone_id="", policy="sync", identity=identity),
        storage=StorageFacts(default=storage, fast=storage, model_cache=storage),
        registry=RegistryFacts(url="u"),
        cold_start=ColdStartFacts(
            image_streaming=False, preloaded_images=False, model_cache_class="c", warm_pool_min_nodes=0
        ),
    )


def test_a_contract_of_neutral_values_is_built() -> None:
    for backend in NEUTRAL_SECRETS_BACKENDS:
        for dns in NEUTRAL_DNS_PROVIDERS:
            for driver in NEUTRAL_DRIVER_OWNERS:
                assert neutral_contract(backend=backend, dns=dns, driver=driver).secrets.backend == backend


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("secrets.backend", {"backend": "keepass"}),
        ("dns.provider", {"dns": "hosts-file"}),
        ("gpu.driver_owner", {"driver": "nobody"}),
    ],
)
def test_a_value_no_registered_cloud_brings_is_refused_naming_the_field_and_what_is_allowed(
    field: str, kwargs: dict[str, str]
) -> None:
    with pytest.raises(ValueError) as refused:
        neutral_contract(**kwargs)
    message = str(refused.value)
    (value,) = kwargs.values()
    assert f"  - {field}: '{value}' is not one the core or a registered cloud brings; allowed: " in message, (
        "the refusal names the field and the value"
    )
    allowed = {
        "secrets.backend": secrets_backends,
        "dns.provider": dns_providers,
        "gpu.driver_owner": driver_owners,
    }
    assert message.endswith(", ".join(allowed[field]())), "the refusal lists every allowed value"


def test_a_clouds_values_are_allowed_exactly_while_it_is_registered() -> None:
    (backend,) = stub_bridge.SECRET_STORES
    (dns,) = stub_bridge.DNS_PROVIDERS
    with clouds.registered(STUB):
        built = neutral_contract(backend=backend, dns=dns)
        assert (built.secrets.backend, built.dns.provider) == (backend, dns)
    with pytest.raises(ValueError, match=f"secrets.backend: '{backend}'"):
        neutral_contract(backend=backend)
    with pytest.raises(ValueError, match=f"dns.provider: '{dns}'"):
        replace(neutral_contract(), dns=replace(neutral_contract().dns, provider=dns))


@pytest.mark.parametrize("vocabulary", [secrets_backends, dns_providers, driver_owners])
def test_no_value_is_brought_twice_so_each_names_one_owner(vocabulary: Callable[[], tuple[str, ...]]) -> None:
    with clouds.registered(STUB):
        values = vocabulary()
    assert len(values) == len(set(values)), f"the core and the clouds bring distinct values: {values}"
