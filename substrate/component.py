"""The base of every concern's component: children hang under it and wait for what it waits for.

Pulumi does not pass a component's `depends_on` down to its children, so a component built "after the
APIs are enabled" would still let its resources race the APIs. `child()` carries the dependency down.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi


class Component(pulumi.ComponentResource):
    def __init__(self, type_token: str, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token, name, None, opts)
        after = opts.depends_on if opts is not None else None
        # Only concrete resources are carried down; callers pass lists of resources.
        self._after: list[pulumi.Resource] = (
            [r for r in after if isinstance(r, pulumi.Resource)] if isinstance(after, Sequence) else []
        )

    def child(self, depends_on: Sequence[pulumi.Resource] = (), **kwargs: Any) -> pulumi.ResourceOptions:
        """Options for a child resource: parent=self, plus this component's dependencies."""
        return pulumi.ResourceOptions(parent=self, depends_on=[*self._after, *depends_on], **kwargs)
