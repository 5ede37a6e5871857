"""An existing cluster adds no GitOps Bridge annotation, secret manager, DNS provider or driver owner.

Its `vault` and `kubernetes` backends and its DNS providers are cloud-neutral (the core has them); a
cloud secret manager or DNS provider it uses comes with that cloud's bridge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ANNOTATIONS: dict[str, str] = {}
SECRET_STORES: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {}
DNS_PROVIDERS: tuple[str, ...] = ()
DRIVER_OWNERS: tuple[str, ...] = ()
