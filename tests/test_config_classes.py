"""Classes of bad input, each refused on gcp, aws and existing stacks before anything is registered.

Every case breaks one value of a fixture stack (gcp-full, aws-full, local), runs the real program under
the mock engine, and asserts the refusal names the key, says what is allowed, registers nothing and —
for a credential-shaped value — never echoes it. The classes: IP ranges, duplicates in lists that must
be unique, empty or whitespace names, strings the cloud or Kubernetes would refuse later, regex edge
cases (a trailing newline, full-width digits), versions the platform cannot run, checks that need a
cloud answer, and existing-cluster configs that cannot work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from offline.engine import render
from tests.config_mutations import Mutation, append, assert_refused, both, set_
from tests.stack_fixtures import stack_raw

TOKEN = "ghp_" + "0123456789abcdefghijklmnopqrstuvwxyz"  # built at run time: no key-shaped literal
STACKS = {"gcp": "gcp-full", "aws": "aws-full", "existing": "local"}
FIXTURES = Path(__file__).parent / "fixtures"


class Case(NamedTuple):
    kind: str
    cloud: str
    id: str
    mutation: Mutation
    key: str
    allowed: str
    hidden: str | None = None


def _nets(*cidrs: str) -> Mutation:
    return set_(
        "cluster.controlPlane.authorizedNetworks", [{"name": f"n{i}", "cidr": c} for i, c in enumerate(cidrs)]
    )


AN = "cluster.controlPlane.authorizedNetworks"
CASES: list[Case] = [
    # --- IP ranges ---
    Case("ip", "gcp", "IPv6 node range", set_("network.cidr", "fd00::/64"), "network.cidr", "IPv6"),
    Case(
        "ip",
        "gcp",
        "loopback pod range",
        set_("network.podsCidr", "127.0.0.0/14"),
        "network.podsCidr",
        "RFC 1918",
    ),
    Case(
        "ip",
        "gcp",
        "link-local service range",
        set_("network.servicesCidr", "169.254.0.0/20"),
        "network.servicesCidr",
        "RFC 1918",
    ),
    Case(
        "ip",
        "gcp",
        "CGNAT master range",
        set_("network.masterCidr", "100.64.0.0/28"),
        "network.masterCidr",
        "RFC 1918",
    ),
    Case("ip", "gcp", "two halves of the internet", _nets("0.0.0.0/1", "128.0.0.0/1"), AN, "whole internet"),
    Case("ip", "gcp", "IPv6 authorized network", _nets("2001:db8::/32"), f"{AN}[0].cidr", "IPv6"),
    Case("ip", "gcp", "loopback authorized network", _nets("127.0.0.1/32"), f"{AN}[0].cidr", "loopback"),
    Case("ip", "aws", "multicast authorized network", _nets("224.0.0.0/4"), f"{AN}[0].cidr", "multicast"),
    Case(
        "ip",
        "aws",
        "quarters adding up to the internet",
        _nets(*(f"{q}.0.0.0/2" for q in (0, 64, 128, 192))),
        AN,
        "0.0.0.0/0",
    ),
    Case("ip", "aws", "public union over a /8", _nets("11.0.0.0/8", "12.0.0.0/8"), AN, "more than a /8"),
    Case("ip", "aws", "public VPC range", set_("network.cidr", "8.8.0.0/20"), "network.cidr", "RFC 1918"),
    Case(
        "ip", "existing", "IPv6 loopback node range", set_("network.cidr", "::1/128"), "network.cidr", "IPv6"
    ),
    Case(
        "ip",
        "existing",
        "multicast pod range",
        set_("network.podsCidr", "224.0.0.0/14"),
        "network.podsCidr",
        "RFC 1918",
    ),
    # --- duplicates ---
    Case(
        "dup",
        "gcp",
        "a secret twice",
        append("secrets", {"name": "hf-token", "owner": "x"}),
        "secrets",
        "'hf-token' is listed twice",
    ),
    Case(
        "dup",
        "gcp",
        "a zone twice",
        set_("gcp.zones", ["us-central1-a", "us-central1-a"]),
        "gcp",
        "'us-central1-a' is listed twice",
    ),
    Case(
        "dup",
        "gcp",
        "an authorized network name twice",
        set_(f"{AN}.1.name", "corp-vpn"),
        AN,
        "'corp-vpn' is listed twice",
    ),
    Case(
        "dup",
        "gcp",
        "an authorized CIDR twice",
        set_(f"{AN}.1.cidr", "203.0.113.0/24"),
        AN,
        "'203.0.113.0/24' is listed twice",
    ),
    Case(
        "dup",
        "aws",
        "a principal twice",
        set_("aws.adminPrincipals", ["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a"]),
        "aws.adminPrincipals",
        "'arn:aws:iam::111122223333:role/a' is listed twice",
    ),
    Case(
        "dup", "aws", "a pool name twice", set_("gpu.pools.1.name", "l4"), "gpu.pools", "'l4' is used twice"
    ),
    Case(
        "dup", "aws", "an authorized CIDR twice", set_(f"{AN}.1.cidr", "203.0.113.0/24"), AN, "listed twice"
    ),
    Case(
        "dup",
        "existing",
        "a secret twice",
        set_("secrets", [{"name": "hf-token", "owner": "a"}, {"name": "hf-token", "owner": "b"}]),
        "secrets",
        "'hf-token' is listed twice",
    ),
    Case(
        "dup",
        "existing",
        "a pool name twice",
        append("gpu.pools", {"name": "gpu", "accelerator": "nvidia-l4"}),
        "gpu.pools",
        "'gpu' is used twice",
    ),
    # --- empty or whitespace names ---
    Case(
        "blank",
        "gcp",
        "blank machine type",
        set_("gcp.machineTypes", {"l4": "  "}),
        "gcp.machineTypes",
        "empty or whitespace",
    ),
    Case(
        "blank",
        "gcp",
        "empty system machine type",
        set_("gcp.systemMachineType", ""),
        "gcp.systemMachineType",
        "empty",
    ),
    Case(
        "blank",
        "gcp",
        "blank authorized network name",
        set_(f"{AN}.0.name", "   "),
        f"{AN}[0].name",
        "empty or whitespace",
    ),
    Case(
        "blank",
        "aws",
        "empty instance type",
        set_("aws.instanceTypes", {"l4": ""}),
        "aws.instanceTypes",
        "empty",
    ),
    Case(
        "blank",
        "aws",
        "blank system instance type",
        set_("aws.systemInstanceType", " "),
        "aws.systemInstanceType",
        "empty",
    ),
    Case(
        "blank",
        "aws",
        "blank secret owner",
        set_("secrets.0.owner", " "),
        "secrets[0].owner",
        "not allowed here",
    ),
    Case(
        "blank",
        "existing",
        "blank kube context",
        set_("existing.kubeconfigContext", "  "),
        "existing.kubeconfigContext",
        "empty",
    ),
    Case(
        "blank",
        "existing",
        "empty provisioner",
        set_("existing.storageProvisioner", ""),
        "existing.storageProvisioner",
        "at least 1",
    ),
    Case(
        "blank",
        "existing",
        "blank location",
        set_("existing.secretsLocation", " "),
        "existing",
        "DNS-1123 label",
    ),
    # --- strings the cloud or Kubernetes refuse later ---
    Case(
        "later",
        "gcp",
        "a path escaping the repo",
        set_("gitops.path", "seeds/../.."),
        "gitops.path",
        "stay inside",
    ),
    Case(
        "later", "gcp", "an absolute path", set_("gitops.path", "/etc/seeds"), "gitops.path", "relative path"
    ),
    Case(
        "later",
        "gcp",
        "a revision with a space",
        set_("gitops.revision", "main branch"),
        "gitops.revision",
        "without whitespace",
    ),
    Case(
        "later",
        "gcp",
        "a G2 machine GCE does not sell",
        set_("gcp.machineTypes", {"l4": "g2-standard-7"}),
        "(stack)",
        "not a GKE machine type",
    ),
    Case(
        "later",
        "gcp",
        "a GPU machine as system pool",
        set_("gcp.systemMachineType", "a3-highgpu-8g"),
        "gcp.systemMachineType",
        "general-purpose",
    ),
    Case(
        "later",
        "aws",
        "a revision with a control character",
        set_("gitops.revision", f"{TOKEN}\x1b[0m"),
        "gitops.revision",
        "control characters",
        hidden=TOKEN,
    ),
    Case(
        "later",
        "aws",
        "a Graviton system instance",
        set_("aws.systemInstanceType", "m7g.xlarge"),
        "aws.systemInstanceType",
        "x86_64",
    ),
    Case(
        "later",
        "aws",
        "a revision git refuses",
        set_("gitops.revision", "release..1"),
        "gitops.revision",
        "no `..`",
    ),
    Case(
        "later",
        "existing",
        "a namespace Kubernetes refuses",
        set_("existing.secretsLocation", "Platform_Secrets"),
        "existing",
        "DNS-1123 label",
    ),
    Case(
        "later",
        "existing",
        "a Secret name Kubernetes refuses",
        set_("secrets", [{"name": "HF_TOKEN", "owner": "serving"}]),
        "(stack)",
        "secrets[0].name",
    ),
    Case(
        "later",
        "existing",
        "a provisioner with a space",
        set_("existing.storageProvisioner", "rancher io"),
        "existing.storageProvisioner",
        "provisioner name",
    ),
    # --- regex edge cases ---
    Case(
        "regex",
        "gcp",
        "a cluster name with a trailing newline",
        set_("cluster.name", "llm-full\n"),
        "cluster.name",
        "not a valid cluster name",
    ),
    Case(
        "regex",
        "gcp",
        "a project id with a trailing newline",
        set_("gcp.project", "acme-llm-prod\n"),
        "gcp.project",
        "GCP project id",
    ),
    Case(
        "regex",
        "gcp",
        "a full-width digit in the chart version",
        set_("argocd.chartVersion", "9.\uff11.0"),
        "argocd.chartVersion",
        "exact chart version",
    ),
    Case(
        "regex",
        "gcp",
        "a zone with a trailing newline",
        set_("gcp.zones", ["us-central1-a\n"]),
        "gcp",
        "not in region",
    ),
    Case(
        "regex",
        "gcp",
        "a domain with a trailing newline",
        set_("dns.domain", "llm.acme.example\n"),
        "dns.domain",
        "not a valid DNS domain",
    ),
    Case(
        "regex",
        "gcp",
        "a repo URL with a trailing newline",
        set_("gitops.repoURL", "git@github.com:acme/llm-platform.git\n"),
        "gitops.repoURL",
        "without whitespace",
    ),
    Case(
        "regex",
        "aws",
        "a principal with a trailing newline",
        set_("aws.adminPrincipals", ["arn:aws:iam::111122223333:role/admins\n"]),
        "aws.adminPrincipals",
        "not an IAM role or user ARN",
    ),
    Case(
        "regex",
        "aws",
        "a principal with a non-ASCII letter",
        set_("aws.adminPrincipals", ["arn:aws:iam::111122223333:role/\u00e1dmins"]),
        "aws.adminPrincipals",
        "not an IAM role or user ARN",
    ),
    Case(
        "regex",
        "aws",
        "a full-width digit in the account",
        set_("aws.adminPrincipals", ["arn:aws:iam::11112222333\uff13:role/a"]),
        "aws.adminPrincipals",
        "not an IAM role",
    ),
    Case(
        "regex",
        "aws",
        "a full-width digit in the version",
        set_("aws.kubernetesVersion", "1.3\uff16"),
        "aws.kubernetesVersion",
        "not an EKS version",
    ),
    Case(
        "regex",
        "existing",
        "a region with a trailing newline",
        set_("existing.region", "local\n"),
        "existing.region",
        "not allowed here",
    ),
    Case(
        "regex",
        "existing",
        "a namespace with a trailing newline",
        set_("existing.secretsLocation", "platform-secrets\n"),
        "existing",
        "DNS-1123 label",
    ),
    Case(
        "regex",
        "existing",
        "a path with a full-width digit",
        set_("gitops.path", "seeds\uff11"),
        "gitops.path",
        "relative path",
    ),
    # --- versions ---
    Case(
        "version",
        "gcp",
        "an argo-cd chart of another major",
        set_("argocd.chartVersion", "10.0.0"),
        "argocd.chartVersion",
        "9.x",
    ),
    Case(
        "version",
        "gcp",
        "a release channel GKE does not have",
        set_("cluster.releaseChannel", "EXTENDED"),
        "cluster.releaseChannel",
        "'STABLE'",
    ),
    Case(
        "version",
        "aws",
        "an EKS minor out of support",
        set_("aws.kubernetesVersion", "1.32"),
        "aws.kubernetesVersion",
        "ended on 2026-03-23",
    ),
    Case(
        "version",
        "aws",
        "a chart version with a leading zero",
        set_("argocd.chartVersion", "09.1.0"),
        "argocd.chartVersion",
        "exact chart version",
    ),
    Case(
        "version",
        "existing",
        "an old argo-cd chart",
        set_("argocd.chartVersion", "7.9.1"),
        "argocd.chartVersion",
        "9.x",
    ),
    # --- checks that need a cloud answer ---
    Case(
        "cloud-answer",
        "gcp",
        "a zone the region does not have",
        set_("gcp.zones", ["us-central1-d"]),
        "gcp.zones",
        "us-central1-a, us-central1-b",
    ),
    Case(
        "cloud-answer",
        "aws",
        "more zones than the region offers",
        both(set_("aws.region", "us-west-1"), set_("aws.availabilityZones", 3)),
        "aws.availabilityZones",
        "us-west-1 offers 2 availability zones",
    ),
    # --- existing-cluster configs that cannot work ---
    Case(
        "existing",
        "existing",
        "a DNS provider without a zone",
        set_("existing.dnsProvider", "cloudflare"),
        "existing",
        "dnsZoneId is required",
    ),
    Case(
        "existing",
        "existing",
        "a credential DNS provider without its secret",
        both(set_("existing.dnsProvider", "rfc2136"), set_("existing.dnsZoneId", "llm.localtest.me")),
        "(stack)",
        "external-dns-credentials",
    ),
    Case(
        "existing",
        "existing",
        "a cloud secret manager with no way in",
        both(
            set_("existing.secretsBackend", "gcp-secret-manager"),
            set_("existing.secretsLocation", "acme-llm-dev"),
        ),
        "existing",
        "secretsAuth is required",
    ),
    Case(
        "existing",
        "existing",
        "an AWS static key without its two keys",
        both(
            set_("existing.secretsBackend", "aws-secrets-manager"),
            set_("existing.secretsLocation", "us-east-2"),
            set_(
                "existing.secretsAuth",
                {"secretRef": {"name": "aws-key", "namespace": "external-secrets", "key": "k"}},
            ),
        ),
        "existing",
        "accessKeyIdKey and secretAccessKeyKey",
    ),
    Case(
        "existing",
        "existing",
        "a vault address carrying a token",
        both(
            set_("existing.secretsBackend", "vault"),
            set_("existing.secretsLocation", f"https://{TOKEN}@vault.local"),
        ),
        "existing",
        "no credential",
        hidden=TOKEN,
    ),
    Case(
        "existing",
        "existing",
        "auth for a backend that needs none",
        set_("existing.secretsAuth", {"ambient": True}),
        "existing",
        "secretsAuth is for a cloud secret manager",
    ),
]

NOT_APPLICABLE = {
    ("cloud-answer", "existing"): "an existing cluster belongs to no cloud account the program may ask",
    (
        "existing",
        "gcp",
    ): "existing-cluster settings exist only on cloud: existing (a block on gcp is refused)",
    (
        "existing",
        "aws",
    ): "existing-cluster settings exist only on cloud: existing (a block on aws is refused)",
}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.cloud}: {c.id}" for c in CASES])
def test_each_class_of_bad_input_is_refused_before_anything_is_registered(case: Case) -> None:
    assert_refused(STACKS[case.cloud], case.mutation, case.key, case.allowed, case.hidden)


def test_every_class_has_cases_on_gcp_aws_and_existing_stacks() -> None:
    kinds = {c.kind for c in CASES}
    for kind in kinds:
        for cloud in STACKS:
            covered = any(c.kind == kind and c.cloud == cloud for c in CASES)
            assert covered or (kind, cloud) in NOT_APPLICABLE, f"class {kind!r} has no case on {cloud}"
    assert len(kinds) == 8, "the eight classes of the config contract"


def test_a_region_refusal_comes_from_an_invoke_asked_before_the_first_registration() -> None:
    observed = assert_refused(
        "aws-full",
        both(set_("aws.region", "us-west-1"), set_("aws.availabilityZones", 3)),
        "aws.availabilityZones",
        "allowed: 2 to 2",
    )
    assert observed.invokes == ["aws:index/getAvailabilityZones:getAvailabilityZones"], (
        "the zone count is a plain invoke, and the only cloud call before the refusal"
    )


def _existing(backend: str, location: str, auth: object) -> dict[str, object]:
    raw = stack_raw("local")
    raw["existing"] = {
        **raw["existing"],
        "secretsBackend": backend,
        "secretsLocation": location,
        "secretsAuth": auth,
    }
    return raw


def _store(raw: dict[str, object]) -> dict[str, object]:
    r = render(raw, "local")
    apps = r.of_type("kubernetes:argoproj.io/v1alpha1:Application")
    root = next(a for a in apps if a.inputs["metadata"]["name"] == "platform-secrets")
    values = root.inputs["spec"]["source"]["helm"]["valuesObject"]
    return next(o for o in values["extraObjects"] if o["kind"] == "ClusterSecretStore")


ESO = json.loads((FIXTURES / "eso_v1_store_auth.json").read_text())


def test_a_gcp_secret_manager_off_gcp_authenticates_with_a_static_key_secret() -> None:
    ref = {"name": "gcp-sa-key", "namespace": "external-secrets", "key": "credentials.json"}
    store = _store(_existing("gcp-secret-manager", "acme-llm-dev", {"secretRef": ref}))
    gcpsm = store["spec"]["provider"]["gcpsm"]  # type: ignore[index]
    assert set(gcpsm) <= set(ESO["gcpsm"]["provider"]) and gcpsm["projectID"] == "acme-llm-dev"
    assert set(gcpsm["auth"]["secretRef"]) <= set(ESO["gcpsm"]["auth.secretRef"]), "ESO v1 field names"
    assert gcpsm["auth"]["secretRef"]["secretAccessKeySecretRef"] == ref, "names only, never a value"


def test_an_aws_secrets_manager_off_aws_authenticates_with_a_static_key_and_may_assume_a_role() -> None:
    ref = {
        "name": "aws-key",
        "namespace": "external-secrets",
        "accessKeyIdKey": "id",
        "secretAccessKeyKey": "secret",
    }
    role = "arn:aws:iam::111122223333:role/eso-reader"
    store = _store(_existing("aws-secrets-manager", "us-east-2", {"secretRef": ref, "role": role}))
    provider = store["spec"]["provider"]["aws"]  # type: ignore[index]
    assert set(provider) <= set(ESO["aws"]["provider"]) and provider["role"] == role
    secret_ref = provider["auth"]["secretRef"]
    assert set(secret_ref) <= set(ESO["aws"]["auth.secretRef"]), "ESO v1 field names"
    assert secret_ref["accessKeyIDSecretRef"] == {
        "name": "aws-key",
        "namespace": "external-secrets",
        "key": "id",
    }
    assert secret_ref["secretAccessKeySecretRef"]["key"] == "secret"


def test_ambient_identity_leaves_the_store_on_the_pods_own_credentials() -> None:
    store = _store(_existing("gcp-secret-manager", "acme-llm-dev", {"ambient": True}))
    assert store["spec"]["provider"] == {"gcpsm": {"projectID": "acme-llm-dev"}}  # type: ignore[index]


def test_a_dns_provider_with_its_zone_and_credentials_secret_is_accepted() -> None:
    raw = stack_raw("local")
    raw["existing"] = {
        **raw["existing"],
        "dnsProvider": "cloudflare",
        "dnsZoneId": "023e105f4ecef8ad9ca31a8372d0c353",
    }
    raw["secrets"] = [{"name": "external-dns-credentials", "owner": "platform"}]
    r = render(raw, "local")
    assert r.outputs["contract"]["dns_provider"] == "cloudflare"
