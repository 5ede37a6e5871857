"""Value checks shared by the schema: CIDRs, domains, repository URLs, secret entries.

Each returns the normalized value or raises ValueError with a message that says what is allowed; the
schema attaches the key path.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SCP_LIKE_GIT = re.compile(r"^(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>[A-Za-z0-9._/~-]+)$")
# Keys a secret entry must never carry: the value belongs in the cloud secret manager.
SECRET_VALUE_KEYS = frozenset(
    {"value", "data", "stringData", "secretString", "secret", "password", "token", "valueFrom"}
)


def cidr(value: str, *, allow_public: bool = True) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid CIDR block (e.g. 10.0.0.0/20): {exc}") from None
    if network.prefixlen == 0:
        raise ValueError(
            f"'{value}' opens the range to the whole internet; name the networks that need access"
        )
    if not allow_public and not network.is_private:
        raise ValueError(f"'{value}' is not a private (RFC 1918) range")
    return str(network)


def domain(value: str) -> str:
    normalized = value.strip().lower().rstrip(".")
    if not DOMAIN.match(normalized):
        raise ValueError(
            f"'{value}' is not a valid DNS domain: use lowercase labels of letters, digits and hyphens "
            "joined by dots, with a top-level domain (e.g. llm.example.com)"
        )
    return normalized


def repo_url(value: str) -> str:
    """An https:// or ssh Git URL with no credential in it."""
    scp = SCP_LIKE_GIT.match(value)
    if scp:
        if scp.group("user") != "git":
            raise ValueError("repoURL's ssh user must be `git`; any other user may be a credential")
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("https", "ssh"):
        raise ValueError(f"'{value}' must be an https:// or ssh:// Git URL (or git@host:org/repo.git)")
    if not parts.hostname:
        raise ValueError(f"'{value}' has no host")
    if (
        parts.password is not None
        or parts.username not in (None, "git")
        or (parts.scheme == "https" and parts.username is not None)
    ):
        raise ValueError(
            "repoURL embeds a credential; give the bare URL and store the credential in the cloud "
            "secret manager (it reaches Argo CD through External Secrets)"
        )
    if parts.query and re.search(r"(token|key|secret|password|sig)", parts.query, re.IGNORECASE):
        raise ValueError("repoURL carries a credential in its query string; give the bare URL")
    return value


def secret_entry(data: object) -> object:
    """Reject a secret entry that carries a value: config names secrets, it never holds them."""
    if isinstance(data, dict):
        carried = sorted(k for k in data if k in SECRET_VALUE_KEYS)
        if carried:
            raise ValueError(
                f"a secret entry carries '{carried[0]}': config holds secret names only (name, owner); "
                "put the value in the cloud secret manager"
            )
    return data


def overlapping(ranges: dict[str, str]) -> tuple[str, str] | None:
    """The first pair of keys whose CIDR ranges overlap, or None."""
    nets = {k: ipaddress.ip_network(v) for k, v in ranges.items()}
    keys = list(nets)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if nets[a].overlaps(nets[b]):
                return a, b
    return None
