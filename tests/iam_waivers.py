"""The one list of parliament findings accepted on this program's IAM documents, each with its reason.

A waiver names the document (a glob over `<resource name>:<input path>`, e.g.
`*-karpenter-controller-policy:policy`), the statement Sid (empty for a finding on the whole
policy, as the community auditors report), and the parliament issue. tests/test_iam_documents.py
fails on any finding no waiver matches, and on any waiver no finding uses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Waiver:
    document: str
    sid: str
    issue: str
    reason: str


KARPENTER = "*-karpenter-controller-policy:policy"
# parliament checks that one statement names every resource type an action needs; IAM authorizes
# each resource of a RunInstances/CreateFleet call against every statement. Karpenter's reference
# policy splits them on purpose: untagged inputs, its own launch templates, created resources, each
# under its own conditions.
SPLIT_LAUNCH = (
    "RunInstances/CreateFleet resources are split over three statements, as in Karpenter's reference "
    "policy, so each resource kind carries its own tag conditions; together they cover every type"
)

WAIVERS: tuple[Waiver, ...] = (
    Waiver(KARPENTER, "AllowScopedEC2InstanceAccessActions", "RESOURCE_MISMATCH", SPLIT_LAUNCH),
    Waiver(KARPENTER, "AllowScopedEC2LaunchTemplateAccessActions", "RESOURCE_MISMATCH", SPLIT_LAUNCH),
    Waiver(KARPENTER, "AllowScopedEC2InstanceActionsWithTags", "RESOURCE_MISMATCH", SPLIT_LAUNCH),
    Waiver(
        KARPENTER,
        "AllowSSMReadActions",
        "RESOURCE_MISMATCH",
        "AWS public parameters (/aws/service/..., the EKS AMI ids) have no account in their ARN; "
        "parliament's parameter ARN format requires one",
    ),
    Waiver(
        KARPENTER,
        "AllowZonalShiftStatusReadOnly",
        "RESOURCE_STAR",
        "ARC zonal shift scopes GetManagedResource by ARN only for load balancers; an EKS cluster has no "
        "ARN type there, so the reference policy names the cluster in the arc-zonal-shift:"
        "ResourceIdentifier condition (aws/karpenter-provider-aws#9123 replaced the cluster ARN as Resource)",
    ),
    Waiver(
        KARPENTER,
        "",
        "PRIVILEGE_ESCALATION",
        "launching nodes with a role is Karpenter's job: iam:PassRole is pinned to its node role and to "
        "EC2, and the node role holds only the node policies",
    ),
    Waiver(
        KARPENTER,
        "",
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "Karpenter creates, tags and deletes the instance profiles of its EC2NodeClasses; only profiles "
        "tagged for this cluster and region, and only with its node role",
    ),
    Waiver(
        "*:assumeRolePolicy",
        "",
        "CREDENTIALS_EXPOSURE",
        "sts:AssumeRole in a trust policy names who may assume the role, which is what a trust policy is "
        "for; it grants the role's holder nothing",
    ),
)
