"""EKS-side services: Secrets Manager containers and ESO's grant, Route 53 and external-dns, ECR.

Secrets are containers only (no version, no SSM parameter), named `<cluster>/<name>`, encrypted with
the data key; ESO reads exactly them. external-dns changes records in the stack's zone only. The
model repository has immutable tags, scan on push and KMS encryption; its per-model creation template
names the repository as prefix, without the `/` the ECR API appends itself (botocore's ECR model).
"""

from __future__ import annotations

import json
import re
from typing import Any

from offline.engine import Rendering
from tests.stack_fixtures import render_stack, stack_raw

SECRET = "aws:secretsmanager/secret:Secret"


def policy(r: Rendering, suffix: str) -> list[dict[str, Any]]:
    (reg,) = [p for p in r.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith(suffix)]
    return json.loads(reg.inputs["policy"])["Statement"]


def secret_arn(name: str) -> str:
    from substrate.aws.mocks import computed_outputs as aws_computed_outputs

    return aws_computed_outputs(SECRET, "", {"name": name, "region": "us-east-2"})["arn"]


def test_each_secret_entry_is_a_container_named_under_the_cluster_prefix_with_its_owner() -> None:
    r = render_stack("aws-full")
    secrets = {s.inputs["name"]: s.inputs for s in r.of_type(SECRET)}
    expected = {f"llm-full/{e['name']}": e["owner"] for e in stack_raw("aws-full")["secrets"]}
    assert {name: s["tags"]["owner"] for name, s in secrets.items()} == expected
    data_key = next(k for k in r.of_type("aws:kms/key:Key") if k.name.endswith("-data"))
    for reg in r.of_type(SECRET):
        assert data_key.urn in reg.dependencies, "encrypted with the customer data key"
        assert reg.inputs["kmsKeyId"].startswith("arn:aws:kms:us-east-2:111122223333:key/")
        assert reg.inputs["recoveryWindowInDays"] == 30, "prod: a deleted secret is recoverable for 30 days"
    assert render_stack("aws-serving").one(SECRET).inputs["recoveryWindowInDays"] == 7


def test_no_secret_value_ever_enters_state() -> None:
    for stack in ("aws-full", "aws-serving"):
        types = {reg.type for reg in render_stack(stack).resources}
        assert "aws:secretsmanager/secretVersion:SecretVersion" not in types, "containers only, never a value"
        assert "aws:ssm/parameter:Parameter" not in types, "no value parked in SSM either"
        for reg in render_stack(stack).of_type(SECRET):
            assert not {"secretString", "secretBinary"} & set(reg.inputs), reg.name


def test_eso_reads_exactly_the_listed_secrets_and_decrypts_only_through_secrets_manager() -> None:
    statements = {s["Sid"]: s for s in policy(render_stack("aws-full"), "-eso-policy")}
    assert set(statements) == {"ReadTheListedSecrets", "DecryptThroughSecretsManagerOnly"}
    read = statements["ReadTheListedSecrets"]
    assert read["Action"] == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
    ]
    names = [f"llm-full/{e['name']}" for e in stack_raw("aws-full")["secrets"]]
    assert sorted(read["Resource"]) == sorted(secret_arn(n) for n in names), "one ARN per listed secret"
    decrypt = statements["DecryptThroughSecretsManagerOnly"]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-2.amazonaws.com"}
    }


def test_the_zone_is_created_for_the_domain_and_never_force_destroyed() -> None:
    zone = render_stack("aws-full").one("aws:route53/zone:Zone").inputs
    assert zone["name"] == "llm.acme.example"
    assert zone["forceDestroy"] is False, "a zone with records is never deleted with them"


def test_external_dns_changes_records_of_this_zone_only() -> None:
    r = render_stack("aws-full")
    statements = {s["Sid"]: s for s in policy(r, "-external-dns-policy")}
    zone = statements["RecordsOfThisZoneOnly"]
    assert zone["Resource"].startswith("arn:aws:route53:::hostedzone/Z")
    assert "route53:ChangeResourceRecordSets" in zone["Action"]
    assert statements["FindTheZoneByName"]["Action"] == ["route53:ListHostedZones"], (
        "the only action on *: ListHostedZones has no resource-level permission"
    )
    assert r.outputs["contract"]["dns_zone_id"] == zone["Resource"].rsplit("/", 1)[-1]


def test_an_existing_zone_is_looked_up_not_created() -> None:
    r = render_stack("aws-serving", dns={"domain": "dev.llm.acme.example", "createZone": False})
    assert r.of_type("aws:route53/zone:Zone") == []
    assert "aws:route53/getZone:getZone" in r.invokes
    statements = {s["Sid"]: s for s in policy(r, "-external-dns-policy")}
    zone_id = r.outputs["contract"]["dns_zone_id"]
    assert statements["RecordsOfThisZoneOnly"]["Resource"] == f"arn:aws:route53:::hostedzone/{zone_id}"


def test_the_model_repository_is_immutable_scanned_and_kms_encrypted() -> None:
    r = render_stack("aws-full")
    repo = r.one("aws:ecr/repository:Repository")
    assert repo.inputs["name"] == "llm-full/models"
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE", "a tag can never be re-pointed"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    (encryption,) = repo.inputs["encryptionConfigurations"]
    assert encryption["encryptionType"] == "KMS"
    assert encryption["kmsKey"].startswith("arn:aws:kms:us-east-2:111122223333:key/")
    assert repo.inputs["forceDelete"] is False
    assert (
        r.outputs["contract"]["registry_url"]
        == "111122223333.dkr.ecr.us-east-2.amazonaws.com/llm-full/models"
    )


def ecr_prefix_shape() -> Any:
    """The `prefix` of CreateRepositoryCreationTemplate as the ECR API model (botocore, pinned) defines it."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecr")
    return model.operation_model("CreateRepositoryCreationTemplate").input_shape.members["prefix"]


def test_each_model_gets_its_own_immutable_repository_under_the_registry_url_on_push() -> None:
    r = render_stack("aws-full")
    template = r.one("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")
    repository = r.one("aws:ecr/repository:Repository").inputs["name"]
    assert template.inputs["prefix"] == repository, (
        "the template covers <registry_url>/<model>: ECR matches the prefix as `<prefix>/`"
    )
    assert template.inputs["appliedFors"] == ["CREATE_ON_PUSH"]
    assert template.inputs["imageTagMutability"] == "IMMUTABLE"
    assert template.inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}]


def test_the_template_prefix_carries_no_trailing_slash_because_ecr_appends_it() -> None:
    shape = ecr_prefix_shape()
    assert "always an assumed <code>/</code> applied to the end of the prefix" in shape.documentation, (
        "the ECR API appends `/` to the prefix itself (CreateRepositoryCreationTemplate)"
    )
    for stack in ("aws-full", "aws-serving"):
        r = render_stack(stack)
        prefix = r.one("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate").inputs["prefix"]
        assert not prefix.endswith("/"), f"{stack}: `{prefix}` would be matched as `{prefix}/`"
        assert re.fullmatch(shape.metadata["pattern"], prefix), f"{stack}: `{prefix}` is a valid ECR prefix"
