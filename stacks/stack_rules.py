"""Stack-wide rules a cloud opts into from its `STACK_RULES` (they hold on some clouds, not all)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stacks.schema import StackConfig


def control_plane_reachable(config: StackConfig) -> list[str]:
    """A control plane the platform builds must be reachable by the `pulumi up` that bootstraps it."""
    plane = config.cluster.control_plane
    if plane.authorized_networks or plane.private_endpoint:
        return []
    return [
        "cluster.controlPlane.authorizedNetworks is empty and privateEndpoint is false: nothing "
        "could reach the cluster API, including the `pulumi up` that installs Argo CD; list the "
        "networks you deploy from, or set privateEndpoint: true and deploy from inside the VPC"
    ]
