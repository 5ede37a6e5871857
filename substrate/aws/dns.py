"""The Route 53 hosted zone for `dns.domain` (created, or an existing one looked up) and external-dns' role.

external-dns (Pod Identity, external-dns/external-dns) may change and read records in this zone only.
`route53:ListHostedZones` supports no resource-level permission, so it is the one action on `*`:
external-dns lists zones to find this one by its domain; the listing reveals zone names, never records.
A created zone is never force-destroyed: deleting it with records left would orphan delegations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.aws.cluster_ref import ClusterRef
from substrate.aws.iam import policy_json, statement
from substrate.aws.identity import PodIdentityArgs, PodIdentityRole
from substrate.component import Component
from substrate.contract import EXTERNAL_DNS_IDENTITY

EXTERNAL_DNS_NAMESPACE, EXTERNAL_DNS_SERVICE_ACCOUNT = EXTERNAL_DNS_IDENTITY
ZONE_ACTIONS = (
    "route53:ChangeResourceRecordSets",
    "route53:ListResourceRecordSets",
    "route53:ListTagsForResource",
    "route53:ListTagsForResources",
)


@dataclass(kw_only=True)
class DnsArgs:
    cluster: ClusterRef
    region: str
    domain: str
    create_zone: bool
    protect: bool
    provider: aws.Provider


class DnsZone(Component):
    def __init__(self, name: str, args: DnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:DnsZone", name, opts)
        if args.create_zone:
            zone = aws.route53.Zone(
                f"{name}-zone",
                name=args.domain,
                comment=f"llm-platform {args.cluster.name}: records managed by external-dns",
                force_destroy=False,
                opts=self.child(protect=args.protect),
            )
            self.zone_id: pulumi.Output[str] = zone.zone_id
            self.zone_arn: pulumi.Output[str] = zone.arn
            self.name_servers: pulumi.Output[Sequence[str]] = zone.name_servers
        else:
            existing = aws.route53.get_zone_output(
                name=args.domain,
                private_zone=False,
                opts=pulumi.InvokeOutputOptions(provider=args.provider, parent=self),
            )
            self.zone_id = existing.zone_id
            self.zone_arn = existing.arn
            self.name_servers = existing.name_servers
        self.external_dns = PodIdentityRole(
            f"{name}-external-dns",
            PodIdentityArgs(
                cluster=args.cluster,
                region=args.region,
                role="external-dns",
                namespace=EXTERNAL_DNS_NAMESPACE,
                service_account=EXTERNAL_DNS_SERVICE_ACCOUNT,
                policy=policy_json(
                    [
                        statement(ZONE_ACTIONS, self.zone_arn, sid="RecordsOfThisZoneOnly"),
                        statement(["route53:ListHostedZones"], "*", sid="FindTheZoneByName"),
                    ]
                ),
            ),
            opts=self.child(),
        )
        self.register_outputs({"zone": self.zone_id, "nameServers": self.name_servers})
