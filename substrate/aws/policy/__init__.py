"""AWS's policy rules: EKS and EC2 hardening as the scanners codify it, and IAM policy documents.

`RULES` is what the pack's registry (policy/rules/__init__.py) takes from this cloud, in report order.
Pure: the pack runs these in its own virtualenv (stdlib, PyYAML and pulumi-policy only).
"""

from __future__ import annotations

from policy.rules.base import Rule

from . import eks, iam

RULES: tuple[Rule, ...] = (
    eks.secrets_encryption,
    eks.control_plane_logs,
    eks.endpoint_restricted,
    eks.supported_version,
    eks.node_group_no_remote_access,
    eks.imdsv2_required,
    eks.imds_hop_limit,
    eks.no_ssh_from_anywhere,
    iam.aws_iam_no_wildcard_actions,
)
