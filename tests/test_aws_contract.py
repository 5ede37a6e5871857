"""The cloud swap: the AWS stacks are the GCP stacks with another cloud, and the contract keeps its shape.

`aws-full` differs from `gcp-full` (and `aws-serving` from `gcp-serving`) only in `cloud` and the cloud
block; both render contracts with the same keys. The EKS contract's values say what EKS provides: the
GPU stack is the operator's with the driver in the image, secrets in AWS Secrets Manager, DNS in
Route 53 through Pod Identity (no annotation), EBS storage classes under the neutral names.
"""

from __future__ import annotations

import json

import pytest

from substrate.contract import SCHEMA_VERSION, contract_keys
from tests.stack_fixtures import render_stack, stack_raw

PAIRS = [("gcp-full", "aws-full"), ("gcp-serving", "aws-serving")]


@pytest.mark.parametrize(("gcp", "aws"), PAIRS)
def test_the_aws_stack_differs_from_its_gcp_twin_only_in_cloud_and_the_cloud_block(
    gcp: str, aws: str
) -> None:
    on_gcp, on_aws = stack_raw(gcp), stack_raw(aws)
    assert (on_gcp.pop("cloud"), on_aws.pop("cloud")) == ("gcp", "aws")
    assert "aws" not in on_gcp and "gcp" not in on_aws
    on_gcp.pop("gcp"), on_aws.pop("aws")
    assert on_gcp == on_aws, "a cloud swap edits `cloud` and its block, nothing else"


@pytest.mark.parametrize(("gcp", "aws"), PAIRS)
def test_both_clouds_render_contracts_with_the_same_keys(gcp: str, aws: str) -> None:
    on_gcp, on_aws = render_stack(gcp).outputs["contract"], render_stack(aws).outputs["contract"]
    assert list(on_aws) == list(on_gcp) == contract_keys(), "one contract shape on every cloud"
    assert on_aws["schema_version"] == SCHEMA_VERSION
    assert all(isinstance(v, str) for v in on_aws.values()), "every value is a string (annotation-ready)"


def test_the_eks_contract_names_the_cluster_by_account_and_region() -> None:
    c = render_stack("aws-full").outputs["contract"]
    assert (c["cluster_cloud"], c["cluster_region"], c["cluster_name"]) == ("aws", "us-east-2", "llm-full")
    assert c["cluster_account"] == "111122223333", "the caller identity's account"


def test_the_eks_contract_says_operator_gpus_with_the_driver_in_the_image() -> None:
    c = render_stack("aws-full").outputs["contract"]
    assert (c["gpu_stack"], c["gpu_driver_owner"]) == ("operator", "image"), (
        "the AL2023 NVIDIA AMI carries driver and toolkit: the GPU Operator runs with both disabled"
    )
    assert c["gpu_pools"] == "l4,h100-spot"
    assert c["gpu_accelerators"] == "nvidia-h100-80gb,nvidia-l4"
    assert (c["gpu_taint_key"], c["gpu_taint_value"], c["gpu_taint_effect"]) == (
        "nvidia.com/gpu",
        "present",
        "NoSchedule",
    )
    assert c["gpu_time_sharing"] == "false"
    assert render_stack("aws-serving").outputs["contract"]["gpu_time_sharing"] == "true", (
        "gpu.sharing reaches the seed, which configures the device plugin's time-slicing"
    )


def test_the_eks_contract_names_pod_identity_controllers_without_annotations() -> None:
    c = render_stack("aws-full").outputs["contract"]
    assert (c["secrets_backend"], c["secrets_location"], c["secrets_prefix"]) == (
        "aws-secrets-manager",
        "us-east-2",
        "llm-full/",
    )
    assert c["secrets_names"] == ",".join(e["name"] for e in stack_raw("aws-full")["secrets"])
    assert (c["secrets_identity_namespace"], c["secrets_identity_service_account"]) == (
        "external-secrets",
        "external-secrets",
    )
    assert (c["dns_provider"], c["dns_policy"], c["dns_domain"]) == ("aws", "sync", "llm.acme.example")
    assert (c["dns_identity_namespace"], c["dns_identity_service_account"]) == (
        "external-dns",
        "external-dns",
    )
    for key in ("secrets", "dns"):
        assert c[f"{key}_identity_annotation_key"] == c[f"{key}_identity_annotation_value"] == "", (
            "Pod Identity binds the role in the EKS API; the service account carries no annotation"
        )


def test_the_eks_contract_maps_the_neutral_storage_classes_to_ebs() -> None:
    c = render_stack("aws-full").outputs["contract"]
    for cls in ("default", "fast", "model_cache"):
        assert c[f"storage_{cls}_provisioner"] == "ebs.csi.aws.com"
        assert c[f"storage_{cls}_volume_binding_mode"] == "WaitForFirstConsumer"
        params = json.loads(c[f"storage_{cls}_parameters"])
        assert (params["type"], params["encrypted"]) == ("gp3", "true"), cls
    assert c["storage_default_name"] == "platform-default"
    assert c["storage_model_cache_name"] == c["cold_start_model_cache_class"] == "platform-model-cache"
    assert c["storage_model_cache_access_mode"] == "ReadWriteOnce", (
        "EBS attaches to one node: the contract says so instead of promising ReadOnlyMany"
    )


def test_the_eks_cold_start_levers_are_reported_as_they_are() -> None:
    full, serving = (
        render_stack("aws-full").outputs["contract"],
        render_stack("aws-serving").outputs["contract"],
    )
    assert full["cold_start_image_streaming"] == "false", "EKS has no image streaming; none is claimed"
    assert full["cold_start_preloaded_images"] == "true", "aws.imageSnapshotId is set on aws-full"
    assert serving["cold_start_preloaded_images"] == "false"
    assert full["cold_start_warm_pool_min_nodes"] == str(
        sum(p["minNodes"] for p in stack_raw("aws-full")["gpu"]["pools"])
    )


def test_the_operator_exports_are_the_same_on_both_clouds() -> None:
    on_gcp, on_aws = render_stack("gcp-full").outputs, render_stack("aws-full").outputs
    assert set(on_aws) == set(on_gcp)
    assert len(on_aws["dnsNameServers"]) == 4 and all(ns.endswith(".") for ns in on_aws["dnsNameServers"])
