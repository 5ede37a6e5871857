"""The stack-config contract: every bad value is refused before any resource exists, naming the key.

Each case starts from a valid fixture stack (gcp-full, or aws-full for EKS-only rules), breaks one thing,
runs the real program under the mock engine, and asserts the error names the key path and says what is
allowed — a ConfigError (no traceback) raised before the first registration.
"""

from __future__ import annotations

import copy

import pytest

from offline.engine import Rendering, render
from stacks import loader
from tests.config_mutations import Mutation, assert_refused, both, del_, set_
from tests.stack_fixtures import stack_raw

_set, _del, _both = set_, del_, both

# (id, mutation of gcp-full, key path named in the error, phrase saying what is allowed)
BAD_CONFIGS: list[tuple[str, Mutation, str, str]] = [
    ("unknown cloud", _set("cloud", "azure"), "cloud", "'gcp', 'aws' or 'existing'"),
    ("unknown profile", _set("profile", "everything"), "profile", "'serving', 'llm-gateway' or 'full'"),
    ("unknown environment", _set("environment", "staging"), "environment", "'dev' or 'prod'"),
    (
        "a gcp block on an aws stack",
        _set("cloud", "aws"),
        "(stack)",
        "a 'gcp' block on a 'aws' stack",
    ),
    ("missing cloud block", _del("gcp"), "(stack)", "the 'gcp' block is missing"),
    ("uppercase cluster name", _set("cluster.name", "LLM-Full"), "cluster.name", "lowercase letters"),
    ("cluster name over 40 chars", _set("cluster.name", "a" * 41), "cluster.name", "2-40 characters"),
    ("one-letter cluster name", _set("cluster.name", "a"), "cluster.name", "2-40 characters"),
    ("domain giving no zone name", _set("dns", {"domain": "1llm.example.com"}), "dns", "set dns.zoneName"),
    (
        "authorized network open to the internet",
        _set("cluster.controlPlane.authorizedNetworks", [{"name": "all", "cidr": "0.0.0.0/0"}]),
        "cluster.controlPlane.authorizedNetworks[0].cidr",
        "whole internet",
    ),
    (
        "malformed authorized network",
        _set("cluster.controlPlane.authorizedNetworks", [{"name": "x", "cidr": "10.0.0.300/24"}]),
        "cluster.controlPlane.authorizedNetworks[0].cidr",
        "not a valid CIDR",
    ),
    (
        "authorized network with host bits",
        _set("cluster.controlPlane.authorizedNetworks", [{"name": "x", "cidr": "203.0.113.7/24"}]),
        "cluster.controlPlane.authorizedNetworks[0].cidr",
        "not a valid CIDR",
    ),
    ("minNodes above maxNodes", _set("gpu.pools.0.minNodes", 9), "gpu.pools[0]", "must not exceed maxNodes"),
    (
        "negative minNodes",
        _set("gpu.pools.0.minNodes", -1),
        "gpu.pools[0].minNodes",
        "greater than or equal to 0",
    ),
    ("GPU disk under 200 GB", _set("gpu.pools.0.diskSizeGb", 100), "gpu.pools[0].diskSizeGb", "200"),
    (
        "unknown accelerator",
        _set("gpu.pools.0.accelerator", "nvidia-rtx-4090"),
        "gpu.pools[0].accelerator",
        "nvidia-l4",
    ),
    (
        "accelerator count not sold",
        _set("gpu.pools.0.acceleratorsPerNode", 3),
        "gpu.pools[0]",
        "allowed: 1, 2, 4, 8",
    ),
    ("duplicate pool names", _set("gpu.pools.1.name", "l4"), "gpu.pools", "used twice"),
    ("no GPU pools", _set("gpu.pools", []), "gpu.pools", "at least 1"),
    (
        "L4 pool on an A100 machine",
        _set("gcp.machineTypes", {"l4": "a2-highgpu-1g"}),
        "(stack)",
        "gcp.machineTypes.l4: 'a2-highgpu-1g' does not carry nvidia-l4; allowed machine families: g2-*",
    ),
    (
        "H100 pool on an L4 machine",
        _set("gcp.machineTypes", {"h100-spot": "g2-standard-96"}),
        "(stack)",
        "allowed machine families: a3-highgpu-*",
    ),
    (
        "override for a pool that does not exist",
        _set("gcp.machineTypes", {"t4": "n1-standard-8"}),
        "(stack)",
        "no GPU pool named 't4'",
    ),
    (
        "repoURL with embedded credentials",
        _set("gitops.repoURL", "https://oauth2:ghp_abc@github.com/acme/llm-platform.git"),
        "gitops.repoURL",
        "embeds a credential",
    ),
    (
        "repoURL with a token as the scp-style ssh user",
        _set("gitops.repoURL", "ghp_abcdef@github.com:acme/llm-platform.git"),
        "gitops.repoURL",
        "ssh user must be `git`",
    ),
    (
        "repoURL with a token as the ssh:// user",
        _set("gitops.repoURL", "ssh://ghp_abcdef@github.com/acme/llm-platform.git"),
        "gitops.repoURL",
        "embeds a credential",
    ),
    (
        "repoURL with a token in the query",
        _set("gitops.repoURL", "https://git.example.com/acme/repo.git?private_token=abc"),
        "gitops.repoURL",
        "query string",
    ),
    (
        "repoURL over plain http",
        _set("gitops.repoURL", "http://git.example.com/r.git"),
        "gitops.repoURL",
        "https://",
    ),
    (
        "secret entry carrying a value",
        _set("secrets.0", {"name": "hf-token", "owner": "serving", "value": "hf_xxx"}),
        "secrets[0]",
        "names only",
    ),
    (
        "secret entry carrying data",
        _set("secrets.0", {"name": "hf-token", "owner": "serving", "data": {"k": "v"}}),
        "secrets[0]",
        "names only",
    ),
    ("invalid GCP project id", _set("gcp.project", "Acme_Prod"), "gcp.project", "not a valid GCP project id"),
    ("GCP project id too short", _set("gcp.project", "ab"), "gcp.project", "6-30 characters"),
    ("zone outside the region", _set("gcp.zones", ["europe-west4-a"]), "gcp", "not in region 'us-central1'"),
    ("invalid domain", _set("dns.domain", "llm_acme.example"), "dns.domain", "not a valid DNS domain"),
    ("domain without a TLD", _set("dns.domain", "localhost"), "dns.domain", "not a valid DNS domain"),
    ("unknown top-level key", _set("colour", "blue"), "(stack)", "unknown key 'colour'"),
    ("unknown nested key", _set("cluster.nodeCount", 3), "cluster", "unknown key 'nodeCount'"),
    ("unknown key in a pool", _set("gpu.pools.0.gpuType", "l4"), "gpu.pools[0]", "unknown key 'gpuType'"),
    (
        "range chart version",
        _set("argocd.chartVersion", "^9.1.0"),
        "argocd.chartVersion",
        "exact chart version",
    ),
    ("public node range", _set("network.cidr", "8.8.0.0/20"), "network.cidr", "private"),
    ("overlapping ranges", _set("network.podsCidr", "10.0.0.0/14"), "network", "overlap"),
    ("master range not /28", _set("network.masterCidr", "172.16.0.0/24"), "network", "must be a /28"),
    (
        "prod stack without deletion protection",
        _set("cluster.deletionProtection", False),
        "(stack)",
        "not allowed on a prod stack",
    ),
    (
        "secondary boot disk without image streaming",
        _set("coldStart.imageStreaming", False),
        "coldStart",
        "needs imageStreaming: true",
    ),
    (
        "malformed boot disk image",
        _set("coldStart.secondaryBootDiskImage", "my-image"),
        "coldStart.secondaryBootDiskImage",
        "global/images",
    ),
    (
        "time-sharing one client",
        _set("gpu.sharing", {"maxSharedClientsPerGpu": 1}),
        "gpu.sharing.maxSharedClientsPerGpu",
        "greater than or equal to 2",
    ),
    ("missing required gitops", _del("gitops"), "gitops", "required key is missing"),
    (
        "bad release channel",
        _set("cluster.releaseChannel", "BETA"),
        "cluster.releaseChannel",
        "'RAPID', 'REGULAR' or 'STABLE'",
    ),
    (
        "control plane reachable from nowhere",
        _set("cluster.controlPlane", {"authorizedNetworks": []}),
        "(stack)",
        "nothing could reach the cluster API",
    ),
    (
        "GPU count GKE does not sell",
        _both(_set("gpu.pools.0.accelerator", "nvidia-t4"), _set("gpu.pools.0.acceleratorsPerNode", 8)),
        "(stack)",
        "gpu.pools[0]: nvidia-t4 x8 is not sold on GKE (GKE sells it 1, 2, 4 per machine)",
    ),
    (
        "override carrying the wrong GPU count",
        _set("gcp.machineTypes", {"l4": "g2-standard-48"}),
        "(stack)",
        "'g2-standard-48' carries 4 GPUs but gpu.pools[0] asks for acceleratorsPerNode 1",
    ),
    (
        "warm GPU nodes without zones",
        _both(_del("gcp.zones"), _set("gpu.pools.0.minNodes", 1)),
        "(stack)",
        "minNodes 1 needs gcp.zones",
    ),
    (
        "warm GPU nodes over more zones than maxNodes allows",
        _both(_set("gpu.pools.1.minNodes", 1), _set("gpu.pools.1.maxNodes", 2)),
        "(stack)",
        "starts 3 nodes, more than maxNodes 2",
    ),
    ("a count given as true", _set("gpu.pools.0.maxNodes", True), "gpu.pools[0]", "whole number"),
    ("invalid secret name", _set("secrets.0.name", "hf token!"), "secrets[0].name", "not allowed here"),
]


AWS_BAD_CONFIGS: list[tuple[str, Mutation, str, str]] = [
    ("no admin principals", _set("aws.adminPrincipals", []), "aws.adminPrincipals", "at least one IAM role"),
    (
        "an STS session as admin",
        _set("aws.adminPrincipals", ["arn:aws:sts::111122223333:assumed-role/ops/me"]),
        "aws.adminPrincipals",
        "not an IAM role or user ARN",
    ),
    (
        "an accelerator EC2 does not sell",
        _both(
            _set("gpu.pools.0.accelerator", "nvidia-h100-mega-80gb"),
            _set("gpu.pools.0.acceleratorsPerNode", 8),
        ),
        "(stack)",
        "gpu.pools[0]: nvidia-h100-mega-80gb x8 is not sold on EC2 (EC2 does not sell it)",
    ),
    (
        "an instance carrying the wrong GPU count",
        _set("aws.instanceTypes", {"l4": "g6.12xlarge"}),
        "(stack)",
        "'g6.12xlarge' carries 4 GPUs but gpu.pools[0] asks for acceleratorsPerNode 1",
    ),
    (
        "an instance outside the accelerator's family",
        _set("aws.instanceTypes", {"l4": "p5.48xlarge"}),
        "(stack)",
        "does not carry nvidia-l4; allowed machine families: g6.*, gr6.*",
    ),
    (
        "too few zones",
        _set("aws.availabilityZones", 1),
        "aws.availabilityZones",
        "greater than or equal to 2",
    ),
    ("a region typo", _set("aws.region", "us-east"), "aws.region", "not allowed here"),
    (
        "a bad snapshot id",
        _set("aws.imageSnapshotId", "ami-123"),
        "aws.imageSnapshotId",
        "not allowed here",
    ),
    # Versions are checked against stacks/eks-versions.yaml on the day of the check: these stay wrong.
    (
        "a Kubernetes version EKS never had",
        _set("aws.kubernetesVersion", "1.99"),
        "aws.kubernetesVersion",
        "not an EKS version in stacks/eks-versions.yaml; allowed (in EKS standard support on ",
    ),
    (
        "a Kubernetes version out of standard support",
        _set("aws.kubernetesVersion", "1.33"),
        "aws.kubernetesVersion",
        "EKS standard support for 1.33 ended on 2026-07-29",
    ),
    (
        "an unquoted Kubernetes version",
        _set("aws.kubernetesVersion", 1.3),
        "aws.kubernetesVersion",
        "quote the version",
    ),
    (
        "a service range EKS refuses",
        _set("network.servicesCidr", "10.20.0.0/26"),
        "network.servicesCidr",
        "cannot be an EKS service range",
    ),
]


def _assert_refused(stack: str, mutation: Mutation, key: str, allowed: str) -> None:
    assert_refused(stack, mutation, key, allowed)


@pytest.mark.parametrize(
    ("mutation", "key", "allowed"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_each_bad_value_is_refused_with_its_key_and_what_is_allowed(
    mutation: Mutation, key: str, allowed: str
) -> None:
    _assert_refused("gcp-full", mutation, key, allowed)


@pytest.mark.parametrize(
    ("mutation", "key", "allowed"), [c[1:] for c in AWS_BAD_CONFIGS], ids=[c[0] for c in AWS_BAD_CONFIGS]
)
def test_each_bad_eks_value_is_refused_with_its_key_and_what_is_allowed(
    mutation: Mutation, key: str, allowed: str
) -> None:
    _assert_refused("aws-full", mutation, key, allowed)


def test_the_catalog_covers_the_examples_the_contract_names() -> None:
    assert len(BAD_CONFIGS) >= 40, "the bad-input catalog keeps at least 40 cases"


def test_a_bad_config_stops_the_program_before_its_first_registration() -> None:
    raw = stack_raw("gcp-full")
    raw["gpu"] = copy.deepcopy(raw["gpu"])
    raw["gpu"]["pools"][0]["minNodes"] = 50
    observed = Rendering(stack="gcp-full")
    with pytest.raises(loader.ConfigError) as caught:
        render(raw, "gcp-full", into=observed)
    assert "gpu.pools[0]" in str(caught.value)
    assert observed.resources == [], "validation runs before any resource is registered"


def test_a_secret_config_value_in_the_project_namespace_is_refused() -> None:
    import pulumi.runtime.config as runtime_config

    raw = stack_raw("gcp-serving")
    runtime_config.set_all_config(loader.runtime_config(raw), secret_keys=["llm-platform:hfToken"])
    try:
        with pytest.raises(loader.ConfigError, match="llm-platform:hfToken: is a secret value"):
            loader.from_runtime()
    finally:
        runtime_config.set_all_config({}, secret_keys=[])
