"""The Cloud DNS zone for `dns.domain` (created, or an existing one looked up) and external-dns' grant.

external-dns may change records in this zone only: the grant is on the zone, not the project. It also
lists managed zones to find this one (kubernetes-sigs/external-dns#909), which only a project-level
permission allows: a custom role holding exactly `dns.managedZones.list` — not `roles/dns.reader`, which
would also read every zone's records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component
from substrate.naming import stack_suffix


@dataclass
class DnsArgs:
    project: str
    cluster_name: str
    domain: str
    zone_name: str
    create_zone: bool
    editor: pulumi.Input[str]  # IAM member of the external-dns identity
    protect: bool


class DnsZone(Component):
    def __init__(self, name: str, args: DnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:DnsZone", name, opts)
        if args.create_zone:
            zone = gcp.dns.ManagedZone(
                f"{name}-zone",
                project=args.project,
                name=args.zone_name,
                dns_name=f"{args.domain}.",
                description="llm-platform: records managed by external-dns",
                visibility="public",
                dnssec_config=gcp.dns.ManagedZoneDnssecConfigArgs(state="on"),
                opts=self.child(protect=args.protect),
            )
            self.zone_name: pulumi.Output[str] = zone.name
            self.name_servers: pulumi.Output[Sequence[str]] = zone.name_servers
        else:
            existing = gcp.dns.get_managed_zone_output(
                project=args.project, name=args.zone_name, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            self.zone_name = existing.name
            self.name_servers = existing.name_servers
        self.editor_grant = gcp.dns.DnsManagedZoneIamMember(
            f"{name}-external-dns",
            project=args.project,
            managed_zone=self.zone_name,
            role="roles/dns.admin",
            member=args.editor,
            opts=self.child(),
        )
        # Deleted custom role ids stay reserved for weeks: unique to the cluster and stack.
        role_id = f"dnsZoneLister_{args.cluster_name.replace('-', '_')}_{stack_suffix()}"
        self.zone_lister = gcp.projects.IAMCustomRole(
            f"{name}-zone-lister-role",
            project=args.project,
            role_id=role_id,
            title=f"List DNS zones ({args.cluster_name})",
            description="external-dns finds its zone by listing managed zones; nothing else",
            permissions=["dns.managedZones.list"],
            opts=self.child(),
        )
        self.lister_grant = gcp.projects.IAMMember(
            f"{name}-zone-lister",
            project=args.project,
            # The role's name is fixed by its id, so the grant is known at preview (and checkable by the
            # policy pack); the dependency keeps the order.
            role=f"projects/{args.project}/roles/{role_id}",
            member=args.editor,
            opts=self.child(depends_on=[self.zone_lister]),
        )
        self.register_outputs({"zone": self.zone_name, "nameServers": self.name_servers})
