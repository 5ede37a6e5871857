"""Builds the substrate of the stack's cloud, through the registry (clouds/).

Only the stack's own cloud's adapter module is imported, so no stack loads another cloud's SDK.
"""

from __future__ import annotations

import clouds
from stacks.loader import ConfigError
from stacks.schema import StackConfig
from substrate.interface import Substrate


def build_substrate(config: StackConfig) -> Substrate:
    if clouds.get(config.cloud) is None:
        raise ConfigError(
            f"cloud: the '{config.cloud}' adapter is not part of this release; "
            f"available: {', '.join(clouds.names())}"
        )
    substrate: Substrate = clouds.adapter(config.cloud)("substrate", config)
    return substrate
