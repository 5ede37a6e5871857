"""GCP IAM: no broad project-level roles.

Identities in this platform are scoped resource by resource (one secret, one zone, one key); a
project-wide role would undo that silently.
"""

from __future__ import annotations

from collections.abc import Mapping

from policy.rules.base import PolicyResource, json_value, need, rule

GCP_PROJECT_GRANTS = frozenset({"gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"})
GCP_PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy"
FORBIDDEN_ROLES = frozenset({"roles/owner", "roles/editor"})
FORBIDDEN_ROLE_PREFIXES = ("roles/secretmanager.", "roles/dns.")


@rule(
    "gcp-iam-no-broad-project-roles",
    "No project-level grant of `roles/owner`, `roles/editor`, `roles/secretmanager.*` or `roles/dns.*`",
)
def gcp_iam_no_broad_project_roles(r: PolicyResource) -> list[str]:
    if r.type in GCP_PROJECT_GRANTS:
        roles = [str(need(r.props, "role"))]
    elif r.type == GCP_PROJECT_POLICY:
        policy = json_value(need(r.props, "policyData"), "policyData")
        bindings = policy.get("bindings", []) if isinstance(policy, Mapping) else []
        roles = [str(b.get("role", "")) for b in bindings if isinstance(b, Mapping)]
    else:
        return []
    return [
        f"project-level {role}: grant it on the secret / zone it is for, not the whole project"
        for role in roles
        if role in FORBIDDEN_ROLES or role.startswith(FORBIDDEN_ROLE_PREFIXES)
    ]
