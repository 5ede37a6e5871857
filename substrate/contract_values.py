"""The contract's value vocabularies: secrets backends, DNS providers and GPU driver owners.

The core keeps the neutral values; each registered cloud's bridge brings its own (`SECRET_STORES`
keys, `DNS_PROVIDERS`, `DRIVER_OWNERS`), so a new cloud adds its names without touching the core.
A contract is checked against them when it is built: a value no registered cloud brings is refused
by name, before the bootstrap templates it into the seed.
"""

from __future__ import annotations

import clouds

NEUTRAL_SECRETS_BACKENDS = ("vault", "kubernetes")
NEUTRAL_DNS_PROVIDERS = ("rfc2136", "cloudflare", "none")
# The node image ships the driver, or the NVIDIA GPU Operator installs it.
NEUTRAL_DRIVER_OWNERS = ("image", "operator")


def secrets_backends() -> tuple[str, ...]:
    """Every secrets backend a contract may name: the neutral ones, then each cloud's secret managers."""
    return NEUTRAL_SECRETS_BACKENDS + tuple(
        name for _, bridge in clouds.parts("bridge") for name in bridge.SECRET_STORES
    )


def dns_providers() -> tuple[str, ...]:
    """Every external-dns provider a contract may name."""
    return NEUTRAL_DNS_PROVIDERS + tuple(
        p for _, bridge in clouds.parts("bridge") for p in bridge.DNS_PROVIDERS
    )


def driver_owners() -> tuple[str, ...]:
    """Every owner of the GPU driver a contract may name."""
    return NEUTRAL_DRIVER_OWNERS + tuple(
        o for _, bridge in clouds.parts("bridge") for o in bridge.DRIVER_OWNERS
    )


def check(*, backend: str, dns_provider: str, driver_owner: str) -> None:
    """Refuse values that cannot cross in a contract: one line per value, naming field and allowed values."""
    checks = (
        ("secrets.backend", backend, secrets_backends()),
        ("dns.provider", dns_provider, dns_providers()),
        ("gpu.driver_owner", driver_owner, driver_owners()),
    )
    refused = [
        f"{key}: '{value}' is not one the core or a registered cloud brings; allowed: {', '.join(allowed)}"
        for key, value, allowed in checks
        if value not in allowed
    ]
    if refused:
        raise ValueError(
            "the contract names values no registered cloud brings:\n  - " + "\n  - ".join(refused)
        )
