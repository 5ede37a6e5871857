"""Rules for `cloud: existing`, as pure functions: what a cluster no adapter builds needs to work.

No cloud answers for this cluster, so the config must carry everything the in-cluster side needs:
where each backend lives, how External Secrets authenticates to a cloud secret manager from outside
that cloud, the DNS zone and the credentials of a DNS provider without workload identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stacks import text

if TYPE_CHECKING:
    from substrate.existing.config import ExistingBlock, SecretsAuth

CLOUD_BACKENDS = ("gcp-secret-manager", "aws-secrets-manager")
# DNS providers that authenticate with a token or TSIG key, read from this `secrets` entry
# (seeds/charts/secret-access/templates/external-dns-credentials.yaml).
DNS_CREDENTIALS_SECRET = "external-dns-credentials"
CREDENTIAL_DNS_PROVIDERS = ("cloudflare", "rfc2136")
AWS_REGION = r"[a-z]{2}(-gov)?-[a-z]+-[0-9]"
GCP_PROJECT = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
VAULT_ADDRESS = r"https?://[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?/?"
PROVISIONER = r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)?"


def secrets_location(backend: str, location: str) -> str | None:
    """Why `location` cannot be where `backend` lives, or None."""
    key = "existing.secretsLocation"
    if backend == "kubernetes" and not text.matches(text.DNS1123_LABEL, location):
        return f"{key}: the kubernetes backend's location is a namespace, a DNS-1123 label (platform-secrets)"
    if backend == "vault" and not text.matches(VAULT_ADDRESS, location):
        return f"{key}: the vault backend's location is its address, http(s)://HOST[:PORT] (no credential)"
    if backend == "gcp-secret-manager" and not text.matches(GCP_PROJECT, location):
        return f"{key}: the gcp-secret-manager backend's location is a GCP project id (e.g. acme-llm-prod)"
    if backend == "aws-secrets-manager" and not text.matches(AWS_REGION, location):
        return f"{key}: the aws-secrets-manager backend's location is an AWS region (e.g. us-east-2)"
    return None


def secrets_auth(backend: str, auth: SecretsAuth | None) -> str | None:
    """Why the configured External Secrets authentication cannot work with `backend`, or None.

    `auth` is the validated `existing.secretsAuth` block (or None).
    """
    key = "existing.secretsAuth"
    if backend not in CLOUD_BACKENDS:
        if auth is not None:
            return f"{key} is for a cloud secret manager; {backend} authenticates as ESO's service account"
        return None
    if auth is None:
        return (
            f"{key} is required with {backend} on an existing cluster: ESO gets no cloud identity here; "
            "set secretRef (a static key in a Kubernetes Secret), or ambient: true when this cluster "
            "already gives ESO's pod credentials (GKE Workload Identity, EKS Pod Identity or IRSA)"
        )
    ref = auth.secret_ref
    if auth.ambient == (ref is not None):
        return f"{key}: set exactly one of ambient: true or secretRef"
    if backend == "gcp-secret-manager":
        if auth.role is not None:
            return f"{key}.role is an AWS role to assume; gcp-secret-manager has none"
        if ref is not None and (ref.key is None or ref.access_key_id_key or ref.secret_access_key_key):
            return f"{key}.secretRef for gcp-secret-manager names `key` (the service account JSON key) only"
    aws_keys = ref is not None and bool(ref.access_key_id_key and ref.secret_access_key_key)
    if backend == "aws-secrets-manager" and ref is not None and (ref.key is not None or not aws_keys):
        return (
            f"{key}.secretRef for aws-secrets-manager names accessKeyIdKey and secretAccessKeyKey "
            "(the two keys of the Kubernetes Secret), not `key`"
        )
    return None


def dns(provider: str, zone_id: str) -> str | None:
    if provider != "none" and not zone_id:
        return f"existing.dnsZoneId is required with dnsProvider {provider}: external-dns filters on the zone"
    if provider == "none" and zone_id:
        return "existing.dnsZoneId is set but dnsProvider is none: name the provider, or drop the zone id"
    return None


def stack_problems(block: ExistingBlock, secret_names: Sequence[str]) -> list[str]:
    """Every reason the existing block cannot work with the stack's `secrets` (empty when it can)."""
    found: list[str] = []
    if block.dns_provider in CREDENTIAL_DNS_PROVIDERS and DNS_CREDENTIALS_SECRET not in secret_names:
        found.append(
            f"existing.dnsProvider {block.dns_provider} authenticates with a token: list "
            f"{{name: {DNS_CREDENTIALS_SECRET}, owner: platform}} under `secrets` (the credential goes there)"
        )
    if block.secrets_backend == "kubernetes":
        for i, name in enumerate(secret_names):
            if not text.matches(text.DNS1123_SUBDOMAIN, name):
                found.append(
                    f"secrets[{i}].name: {text.shown(name)} becomes a Secret in namespace "
                    f"'{block.secrets_location}' on the kubernetes backend: use lowercase letters, digits, "
                    "hyphens and dots"
                )
    return found


def store_auth(backend: str, auth: SecretsAuth | None) -> dict[str, Any]:
    """The ClusterSecretStore provider settings for `auth` (External Secrets v1 field names), names only.

    Empty when ESO's pod identity is used. Field names: tests/fixtures/eso_v1_store_auth.json.
    """
    if auth is None:
        return {}
    if auth.ambient:
        return {"role": auth.role} if auth.role else {}
    ref = auth.secret_ref
    assert ref is not None  # the block holds exactly one of ambient and secretRef
    if backend == "gcp-secret-manager":
        selector = {"name": ref.name, "namespace": ref.namespace, "key": ref.key}
        return {"auth": {"secretRef": {"secretAccessKeySecretRef": selector}}}
    settings: dict[str, Any] = {
        "auth": {
            "secretRef": {
                "accessKeyIDSecretRef": {
                    "name": ref.name,
                    "namespace": ref.namespace,
                    "key": ref.access_key_id_key,
                },
                "secretAccessKeySecretRef": {
                    "name": ref.name,
                    "namespace": ref.namespace,
                    "key": ref.secret_access_key_key,
                },
            }
        }
    }
    if auth.role:
        settings["role"] = auth.role
    return settings


def capacity(key: str, options: Sequence[str], reservations: Sequence[str]) -> list[str]:
    """An existing cluster's capacity is not ours to build: only the default is accepted."""
    found = []
    if tuple(options) != ("on-demand",):
        found.append(
            f"{key}.capacity: [{', '.join(options)}] cannot be built on an existing cluster: its nodes "
            "and how they are bought belong to whoever runs the cluster; allowed on existing: the "
            "default [on-demand] (drop `capacity` and `spot`)"
        )
    if reservations:
        found.append(
            f"{key}.reservations: an existing cluster consumes no reservation the platform names; "
            "allowed on existing: none (drop `reservations`)"
        )
    return found
