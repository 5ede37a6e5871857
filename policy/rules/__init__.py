"""The rule registry: every mandatory rule of the llm-platform-baseline pack, in report order.

Both adapters run exactly this table; the README's table and the tests are generated from / checked
against it. Each registered cloud brings its own rules (its `policy` module's `RULES`, through the
registry in clouds/), in registration order; then the rules every stack meets: no secret values in
state (secrets) and the platform's own invariants (platform).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import clouds

from . import platform, secrets
from .base import UNKNOWN, CannotEvaluate, PolicyResource, Rule

PACK_NAME = "llm-platform-baseline"

NEUTRAL: tuple[Rule, ...] = (
    # No secret values in state
    secrets.no_secret_versions,
    secrets.no_ssm_secure_string,
    secrets.k8s_secret_no_credentials,
    secrets.helm_values_no_credentials,
    # The platform's own invariants
    platform.k8s_inside_bootstrap,
    platform.k8s_no_workloads,
    platform.gpu_pool_taint,
    platform.gpu_single_owner,
    platform.prod_deletion_protection,
)


def registry() -> tuple[Rule, ...]:
    """Every rule of the clouds registered now, then the neutral ones."""
    own = tuple(rule for _, module in clouds.parts("policy") for rule in module.RULES)
    return (*own, *NEUTRAL)


if TYPE_CHECKING:
    REGISTRY: tuple[Rule, ...]
    BY_ID: dict[str, Rule]

_PACK: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    # REGISTRY and BY_ID are taken on first use, once: a cloud's rule module imports this package's
    # base first, so reading the clouds' rules while this package initializes would be circular.
    if name in ("REGISTRY", "BY_ID"):
        if not _PACK:
            _PACK["REGISTRY"] = registry()
            _PACK["BY_ID"] = {r.id: r for r in _PACK["REGISTRY"]}
        return _PACK[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BY_ID",
    "PACK_NAME",
    "REGISTRY",
    "UNKNOWN",
    "CannotEvaluate",
    "PolicyResource",
    "Rule",
    "registry",
]
