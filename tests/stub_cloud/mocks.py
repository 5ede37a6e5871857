"""What the stub's provider computes: the account of its one cluster resource."""

from __future__ import annotations

from typing import Any

TYPE_PREFIXES = ("stub:",)
ACCOUNT = "stub-account-0042"


def computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"account_id": ACCOUNT} if type_ == "stub:index/cluster:Cluster" else {}


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    return None
