"""Route 53: the public hosted zone for `dns.domain`, and whether the domain is delegated to it.

With `dns.createZone: false` the zone must exist. With `true` the stack creates it; a zone of that
name that the stack did not create (it carries the provider's default tag `cluster`) would leave two
zones for one domain, and external-dns might write into the one nobody resolves.
"""

from __future__ import annotations

from typing import Any

from preflight.delegation import Resolver, delegated_to, delegation_possible
from preflight.report import Outcome, failed
from stacks.schema import StackConfig
from substrate.aws.preflight.clients import AwsClients


def public_zones(clients: AwsClients, domain: str) -> list[dict[str, Any]]:
    response = clients.route53.list_hosted_zones_by_name(DNSName=domain, MaxItems="100")
    return [
        z
        for z in response["HostedZones"]
        if z["Name"].rstrip(".").lower() == domain and not z.get("Config", {}).get("PrivateZone", False)
    ]


def _zone_id(zone: dict[str, Any]) -> str:
    return str(zone["Id"]).rsplit("/", 1)[-1]


def _cluster_tag(clients: AwsClients, zone_id: str) -> str | None:
    tags = clients.route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
    return {t["Key"]: t["Value"] for t in tags["ResourceTagSet"].get("Tags", [])}.get("cluster")


def check_dns(clients: AwsClients, config: StackConfig, resolve: Resolver) -> Outcome:
    domain, create = config.dns.domain, config.dns.create_zone
    zones = public_zones(clients, domain)
    if len(zones) > 1:
        ids = ", ".join(_zone_id(z) for z in zones)
        return failed(
            f"{len(zones)} public hosted zones are named {domain} ({ids}): delete all but the delegated "
            "one, so the stack and external-dns agree on a single zone"
        )
    if not zones:
        if create:
            return delegation_possible(domain, resolve)
        return failed(
            f"no public hosted zone named {domain} in this account: create it, or set dns.createZone: true"
        )
    zone_id = _zone_id(zones[0])
    if create and _cluster_tag(clients, zone_id) != config.cluster.name:
        return failed(
            f"hosted zone {zone_id} for {domain} exists but this stack did not create it (no tag "
            f"cluster={config.cluster.name}): set dns.createZone: false to use it, or delete it"
        )
    name_servers = clients.route53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
    return delegated_to(domain, name_servers, f"hosted zone {zone_id}", resolve)
