"""EKS itself on the stack's Kubernetes version: is it in standard support, by EKS's own answer?

The schema already refuses a version the table (stacks/eks-versions.yaml) puts out of standard
support today; this asks `eks:DescribeClusterVersions` (read-only), so a table that has fallen behind
EKS shows up before `pulumi up`. The cluster runs `upgradePolicy.supportType: STANDARD`: on a version
EKS reports in extended support (or no longer offers) it would upgrade the control plane itself and
every later `up` would try to downgrade it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from preflight.report import Outcome, failed, passed
from stacks import eks_versions
from stacks.schema import StackConfig
from substrate.aws.preflight.clients import AwsClients

# botocore's EKS model (2017-11-01), shape VersionStatus: UNSUPPORTED | STANDARD_SUPPORT | EXTENDED_SUPPORT.
STANDARD_SUPPORT = "STANDARD_SUPPORT"


def reported_status(entry: dict[str, Any]) -> str:
    """`versionStatus`; else the deprecated `status` (standard-support), which AWS's own docs still show."""
    if entry.get("versionStatus"):
        return str(entry["versionStatus"])
    return str(entry.get("status") or "no status").upper().replace("-", "_")


def _utc_day(value: Any) -> date | None:
    return value.astimezone(UTC).date() if isinstance(value, datetime) else None


def check_version(clients: AwsClients, config: StackConfig) -> Outcome:
    assert config.aws is not None
    version = config.aws.kubernetes_version
    response = clients.eks.describe_cluster_versions(clusterVersions=[version], includeAll=True)
    entry = next((v for v in response.get("clusterVersions", []) if v.get("clusterVersion") == version), None)
    allowed = eks_versions.CALENDAR.allowed(eks_versions.today())
    if entry is None:
        return failed(
            f"EKS in {clients.region} does not offer Kubernetes {version}: set aws.kubernetesVersion to "
            f"one it does ({allowed}) and review stacks/eks-versions.yaml"
        )
    status = reported_status(entry)
    if status != STANDARD_SUPPORT:
        return failed(
            f"EKS reports Kubernetes {version} as {status}, not {STANDARD_SUPPORT}: with upgradePolicy "
            "STANDARD, EKS upgrades the control plane itself and every `pulumi up` would try to downgrade "
            f"it; set aws.kubernetesVersion ({allowed}) and review stacks/eks-versions.yaml"
        )
    ends = _utc_day(entry.get("endOfStandardSupportDate"))
    table = eks_versions.CALENDAR.get(version)
    note = ""
    if ends is not None and table is not None and ends != table.end_of_standard_support:
        note = (
            f"; stacks/eks-versions.yaml says {table.end_of_standard_support}: review the table against "
            "the EKS calendar"
        )
    until = f" until {ends}" if ends is not None else ""
    return passed(f"EKS reports Kubernetes {version} in standard support{until}{note}")
