"""AWS identity and region: whose credentials, which account, which availability zones.

The config names no account, but `aws.adminPrincipals` are ARNs that carry one: credentials for a
different account would build the cluster where none of its admins exist. And EKS gives the creator
no implicit admin (access entries only), so `pulumi up` must run as one of those principals or it
creates a cluster it then cannot bootstrap.
"""

from __future__ import annotations

import re
from typing import Any

from preflight.report import Outcome, failed, passed
from stacks.schema import StackConfig
from substrate.aws.preflight.clients import AwsClients

# arn:aws:iam::ACCOUNT:role/PATH/NAME, arn:aws:iam::ACCOUNT:user/PATH/NAME,
# arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION (an assumed-role ARN drops the role's path).
_IAM = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):(role|user)/(?:[^/]+/)*([^/]+)$")
_SESSION = re.compile(r"^arn:aws[\w-]*:sts::(\d{12}):assumed-role/([^/]+)/[^/]+$")


def principal(arn: str) -> tuple[str, str, str] | None:
    """(account, role|user, name) of an IAM ARN or an assumed-role session ARN; None for others."""
    if m := _IAM.match(arn):
        return m.group(1), m.group(2), m.group(3)
    if m := _SESSION.match(arn):
        return m.group(1), "role", m.group(2)
    return None


def _aws(config: StackConfig) -> Any:
    assert config.aws is not None  # doctor builds AWS checks for cloud: aws only
    return config.aws


def check_credentials(clients: AwsClients, config: StackConfig) -> Outcome:
    identity = clients.sts.get_caller_identity()
    account, arn = identity["Account"], identity["Arn"]
    accounts = sorted({a.split(":")[4] for a in _aws(config).admin_principals})
    if account not in accounts:
        return failed(
            f"the credentials are for account {account} ({arn}), but aws.adminPrincipals are in "
            f"{', '.join(accounts)}: `pulumi up` would build the cluster in {account}; use credentials "
            "for the intended account, or fix aws.adminPrincipals"
        )
    return passed(f"account {account}, as {arn}")


def check_deployer(clients: AwsClients, config: StackConfig) -> Outcome:
    arn = clients.sts.get_caller_identity()["Arn"]
    admins = {principal(a): a for a in _aws(config).admin_principals}
    me = principal(arn)
    if me is not None and me in admins:
        return passed(f"{arn} is {admins[me]}: the bootstrap reaches the cluster through its access entry")
    return failed(
        f"{arn} is not one of aws.adminPrincipals ({', '.join(admins.values())}): EKS gives the creator "
        "no implicit admin, so `pulumi up` would create the cluster and fail to install Argo CD; run "
        "as one of them, or add this role's ARN"
    )


def planned_zones(clients: AwsClients) -> list[dict[str, Any]]:
    """The region's zones as the network module picks them: not opt-in, sorted by name."""
    response = clients.ec2.describe_availability_zones(
        Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required"]}]
    )
    return sorted(response["AvailabilityZones"], key=lambda z: z["ZoneName"])


def check_zones(clients: AwsClients, config: StackConfig) -> Outcome:
    wanted = _aws(config).availability_zones
    zones = planned_zones(clients)
    if len(zones) < wanted:
        return failed(
            f"{clients.region} offers {len(zones)} availability zones to this account; "
            f"aws.availabilityZones asks for {wanted}: lower it or pick another region"
        )
    chosen = zones[:wanted]
    impaired = [f"{z['ZoneName']} ({z['State']})" for z in chosen if z["State"] != "available"]
    if impaired:
        return failed(f"zones the stack uses are not available: {', '.join(impaired)}; try again later")
    names = ", ".join(z["ZoneName"] for z in chosen)
    return passed(f"{clients.region}: the stack uses {names} ({len(zones)} zones in the region)")
