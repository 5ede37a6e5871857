"""Components on their own: one GPU pool set, one Pod Identity role, built from hand-written Args.

Each test constructs a single component under the mock engine (tests/component_render.py) with Args
written here, by keyword, and asserts on what it registers. The whole-stack renders test the same
components as composed; these say which room failed.
"""

from __future__ import annotations

import json

from stacks.schema import GpuPool
from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.identity import PodIdentityArgs, PodIdentityRole
from substrate.gcp.gpu import GpuPools, GpuPoolsArgs
from tests.component_render import render_component

NODE_POOL = "gcp:container/nodePool:NodePool"


def _pool(**fields: object) -> GpuPool:
    return GpuPool.model_validate({"name": "l4", "accelerator": "nvidia-l4", "maxNodes": 4, **fields})


def _gpu_pools(**overrides: object) -> GpuPoolsArgs:
    args: dict[str, object] = {
        "project": "example-project",
        "region": "europe-west4",
        "cluster": "example-cluster",
        "service_account": "nodes@example-project.iam.gserviceaccount.com",
        "pools": [_pool()],
        "driver_version": "LATEST",
        "image_streaming": False,
    }
    return GpuPoolsArgs(**{**args, **overrides})  # type: ignore[arg-type]


def test_a_gpu_pool_is_one_autoscaled_node_pool_with_the_managed_driver_and_the_gpu_taint() -> None:
    r = render_component(lambda: GpuPools("gpu", _gpu_pools()))
    (pool,) = r.of_type(NODE_POOL)
    inputs = pool.inputs
    assert (pool.name, inputs["name"], inputs["project"], inputs["location"]) == (
        "gpu-l4",
        "l4",
        "example-project",
        "europe-west4",
    ), "named f'{name}-{pool}', in the Args' project and region"
    assert inputs["autoscaling"]["totalMinNodeCount"] == 0 and inputs["autoscaling"]["totalMaxNodeCount"] == 4
    (accelerator,) = inputs["nodeConfig"]["guestAccelerators"]
    assert accelerator["gpuDriverInstallationConfig"] == {"gpuDriverVersion": "LATEST"}, "GKE owns the driver"
    assert {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"} in inputs["nodeConfig"][
        "taints"
    ], "the taint the contract promises the seed is declared"
    assert "secondaryBootDisks" not in inputs["nodeConfig"], "no boot disk image, no secondary boot disk"
    component = next(x for x in r.resources if x.type == "llm-platform:gcp:GpuPools")
    assert pool.parent == component.urn, "the pool is the component's child"


def test_each_pool_of_the_args_is_its_own_node_pool_and_a_short_image_is_qualified_by_project() -> None:
    args = _gpu_pools(
        pools=[_pool(), _pool(name="h100", accelerator="nvidia-h100-80gb", acceleratorsPerNode=8, spot=True)],
        image_streaming=True,
        secondary_boot_disk_image="global/images/preload",
        zones=["europe-west4-a", "europe-west4-b"],
    )
    pools = {
        p.inputs["name"]: p.inputs for p in render_component(lambda: GpuPools("gpu", args)).of_type(NODE_POOL)
    }
    assert sorted(pools) == ["h100", "l4"]
    assert pools["h100"]["nodeConfig"]["spot"] is True and not pools["l4"]["nodeConfig"].get("spot")
    assert pools["l4"]["nodeLocations"] == ["europe-west4-a", "europe-west4-b"]
    assert pools["l4"]["nodeConfig"]["secondaryBootDisks"] == [
        {"diskImage": "projects/example-project/global/images/preload", "mode": "CONTAINER_IMAGE_CACHE"}
    ], "a short image name is qualified, or every `up` would replace the pool"


def _identity(**overrides: object) -> PodIdentityArgs:
    args: dict[str, object] = {
        "cluster": ClusterRef(
            name="example",
            eks_name="example-eks",
            arn="arn:aws:eks:eu-west-1:444455556666:cluster/example-eks",
        ),
        "region": "eu-west-1",
        "role": "dns",
        "namespace": "external-dns",
        "service_account": "external-dns",
    }
    return PodIdentityArgs(**{**args, **overrides})  # type: ignore[arg-type]


def test_a_pod_identity_role_trusts_only_pod_identity_and_binds_exactly_one_service_account() -> None:
    r = render_component(lambda: PodIdentityRole("dns", _identity()))
    role = r.one("aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    principals = [s["Principal"] for s in trust["Statement"]]
    assert principals and all(p == {"Service": "pods.eks.amazonaws.com"} for p in principals), (
        "Pod Identity only: no OIDC provider, no other principal"
    )
    association = r.one("aws:eks/podIdentityAssociation:PodIdentityAssociation").inputs
    assert (association["clusterName"], association["namespace"], association["serviceAccount"]) == (
        "example-eks",
        "external-dns",
        "external-dns",
    )
    assert r.of_type("aws:iam/rolePolicy:RolePolicy") == [], "no inline policy unless the Args give one"
    assert r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []


def test_a_pod_identity_roles_grants_exist_before_its_association() -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    args = _identity(policy=policy, managed_policies=["service-role/AmazonEBSCSIDriverPolicy"])
    r = render_component(lambda: PodIdentityRole("ebs", args))
    grants = [
        *r.of_type("aws:iam/rolePolicy:RolePolicy"),
        *r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    ]
    assert len(grants) == 2 and r.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"] == policy
    association = r.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert {g.urn for g in grants} <= set(association.dependencies), (
        "pods pick credentials up at creation: the association waits for the role's permissions"
    )
