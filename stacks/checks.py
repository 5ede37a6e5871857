"""Value checks shared by the schema: CIDRs, domains, repository URLs, secret entries.

Each returns the normalized value or raises ValueError with a message that says what is allowed; the
schema attaches the key path.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from stacks import text

DOMAIN = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.ASCII)
SCP_LIKE_GIT = re.compile(
    r"(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?P<path>[A-Za-z0-9._/~-]+)", re.ASCII
)
# Keys a secret entry must never carry: the value belongs in the cloud secret manager.
SECRET_VALUE_KEYS = frozenset(
    {"value", "data", "stringData", "secretString", "secret", "password", "token", "valueFrom"}
)


RFC1918 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# Largest union of public addresses the authorized networks may add up to: a /8.
MAX_AUTHORIZED_PUBLIC = 2**24


def _network(value: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if not isinstance(value, str) or not text.matches(r"[0-9A-Fa-f.:]+/[0-9]{1,3}", value):
        raise ValueError(
            f"{text.shown(value)} is not a valid CIDR block (e.g. 10.0.0.0/20): ASCII address/prefix only"
        )
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{text.shown(value)} is not a valid CIDR block (e.g. 10.0.0.0/20): {exc}") from None


def cidr(value: str, *, allow_public: bool = True) -> str:
    """An IPv4 block: a private (RFC 1918) one, or with allow_public a routable unicast one."""
    network = _network(value)
    if network.prefixlen == 0:
        raise ValueError(
            f"'{value}' opens the range to the whole internet; name the networks that need access"
        )
    if not isinstance(network, ipaddress.IPv4Network):
        raise ValueError(f"'{value}' is IPv6; this range must be IPv4 (the cluster is IPv4-only)")
    if not allow_public:
        if not any(network.subnet_of(block) for block in RFC1918):
            raise ValueError(
                f"'{value}' is not a private (RFC 1918) range: use one inside 10.0.0.0/8, "
                "172.16.0.0/12 or 192.168.0.0/16"
            )
        return str(network)
    special = (
        ("loopback", network.is_loopback),
        ("link-local", network.is_link_local),
        ("multicast", network.is_multicast),
        (
            "unspecified or reserved",
            network.is_unspecified
            or network.is_reserved
            or network.subnet_of(ipaddress.IPv4Network("0.0.0.0/8")),
        ),
    )
    for kind, hit in special:
        if hit:
            raise ValueError(f"'{value}' is a {kind} range: no client reaches the cluster API from it")
    return str(network)


def _overlap(a: ipaddress.IPv4Network, b: ipaddress.IPv4Network) -> int:
    """Addresses two prefixes share (prefixes either nest or are disjoint)."""
    if a.subnet_of(b):
        return a.num_addresses
    return b.num_addresses if b.subnet_of(a) else 0


def authorized_union(cidrs: list[str]) -> str | None:
    """Why the authorized networks together are too open (their union is judged), or None."""
    nets = [ipaddress.ip_network(c) for c in cidrs]
    v4 = list(ipaddress.collapse_addresses(n for n in nets if isinstance(n, ipaddress.IPv4Network)))
    v6 = list(ipaddress.collapse_addresses(n for n in nets if isinstance(n, ipaddress.IPv6Network)))
    for union, everything in ((v4, "0.0.0.0/0"), (v6, "::/0")):
        if any(n.prefixlen == 0 for n in union):
            return f"together they cover {everything}, the whole internet; name the networks that need access"
    public = sum(n.num_addresses - sum(_overlap(n, b) for b in RFC1918) for n in v4)
    if public > MAX_AUTHORIZED_PUBLIC:
        return (
            f"together they open the API to {public:,} public addresses, more than a /8; "
            "name the networks that need access"
        )
    return None


def domain(value: str) -> str:
    normalized = value.lower().rstrip(".")
    if not DOMAIN.fullmatch(normalized):
        raise ValueError(
            f"{text.shown(value)} is not a valid DNS domain: use lowercase labels of letters, digits "
            "and hyphens joined by dots, with a top-level domain (e.g. llm.example.com)"
        )
    return normalized


def repo_url(value: str) -> str:
    """An https:// or ssh Git URL with no credential in it."""
    if text.has_control_or_space(value) or not value.isascii():
        raise ValueError("repoURL must be printable ASCII without whitespace (percent-encode the rest)")
    scp = SCP_LIKE_GIT.fullmatch(value)
    if scp:
        if scp.group("user") != "git":
            raise ValueError("repoURL's ssh user must be `git`; any other user may be a credential")
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("https", "ssh"):
        raise ValueError(
            f"{text.shown(value)} must be an https:// or ssh:// Git URL (or git@host:org/repo.git)"
        )
    if not parts.hostname:
        raise ValueError("repoURL has no host")
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
