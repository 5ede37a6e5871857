"""IAM: no wildcard power over secrets, keys and DNS; no broad project-level roles on GCP.

Identities in this platform are scoped resource by resource (one secret, one zone, one key); a wildcard
action or a project-wide role would undo that silently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .base import CannotEvaluate, PolicyResource, need, rule

AWS_POLICY_TYPES = frozenset(
    {
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    }
)
FORBIDDEN_ACTIONS = frozenset({"*", "secretsmanager:*", "route53:*", "kms:*"})

GCP_PROJECT_GRANTS = frozenset({"gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"})
GCP_PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy"
FORBIDDEN_ROLES = frozenset({"roles/owner", "roles/editor"})
FORBIDDEN_ROLE_PREFIXES = ("roles/secretmanager.", "roles/dns.")


@rule(
    "aws-iam-no-wildcard-actions",
    "No IAM policy allows the actions `*`, `secretsmanager:*`, `route53:*` or `kms:*`",
)
def aws_iam_no_wildcard_actions(r: PolicyResource) -> list[str]:
    if r.type not in AWS_POLICY_TYPES:
        return []
    document = _json(need(r.props, "policy"), "policy")
    statements = document.get("Statement", []) if isinstance(document, Mapping) else []
    if isinstance(statements, Mapping):
        statements = [statements]
    out = []
    for index, statement in enumerate(statements):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            if str(action).lower() in FORBIDDEN_ACTIONS:
                out.append(f"policy Statement[{index}] allows {action}: grant the actions it needs, by name")
    return out


@rule(
    "gcp-iam-no-broad-project-roles",
    "No project-level grant of `roles/owner`, `roles/editor`, `roles/secretmanager.*` or `roles/dns.*`",
)
def gcp_iam_no_broad_project_roles(r: PolicyResource) -> list[str]:
    if r.type in GCP_PROJECT_GRANTS:
        roles = [str(need(r.props, "role"))]
    elif r.type == GCP_PROJECT_POLICY:
        policy = _json(need(r.props, "policyData"), "policyData")
        bindings = policy.get("bindings", []) if isinstance(policy, Mapping) else []
        roles = [str(b.get("role", "")) for b in bindings if isinstance(b, Mapping)]
    else:
        return []
    return [
        f"project-level {role}: grant it on the secret / zone it is for, not the whole project"
        for role in roles
        if role in FORBIDDEN_ROLES or role.startswith(FORBIDDEN_ROLE_PREFIXES)
    ]


def _json(value: Any, field: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise CannotEvaluate(field, "not JSON") from None
