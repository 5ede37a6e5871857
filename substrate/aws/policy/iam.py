"""AWS IAM: no wildcard power over secrets, keys and DNS.

Identities in this platform are scoped resource by resource (one secret, one zone, one key); a wildcard
action would undo that silently.
"""

from __future__ import annotations

from collections.abc import Mapping

from policy.rules.base import PolicyResource, json_value, need, rule

AWS_POLICY_TYPES = frozenset(
    {
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    }
)
FORBIDDEN_ACTIONS = frozenset({"*", "secretsmanager:*", "route53:*", "kms:*"})


@rule(
    "aws-iam-no-wildcard-actions",
    "No IAM policy allows the actions `*`, `secretsmanager:*`, `route53:*` or `kms:*`",
)
def aws_iam_no_wildcard_actions(r: PolicyResource) -> list[str]:
    if r.type not in AWS_POLICY_TYPES:
        return []
    document = json_value(need(r.props, "policy"), "policy")
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
