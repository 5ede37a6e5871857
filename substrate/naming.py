"""Names derived from project, stack and config only — never from unseeded randomness.

Cloud names have length limits (a GCP service-account id is 6-30 characters) and some can never be
reused once deleted (a Cloud KMS key ring). `bounded` shortens deterministically; `stack_suffix` gives
never-reusable names a suffix unique to the Pulumi project and stack.
"""

from __future__ import annotations

import hashlib

import pulumi


def digest(*parts: str, length: int = 6) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def bounded(*parts: str, limit: int) -> str:
    """`parts` joined by '-', shortened to `limit` with a stable hash when too long."""
    name = "-".join(p for p in parts if p)
    if len(name) <= limit:
        return name
    tag = digest(name, length=4)
    return f"{name[: limit - len(tag) - 1].rstrip('-')}-{tag}"


def stack_suffix() -> str:
    """Six hex characters unique to this project and stack."""
    return digest(pulumi.get_project(), pulumi.get_stack())
