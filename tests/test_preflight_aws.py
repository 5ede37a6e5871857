"""`make doctor` on an AWS stack: each check's pass and fail paths, and that an error is a failure.

The cloud is moto; Service Quotas (which moto covers only for `vpc`) and EKS's DescribeClusterVersions
(which moto lacks) answer through botocore's Stubber, which checks every answer against botocore's
service model; so does EC2 where a case needs offerings moto's data does not have. DNS lookups go
through a dict, never the network. The stack is the fixture aws-full with moto's caller as admin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from preflight import cli
from preflight.report import FAIL, PASS, Check, run_check
from stacks import eks_versions, loader
from stacks.schema import StackConfig
from substrate.aws import config as aws_config
from substrate.aws.preflight import account as aws_account
from substrate.aws.preflight import capacity as aws_capacity
from substrate.aws.preflight import dns as aws_dns
from substrate.aws.preflight import eks as aws_eks
from substrate.aws.preflight.clients import AwsClients
from tests.preflight_aws_fakes import (
    ACCOUNT,
    DOMAIN,
    LINE,
    NEEDED,
    PARENT_NS,
    REGION,
    SECRETS,
    SESSION,
    raw_stack,
    resolver,
    stack_file,
)


def config_of(**overrides: Any) -> StackConfig:
    return loader.validate(raw_stack(**overrides))


def stack_version() -> str:
    return aws_config.block(config_of()).kubernetes_version


@dataclass
class Cloud:
    clients: AwsClients
    quotas: Stubber
    eks: Stubber

    def eks_reports(self, version: str, status: str | None, **extra: Any) -> None:
        """Queue EKS's answer about `version` (None: EKS does not list it)."""
        listed = [{"clusterVersion": version, "clusterType": "eks", "versionStatus": status, **extra}]
        self.eks.add_response(
            "describe_cluster_versions",
            {"clusterVersions": listed if status is not None else []},
            {"clusterVersions": [version], "includeAll": True},
        )

    def grant(self, values: Mapping[str, float]) -> None:
        """Queue Service Quotas answers, in the order doctor asks (by quota code)."""
        for code, value in sorted(values.items()):
            self.quotas.add_response(
                "get_service_quota",
                {"Quota": {"ServiceCode": "ec2", "QuotaCode": code, "Value": value}},
                {"ServiceCode": "ec2", "QuotaCode": code},
            )

    def containers(self, cluster: str, values: Mapping[str, str | None]) -> None:
        """The secret containers `pulumi up` creates, with the values a human (or seed) added."""
        for name, value in values.items():
            extra = {"SecretString": value} if value is not None else {}
            self.clients.secrets.create_secret(Name=f"{cluster}/{name}", **extra)

    def zone(self, domain: str, cluster: str | None) -> list[str]:
        created = self.clients.route53.create_hosted_zone(Name=domain, CallerReference=domain + str(cluster))
        zone_id = created["HostedZone"]["Id"].rsplit("/", 1)[-1]
        if cluster:
            self.clients.route53.change_tags_for_resource(
                ResourceType="hostedzone", ResourceId=zone_id, AddTags=[{"Key": "cluster", "Value": cluster}]
            )
        return list(created["DelegationSet"]["NameServers"])


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    with mock_aws():
        quotas = SESSION.client("service-quotas", region_name=REGION)
        stubber = Stubber(quotas)
        stubber.activate()
        eks = SESSION.client("eks", region_name=REGION)
        eks_stub = Stubber(eks)
        eks_stub.activate()
        clients = AwsClients(
            region=REGION,
            sts=SESSION.client("sts", region_name=REGION),
            ec2=SESSION.client("ec2", region_name=REGION),
            quotas=quotas,
            route53=SESSION.client("route53", region_name=REGION),
            secrets=SESSION.client("secretsmanager", region_name=REGION),
            eks=eks,
        )
        yield Cloud(clients, stubber, eks_stub)


def test_a_ready_stack_passes_every_check_and_exits_zero(
    cloud: Cloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.grant({code: need for code, need in NEEDED.items()})
    cloud.eks_reports(raw_stack()["aws"]["kubernetesVersion"], "STANDARD_SUPPORT")
    cloud.containers("llm-full", dict.fromkeys(SECRETS, "set-by-someone"))
    path = stack_file(tmp_path, raw_stack())
    code = cli.main(["doctor", str(path)], aws=lambda region: cloud.clients, resolve=resolver(PARENT_NS))
    out = capsys.readouterr().out
    assert code == 0, f"every check passes, so doctor exits 0:\n{out}"
    assert "FAIL" not in out
    names = ["aws credentials", "aws deployer", "aws zones", "aws eks version", "aws pool l4"]
    names += ["aws pool h100-spot"]
    names += ["aws system pool", "aws quota L-DB2E81BA", "aws quota L-7212CCBC", "aws quota L-1216C47A"]
    for name in [*names, "aws dns", "secret hf-token"]:
        assert f"PASS   {name}" in out, f"one PASS line per check, including {name}"
    assert out.rstrip().endswith("passed"), "a summary line comes last"
    cloud.quotas.assert_no_pending_responses()
    cloud.eks.assert_no_pending_responses()


def test_credentials_for_another_account_than_the_admins_fail(cloud: Cloud) -> None:
    config = config_of(aws={"adminPrincipals": ["arn:aws:iam::111122223333:role/platform-admins"]})
    outcome = aws_account.check_credentials(cloud.clients, config)
    assert outcome.status == FAIL
    assert "account 123456789012" in outcome.message and "111122223333" in outcome.message, (
        "the message names the account found and the account the admins live in"
    )


def test_a_failed_credentials_check_marks_every_other_check_as_not_checked(
    cloud: Cloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sts = Stubber(cloud.clients.sts)
    sts.add_client_error(
        "get_caller_identity", "ExpiredToken", "The security token included in the request is expired"
    )
    sts.activate()
    code = cli.main(
        ["doctor", str(stack_file(tmp_path, raw_stack()))], aws=lambda r: cloud.clients, resolve=resolver({})
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "ExpiredToken" in out, "the credentials failure names the error"
    assert "not checked: aws credentials failed" in out, "the other checks are failures, never passes"
    assert "PASS" not in out


def test_the_deployer_must_be_one_of_the_admin_principals(cloud: Cloud) -> None:
    others = config_of(aws={"adminPrincipals": [f"arn:aws:iam::{ACCOUNT}:role/platform-admins"]})
    failing = aws_account.check_deployer(cloud.clients, others)
    assert failing.status == FAIL and "not one of aws.adminPrincipals" in failing.message
    assert aws_account.check_deployer(cloud.clients, config_of()).status == PASS


def test_a_role_session_matches_its_role_whatever_the_path_or_session_name() -> None:
    session = "arn:aws:sts::123456789012:assumed-role/deployer/ci-1234"
    assert aws_account.principal(session) == aws_account.principal(
        "arn:aws:iam::123456789012:role/teams/deployer"
    )
    assert aws_account.principal("arn:aws:iam::123456789012:root") is None, "root is no admin principal"


def test_asking_for_more_zones_than_the_region_has_fails(cloud: Cloud) -> None:
    outcome = aws_account.check_zones(cloud.clients, config_of(aws={"availabilityZones": 4}))
    assert outcome.status == FAIL and "offers 3 availability zones" in outcome.message
    assert aws_account.check_zones(cloud.clients, config_of()).status == PASS


def test_an_instance_type_the_region_does_not_sell_fails(cloud: Cloud) -> None:
    outcome = aws_capacity.check_offered(cloud.clients, config_of(), "g6.99xlarge")
    assert outcome.status == FAIL and f"not offered in {REGION}" in outcome.message


def test_an_instance_type_sold_only_outside_the_stacks_zones_fails(cloud: Cloud) -> None:
    ec2 = SESSION.client("ec2", region_name=REGION)
    zones = [{"ZoneName": f"{REGION}{s}", "State": "available"} for s in "abc"]
    stub = Stubber(ec2)
    stub.add_response("describe_availability_zones", {"AvailabilityZones": zones})
    stub.add_response(
        "describe_instance_type_offerings",
        {"InstanceTypeOfferings": [{"InstanceType": "p5.48xlarge", "Location": f"{REGION}c"}]},
    )
    stub.activate()
    clients = AwsClients(
        REGION, cloud.clients.sts, ec2, cloud.clients.quotas, cloud.clients.route53, cloud.clients.secrets
    )
    outcome = aws_capacity.check_offered(clients, config_of(aws={"availabilityZones": 2}), "p5.48xlarge")
    assert outcome.status == FAIL and "none of them a zone the stack uses" in outcome.message


def test_gpu_quota_below_the_pools_maxima_fails_with_the_numbers(cloud: Cloud) -> None:
    demands, unmapped = aws_capacity.demands(config_of(), {"l4": "g6.2xlarge", "h100-spot": "p5.48xlarge"})
    assert unmapped == []
    assert {d.code: (d.family, d.spot) for d in demands} == {
        "L-1216C47A": ("standard", False),
        "L-7212CCBC": ("p", True),
        "L-DB2E81BA": ("g", False),
    }, "on-demand G pools, spot P pools and the system pool each draw on their own quota"
    g = next(d for d in demands if d.code == "L-DB2E81BA")
    cloud.grant({"L-DB2E81BA": 32})
    outcome = aws_capacity.check_quota(cloud.clients, g)
    assert outcome.status == FAIL
    assert "32 vCPUs < 64 needed" in outcome.message and "8 x g6.2xlarge" in outcome.message


@pytest.mark.parametrize(
    "error", ["AccessDeniedException", "NoSuchResourceException", "TooManyRequestsException"]
)
def test_a_quota_that_cannot_be_read_is_a_failure_never_a_pass(cloud: Cloud, error: str) -> None:
    demands, _ = aws_capacity.demands(config_of(), {"l4": "g6.2xlarge", "h100-spot": "p5.48xlarge"})
    cloud.quotas.add_client_error("get_service_quota", error, "no answer")
    result = run_check(Check("aws quota", lambda: aws_capacity.check_quota(cloud.clients, demands[0])))
    assert result.status == FAIL and error in result.message, "an unknown answer is a FAIL naming the error"


def test_instance_families_map_to_their_vcpu_quota() -> None:
    types = (
        "g6.2xlarge",
        "gr6.4xlarge",
        "vt1.3xlarge",
        "p5e.48xlarge",
        "m7i.xlarge",
        "inf2.xlarge",
        "trn1.2xlarge",
    )
    families = {t: aws_capacity.quota_family(t) for t in types}
    assert families == {
        "g6.2xlarge": "g",
        "gr6.4xlarge": "g",
        "vt1.3xlarge": "g",
        "p5e.48xlarge": "p",
        "m7i.xlarge": "standard",
        "inf2.xlarge": None,
        "trn1.2xlarge": None,
    }, "families with quotas of their own are not guessed into the standard quota"


def test_a_zone_to_create_passes_when_its_parent_can_delegate_it(cloud: Cloud) -> None:
    outcome = aws_dns.check_dns(cloud.clients, config_of(), resolver(PARENT_NS))
    assert outcome.status == PASS and "`pulumi up` creates the zone" in outcome.message
    orphan = aws_dns.check_dns(cloud.clients, config_of(), resolver({}))
    assert orphan.status == FAIL and "acme.example has no public name servers" in orphan.message


def test_the_stacks_zone_passes_only_when_the_domain_is_delegated_to_it(cloud: Cloud) -> None:
    name_servers = cloud.zone(DOMAIN, "llm-full")
    delegated = aws_dns.check_dns(cloud.clients, config_of(), resolver({DOMAIN: name_servers}))
    assert delegated.status == PASS
    elsewhere = aws_dns.check_dns(cloud.clients, config_of(), resolver({DOMAIN: ["ns1.old-host.example"]}))
    assert elsewhere.status == FAIL and name_servers[0] in elsewhere.message, "the fix names the zone's NS"
    undelegated = aws_dns.check_dns(cloud.clients, config_of(), resolver({}))
    assert undelegated.status == FAIL and "is not delegated" in undelegated.message


def test_a_zone_the_stack_did_not_create_fails_when_the_stack_would_create_one(cloud: Cloud) -> None:
    name_servers = cloud.zone(DOMAIN, cluster=None)
    outcome = aws_dns.check_dns(cloud.clients, config_of(), resolver({DOMAIN: name_servers}))
    assert outcome.status == FAIL and "dns.createZone: false" in outcome.message
    existing = config_of(dns={"createZone": False})
    assert aws_dns.check_dns(cloud.clients, existing, resolver({DOMAIN: name_servers})).status == PASS


def test_an_existing_zone_must_exist_and_be_unique(cloud: Cloud) -> None:
    existing = config_of(dns={"createZone": False})
    missing = aws_dns.check_dns(cloud.clients, existing, resolver({}))
    assert missing.status == FAIL and "no public hosted zone" in missing.message
    cloud.zone(DOMAIN, cluster=None)
    cloud.zone(DOMAIN, cluster="llm-full")
    twice = aws_dns.check_dns(cloud.clients, existing, resolver({}))
    assert twice.status == FAIL and "2 public hosted zones" in twice.message


def test_a_dns_lookup_error_is_a_failure(cloud: Cloud) -> None:
    def broken(name: str) -> frozenset[str]:
        raise TimeoutError("The DNS operation timed out")

    result = run_check(Check("aws dns", lambda: aws_dns.check_dns(cloud.clients, config_of(), broken)))
    assert result.status == FAIL and "TimeoutError" in result.message


def test_each_secret_must_exist_and_hold_a_value(
    cloud: Cloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.grant({code: need for code, need in NEEDED.items()})
    cloud.containers(
        "llm-full", {"litellm-master-key": None, "hf-token": None, "argocd-repo-credentials": "{}"}
    )
    cloud.clients.secrets.create_secret(Name="llm-full/litellm-database-url", SecretString="x")
    cloud.clients.secrets.delete_secret(SecretId="llm-full/litellm-database-url", RecoveryWindowInDays=7)
    path = stack_file(tmp_path, raw_stack())
    code = cli.main(["doctor", str(path)], aws=lambda r: cloud.clients, resolve=resolver(PARENT_NS))
    out = capsys.readouterr().out
    lines = {m.group(2): line for line in out.splitlines() if (m := LINE.match(line))}
    assert code == 1
    assert lines["secret argocd-repo-credentials"].startswith(PASS), (
        "a container with a current version passes"
    )
    assert "make seed-secrets STACK=" in lines["secret litellm-master-key"], (
        "a generatable secret points to seed"
    )
    assert "aws secretsmanager put-secret-value" in lines["secret hf-token"], (
        "a human secret gets the command"
    )
    assert "scheduled for deletion" in lines["secret litellm-database-url"]


def test_a_missing_container_says_pulumi_up_creates_it(cloud: Cloud) -> None:
    from preflight.secret_store import check_secret
    from substrate.aws.preflight.secrets import SecretsManagerStore

    store = SecretsManagerStore(cloud.clients.secrets, "llm-full", REGION)
    outcome = check_secret(store, "hf-token", "aws-full", None)
    assert outcome.status == FAIL and "`pulumi up` creates the container" in outcome.message


# --- the EKS version, by EKS's own answer --------------------------------------------------------------


def test_the_eks_version_passes_when_eks_reports_it_in_standard_support(cloud: Cloud) -> None:
    version = stack_version()
    row = eks_versions.CALENDAR.get(version)
    assert row is not None
    # EKS answers with US Pacific offsets (the AWS docs' example shows -08:00); the calendar's day is UTC.
    pacific = timezone(timedelta(hours=-7))
    ends = datetime.combine(row.end_of_standard_support, datetime.min.time(), UTC).astimezone(pacific)
    assert ends.date() < row.end_of_standard_support, "the local date is a day earlier"
    cloud.eks_reports(version, "STANDARD_SUPPORT", endOfStandardSupportDate=ends)
    outcome = aws_eks.check_version(cloud.clients, config_of())
    assert outcome.status == PASS
    assert f"{version} in standard support until {row.end_of_standard_support}" in outcome.message
    assert "review the table" not in outcome.message, "EKS and the table agree"


def test_a_table_that_disagrees_with_eks_is_named_in_the_pass(cloud: Cloud) -> None:
    version = stack_version()
    cloud.eks_reports(version, "STANDARD_SUPPORT", endOfStandardSupportDate=datetime(2030, 1, 1, tzinfo=UTC))
    outcome = aws_eks.check_version(cloud.clients, config_of())
    assert outcome.status == PASS and "until 2030-01-01" in outcome.message
    assert "review the table against the EKS calendar" in outcome.message, "the stale table is pointed out"


@pytest.mark.parametrize("status", ["EXTENDED_SUPPORT", "UNSUPPORTED"])
def test_a_version_eks_reports_out_of_standard_support_fails(cloud: Cloud, status: str) -> None:
    version = stack_version()
    cloud.eks_reports(version, status)
    outcome = aws_eks.check_version(cloud.clients, config_of())
    assert outcome.status == FAIL
    assert f"EKS reports Kubernetes {version} as {status}, not STANDARD_SUPPORT" in outcome.message
    assert "aws.kubernetesVersion" in outcome.message, "the fix names the key"


def test_a_version_eks_does_not_offer_fails(cloud: Cloud) -> None:
    version = stack_version()
    cloud.eks_reports(version, None)
    outcome = aws_eks.check_version(cloud.clients, config_of())
    assert outcome.status == FAIL and f"does not offer Kubernetes {version}" in outcome.message


def test_the_deprecated_status_field_alone_is_read_too() -> None:
    assert aws_eks.reported_status({"status": "standard-support"}) == aws_eks.STANDARD_SUPPORT
    assert aws_eks.reported_status({"status": "extended-support"}) == "EXTENDED_SUPPORT"
    assert aws_eks.reported_status({}) == "NO STATUS", "no status is never standard support"


@pytest.mark.parametrize("error", ["AccessDeniedException", "InvalidRequestException", "ServerException"])
def test_an_eks_version_that_cannot_be_read_is_a_failure(cloud: Cloud, error: str) -> None:
    cloud.eks.add_client_error("describe_cluster_versions", error, "no answer")
    result = run_check(Check("aws eks version", lambda: aws_eks.check_version(cloud.clients, config_of())))
    assert result.status == FAIL and error in result.message, "an unknown answer is a FAIL naming the error"


def test_the_status_doctor_wants_is_one_botocores_eks_model_defines() -> None:
    model = botocore.session.get_session().get_service_model("eks")
    operation = model.operation_model("DescribeClusterVersions")
    entry = operation.output_shape.members["clusterVersions"].member
    assert aws_eks.STANDARD_SUPPORT in entry.members["versionStatus"].enum, (
        "doctor compares against the model's VersionStatus enum, exactly as spelled there"
    )
    assert set(operation.input_shape.members) >= {"clusterVersions", "includeAll"}, "the request doctor sends"
