"""Is `dns.domain` publicly delegated to the zone the platform writes records into?

external-dns writes records into the cloud zone; nobody resolves them unless the parent zone (or the
registrar) delegates the domain to that zone's name servers. The public lookup is a seam (`Resolver`)
so tests never touch the network; the real one uses dnspython against the system's resolver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from preflight.report import Outcome, failed, passed

# The public NS names of a DNS name, lowercase without the trailing dot; an empty set when the name
# has none (NXDOMAIN or no NS answer); raises when the lookup itself fails (timeout, SERVFAIL).
Resolver = Callable[[str], frozenset[str]]


def normalize(names: Iterable[str]) -> frozenset[str]:
    return frozenset(n.strip().lower().rstrip(".") for n in names if n.strip())


def public_resolver(lifetime: float = 8.0) -> Resolver:
    """NS lookups through dnspython, imported on first use (tests never load it)."""

    def resolve(name: str) -> frozenset[str]:
        import dns.resolver  # noqa: PLC0415 - only a real doctor run resolves names

        try:
            answer = dns.resolver.resolve(name, "NS", lifetime=lifetime)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return frozenset()
        return normalize(record.to_text() for record in answer)

    return resolve


def parent_of(domain: str) -> str:
    return domain.split(".", 1)[1]


def _listed(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def delegated_to(domain: str, zone_name_servers: Iterable[str], where: str, resolve: Resolver) -> Outcome:
    """PASS only when the public NS set of `domain` is exactly the zone's."""
    want = normalize(zone_name_servers)
    if not want:
        return failed(f"{where} reports no name servers, so {domain} cannot be delegated to it")
    have = resolve(domain)
    if have == want:
        return passed(f"{domain} is delegated to {where} ({_listed(want)})")
    if not have:
        return failed(
            f"{domain} is not delegated: at the parent zone {parent_of(domain)} (or the registrar) add "
            f"NS records for {domain}: {_listed(want)}"
        )
    return failed(
        f"{domain} is delegated to {_listed(have)}, not to {where}: replace the NS records for {domain} "
        f"at the parent zone {parent_of(domain)} with {_listed(want)}"
    )


def delegation_possible(domain: str, resolve: Resolver) -> Outcome:
    """Before the zone exists: the parent must be a public zone that can hold the delegation."""
    parent = parent_of(domain)
    parent_ns = resolve(parent)
    if not parent_ns:
        return failed(
            f"the parent domain {parent} has no public name servers, so {domain} can never be delegated: "
            f"use a domain under one you control"
        )
    current = resolve(domain)
    now = f" ({domain} is delegated to {_listed(current)} today: repoint it)" if current else ""
    return passed(
        f"`pulumi up` creates the zone; then delegate {domain} from {parent} (served by "
        f"{_listed(parent_ns)}) to the zone's name servers (stack output dnsNameServers){now}"
    )
