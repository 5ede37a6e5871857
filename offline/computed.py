"""What a real provider would compute for a resource or an invoke, made up deterministically.

Values follow each provider's documented formats (a GSA email, a GKE endpoint, a zone's name servers)
so that the contract and kubeconfig a plan shows read like the real ones. Nothing here is random.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from pulumi.runtime.config import get_config

MOCK_PROJECT_NUMBER = "123456789012"
MOCK_AWS_ACCOUNT = "111122223333"
FAKE_CA = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----\n").decode()


def _ip(name: str) -> str:
    h = hashlib.sha256(name.encode()).digest()
    return f"34.{h[0]}.{h[1]}.{h[2] % 250 + 1}"


def computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    if type_.startswith("aws:"):
        return aws_computed_outputs(type_, name, inputs)
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


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any]:
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
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": MOCK_AWS_ACCOUNT,
            "arn": f"arn:aws:iam::{MOCK_AWS_ACCOUNT}:user/mock",
            "userId": "MOCK",
        }
    if token.startswith("aws:"):
        return aws_invoke_result(token, args)
    raise NotImplementedError(f"offline plan has no mock answer for invoke {token}")


# --- AWS (pulumi-aws 7): ARNs in account 111122223333, ids in EC2's `<prefix>-<17 hex>` form. ---


def _hex(*parts: str, n: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


def _aws_region(inputs: dict[str, Any]) -> str:
    """The resource's own `region`, else the stack's `aws.region` (the provider's), else us-east-1."""
    if inputs.get("region"):
        return str(inputs["region"])
    raw = get_config("llm-platform:aws")
    try:
        return str(json.loads(raw or "{}").get("region") or "us-east-1")
    except json.JSONDecodeError:
        return "us-east-1"


# EC2 resource type -> id prefix; their ids are all the provider computes that the program reads.
EC2_IDS = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
}


def aws_computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    region, account = _aws_region(inputs), MOCK_AWS_ACCOUNT
    given = str(inputs.get("name") or name)
    if type_ in EC2_IDS:
        return {"__id": f"{EC2_IDS[type_]}-{_hex(type_, name)}"}
    if type_ == "aws:ec2/launchTemplate:LaunchTemplate":
        lt = f"lt-{_hex(name)}"
        arn = f"arn:aws:ec2:{region}:{account}:launch-template/{lt}"
        return {"__id": lt, "arn": arn, "latestVersion": 1, "defaultVersion": 1}
    if type_ == "aws:iam/role:Role":
        arn = f"arn:aws:iam::{account}:role/{given}"
        return {"__id": given, "arn": arn, "name": given, "uniqueId": f"AROA{_hex(given, n=17).upper()}"}
    if type_ == "aws:eks/cluster:Cluster":
        vpc = {**(inputs.get("vpcConfig") or {}), "clusterSecurityGroupId": f"sg-{_hex(given, 'cluster-sg')}"}
        return {
            "__id": given,
            "arn": f"arn:aws:eks:{region}:{account}:cluster/{given}",
            "endpoint": f"https://{_hex(given, n=32).upper()}.gr7.{region}.eks.amazonaws.com",
            "certificateAuthority": {"data": FAKE_CA},
            "vpcConfig": vpc,
            "status": "ACTIVE",
        }
    if type_ == "aws:eks/nodeGroup:NodeGroup":
        group = inputs.get("nodeGroupName") or name
        cluster = inputs.get("clusterName")
        arn = f"arn:aws:eks:{region}:{account}:nodegroup/{cluster}/{group}/{_hex(name, n=8)}"
        return {"arn": arn, "status": "ACTIVE"}
    if type_ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        assoc = f"a-{_hex(name, n=17)}"
        arn = f"arn:aws:eks:{region}:{account}:podidentityassociation/{inputs.get('clusterName')}/{assoc}"
        return {"associationId": assoc, "associationArn": arn}
    if type_ == "aws:kms/key:Key":
        h = _hex(name, n=32)
        key_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        return {"__id": key_id, "keyId": key_id, "arn": f"arn:aws:kms:{region}:{account}:key/{key_id}"}
    if type_ == "aws:kms/alias:Alias":
        return {"__id": given, "arn": f"arn:aws:kms:{region}:{account}:{given}"}
    if type_ == "aws:secretsmanager/secret:Secret":
        # Secrets Manager appends six random characters to a secret's ARN.
        arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{given}-{_hex(given, n=6)}"
        return {"__id": arn, "arn": arn}
    if type_ == "aws:route53/zone:Zone":
        return _zone(given)
    if type_ == "aws:ecr/repository:Repository":
        return {
            "arn": f"arn:aws:ecr:{region}:{account}:repository/{given}",
            "registryId": account,
            "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{given}",
        }
    if type_ == "aws:sqs/queue:Queue":
        url = f"https://sqs.{region}.amazonaws.com/{account}/{given}"
        return {"__id": url, "url": url, "arn": f"arn:aws:sqs:{region}:{account}:{given}"}
    if type_ == "aws:cloudwatch/eventRule:EventRule":
        return {"__id": given, "arn": f"arn:aws:events:{region}:{account}:rule/{given}"}
    if type_ == "aws:cloudwatch/logGroup:LogGroup":
        return {"__id": given, "arn": f"arn:aws:logs:{region}:{account}:log-group:{given}"}
    return {}


def _zone(domain: str) -> dict[str, Any]:
    zone_id = f"Z{_hex(domain, n=20).upper()}"
    h = hashlib.sha256(domain.encode()).digest()
    servers = [
        f"ns-{h[0] * 4 + 1}.awsdns-{h[1] % 64:02d}.com.",
        f"ns-{h[2] * 4 + 2}.awsdns-{h[3] % 64:02d}.net.",
        f"ns-{h[4] * 4 + 3}.awsdns-{h[5] % 64:02d}.org.",
        f"ns-{h[6] * 4 + 4}.awsdns-{h[7] % 64:02d}.co.uk.",
    ]
    arn = f"arn:aws:route53:::hostedzone/{zone_id}"
    return {"__id": zone_id, "zoneId": zone_id, "arn": arn, "nameServers": servers}


# Regions that offer an account fewer zones than the usual four: us-west-1 opens two of its three
# to accounts created since 2013 (AWS "Regions and Zones" docs), so a 3-zone stack there is refused.
ZONE_LETTERS = {"us-west-1": "ac"}


def aws_invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any]:
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        region = _aws_region(args)
        letters = ZONE_LETTERS.get(region, "abcd")
        parts = region.split("-")
        short = f"{parts[0]}{parts[1][0]}{parts[-1]}"  # us-east-1 -> use1
        return {
            "id": region,
            "names": [f"{region}{c}" for c in letters],
            "zoneIds": [f"{short}-az{i}" for i in range(1, len(letters) + 1)],
            "groupNames": [region] * len(letters),
        }
    if token == "aws:route53/getZone:getZone":
        domain = str(args.get("name") or "existing.example").rstrip(".")
        found = {k: v for k, v in _zone(domain).items() if k != "__id"}
        return {**found, "name": f"{domain}.", "privateZone": False}
    raise NotImplementedError(f"offline plan has no mock answer for invoke {token}")
