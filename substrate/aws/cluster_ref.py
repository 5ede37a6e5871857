"""One EKS cluster as the components built on it see it: a single typed reference, not loose values."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True, kw_only=True)
class ClusterRef:
    # The configured name, known at preview: role names, tags and descriptions are built from it.
    name: str
    # The cluster resource's name and ARN as outputs: what references them waits for the cluster.
    eks_name: pulumi.Input[str]
    arn: pulumi.Input[str]
