"""The substrate interface: exec-auth cluster access marked secret, and a complete, versioned contract."""

from __future__ import annotations

import json

from offline.engine import is_secret
from substrate.contract import SCHEMA_VERSION, contract_keys
from tests.stack_fixtures import render_stack


def test_cluster_access_is_an_exec_auth_kubeconfig_marked_secret() -> None:
    provider = render_stack("gcp-full").one("pulumi:providers:kubernetes")
    assert is_secret(provider.inputs["kubeconfig"]), "the kubeconfig is stored encrypted"
    doc = json.loads(provider.inputs["kubeconfig"]["value"])
    (user,) = doc["users"]
    assert user["user"]["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert set(user["user"]) == {"exec"}, "no token, password or client key: credentials are fetched at use"
    assert doc["clusters"][0]["cluster"]["server"].startswith("https://")


def test_the_kubeconfig_stack_output_is_secret() -> None:
    assert is_secret(render_stack("gcp-full").outputs["kubeconfig"])


def test_the_contract_is_versioned_and_has_every_key_of_the_schema() -> None:
    contract = render_stack("gcp-full").outputs["contract"]
    assert contract["schema_version"] == SCHEMA_VERSION
    assert list(contract) == contract_keys(), "the contract has exactly the schema's keys, in order"
    assert all(isinstance(v, str) for v in contract.values()), "every value is a string (annotation-ready)"


def test_the_gke_contract_says_managed_gpus_with_the_driver_owned_by_gke() -> None:
    c = render_stack("gcp-full").outputs["contract"]
    assert (c["gpu_stack"], c["gpu_driver_owner"]) == ("managed", "gke")
    assert c["gpu_pools"] == "l4,h100-spot"
    assert (c["gpu_taint_key"], c["gpu_taint_value"], c["gpu_taint_effect"]) == (
        "nvidia.com/gpu",
        "present",
        "NoSchedule",
    )
    assert c["node_autoscaler_kind"] == "cluster-autoscaler"


def test_the_gke_contract_names_the_identities_and_what_to_annotate() -> None:
    c = render_stack("gcp-full").outputs["contract"]
    assert (c["secrets_backend"], c["secrets_location"]) == ("gcp-secret-manager", "acme-llm-prod")
    assert (c["secrets_identity_namespace"], c["secrets_identity_service_account"]) == (
        "external-secrets",
        "external-secrets",
    )
    assert c["secrets_identity_annotation_key"] == "iam.gke.io/gcp-service-account"
    assert c["secrets_identity_annotation_value"] == "llm-full-eso@acme-llm-prod.iam.gserviceaccount.com"
    assert (c["dns_provider"], c["dns_zone_id"], c["dns_policy"]) == ("google", "llm-acme-example", "sync")


def test_the_contract_maps_neutral_storage_classes_and_cold_start_levers() -> None:
    c = render_stack("gcp-full").outputs["contract"]
    assert (c["storage_default_name"], c["storage_default_access_mode"]) == (
        "platform-default",
        "ReadWriteOnce",
    )
    assert json.loads(c["storage_default_parameters"]) == {"type": "pd-balanced"}
    assert c["storage_model_cache_access_mode"] == "ReadOnlyMany"
    assert (c["cold_start_image_streaming"], c["cold_start_preloaded_images"]) == ("true", "true")
    assert render_stack("gcp-serving").outputs["contract"]["cold_start_preloaded_images"] == "false"


def test_every_resource_lives_under_the_substrate_or_the_bootstrap_component() -> None:
    r = render_stack("gcp-full")
    roots = [reg for reg in r.resources if reg.parent.split("::")[-2] == "pulumi:pulumi:Stack"]
    assert roots, "the stack has top-level components"
    assert {reg.type.split(":")[1] for reg in roots} <= {"substrate", "bootstrap"}
    assert all(not reg.custom for reg in roots), "no resource is registered outside a component"
