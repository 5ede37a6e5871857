"""What a real provider would compute for a resource or an invoke: asked of the cloud that owns its type.

Each registered cloud's `mocks` module answers the types and tokens under its `TYPE_PREFIXES`, with
values in its provider's documented formats; types no cloud owns (Kubernetes, providers) compute nothing.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import clouds


def _owner(token: str) -> ModuleType | None:
    for _, mocks in clouds.parts("mocks"):
        if token.startswith(tuple(mocks.TYPE_PREFIXES)):
            return mocks
    return None


def computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    mocks = _owner(type_)
    return dict(mocks.computed_outputs(type_, name, inputs)) if mocks else {}


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any]:
    mocks = _owner(token)
    found = mocks.invoke_result(token, args) if mocks else None
    if found is None:
        raise NotImplementedError(f"offline plan has no mock answer for invoke {token}")
    return dict(found)
