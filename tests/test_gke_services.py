"""GKE-side services: Secret Manager containers, keyless identities, Cloud DNS, Artifact Registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from offline.engine import Rendering
from tests.stack_fixtures import render_stack, stack_raw

# What external-dns' Cloud DNS provider calls need, per scope (source and version in the fixture).
EXTERNAL_DNS = json.loads((Path(__file__).parent / "fixtures" / "external_dns_cloud_dns.json").read_text())
READ_BACKS = {"dns.changes.get", "dns.resourceRecordSets.get", "dns.managedZones.get"}

ESO_EMAIL = "llm-full-eso@acme-llm-prod.iam.gserviceaccount.com"
DNS_EMAIL = "llm-full-dns@acme-llm-prod.iam.gserviceaccount.com"


def custom_roles(r: Rendering) -> dict[str, dict[str, Any]]:
    return {
        f"projects/{c.inputs['project']}/roles/{c.inputs['roleId']}": c.inputs
        for c in r.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")
    }


def test_each_secret_entry_is_a_container_labelled_with_its_owner_and_never_a_version() -> None:
    r = render_stack("gcp-full")
    secrets = {s.inputs["secretId"]: s.inputs for s in r.of_type("gcp:secretmanager/secret:Secret")}
    expected = {e["name"]: e["owner"] for e in stack_raw("gcp-full")["secrets"]}
    assert {k: v["labels"]["owner"] for k, v in secrets.items()} == expected
    assert r.of_type("gcp:secretmanager/secretVersion:SecretVersion") == [], "no value ever enters state"
    assert not [t for t in {x.type for x in r.resources} if "secretVersion" in t or "SecretVersion" in t]


def test_the_eso_identity_reads_exactly_the_listed_secrets_and_nothing_project_wide() -> None:
    r = render_stack("gcp-full")
    grants = r.of_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert sorted(g.inputs["secretId"] for g in grants) == sorted(
        e["name"] for e in stack_raw("gcp-full")["secrets"]
    )
    assert {(g.inputs["role"], g.inputs["member"]) for g in grants} == {
        ("roles/secretmanager.secretAccessor", f"serviceAccount:{ESO_EMAIL}")
    }
    project_roles = {m.inputs["role"] for m in r.of_type("gcp:projects/iAMMember:IAMMember")}
    assert not any("secretmanager" in role for role in project_roles), "no project-wide secret access"


def test_controller_identities_are_keyless_and_bound_to_one_kubernetes_service_account() -> None:
    r = render_stack("gcp-full")
    assert r.of_type("gcp:serviceaccount/key:Key") == [], "no service-account keys exist"
    bindings = {b.inputs["member"]: b for b in r.of_type("gcp:serviceaccount/iAMMember:IAMMember")}
    assert set(bindings) == {
        "serviceAccount:acme-llm-prod.svc.id.goog[external-secrets/external-secrets]",
        "serviceAccount:acme-llm-prod.svc.id.goog[external-dns/external-dns]",
    }
    cluster_urn = r.one("gcp:container/cluster:Cluster").urn
    for binding in bindings.values():
        assert binding.inputs["role"] == "roles/iam.workloadIdentityUser"
        assert cluster_urn in binding.dependencies, "the identity pool exists only once the cluster does"


def test_the_zone_is_created_for_the_domain_and_external_dns_may_edit_only_its_records() -> None:
    r = render_stack("gcp-full")
    zone = r.one("gcp:dns/managedZone:ManagedZone").inputs
    assert zone["dnsName"] == "llm.acme.example."
    assert zone["name"] == "llm-acme-example"
    assert zone["dnssecConfig"]["state"] == "on"
    grant = r.one("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember").inputs
    assert (grant["managedZone"], grant["member"]) == ("llm-acme-example", f"serviceAccount:{DNS_EMAIL}")
    project_roles = {m.inputs["role"] for m in r.of_type("gcp:projects/iAMMember:IAMMember")}
    assert not any(role.startswith("roles/dns") for role in project_roles), "DNS rights are zone-scoped"
    roles = custom_roles(r)
    assert not grant["role"].startswith("roles/"), "no predefined role on the zone: dns.admin could delete it"
    editor = roles[grant["role"]]
    assert set(editor["permissions"]) >= set(EXTERNAL_DNS["zone"]), (
        "external-dns can make every call it makes"
    )
    assert set(editor["permissions"]) - set(EXTERNAL_DNS["zone"]) <= READ_BACKS, (
        "beyond its calls, the zone role only reads back what external-dns wrote"
    )
    (lister_grant,) = [
        m for m in r.of_type("gcp:projects/iAMMember:IAMMember") if m.inputs["member"].endswith(DNS_EMAIL)
    ]
    lister = roles[lister_grant.inputs["role"]]
    assert lister["permissions"] == EXTERNAL_DNS["project"], "on the project external-dns may list zones only"


def test_external_dns_can_never_delete_its_zone_or_change_dnssec() -> None:
    r = render_stack("gcp-full")
    granted = {p for role in custom_roles(r).values() for p in role["permissions"]}
    admin = {p for p in granted if p.startswith(("dns.managedZones.", "dns.dnsKeys.", "dns.policies."))}
    assert admin <= {"dns.managedZones.get", "dns.managedZones.list"}, f"zone-admin rights granted: {admin}"
    by_name = {
        f"projects/{c.inputs['project']}/roles/{c.inputs['roleId']}": c.urn
        for c in r.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")
    }
    for grant in r.of_type("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember"):
        assert by_name[grant.inputs["role"]] in grant.dependencies, "the zone grant waits for its custom role"


def test_an_existing_zone_is_looked_up_not_created() -> None:
    dns = {"domain": "llm.acme.example", "createZone": False, "zoneName": "acme-llm"}
    r = render_stack("gcp-serving", dns=dns)
    assert r.of_type("gcp:dns/managedZone:ManagedZone") == []
    assert "gcp:dns/getManagedZone:getManagedZone" in r.invokes
    assert (
        r.one("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember").inputs["managedZone"] == "acme-llm"
    )
    assert r.outputs["contract"]["dns_zone_id"] == "acme-llm"


def test_the_model_registry_has_immutable_tags_and_only_the_nodes_may_read_it() -> None:
    r = render_stack("gcp-full")
    repo = r.one("gcp:artifactregistry/repository:Repository").inputs
    assert repo["format"] == "DOCKER"
    assert repo["dockerConfig"] == {"immutableTags": True}
    (reader,) = r.of_type("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    assert reader.inputs["role"] == "roles/artifactregistry.reader"
    assert reader.inputs["member"].startswith("serviceAccount:llm-full-nodes@")
    assert r.outputs["contract"]["registry_url"] == "us-central1-docker.pkg.dev/acme-llm-prod/models"
