"""Picks the adapter for `cloud`. Adapters are imported lazily: a GKE stack never loads the AWS SDK."""

from __future__ import annotations

from collections.abc import Callable

from stacks.loader import ConfigError
from stacks.schema import StackConfig
from substrate.interface import Substrate


def _gcp(name: str, config: StackConfig) -> Substrate:
    from substrate.gcp.adapter import GkeSubstrate  # noqa: PLC0415 (lazy: no unused cloud SDK loads)

    return GkeSubstrate(name, config)


def _aws(name: str, config: StackConfig) -> Substrate:
    from substrate.aws.adapter import EksSubstrate  # noqa: PLC0415 (lazy: no unused cloud SDK loads)

    return EksSubstrate(name, config)


def _existing(name: str, config: StackConfig) -> Substrate:
    from substrate.existing.adapter import ExistingCluster  # noqa: PLC0415

    return ExistingCluster(name, config)


ADAPTERS: dict[str, Callable[[str, StackConfig], Substrate]] = {
    "gcp": _gcp,
    "aws": _aws,
    "existing": _existing,
}


def build_substrate(config: StackConfig) -> Substrate:
    adapter = ADAPTERS.get(config.cloud)
    if adapter is None:
        raise ConfigError(
            f"cloud: the '{config.cloud}' adapter is not part of this release; "
            f"available: {', '.join(ADAPTERS)}"
        )
    return adapter("substrate", config)
