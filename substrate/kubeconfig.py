"""Exec-auth kubeconfigs: the credential is fetched at use by a CLI plugin, never stored.

A kubeconfig holding a static token or client key would sit in Pulumi state for the cluster's
lifetime; with exec auth, state holds only the endpoint, the CA and the command to run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pulumi


def exec_kubeconfig(
    *,
    cluster: str,
    endpoint: pulumi.Input[str],
    ca_data: pulumi.Input[str],
    command: str,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    install_hint: str,
) -> pulumi.Output[str]:
    """A one-context kubeconfig (JSON, which is valid YAML), marked secret."""

    def render(values: list[str]) -> str:
        server, ca = values
        user_exec: dict[str, object] = {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": command,
            "args": list(args),
            "installHint": install_hint,
            "provideClusterInfo": True,
            "interactiveMode": "Never",
        }
        if env:
            user_exec["env"] = [{"name": k, "value": v} for k, v in sorted(env.items())]
        doc = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": cluster, "cluster": {"server": _https(server), "certificate-authority-data": ca}}
            ],
            "users": [{"name": cluster, "user": {"exec": user_exec}}],
            "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": cluster}}],
            "current-context": cluster,
            "preferences": {},
        }
        return json.dumps(doc, indent=2, sort_keys=True)

    return pulumi.Output.secret(pulumi.Output.all(endpoint, ca_data).apply(render))


def _https(server: str) -> str:
    return server if server.startswith("https://") else f"https://{server}"
