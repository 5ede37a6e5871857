"""The Cloud DNS zone for `dns.domain` (created, or an existing one looked up) and external-dns' grants.

external-dns lists managed zones, lists a zone's record sets and submits changes to it
(provider/google/google.go). So it gets two custom roles, no predefined one:
- on the zone, `RECORD_EDITOR_PERMISSIONS`: record-set changes and reads, and the zone's own get. Not
  `roles/dns.admin`, which would also let it delete the zone or turn DNSSEC off;
- on the project, exactly `dns.managedZones.list` (zones are found by listing,
  kubernetes-sigs/external-dns#909, which only a project-level permission allows) — not `roles/dns.reader`,
  which reads every zone's records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component
from substrate.naming import stack_suffix

# What external-dns' Cloud DNS calls need on its zone: Changes.Create (which also needs the record-set
# verbs for the records it changes), ResourceRecordSets.List; the gets read back what it wrote.
RECORD_EDITOR_PERMISSIONS = (
    "dns.changes.create",
    "dns.changes.get",
    "dns.managedZones.get",
    "dns.resourceRecordSets.create",
    "dns.resourceRecordSets.delete",
    "dns.resourceRecordSets.get",
    "dns.resourceRecordSets.list",
    "dns.resourceRecordSets.update",
)
ZONE_LISTER_PERMISSIONS = ("dns.managedZones.list",)


@dataclass(kw_only=True)
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
        # Deleted custom role ids stay reserved for weeks: unique to the cluster and stack.
        suffix = f"{args.cluster_name.replace('-', '_')}_{stack_suffix()}"
        editor_role = self._role(
            name,
            args,
            role="record-editor",
            role_id=f"dnsRecordEditor_{suffix}",
            title="Edit DNS records",
            description="external-dns changes and reads record sets in its zone; never the zone itself",
            permissions=RECORD_EDITOR_PERMISSIONS,
        )
        self.editor_grant = gcp.dns.DnsManagedZoneIamMember(
            f"{name}-external-dns",
            project=args.project,
            managed_zone=self.zone_name,
            role=f"projects/{args.project}/roles/{editor_role.role_id}",
            member=args.editor,
            opts=self.child(depends_on=[editor_role.resource]),
        )
        lister_role = self._role(
            name,
            args,
            role="zone-lister",
            role_id=f"dnsZoneLister_{suffix}",
            title="List DNS zones",
            description="external-dns finds its zone by listing managed zones; nothing else",
            permissions=ZONE_LISTER_PERMISSIONS,
        )
        self.zone_lister = lister_role.resource
        self.lister_grant = gcp.projects.IAMMember(
            f"{name}-zone-lister",
            project=args.project,
            role=f"projects/{args.project}/roles/{lister_role.role_id}",
            member=args.editor,
            opts=self.child(depends_on=[lister_role.resource]),
        )
        self.register_outputs({"zone": self.zone_name, "nameServers": self.name_servers})

    def _role(
        self,
        name: str,
        args: DnsArgs,
        *,
        role: str,
        role_id: str,
        title: str,
        description: str,
        permissions: Sequence[str],
    ) -> _CustomRole:
        resource = gcp.projects.IAMCustomRole(
            f"{name}-{role}-role",
            project=args.project,
            role_id=role_id,
            title=f"{title} ({args.cluster_name})",
            description=description,
            permissions=list(permissions),
            opts=self.child(),
        )
        # The role's name is fixed by its id, so grants are known at preview (and checkable by the policy
        # pack); the grant's dependency on the role keeps the order.
        return _CustomRole(role_id=role_id, resource=resource)


@dataclass(frozen=True, kw_only=True)
class _CustomRole:
    role_id: str
    resource: gcp.projects.IAMCustomRole
