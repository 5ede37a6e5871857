"""IAM building blocks every concern shares: ARNs, names, trust and policy documents.

Policy documents are built as data and serialized once (`policy_json`), so the resource ARNs they
name are outputs, never `*` placeholders. Names are derived from cluster, role and region: IAM is
global to the account while EKS cluster names are only unique per region.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from substrate.naming import bounded

POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
# Session tags EKS Pod Identity puts on every role session; the trust policy pins each of them.
# https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
CLUSTER_ARN_TAG = "aws:RequestTag/eks-cluster-arn"
NAMESPACE_TAG = "aws:RequestTag/kubernetes-namespace"
SERVICE_ACCOUNT_TAG = "aws:RequestTag/kubernetes-service-account"
IAM_NAME_LIMIT = 64


def partition(region: str) -> str:
    """The ARN partition of a region: aws, aws-cn or aws-us-gov."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def managed_policy(region: str, name: str) -> str:
    """The ARN of an AWS managed policy, e.g. `AmazonEKSWorkerNodePolicy`."""
    return f"arn:{partition(region)}:iam::aws:policy/{name}"


def iam_name(cluster: str, role: str, region: str) -> str:
    """A role name unique to cluster and region, within IAM's 64 characters."""
    return bounded(cluster, role, region, limit=IAM_NAME_LIMIT)


def statement(
    actions: Sequence[str],
    resources: pulumi.Input[str] | Sequence[pulumi.Input[str]],
    *,
    sid: str = "",
    condition: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if sid:
        out["Sid"] = sid
    if condition:
        out["Condition"] = dict(condition)
    return out


def policy_json(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    """A policy document whose values may be outputs (ARNs), serialized when they are known."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def service_trust(service: str) -> str:
    """Trust for an AWS service principal (ec2.amazonaws.com, eks.amazonaws.com) to assume the role."""
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    return json.dumps(doc)


def pod_identity_trust(
    cluster_arn: pulumi.Input[str], namespace: str, service_account: str
) -> pulumi.Output[str]:
    """Trust for EKS Pod Identity, bound by session tags to one cluster, namespace and service account.

    Without the conditions any Pod Identity association in the account could hand this role to its pods.
    """
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {
                        "StringEquals": {
                            CLUSTER_ARN_TAG: cluster_arn,
                            NAMESPACE_TAG: namespace,
                            SERVICE_ACCOUNT_TAG: service_account,
                        }
                    },
                }
            ],
        }
    )
