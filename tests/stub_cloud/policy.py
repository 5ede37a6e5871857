"""The stub's one policy rule: its cluster names a region."""

from __future__ import annotations

from policy.rules.base import PolicyResource, Rule, need, rule

CLUSTER = "stub:index/cluster:Cluster"


@rule("stub-cluster-region", "A stub cluster names its region")
def cluster_region(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    return [] if need(r.props, "region") else ["region is empty: name the region the cluster runs in"]


RULES: tuple[Rule, ...] = (cluster_region,)
