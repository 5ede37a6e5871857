"""Adding a cloud is a package plus one registry entry: a stub cloud from the test suite, planned end to end.

`tests/stub_cloud/` is registered for each test (and removed after it), then a stack with `cloud: stub`
goes through the real schema, the registry's adapter lookup, the stub's mocks, the contract, the
bootstrap and the policy pack — none of which names the stub. What the stub's parts contribute (its
block, its computed account, its bridge annotation, its secret store) must show up where the core
puts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import clouds
from offline import plan
from offline.engine import Rendering, render
from policy import offline as policy_offline
from policy import rules
from policy.rules import PolicyResource
from stacks import loader
from tests.stack_fixtures import stack_raw
from tests.stub_cloud import mocks as stub_mocks
from tests.stub_cloud import policy as stub_policy
from tests.stub_cloud.config import Block as StubBlock

STUB = clouds.Cloud(name="stub", package="tests.stub_cloud", adapter="adapter:StubSubstrate")
SECRET = "kubernetes:core/v1:Secret"
APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application"


@pytest.fixture
def stub() -> Iterator[clouds.Cloud]:
    with clouds.registered(STUB) as cloud:
        yield cloud


def stub_stack(**block: Any) -> dict[str, Any]:
    raw = stack_raw("local")
    del raw["existing"]
    raw["cloud"] = "stub"
    raw["stub"] = {"region": "stub-1", **block}
    return raw


@pytest.fixture
def rendering(stub: clouds.Cloud) -> Rendering:
    return render(stub_stack(), "stub")


def test_the_schema_validates_a_registered_clouds_block_with_its_model(stub: clouds.Cloud) -> None:
    config = loader.validate(stub_stack())
    assert isinstance(config.cloud_block, StubBlock), "the block is the registered cloud's own model"
    assert config.cloud_block.region == "stub-1"


def test_a_bad_stub_block_is_refused_under_its_own_key(stub: clouds.Cloud) -> None:
    with pytest.raises(loader.ConfigError) as refused:
        loader.validate(stub_stack(region="Not A Region"))
    assert "  - stub.region: not allowed here" in str(refused.value), "a field's refusal names stub.<key>"
    with pytest.raises(loader.ConfigError) as refused:
        loader.validate(stub_stack(zone="x"))
    assert "  - stub: unknown key 'zone'; allowed keys here: kubeconfigContext, region" in str(
        refused.value
    ), "an unknown key inside the block is refused under the block's key, naming the block's keys"


def test_the_stub_clouds_own_stack_rules_run(stub: clouds.Cloud) -> None:
    raw = stub_stack()
    raw["gpu"]["pools"][0]["capacity"] = ["spot"]
    with pytest.raises(loader.ConfigError, match=r"gpu\.pools\[0\]\.capacity: allowed on stub"):
        loader.validate(raw)


def test_the_plan_shows_the_stub_clouds_own_warnings_through_its_config_hook(stub: clouds.Cloud) -> None:
    assert plan.warnings(loader.validate(stub_stack(region="stub-0"))) == ["stub.region stub-0: retiring"], (
        "the plan asks the stack's cloud for its warnings"
    )
    assert plan.warnings(loader.validate(stub_stack())) == [], "a region with runway gets none"


def test_once_unregistered_the_stub_is_an_unknown_cloud_naming_the_registered_ones() -> None:
    with clouds.registered(STUB):
        loader.validate(stub_stack())
    raw = stub_stack()
    del raw["stub"]
    with pytest.raises(loader.ConfigError) as refused:
        loader.validate(raw)
    message = str(refused.value)
    assert "  - cloud: 'stub' is not a registered cloud" in message, "the key and the value are named"
    assert all(f"'{name}'" in message for name in clouds.names()), "the registered clouds are listed"
    assert "stub" not in clouds.names(), "the registry is as it was before the test"


def test_the_registry_builds_the_stubs_adapter_and_its_mocks_compute_its_outputs(
    rendering: Rendering,
) -> None:
    (cluster,) = rendering.of_type("stub:index/cluster:Cluster")
    assert cluster.inputs["region"] == "stub-1", "the adapter registered its cloud resource"
    assert not [r.type for r in rendering.resources if r.type.startswith(("gcp:", "aws:"))], (
        "a stub stack registers no other cloud's resources"
    )
    assert rendering.outputs["cloud"] == "stub"
    assert rendering.outputs["contract"]["cluster_account"] == stub_mocks.ACCOUNT, (
        "the account the stub's mocks computed reached the contract"
    )


def test_the_bootstrap_adds_the_stubs_bridge_annotation_and_secret_store(rendering: Rendering) -> None:
    meta = rendering.one(SECRET).inputs["metadata"]
    assert meta["labels"]["cloud"] == "stub"
    assert meta["annotations"]["stub_account_id"] == stub_mocks.ACCOUNT, (
        "the stub's bridge annotation copies the contract key it names"
    )
    assert not {k for k in meta["annotations"] if k.startswith(("gcp_", "aws_"))}, (
        "no other cloud's bridge annotation is added"
    )
    roots = {a.inputs["metadata"]["name"]: a for a in rendering.of_type(APPLICATION)}
    values = roots["platform-secrets"].inputs["spec"]["source"]["helm"]["valuesObject"]
    (store,) = values["extraObjects"]
    assert store["spec"]["provider"] == {"fake": {"data": [{"key": "location", "value": "stub-1"}]}}, (
        "the store's provider block comes from the stub's bridge"
    )


def test_the_policy_pack_runs_the_stubs_rules_and_passes_the_stub_stack(rendering: Rendering) -> None:
    pack = rules.registry()
    assert stub_policy.cluster_region in pack, "a registered cloud's rules join the pack"
    assert set(rules.REGISTRY) <= set(pack), "every built-in rule still runs"
    assert policy_offline.evaluate(rendering, "dev", pack) == [], "the stub stack meets every rule"
    empty = PolicyResource(type=stub_policy.CLUSTER, urn="urn:stub", name="c", props={"region": ""})
    assert stub_policy.cluster_region(empty) == ["region is empty: name the region the cluster runs in"]


def test_an_unregistered_clouds_rules_leave_the_pack() -> None:
    assert stub_policy.cluster_region not in rules.registry()
