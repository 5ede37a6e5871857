"""Which secret values the platform can generate itself, and what every other one must hold.

Generated values are random keys only the platform uses (LiteLLM's master key and salt key): nobody
needs to know them up front, so `make seed-secrets` creates them inside the secret manager. Anything
that identifies an outside system — a Hugging Face token, a database URL, a Git credential — must
come from a human.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.secret_store import SecretStore

Generator = Callable[[], str]

# token_urlsafe(36) is 36 random bytes as exactly 48 URL-safe characters (288 bits).
RANDOM_BYTES = 36


def litellm_master_key() -> str:
    """LiteLLM accepts only master keys that start with `sk-`."""
    return "sk-" + secrets.token_urlsafe(RANDOM_BYTES)


def random_key() -> str:
    return secrets.token_urlsafe(RANDOM_BYTES)


GENERATED: dict[str, Generator] = {
    "litellm-master-key": litellm_master_key,
    # Encrypts provider credentials LiteLLM stores in its database; never change it once set.
    "litellm-salt-key": random_key,
}

PROVIDED_BY_A_HUMAN: dict[str, str] = {
    "hf-token": "a Hugging Face access token with read scope (https://huggingface.co/settings/tokens)",
    "litellm-database-url": "a PostgreSQL URL, postgresql://USER:PASSWORD@HOST:5432/litellm",
    "external-dns-credentials": "the DNS provider credential external-dns reads",
}
REPO_CREDENTIALS = (
    'the seed repo\'s credential as JSON: {"username": "...", "password": "<token>"} (https) or '
    '{"sshPrivateKey": "..."} (ssh)'
)


def what_it_holds(name: str, repo_credentials: str | None) -> str:
    if name in (repo_credentials, "argocd-repo-credentials"):
        return REPO_CREDENTIALS
    return PROVIDED_BY_A_HUMAN.get(name, "a value only you can provide (it is not generated)")


def how_to_provide(store: SecretStore, name: str, stack: str, repo_credentials: str | None) -> str:
    if name in GENERATED:
        return f"run `make seed-secrets STACK={stack}` (it generates this one)"
    return f"it needs {what_it_holds(name, repo_credentials)}; add it with: {store.add_command(name)}"
