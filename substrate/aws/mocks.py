"""What AWS's provider (pulumi-aws 7) would compute for a resource or an invoke, made up deterministically.

ARNs in account 111122223333, ids in EC2's `<prefix>-<17 hex>` form, so that the contract and kubeconfig
a plan shows read like the real ones. Nothing here is random. The offline engine asks through the
registry (offline/computed.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from pulumi.runtime.config import get_config

FAKE_CA = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----\n").decode()
# Resource types and invoke tokens these mocks answer.
TYPE_PREFIXES = ("aws:",)
MOCK_AWS_ACCOUNT = "111122223333"


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


def computed_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
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


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": MOCK_AWS_ACCOUNT,
            "arn": f"arn:aws:iam::{MOCK_AWS_ACCOUNT}:user/mock",
            "userId": "MOCK",
        }
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
    return None
