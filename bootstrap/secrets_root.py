"""The secrets root: External Secrets Operator from its public chart, with the store for the contract.

It is a root of its own, not part of the seed, because a private seed repo cannot be read before its
credential exists: this root comes from a public Helm repository, so Argo CD can sync it first, and its
ExternalSecret materializes the seed repo's credential from the cloud secret manager as an Argo CD
repository Secret. Pulumi only names things — the store, the secret's name — never a value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

ESO_CHART_REPO = "https://charts.external-secrets.io"
ESO_CHART_VERSION = "1.2.0"
STORE_NAME = "platform"
REPO_SECRET_NAME = "seed-repository"
ESO_API = "external-secrets.io/v1"


def cluster_secret_store(contract: Mapping[str, str]) -> dict[str, Any]:
    """The ClusterSecretStore every ExternalSecret of the platform reads through."""
    backend, location = contract["secrets_backend"], contract["secrets_location"]
    namespace, account = contract["secrets_identity_namespace"], contract["secrets_identity_service_account"]
    # Empty: ESO uses its own pod identity (GKE Workload Identity / EKS Pod Identity). Otherwise the
    # existing cluster's auth settings (a static key's Secret reference, a role to assume).
    raw_auth = contract["secrets_auth"]
    auth: dict[str, Any] = json.loads(raw_auth) if raw_auth.startswith("{") else {}
    providers: dict[str, dict[str, Any]] = {
        "gcp-secret-manager": {"gcpsm": {"projectID": location, **auth}},
        "aws-secrets-manager": {"aws": {"service": "SecretsManager", "region": location, **auth}},
        "vault": {
            "vault": {
                "server": location,
                "path": "secret",
                "version": "v2",
                "auth": {
                    "kubernetes": {
                        "mountPath": "kubernetes",
                        "role": "external-secrets",
                        "serviceAccountRef": {"name": account, "namespace": namespace},
                    }
                },
            }
        },
        "kubernetes": {
            "kubernetes": {
                "remoteNamespace": location,
                "server": {
                    "caProvider": {
                        "type": "ConfigMap",
                        "name": "kube-root-ca.crt",
                        "key": "ca.crt",
                        "namespace": namespace,
                    }
                },
                "auth": {"serviceAccount": {"name": account, "namespace": namespace}},
            }
        },
    }
    return {
        "apiVersion": ESO_API,
        "kind": "ClusterSecretStore",
        "metadata": {"name": STORE_NAME},
        "spec": {"provider": providers[backend]},
    }


def kubernetes_backend_access(contract: Mapping[str, str]) -> list[dict[str, Any]]:
    """For the `kubernetes` backend: the namespace holding the source Secrets, readable by ESO only.

    It lives here, not in the seed, because a private seed repo's credential is read through it. Argo CD
    never deletes the namespace (it holds the secrets people put there), even when the root goes.
    """
    namespace = contract["secrets_location"]
    subject = {
        "kind": "ServiceAccount",
        "name": contract["secrets_identity_service_account"],
        "namespace": contract["secrets_identity_namespace"],
    }
    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace,
                "annotations": {"argocd.argoproj.io/sync-options": "Delete=false"},
            },
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "eso-store-reader", "namespace": namespace},
            "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "eso-store-reader", "namespace": namespace},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "eso-store-reader"},
            "subjects": [subject],
        },
    ]


def eso_placeholder(key: str) -> str:
    """ESO's template for one key of the secret manager entry, filled in by ESO at runtime."""
    return "{{ ." + key + " }}"


def helm_literal(text: str) -> str:
    """`text` escaped for Helm's `tpl`: the external-secrets chart renders `extraObjects` through it
    (templates/extra-manifests.yaml), which would evaluate an ESO placeholder itself — to an empty string.
    A raw-string action hands the text through verbatim."""
    if "`" in text:
        raise ValueError(f"{text!r}: a backquote cannot be escaped for Helm's tpl")
    return "{{ `" + text + "` }}"


def repository_external_secret(
    contract: Mapping[str, str], repo_url: str, secret_name: str
) -> dict[str, Any]:
    """An ExternalSecret that writes Argo CD's repository Secret for the seed repo from the secret manager."""
    ssh = not repo_url.startswith("https://")
    keys = ("sshPrivateKey",) if ssh else ("username", "password")
    credential = {key: helm_literal(eso_placeholder(key)) for key in keys}
    return {
        "apiVersion": ESO_API,
        "kind": "ExternalSecret",
        "metadata": {"name": REPO_SECRET_NAME, "namespace": "argocd"},
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": STORE_NAME},
            "target": {
                "name": REPO_SECRET_NAME,
                "template": {
                    "metadata": {"labels": {"argocd.argoproj.io/secret-type": "repository"}},
                    "data": {"type": "git", "url": repo_url, **credential},
                },
            },
            "dataFrom": [{"extract": {"key": contract["secrets_prefix"] + secret_name}}],
        },
    }


def eso_values(contract: Mapping[str, str], repo_url: str, credentials_secret: str | None) -> dict[str, Any]:
    annotation_key = contract["secrets_identity_annotation_key"]
    service_account: dict[str, Any] = {"create": True, "name": contract["secrets_identity_service_account"]}
    if annotation_key:
        service_account["annotations"] = {annotation_key: contract["secrets_identity_annotation_value"]}
    extra = [cluster_secret_store(contract)]
    if contract["secrets_backend"] == "kubernetes":
        extra += kubernetes_backend_access(contract)
    if credentials_secret:
        extra.append(repository_external_secret(contract, repo_url, credentials_secret))
    return {"installCRDs": True, "serviceAccount": service_account, "extraObjects": extra}
