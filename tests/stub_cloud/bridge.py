"""The stub's bridge annotation, its secret manager (External Secrets' `fake` provider) and DNS provider."""

from __future__ import annotations

from typing import Any

ANNOTATIONS = {"stub_account_id": "cluster_account"}


def _fake(location: str, auth: dict[str, Any]) -> dict[str, Any]:
    return {"fake": {"data": [{"key": "location", "value": location}]}}


SECRET_STORES = {"stub-secrets": _fake}
DNS_PROVIDERS = ("stub-dns",)
DRIVER_OWNERS: tuple[str, ...] = ()
