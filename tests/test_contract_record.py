"""The contract as it crosses: resolved once into a typed record of plain values, known or not known
explicitly, and flattened only for the wire; the flat keys and the bridge's aliases come from one
declaration."""

from __future__ import annotations

from dataclasses import replace

import pulumi
import pytest

from bootstrap.cluster_secret import (
    BRIDGE_ALIASES,
    GitSource,
    annotation_keys_added_by_bootstrap,
    cloud_bridge_aliases,
    secret_annotations,
)
from substrate.contract import (
    ClusterFacts,
    ColdStartFacts,
    DnsFacts,
    GpuFacts,
    NodeAutoscalerFacts,
    RegistryFacts,
    ResolvedContract,
    SecretsFacts,
    StorageClass,
    StorageFacts,
    SubstrateContract,
    WorkloadIdentity,
    contract_keys,
)
from substrate.contract_wire import flat_keys


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, object]]:
        return args.name, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, object], list[tuple[str, str]]]:
        return {}, []


def _identity(value: pulumi.Input[str]) -> WorkloadIdentity:
    return WorkloadIdentity(
        namespace="ns", service_account="sa", annotation_key="example.com/identity", annotation_value=value
    )


def contract(*, identity_value: pulumi.Input[str] = "eso@example") -> SubstrateContract:
    storage = StorageClass(name="c", provisioner="p", parameters={"type": "ssd"}, access_mode="ReadWriteOnce")
    return SubstrateContract(
        cluster=ClusterFacts(cloud="gcp", region="r", name="c", account="acct"),
        gpu=GpuFacts(
            stack="managed",
            driver_owner="gke",
            pools=("a", "b"),
            accelerators=("x",),
            pool_accelerators=("a=x",),
            spot_pools=(),
            time_sharing=True,
            time_sharing_replicas=4,
        ),
        node_autoscaler=NodeAutoscalerFacts(kind="none"),
        secrets=SecretsFacts(
            backend="kubernetes", location="l", prefix="", names=("s",), identity=_identity(identity_value)
        ),
        dns=DnsFacts(provider="none", domain="d.example", zone_id="z", policy="sync", identity=_identity("")),
        storage=StorageFacts(default=storage, fast=storage, model_cache=storage),
        registry=RegistryFacts(url="u"),
        cold_start=ColdStartFacts(
            image_streaming=False, preloaded_images=True, model_cache_class="c", warm_pool_min_nodes=0
        ),
    )


def test_the_resolved_record_mirrors_every_field_of_the_contract() -> None:
    assert flat_keys(ResolvedContract) == flat_keys(SubstrateContract), (
        "every contract field has its plain counterpart in the resolved record, under the same name"
    )
    assert contract_keys() == sorted(flat_keys(SubstrateContract)), "the flat keys come from the declaration"


def test_a_contract_of_plain_values_is_known_and_round_trips_through_the_wire_format() -> None:
    record = contract().known()
    assert record is not None, "no value waits on a resource: the record is known before any exists"
    flat = record.flatten()
    assert list(flat) == contract_keys() and all(isinstance(v, str) for v in flat.values())
    assert (flat["gpu_pools"], flat["gpu_time_sharing"], flat["gpu_time_sharing_replicas"]) == (
        "a,b",
        "true",
        "4",
    )
    assert flat["storage_fast_parameters"] == '{"type":"ssd"}', "a mapping crosses as compact JSON"
    assert ResolvedContract.from_flat(flat) == record, "the wire format loses nothing"


def test_a_contract_with_an_output_is_not_known_and_its_other_sections_still_are() -> None:
    waiting = contract(identity_value=pulumi.Output.from_input("eso@example"))
    assert waiting.known() is None, "a value that is an output makes the record unknown, explicitly"
    assert waiting.secrets.known() is None
    assert waiting.dns.identity.annotation_value == "", "sections without outputs are untouched"


def test_resolving_waits_for_every_output_once_and_yields_the_same_record() -> None:
    waiting = contract(identity_value=pulumi.Output.from_input("eso@example"))

    def check(record: ResolvedContract) -> None:
        assert record == contract().known(), "the resolved record holds the outputs' values"
        assert record.secrets.identity.annotation_value == "eso@example"

    @pulumi.runtime.test
    def resolve() -> pulumi.Output[None]:
        return waiting.resolve().apply(check)

    # Mocks of its own (the offline engine sets its own for every render).
    pulumi.runtime.set_mocks(_Mocks(), preview=False)
    resolve()


def test_a_missing_wire_key_is_named() -> None:
    flat = contract().known()
    assert flat is not None
    with pytest.raises(KeyError, match="dns_zone_id"):
        ResolvedContract.from_flat({k: v for k, v in flat.flatten().items() if k != "dns_zone_id"})


@pytest.mark.parametrize("cloud", ["gcp", "aws", "existing"])
def test_the_bridge_aliases_copy_their_contract_keys(cloud: str) -> None:
    record = contract().known()
    assert record is not None
    record = replace(record, cluster=replace(record.cluster, cloud=cloud))
    annotations = secret_annotations(
        record,
        source=GitSource(repo_url="https://example.com/seed.git", revision="main", path="seeds"),
        profile="full",
        environment="dev",
        chart_version="1.0.0",
    )
    aliases = BRIDGE_ALIASES | cloud_bridge_aliases(cloud)
    assert {a: annotations[a] for a in aliases} == {a: annotations[k] for a, k in aliases.items()}, (
        "each GitOps Bridge name carries its contract key's value"
    )
    extra = set(annotations) - set(contract_keys())
    assert extra <= annotation_keys_added_by_bootstrap(), "the seed check knows every key the bootstrap adds"
