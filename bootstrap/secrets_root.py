"""The secrets root: External Secrets Operator from its public chart, with the store for the contract.

It is a root of its own, not part of the seed, because a private seed repo cannot be read before its
credential exists: this root comes from a public Helm repository, so Argo CD can sync it first, and its
ExternalSecret materializes the seed repo's credential from the cloud secret manager as an Argo CD
repository Secret. Pulumi only names things — the store, the secret's name — never a value.
"""

from __future__ import annotations

import json
from typing import Any

import clouds
from bootstrap.charts import EXTERNAL_SECRETS
from substrate.contract import ResolvedSecrets

ESO_CHART_REPO = EXTERNAL_SECRETS.repo_url
ESO_CHART_VERSION = EXTERNAL_SECRETS.version
STORE_NAME = "platform"
REPO_SECRET_NAME = "seed-repository"
ESO_API = "external-secrets.io/v1"


def cluster_secret_store(secrets: ResolvedSecrets) -> dict[str, Any]:
    """The ClusterSecretStore every ExternalSecret of the platform reads through."""
    backend, location = secrets.backend, secrets.location
    namespace, account = secrets.identity.namespace, secrets.identity.service_account
    # Empty: ESO uses its own pod identity (the cloud's workload identity). Otherwise the existing
    # cluster's auth settings (a static key's Secret reference, a role to assume).
    raw_auth = secrets.auth
    auth: dict[str, Any] = json.loads(raw_auth) if raw_auth.startswith("{") else {}
    # A cloud's secret manager comes with the cloud's bridge module; vault and kubernetes are neutral.
    stores = {
        name: store for _, bridge in clouds.parts("bridge") for name, store in bridge.SECRET_STORES.items()
    }
    if backend in stores:
        provider: dict[str, Any] = stores[backend](location, auth)
        return _store(provider)
    providers: dict[str, dict[str, Any]] = {
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
    return _store(providers[backend])


def _store(provider: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": ESO_API,
        "kind": "ClusterSecretStore",
        "metadata": {"name": STORE_NAME},
        "spec": {"provider": provider},
    }


def kubernetes_backend_access(secrets: ResolvedSecrets) -> list[dict[str, Any]]:
    """For the `kubernetes` backend: the namespace holding the source Secrets, readable by ESO only.

    It lives here, not in the seed, because a private seed repo's credential is read through it. Argo CD
    never deletes the namespace (it holds the secrets people put there), even when the root goes.
    """
    namespace = secrets.location
    subject = {
        "kind": "ServiceAccount",
        "name": secrets.identity.service_account,
        "namespace": secrets.identity.namespace,
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


def repository_external_secret(secrets: ResolvedSecrets, repo_url: str, secret_name: str) -> dict[str, Any]:
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
            "dataFrom": [{"extract": {"key": secrets.prefix + secret_name}}],
        },
    }


def eso_values(secrets: ResolvedSecrets, repo_url: str, credentials_secret: str | None) -> dict[str, Any]:
    identity = secrets.identity
    service_account: dict[str, Any] = {"create": True, "name": identity.service_account}
    if identity.annotation_key:
        service_account["annotations"] = {identity.annotation_key: identity.annotation_value}
    extra = [cluster_secret_store(secrets)]
    if secrets.backend == "kubernetes":
        extra += kubernetes_backend_access(secrets)
    if credentials_secret:
        extra.append(repository_external_secret(secrets, repo_url, credentials_secret))
    return {"installCRDs": True, "serviceAccount": service_account, "extraObjects": extra}
