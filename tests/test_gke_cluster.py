"""GKE control plane, network and etcd encryption, asserted on the inputs the program registers."""

from __future__ import annotations

from typing import Any

from substrate.gcp.apis import REQUIRED_APIS
from substrate.gcp.mocks import MOCK_PROJECT_NUMBER
from tests.stack_fixtures import render_stack

CLUSTER = "gcp:container/cluster:Cluster"


def cluster_inputs(stack: str = "gcp-full") -> dict[str, Any]:
    return render_stack(stack).one(CLUSTER).inputs


def test_required_apis_are_enabled_and_never_disabled_on_destroy() -> None:
    services = render_stack("gcp-full").of_type("gcp:projects/service:Service")
    assert {s.inputs["service"] for s in services} == set(REQUIRED_APIS)
    for s in services:
        assert s.inputs["disableOnDestroy"] is False, f"{s.inputs['service']} must stay enabled on destroy"


def test_the_network_is_dedicated_with_secondary_ranges_router_and_nat() -> None:
    r = render_stack("gcp-full")
    vpc = r.one("gcp:compute/network:Network").inputs
    assert vpc["autoCreateSubnetworks"] is False, "a custom-mode VPC, never the default network"
    subnet = r.one("gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet["ipCidrRange"] == "10.0.0.0/20"
    assert {x["rangeName"]: x["ipCidrRange"] for x in subnet["secondaryIpRanges"]} == {
        "pods": "10.16.0.0/14",
        "services": "10.20.0.0/20",
    }
    assert subnet["privateIpGoogleAccess"] is True
    nat = r.one("gcp:compute/routerNat:RouterNat").inputs
    assert nat["sourceSubnetworkIpRangesToNat"] == "ALL_SUBNETWORKS_ALL_IP_RANGES"
    assert r.one("gcp:compute/router:Router")


def test_only_the_control_plane_range_reaches_webhook_ports() -> None:
    rule = render_stack("gcp-full").one("gcp:compute/firewall:Firewall").inputs
    assert rule["sourceRanges"] == ["172.16.0.0/28"], "webhook ports are open to the control plane only"
    assert rule["direction"] == "INGRESS"
    assert "22" not in rule["allows"][0]["ports"], "no SSH"


def test_the_cluster_is_vpc_native_with_private_nodes_and_an_allowlisted_control_plane() -> None:
    c = cluster_inputs()
    assert c["networkingMode"] == "VPC_NATIVE"
    assert c["ipAllocationPolicy"] == {
        "clusterSecondaryRangeName": "pods",
        "servicesSecondaryRangeName": "services",
    }
    assert c["privateClusterConfig"]["enablePrivateNodes"] is True
    assert c["privateClusterConfig"]["masterIpv4CidrBlock"] == "172.16.0.0/28"
    blocks = c["masterAuthorizedNetworksConfig"]["cidrBlocks"]
    assert [b["cidrBlock"] for b in blocks] == ["203.0.113.0/24", "198.51.100.16/28"]
    assert all(b["cidrBlock"] != "0.0.0.0/0" for b in blocks)
    assert c["masterAuthorizedNetworksConfig"]["gcpPublicCidrsAccessEnabled"] is False


def test_the_cluster_carries_the_hardening_baseline() -> None:
    c = cluster_inputs()
    assert c["releaseChannel"] == {"channel": "REGULAR"}
    assert c["workloadIdentityConfig"] == {"workloadPool": "acme-llm-prod.svc.id.goog"}
    assert c["datapathProvider"] == "ADVANCED_DATAPATH", "Dataplane V2 enforces NetworkPolicy"
    assert c["enableShieldedNodes"] is True
    assert c["enableLegacyAbac"] is False
    assert c["masterAuth"]["clientCertificateConfig"]["issueClientCertificate"] is False
    assert c["removeDefaultNodePool"] is True
    assert c["gatewayApiConfig"] == {"channel": "CHANNEL_STANDARD"}
    addons = c["addonsConfig"]
    assert addons["gcePersistentDiskCsiDriverConfig"] == {"enabled": True}
    assert addons["gcsFuseCsiDriverConfig"] == {"enabled": True}
    assert "WORKLOADS" in c["loggingConfig"]["enableComponents"]
    assert "SYSTEM_COMPONENTS" in c["monitoringConfig"]["enableComponents"]


def test_etcd_secrets_are_encrypted_with_a_rotating_kms_key_the_gke_agent_may_use() -> None:
    r = render_stack("gcp-full")
    key = r.one("gcp:kms/cryptoKey:CryptoKey")
    assert key.inputs["rotationPeriod"] == "7776000s"
    c = r.one(CLUSTER).inputs
    assert c["databaseEncryption"]["state"] == "ENCRYPTED"
    assert c["databaseEncryption"]["keyName"].endswith("/cryptoKeys/etcd-secrets")
    grant = r.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").inputs
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant["member"] == (
        f"serviceAccount:service-{MOCK_PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com"
    ), "the agent is derived from the project number: ServiceIdentity may return no email for GKE"
    assert "gcp:organizations/getProject:getProject" in r.invokes
    agent = r.one("gcp:projects/serviceIdentity:ServiceIdentity")
    assert agent.inputs["service"] == "container.googleapis.com", "the agent exists before it is granted"
    assert agent.urn in r.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").dependencies
    cluster = r.one(CLUSTER)
    grant_urn = r.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").urn
    assert grant_urn in cluster.dependencies, "the cluster waits for the agent's grant, or creation fails"


def test_the_key_ring_name_is_unique_to_the_stack() -> None:
    full = render_stack("gcp-full").one("gcp:kms/keyRing:KeyRing").inputs["name"]
    serving = render_stack("gcp-serving").one("gcp:kms/keyRing:KeyRing").inputs["name"]
    assert full.startswith("llm-full-") and serving.startswith("llm-serving-")
    assert full.rsplit("-", 1)[1] != serving.rsplit("-", 1)[1], "a deleted key ring name is never reusable"


def test_prod_protects_stateful_resources_and_sets_deletion_protection() -> None:
    r = render_stack("gcp-full")
    assert r.one(CLUSTER).inputs["deletionProtection"] is True
    for type_ in (
        CLUSTER,
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:dns/managedZone:ManagedZone",
        "gcp:artifactregistry/repository:Repository",
        "gcp:secretmanager/secret:Secret",
    ):
        for reg in r.of_type(type_):
            assert reg.protect, f"{reg.name} must be protected on prod"


def test_dev_stacks_protect_no_cloud_resource() -> None:
    r = render_stack("gcp-serving")
    assert r.one(CLUSTER).inputs["deletionProtection"] is False
    cloud = [reg for reg in r.resources if reg.type.startswith("gcp:")]
    assert cloud and not any(reg.protect for reg in cloud), "a dev substrate is destroyable"


def test_the_cluster_endpoint_follows_private_endpoint() -> None:
    cfg = render_stack("gcp-full")
    assert cfg.one(CLUSTER).inputs["privateClusterConfig"]["enablePrivateEndpoint"] is False
    raw_cluster = {
        "name": "llm-private",
        "controlPlane": {
            "privateEndpoint": True,
            "authorizedNetworks": [{"name": "vpn", "cidr": "10.200.0.0/24"}],
        },
    }
    private = render_stack("gcp-serving", cluster=raw_cluster)
    assert private.one(CLUSTER).inputs["privateClusterConfig"]["enablePrivateEndpoint"] is True
    kubeconfig = private.one("pulumi:providers:kubernetes").inputs["kubeconfig"]["value"]
    assert "https://10.255.0.2" in kubeconfig, "a private endpoint is reached on its private address"
