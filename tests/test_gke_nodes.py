"""GKE node pools and the nodes' identity: system pool, GPU pools with managed drivers, cold-start levers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stack_fixtures import render_stack, stack_raw

NODE_POOL = "gcp:container/nodePool:NodePool"


def pools(stack: str = "gcp-full", **overrides: Any) -> dict[str, Any]:
    return {p.inputs["name"]: p for p in render_stack(stack, **overrides).of_type(NODE_POOL)}


def test_nodes_run_as_a_dedicated_service_account_with_one_minimal_role() -> None:
    r = render_stack("gcp-full")
    node_sa = next(
        a for a in r.of_type("gcp:serviceaccount/account:Account") if a.inputs["accountId"].endswith("nodes")
    )
    email = f"{node_sa.inputs['accountId']}@acme-llm-prod.iam.gserviceaccount.com"
    roles = [
        m.inputs["role"]
        for m in r.of_type("gcp:projects/iAMMember:IAMMember")
        if m.inputs["member"].endswith(email)
    ]
    assert roles == ["roles/container.defaultNodeServiceAccount"], (
        "nodes hold no project role beyond GKE's own"
    )
    for pool in r.of_type(NODE_POOL):
        assert pool.inputs["nodeConfig"]["serviceAccount"] == email, "never the default compute SA"
    assert "compute@developer.gserviceaccount.com" not in str(r.one("gcp:container/cluster:Cluster").inputs)


def test_every_pool_is_hardened() -> None:
    for name, pool in pools().items():
        node = pool.inputs["nodeConfig"]
        assert node["imageType"] == "COS_CONTAINERD", name
        assert node["shieldedInstanceConfig"] == {
            "enableSecureBoot": True,
            "enableIntegrityMonitoring": True,
        }, name
        assert node["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}, name
        assert node["metadata"]["disable-legacy-endpoints"] == "true", name
        assert pool.inputs["management"] == {"autoRepair": True, "autoUpgrade": True}, name


def test_the_system_pool_autoscales_and_carries_no_gpu() -> None:
    system = pools()["system"].inputs
    assert system["autoscaling"]["minNodeCount"] >= 1
    assert "guestAccelerators" not in system["nodeConfig"]
    assert "taints" not in system["nodeConfig"]


def test_gpu_pools_get_managed_drivers_and_the_declared_gpu_taint() -> None:
    for name in ("l4", "h100-spot"):
        node = pools()[name].inputs["nodeConfig"]
        (gpu,) = node["guestAccelerators"]
        assert gpu["gpuDriverInstallationConfig"] == {"gpuDriverVersion": "LATEST"}, "GKE installs the driver"
        assert node["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}], (
            "declared explicitly, or every up shows a diff"
        )
        assert node["imageType"] == "COS_CONTAINERD"
        assert node["diskSizeGb"] >= 200
        assert node["labels"]["llm-platform.io/gpu-pool"] == name


def test_the_cloud_neutral_accelerator_maps_to_gke_machine_types() -> None:
    by_name = pools()
    l4 = by_name["l4"].inputs["nodeConfig"]
    assert (l4["machineType"], l4["guestAccelerators"][0]["type"], l4["guestAccelerators"][0]["count"]) == (
        "g2-standard-8",
        "nvidia-l4",
        1,
    )
    h100 = by_name["h100-spot"].inputs["nodeConfig"]
    assert (h100["machineType"], h100["guestAccelerators"][0]["count"]) == ("a3-highgpu-8g", 8)
    assert h100["spot"] is True and l4["spot"] is False


def test_a_machine_override_inside_the_family_is_used() -> None:
    from tests.stack_fixtures import stack_raw

    gcp = stack_raw("gcp-full")["gcp"] | {"machineTypes": {"l4": "g2-standard-16"}}
    assert pools(gcp=gcp)["l4"].inputs["nodeConfig"]["machineType"] == "g2-standard-16"


def test_gpu_pools_scale_to_zero_and_later_ups_do_not_fight_the_autoscaler() -> None:
    for name in ("l4", "h100-spot"):
        pool = pools()[name]
        assert pool.inputs["autoscaling"]["totalMinNodeCount"] == 0
        assert pool.inputs["autoscaling"]["locationPolicy"] == "ANY"
        assert {"initialNodeCount", "nodeCount"} <= set(pool.ignore_changes)
    assert pools()["l4"].inputs["autoscaling"]["totalMaxNodeCount"] == 8


def test_image_streaming_and_the_secondary_boot_disk_are_the_image_pull_levers() -> None:
    node = pools()["l4"].inputs["nodeConfig"]
    assert node["gcfsConfig"] == {"enabled": True}
    (disk,) = node["secondaryBootDisks"]
    assert disk["mode"] == "CONTAINER_IMAGE_CACHE"
    assert disk["diskImage"].startswith("projects/"), "fully qualified: the field is ForceNew, read back so"
    serving = pools("gcp-serving")["l4"].inputs["nodeConfig"]
    assert "secondaryBootDisks" not in serving, "no preloaded disk unless configured"


@pytest.mark.parametrize(
    ("configured", "passed"),
    [
        ("global/images/vllm-preload", "projects/acme-llm-prod/global/images/vllm-preload"),
        ("projects/shared-images/global/images/vllm", "projects/shared-images/global/images/vllm"),
    ],
)
def test_a_secondary_boot_disk_image_is_always_passed_fully_qualified(configured: str, passed: str) -> None:
    cold = {**stack_raw("gcp-full")["coldStart"], "secondaryBootDiskImage": configured}
    gcp = {**stack_raw("gcp-full")["gcp"], "project": "acme-llm-prod"}
    for name, pool in pools(coldStart=cold, gcp=gcp).items():
        if "guestAccelerators" in pool.inputs["nodeConfig"]:
            assert pool.inputs["nodeConfig"]["secondaryBootDisks"][0]["diskImage"] == passed, name


def test_gpu_time_sharing_is_opt_in() -> None:
    shared = pools("gcp-serving")["l4"].inputs["nodeConfig"]["guestAccelerators"][0]
    assert shared["gpuSharingConfig"] == {"gpuSharingStrategy": "TIME_SHARING", "maxSharedClientsPerGpu": 2}
    exclusive = pools()["l4"].inputs["nodeConfig"]["guestAccelerators"][0]
    assert "gpuSharingConfig" not in exclusive
