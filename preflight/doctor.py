"""`make doctor`: the checks for a stack, in the order a fork would fix them.

Composition only. The stack's cloud (its `preflight` module, through the registry in clouds/) names
its checks, each bound to its client; every stack's `secrets` are then checked in the cloud's secret
store. The credentials check is the gate: without working credentials every other answer would be an
error, so they are reported as not checked (failures) instead of a dozen copies of the same message.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import clouds
from preflight.delegation import Resolver
from preflight.report import Check
from preflight.secret_store import SecretStore, check_secret
from stacks.schema import StackConfig


def secret_checks(config: StackConfig, store: SecretStore, stack: str) -> list[Check]:
    repo = config.gitops.credentials_secret
    return [
        Check(f"secret {s.name}", partial(check_secret, store, s.name, stack, repo)) for s in config.secrets
    ]


def checks_for(config: StackConfig, client: Any, resolve: Resolver, stack: str) -> tuple[Check, list[Check]]:
    """The gate and the checks of the stack's cloud, then its secrets in that cloud's store."""
    cloud = clouds.part(config.cloud, "preflight")
    gate, checks = cloud.doctor(config, client, resolve, stack)
    store = cloud.secret_store(config, client)
    return gate, [*checks, *secret_checks(config, store, stack)]
