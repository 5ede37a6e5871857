"""EKS compute: managed node groups (system and GPU), their launch templates, and the EKS add-ons.

GPU groups run the AL2023 NVIDIA AMI with the contract's taint and labels; instance types come from
the accelerator vocabulary (or an override) and an unsold accelerator count is a config error naming
the pool. Every node requires IMDSv2 with a hop limit of 1 and boots from an encrypted gp3 volume;
with `aws.imageSnapshotId`, GPU nodes mount the pre-pulled image store. Add-ons come in two phases.
"""

from __future__ import annotations

import base64
import copy
from datetime import date
from typing import Any

import pytest

from offline.engine import Registration, Rendering, render
from stacks import eks_versions, loader
from stacks.loader import ConfigError
from substrate.aws import config as aws_config
from substrate.aws import offers
from tests.stack_fixtures import render_stack, stack_raw

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ADDON = "aws:eks/addon:Addon"


def groups(r: Rendering) -> dict[str, Registration]:
    return {g.inputs["nodeGroupName"]: g for g in r.of_type(NODE_GROUP)}


def template_of(r: Rendering, group: Registration) -> dict[str, Any]:
    (template,) = [t for t in r.of_type(TEMPLATE) if t.urn in group.dependencies]
    return template.inputs


def test_each_gpu_pool_is_a_managed_node_group_on_the_nvidia_al2023_ami() -> None:
    by_name = groups(render_stack("aws-full"))
    assert set(by_name) == {"system", "l4", "h100-spot"}
    for pool in ("l4", "h100-spot"):
        assert by_name[pool].inputs["amiType"] == "AL2023_x86_64_NVIDIA", "the image carries the driver"
    assert by_name["system"].inputs["amiType"] == "AL2023_x86_64_STANDARD"


def test_instance_types_come_from_the_accelerator_vocabulary() -> None:
    by_name = groups(render_stack("aws-full"))
    assert by_name["l4"].inputs["instanceTypes"] == ["g6.2xlarge"], "1 x nvidia-l4"
    assert by_name["h100-spot"].inputs["instanceTypes"] == ["p5.48xlarge"], "8 x nvidia-h100-80gb"


def test_an_instance_type_override_replaces_the_default() -> None:
    aws = {**stack_raw("aws-serving")["aws"], "instanceTypes": {"l4": "g6.4xlarge"}}
    assert groups(render_stack("aws-serving", aws=aws))["l4"].inputs["instanceTypes"] == ["g6.4xlarge"]


def test_an_override_outside_the_accelerator_family_is_refused() -> None:
    raw = stack_raw("aws-serving")
    raw["aws"] = {**raw["aws"], "instanceTypes": {"l4": "p5.48xlarge"}}
    with pytest.raises(loader.ConfigError, match=r"aws.instanceTypes.l4: 'p5.48xlarge' does not carry"):
        loader.validate(raw)


def test_an_accelerator_count_ec2_does_not_sell_is_a_config_error_naming_the_pool() -> None:
    config = loader.validate(stack_raw("aws-full"))
    pools = [config.gpu.pools[0].model_copy(update={"accelerators_per_node": 2})]
    (message,) = offers.problems(pools, aws_config.block(config))
    assert message.startswith(
        "gpu.pools[0]: nvidia-l4 x2 is not sold on EC2 (EC2 sells it 1, 4, 8 per machine)"
    )
    assert "aws.instanceTypes.l4" in message, "the error names the override that would fix it"
    mega = [config.gpu.pools[1].model_copy(update={"accelerator": "nvidia-h100-mega-80gb"})]
    (message,) = offers.problems(mega, aws_config.block(config))
    assert "gpu.pools[0]: nvidia-h100-mega-80gb x8 is not sold on EC2 (EC2 does not sell it)" in message


def test_an_unsold_accelerator_count_stops_the_program_before_its_first_registration() -> None:
    raw = stack_raw("aws-serving")
    raw["gpu"] = copy.deepcopy(raw["gpu"])
    raw["gpu"]["pools"][0]["acceleratorsPerNode"] = 2
    observed = Rendering(stack="aws-serving")
    with pytest.raises(ConfigError, match=r"gpu.pools\[0\]"):
        render(raw, "aws-serving", into=observed)
    assert observed.resources == []


def test_gpu_nodes_carry_the_contract_taint_and_labels() -> None:
    for pool in ("l4", "h100-spot"):
        inputs = groups(render_stack("aws-full"))[pool].inputs
        assert inputs["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
        assert inputs["labels"] == {
            "llm-platform.io/gpu-pool": pool,
            "llm-platform.io/accelerator": next(
                p["accelerator"] for p in stack_raw("aws-full")["gpu"]["pools"] if p["name"] == pool
            ),
        }
    assert "taints" not in groups(render_stack("aws-full"))["system"].inputs, "system nodes take any pod"


def test_spot_pools_buy_spot_capacity_and_the_others_on_demand() -> None:
    by_name = groups(render_stack("aws-full"))
    assert by_name["h100-spot"].inputs["capacityType"] == "SPOT"
    assert by_name["l4"].inputs["capacityType"] == "ON_DEMAND"
    assert by_name["system"].inputs["capacityType"] == "ON_DEMAND"


def test_node_counts_start_at_min_nodes_and_are_left_to_the_autoscaler() -> None:
    r = render_stack("aws-full")
    by_name = groups(r)
    control_plane = r.one("aws:eks/cluster:Cluster").inputs["version"]
    for pool in stack_raw("aws-full")["gpu"]["pools"]:
        group = by_name[pool["name"]]
        assert group.inputs["scalingConfig"] == {
            "minSize": pool["minNodes"],
            "desiredSize": pool["minNodes"],
            "maxSize": pool["maxNodes"],
        }
    for group in by_name.values():
        assert group.ignore_changes == ["scalingConfig.desiredSize"], "`up` never resets a scaled group"
        assert group.inputs["version"] == control_plane, "nodes follow the pinned control-plane version"
    assert by_name["system"].inputs["scalingConfig"] == {"minSize": 3, "desiredSize": 3, "maxSize": 9}


def test_the_cluster_and_every_node_group_follow_a_changed_version_together() -> None:
    raw = stack_raw("aws-full")
    with eks_versions.as_of(date(2026, 12, 1)):  # 1.35 is in standard support that day
        r = render_stack("aws-full", aws={**raw["aws"], "kubernetesVersion": "1.35"})
    assert r.one("aws:eks/cluster:Cluster").inputs["version"] == "1.35", "the control plane runs the config"
    assert {name: g.inputs["version"] for name, g in groups(r).items()} == dict.fromkeys(groups(r), "1.35"), (
        "node groups follow the control plane's version, never a literal of their own"
    )


def test_every_node_requires_imdsv2_with_hop_limit_one_and_an_encrypted_gp3_root() -> None:
    r = render_stack("aws-full")
    for name, group in groups(r).items():
        template = template_of(r, group)
        assert template["metadataOptions"] == {
            "httpEndpoint": "enabled",
            "httpTokens": "required",
            "httpPutResponseHopLimit": 1,
            "instanceMetadataTags": "disabled",
        }, f"{name}: IMDSv2 only, unreachable from pod network namespaces"
        root = template["blockDeviceMappings"][0]
        assert root["deviceName"] == "/dev/xvda"
        assert (root["ebs"]["volumeType"], root["ebs"]["encrypted"]) == ("gp3", "true"), name
        assert "vpcSecurityGroupIds" not in template, "EKS attaches the cluster security group itself"
        assert group.inputs["launchTemplate"]["version"] == "1", "a version number, never $Latest"
    for pool in stack_raw("aws-full")["gpu"]["pools"]:
        root = template_of(r, groups(r)[pool["name"]])["blockDeviceMappings"][0]
        assert root["ebs"]["volumeSize"] == pool["diskSizeGb"] >= 200


def test_gpu_nodes_mount_the_image_snapshot_as_containerds_store() -> None:
    r = render_stack("aws-full")
    snapshot = stack_raw("aws-full")["aws"]["imageSnapshotId"]
    for pool in ("l4", "h100-spot"):
        template = template_of(r, groups(r)[pool])
        store = template["blockDeviceMappings"][1]
        assert store["deviceName"] == "/dev/xvdb"
        assert store["ebs"]["snapshotId"] == snapshot
        assert store["ebs"]["encrypted"] == "true"
        user_data = base64.b64decode(template["userData"]).decode()
        assert user_data.startswith("MIME-Version: 1.0"), "managed node groups take MIME multi-part user data"
        assert "Content-Type: text/x-shellscript" in user_data
        assert "mount -o noatime /dev/xvdb /var/lib/containerd" in user_data
        assert "NodeConfig" not in user_data, "EKS merges its own NodeConfig; none is duplicated here"
    system = template_of(r, groups(r)["system"])
    assert len(system["blockDeviceMappings"]) == 1 and "userData" not in system, "system nodes pull normally"


def test_without_a_snapshot_gpu_nodes_have_one_volume_and_no_user_data() -> None:
    r = render_stack("aws-serving")
    template = template_of(r, groups(r)["l4"])
    assert len(template["blockDeviceMappings"]) == 1 and "userData" not in template


def test_the_five_addons_are_eks_managed_at_eks_default_versions() -> None:
    addons = {a.inputs["addonName"]: a.inputs for a in render_stack("aws-full").of_type(ADDON)}
    assert set(addons) == {"vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"}
    for name, addon in addons.items():
        assert "addonVersion" not in addon, f"{name}: no invented version; EKS's default for the cluster's"
        assert addon["resolveConflictsOnUpdate"] == addon["resolveConflictsOnCreate"] == "OVERWRITE", name


def test_nodes_join_after_their_role_and_the_boot_addons_and_coredns_waits_for_nodes() -> None:
    r = render_stack("aws-full")
    addons = {a.inputs["addonName"]: a for a in r.of_type(ADDON)}
    attachments = [
        a for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if "-nodes-" in a.name
    ]
    for group in groups(r).values():
        for boot in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent"):
            assert addons[boot].urn in group.dependencies, f"{boot} runs before a node can become Ready"
        managed = [a for a in attachments if not a.name.startswith("substrate-karpenter")]
        assert all(a.urn in group.dependencies for a in managed), "the node role is complete first"
    system = groups(r)["system"].urn
    for workload in ("coredns", "aws-ebs-csi-driver"):
        assert system in addons[workload].dependencies, f"{workload} needs schedulable nodes"


def test_the_ebs_csi_driver_runs_under_pod_identity_with_its_managed_policy() -> None:
    r = render_stack("aws-full")
    (association,) = [
        a for a in r.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") if "ebs-csi" in a.name
    ]
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == (
        "kube-system",
        "ebs-csi-controller-sa",
    )
    driver = next(a for a in r.of_type(ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver")
    assert association.urn in driver.dependencies, "the controller starts with its credentials"
    policies = {
        a.inputs["policyArn"]
        for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if "ebs-csi" in a.name
    }
    assert policies == {"arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"}
