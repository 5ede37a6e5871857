"""Kubernetes NetworkPolicy ingress semantics, small enough to read, for checking rendered policies.

A pod is isolated for ingress when any policy in its namespace selects it (podSelector) with Ingress in
its policyTypes; an isolated pod admits a connection only if some selecting policy has a rule whose
`from` peers match the source (podSelector and/or namespaceSelector; a peer with only podSelector means
the policy's own namespace; no `from` means every source) and whose `ports` match the port (no `ports`
means every port). A pod no policy selects admits everything. ipBlock peers are not modelled: the seed
never uses them, and a check that meets one refuses rather than guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.seed_render import selector_matches


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)
    namespace_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def ns_labels(self) -> dict[str, str]:
        # The API server labels every namespace with its own name.
        return {**self.namespace_labels, "kubernetes.io/metadata.name": self.namespace}


def selects(policy: Mapping[str, Any], pod: Pod) -> bool:
    spec = policy["spec"]
    return (
        policy["metadata"]["namespace"] == pod.namespace
        and "Ingress" in spec.get("policyTypes", ["Ingress"])
        and selector_matches(spec.get("podSelector", {}), pod.labels)
    )


def _peer_matches(peer: Mapping[str, Any], policy_namespace: str, source: Pod) -> bool:
    if "ipBlock" in peer:
        raise ValueError("ipBlock peers are not modelled")
    if "namespaceSelector" in peer:
        if not selector_matches(peer["namespaceSelector"], source.ns_labels):
            return False
    elif source.namespace != policy_namespace:
        return False
    return selector_matches(peer.get("podSelector", {}), source.labels)


def _port_matches(rule: Mapping[str, Any], port: int) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    return any(p.get("protocol", "TCP") == "TCP" and p.get("port") in (None, port) for p in ports)


def admits(policies: Iterable[Mapping[str, Any]], source: Pod, target: Pod, port: int) -> bool:
    """Whether `target` accepts a TCP connection from `source` on `port` under these policies."""
    selecting = [p for p in policies if selects(p, target)]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("ingress", []) or []:
            peers = rule.get("from")
            from_ok = not peers or any(
                _peer_matches(peer, policy["metadata"]["namespace"], source) for peer in peers
            )
            if from_ok and _port_matches(rule, port):
                return True
    return False
