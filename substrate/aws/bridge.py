"""AWS's parts of the contract's wire form: GitOps Bridge annotations and the Secrets Manager store.

Pure (stdlib only): the bootstrap reads these through the registry.
"""

from __future__ import annotations

from typing import Any

# GitOps Bridge annotation -> the contract key it copies.
ANNOTATIONS = {"aws_region": "cluster_region", "aws_account_id": "cluster_account"}
# The contract values EKS brings: external-dns's Route 53 provider (the image owns the driver, neutral).
DNS_PROVIDERS = ("aws",)
DRIVER_OWNERS: tuple[str, ...] = ()


def _secrets_manager(location: str, auth: dict[str, Any]) -> dict[str, Any]:
    return {"aws": {"service": "SecretsManager", "region": location, **auth}}


# Secrets backend -> its External Secrets v1 ClusterSecretStore provider block (location, auth settings).
SECRET_STORES = {"aws-secrets-manager": _secrets_manager}
