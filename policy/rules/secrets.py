"""No secret value ever enters Pulumi state: containers only, no values, no credentials in manifests.

Helm values, Kubernetes Secret data and secret versions are stored in state (encrypted only if marked
secret; still there). The platform creates empty secret containers and lets External Secrets Operator
read the values in-cluster, so any of these carrying a credential is a leak.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from .base import UNKNOWN, CannotEvaluate, Key, PolicyResource, leaves, need, optional, rule, show

SECRET_VERSIONS = frozenset(
    {"gcp:secretmanager/secretVersion:SecretVersion", "aws:secretsmanager/secretVersion:SecretVersion"}
)
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
K8S_SECRETS = frozenset({"kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch"})
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
ARGO_APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application"

# Argo CD's cluster Secret (declarative cluster setup) is allowed with exactly these keys, and its
# `config` must hold no credential: the in-cluster cluster needs none.
ARGO_CLUSTER_LABEL = "argocd.argoproj.io/secret-type"
ARGO_CLUSTER_KEYS = frozenset({"name", "server", "config"})
ARGO_CONFIG_CREDENTIALS = frozenset({"bearerToken", "password", "keyData"})

# A key names a credential when, lower-cased without separators, it ends with one of these
# (password, dbPassword, api_key, clientSecret, privateKey, …). `existingSecret`-style keys reference
# a Secret by name and are fine.
_CREDENTIAL_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
    "credential",
    "credentials",
)
_REFERENCE_PREFIXES = ("existing",)


def is_credential_key(key: Key) -> bool:
    if not isinstance(key, str):
        return False
    normalized = re.sub(r"[^a-z0-9]", "", key.lower())
    return normalized.endswith(_CREDENTIAL_SUFFIXES) and not normalized.startswith(_REFERENCE_PREFIXES)


def is_template(value: str) -> bool:
    """A Helm / External Secrets / Argo CD template such as "{{ .password }}": resolved in-cluster."""
    return "{{" in value


def credential_leaks(tree: Any, at: tuple[Key, ...]) -> Iterator[str]:
    """Paths under `tree` where a credential-named key holds a literal value.

    A computed value under a credential name cannot be judged: CannotEvaluate. A computed value under any
    other name is judged by that name, like a known one.
    """
    if tree is UNKNOWN:
        raise CannotEvaluate(show(at))
    for path, value in leaves(tree):
        named = next((k for k in reversed(path) if isinstance(k, str)), None)
        if named is not None and is_credential_key(named) and _is_literal(value, (*at, *path)):
            yield show((*at, *path))


def _is_literal(value: Any, path: tuple[Key, ...]) -> bool:
    """Whether a credential-named value is a literal (not empty, not a template); unknown cannot be judged."""
    if value is UNKNOWN:
        raise CannotEvaluate(show(path))
    return isinstance(value, str) and bool(value) and not is_template(value)


@rule("no-secret-versions", "No secret versions (values) in Pulumi: create containers only")
def no_secret_versions(r: PolicyResource) -> list[str]:
    if r.type not in SECRET_VERSIONS:
        return []
    return [f"{r.type} puts a secret value in state: add the value out of band (gcloud / aws CLI)"]


@rule("no-ssm-secure-string", "No SSM SecureString parameters (their values live in state)")
def no_ssm_secure_string(r: PolicyResource) -> list[str]:
    if r.type != SSM_PARAMETER:
        return []
    kind = need(r.props, "type")
    if kind != "SecureString":
        return []
    return [f"type is {kind!r}: use a Secrets Manager container and add the value out of band"]


@rule(
    "k8s-secret-no-credentials",
    "No Kubernetes Secret with data, except Argo CD's credential-free cluster Secret",
)
def k8s_secret_no_credentials(r: PolicyResource) -> list[str]:
    if r.type not in K8S_SECRETS:
        return []
    data = optional(r.props, "data", {})
    string_data = optional(r.props, "stringData", {})
    keys = sorted({*data, *string_data})
    if not keys:
        return []
    if optional(r.props, ("metadata", "labels", ARGO_CLUSTER_LABEL), None) != "cluster":
        return [f"the Secret carries data ({', '.join(keys)}): let External Secrets write it in-cluster"]
    extra = sorted(set(keys) - ARGO_CLUSTER_KEYS)
    if extra:
        return [
            f"Argo CD cluster Secret carries {', '.join(extra)}: only name, server and config are allowed"
        ]
    config, where = _argo_config(data, string_data)
    if config is None:
        return []
    out = [f"{where}.{show(p)} is a credential" for p, v in leaves(config) if _is_argo_credential(p, v)]
    out += [f"{where}.{p} is a credential" for p in credential_leaks(config, ())]
    return sorted(set(out))


def _argo_config(data: Mapping[str, Any], string_data: Mapping[str, Any]) -> tuple[Any, str]:
    if "config" in string_data:
        raw, where = string_data["config"], "stringData.config"
    elif "config" in data:
        raw, where = data["config"], "data.config"
        if isinstance(raw, str):
            try:
                raw = base64.b64decode(raw, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise CannotEvaluate(where, "not base64") from None
    else:
        return None, ""
    if raw is UNKNOWN:
        raise CannotEvaluate(where)
    try:
        return (json.loads(raw) if isinstance(raw, str) else raw), where
    except json.JSONDecodeError:
        raise CannotEvaluate(where, "not JSON") from None


def _is_argo_credential(path: tuple[Key, ...], value: Any) -> bool:
    return bool(path) and path[-1] in ARGO_CONFIG_CREDENTIALS and value not in (None, "", False)


@rule(
    "helm-values-no-credentials",
    "No credential-looking Helm values (Helm releases, Argo CD Application helm values)",
)
def helm_values_no_credentials(r: PolicyResource) -> list[str]:
    if r.type == HELM_RELEASE:
        values = optional(r.props, "values", {})
        return [f"{p} holds a literal credential" for p in credential_leaks(values, ("values",))]
    if r.type != ARGO_APPLICATION:
        return []
    need(r.props, "spec")
    sources: list[tuple[Key, ...]] = []
    if optional(r.props, "spec.source", None) is not None:
        sources.append(("spec", "source"))
    sources += [("spec", "sources", i) for i in range(len(optional(r.props, "spec.sources", [])))]
    out: list[str] = []
    for source in sources:
        out += _application_helm_leaks(r, (*source, "helm"))
    return [f"{p} holds a literal credential" for p in out]


def _application_helm_leaks(r: PolicyResource, helm: tuple[Key, ...]) -> list[str]:
    out = list(credential_leaks(optional(r.props, (*helm, "valuesObject"), {}), (*helm, "valuesObject")))
    values = optional(r.props, (*helm, "values"), "")
    if values:
        try:
            parsed = yaml.safe_load(values)
        except yaml.YAMLError:
            raise CannotEvaluate(show((*helm, "values")), "not YAML") from None
        out += credential_leaks(parsed, (*helm, "values"))
    for index in range(len(optional(r.props, (*helm, "parameters"), []))):
        at = (*helm, "parameters", index)
        name = str(need(r.props, (*at, "name"))).split(".")[-1]  # e.g. auth.password
        if is_credential_key(name) and _is_literal(optional(r.props, (*at, "value"), ""), (*at, "value")):
            out.append(show((*at, "value")))
    return out
