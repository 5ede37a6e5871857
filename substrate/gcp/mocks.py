"""What GCP's provider would compute for a resource or an invoke, made up deterministically.

Values follow the provider's documented formats (a GSA email, a GKE endpoint, a zone's name servers)
so that the contract and kubeconfig a plan shows read like the real ones. Nothing here is random.
The offline engine asks through the registry (offline/computed.py).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

FAKE_CA = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----\n").decode()
# Resource types and invoke tokens these mocks answer.
TYPE_PREFIXES = ("gcp:",)
MOCK_PROJECT_NUMBER = "123456789012"


def _ip(name: str) -> str:
    h = hashlib.sha256(name.encode()).digest()
    return f"34.{h[0]}.{h[1]}.{h[2] % 250 + 1}"


def computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    project = inputs.get("project", "mock-project")
    out: dict[str, Any] = {}
    if type_ == "gcp:serviceaccount/account:Account":
        email = f"{inputs['accountId']}@{project}.iam.gserviceaccount.com"
        out = {
            "email": email,
            "member": f"serviceAccount:{email}",
            "name": f"projects/{project}/serviceAccounts/{email}",
            "__id": f"projects/{project}/serviceAccounts/{email}",
        }
    elif type_ == "gcp:container/cluster:Cluster":
        location = inputs.get("location", "mock-region")
        private = dict(inputs.get("privateClusterConfig") or {})
        private["privateEndpoint"] = "10.255.0.2"
        out = {
            "endpoint": _ip(name),
            "masterAuth": {**(inputs.get("masterAuth") or {}), "clusterCaCertificate": FAKE_CA},
            "privateClusterConfig": private,
            "__id": f"projects/{project}/locations/{location}/clusters/{inputs['name']}",
        }
    elif type_ == "gcp:projects/serviceIdentity:ServiceIdentity":
        # As the API does for some services, container.googleapis.com among them: the identity is created
        # but no email comes back (hashicorp/terraform-provider-google#18649).
        if inputs["service"] == "container.googleapis.com":
            out = {}
        else:
            email = f"service-{MOCK_PROJECT_NUMBER}@service-agent.iam.gserviceaccount.com"
            out = {"email": email, "member": f"serviceAccount:{email}"}
    elif type_ == "gcp:projects/iAMCustomRole:IAMCustomRole":
        out = {"name": f"projects/{project}/roles/{inputs['roleId']}"}
    elif type_ == "gcp:kms/keyRing:KeyRing":
        out = {"__id": f"projects/{project}/locations/{inputs['location']}/keyRings/{inputs['name']}"}
    elif type_ == "gcp:kms/cryptoKey:CryptoKey":
        out = {"__id": f"{inputs['keyRing']}/cryptoKeys/{inputs['name']}"}
    elif type_ == "gcp:compute/network:Network":
        out = {"__id": f"projects/{project}/global/networks/{inputs['name']}"}
    elif type_ == "gcp:compute/subnetwork:Subnetwork":
        out = {"__id": f"projects/{project}/regions/{inputs['region']}/subnetworks/{inputs['name']}"}
    elif type_ == "gcp:dns/managedZone:ManagedZone":
        out = {"nameServers": [f"ns-cloud-a{i}.googledomains.com." for i in range(1, 5)]}
    elif type_ == "gcp:secretmanager/secret:Secret":
        out = {"name": f"projects/{MOCK_PROJECT_NUMBER}/secrets/{inputs['secretId']}"}
    elif type_ == "gcp:artifactregistry/repository:Repository":
        out = {"name": inputs["repositoryId"]}
    return out


# Zones of a GCP region (Compute Engine's zone list): us-central1 has a, b, c and f, most others a-c.
GCP_ZONE_LETTERS = {"us-central1": "abcf"}


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    if token == "gcp:organizations/getProject:getProject":
        project = args.get("projectId", "mock-project")
        return {"projectId": project, "number": MOCK_PROJECT_NUMBER, "name": project}
    if token == "gcp:dns/getManagedZone:getManagedZone":
        return {
            "name": args["name"],
            "dnsName": "existing.example.",
            "nameServers": [f"ns-cloud-b{i}.googledomains.com." for i in range(1, 5)],
            "visibility": "public",
        }
    if token == "gcp:compute/getZones:getZones":
        region = args.get("region", "mock-region")
        letters = GCP_ZONE_LETTERS.get(region, "abc")
        return {"project": args.get("project"), "region": region, "names": [f"{region}-{c}" for c in letters]}
    return None
