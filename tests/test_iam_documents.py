"""Every IAM document the EKS program writes, linted by parliament.

The collector walks every recorded resource input of each fixture aws stack and takes each JSON
document with a `Statement` (strings or objects, at any depth), so a new policy-bearing resource
cannot slip past: it must be classified in KINDS before the test passes. Kinds:
- identity policies (role policies, managed policies, inline policies of a role), linted as written;
- resource policies (queue, key, repository, secret policies), linted as written;
- trust policies (a role's assume-role policy), linted as the resource policy they are: their
  statements name no Resource, the role they are attached to is it, so that role's ARN is filled in.

parliament 1.6.4 runs with its default auditors and the community auditors. Every finding must be
waived in tests/iam_waivers.py, with its reason, and every waiver must still match a finding.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from parliament import analyze_policy_string

from offline.engine import Registration, Rendering
from substrate.aws.iam import partition
from tests.iam_waivers import WAIVERS, Waiver
from tests.stack_fixtures import render_stack

STACKS = ("aws-full", "aws-serving")
IDENTITY, RESOURCE, TRUST = "identity", "resource", "trust"
# Where a policy document may sit, by resource type and input path (`*` for a list index).
KINDS: dict[tuple[str, str], str] = {
    ("aws:iam/rolePolicy:RolePolicy", "policy"): IDENTITY,
    ("aws:iam/policy:Policy", "policy"): IDENTITY,
    ("aws:iam/role:Role", "inlinePolicies.*.policy"): IDENTITY,
    ("aws:iam/role:Role", "assumeRolePolicy"): TRUST,
    ("aws:sqs/queuePolicy:QueuePolicy", "policy"): RESOURCE,
    ("aws:sqs/queue:Queue", "policy"): RESOURCE,
    ("aws:kms/key:Key", "policy"): RESOURCE,
    ("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy"): RESOURCE,
    ("aws:ecr/registryPolicy:RegistryPolicy", "policy"): RESOURCE,
    ("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "repositoryPolicy"): RESOURCE,
    ("aws:secretsmanager/secretPolicy:SecretPolicy", "policy"): RESOURCE,
    ("aws:secretsmanager/secret:Secret", "policy"): RESOURCE,
}


@dataclass(frozen=True)
class Document:
    name: str  # `<resource name>:<input path>`, what waivers match
    type: str
    path: str
    body: dict[str, Any]

    @property
    def kind(self) -> str | None:
        return KINDS.get((self.type, self.path))


@dataclass(frozen=True)
class Finding:
    document: str
    sid: str
    issue: str
    detail: str


def _as_document(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) and "Statement" in value else None


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    doc = _as_document(value)
    if doc is not None:
        yield ".".join(path), doc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, (*path, "*"))


def collect(r: Rendering) -> list[Document]:
    """Every policy document in every recorded input of the rendering."""
    return [
        Document(f"{reg.name}:{path}", reg.type, path, body)
        for reg in r.resources
        for path, body in _walk(reg.inputs, ())
    ]


def role_arn(r: Rendering, role: Registration) -> str:
    c = r.outputs["contract"]
    return f"arn:{partition(c['cluster_region'])}:iam::{c['cluster_account']}:role/{role.inputs['name']}"


def as_linted(r: Rendering, doc: Document) -> dict[str, Any]:
    """The document as parliament reads it: a trust policy gets the role it protects as its Resource."""
    if doc.kind != TRUST:
        return doc.body
    (role,) = [reg for reg in r.resources if f"{reg.name}:{doc.path}" == doc.name]
    statements = doc.body["Statement"]
    return {
        **doc.body,
        "Statement": [
            s if {"Resource", "NotResource"} & set(s) else {**s, "Resource": role_arn(r, role)}
            for s in (statements if isinstance(statements, list) else [statements])
        ],
    }


def lint(name: str, body: dict[str, Any]) -> list[Finding]:
    policy = analyze_policy_string(json.dumps(body), name, include_community_auditors=True)
    sids = {id(f): stmt.sid or "" for stmt in policy.statements for f in stmt.findings}
    return [Finding(name, sids.get(id(f), ""), f.issue, repr(f.detail)) for f in policy.findings]


def waiver_for(finding: Finding) -> Waiver | None:
    for w in WAIVERS:
        if fnmatch.fnmatchcase(finding.document, w.document) and (w.sid, w.issue) == (
            finding.sid,
            finding.issue,
        ):
            return w
    return None


def findings(stack: str) -> list[Finding]:
    r = render_stack(stack)
    return [f for doc in collect(r) for f in lint(doc.name, as_linted(r, doc))]


def test_the_linter_is_live_and_reports_a_known_bad_document() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}],
    }
    assert [(f.sid, f.issue) for f in lint("bad", bad)] == [("Typo", "UNKNOWN_ACTION")]


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_document_the_program_writes_is_classified(stack: str) -> None:
    unclassified = [d.name for d in collect(render_stack(stack)) if d.kind is None]
    assert not unclassified, (
        f"classify these documents in KINDS (identity, resource or trust): {unclassified}"
    )


@pytest.mark.parametrize("stack", STACKS)
def test_the_collector_finds_documents_of_every_kind(stack: str) -> None:
    r = render_stack(stack)
    docs = collect(r)
    found = {kind: [d.name for d in docs if d.kind == kind] for kind in (IDENTITY, RESOURCE, TRUST)}
    assert all(found.values()), f"identity, resource and trust documents are all collected: {found}"
    roles, grants = r.of_type("aws:iam/role:Role"), r.of_type("aws:iam/rolePolicy:RolePolicy")
    assert len(found[TRUST]) == len(roles), "one trust policy per role"
    assert len(found[IDENTITY]) >= len(grants), "every role policy"
    assert f"{r.one('aws:sqs/queuePolicy:QueuePolicy').name}:policy" in found[RESOURCE]


@pytest.mark.parametrize("stack", STACKS)
def test_parliament_finds_nothing_in_our_iam_documents_but_what_is_waived(stack: str) -> None:
    unwaived = [f for f in findings(stack) if waiver_for(f) is None]
    assert not unwaived, (
        "fix the document, or waive the finding in tests/iam_waivers.py with its reason:\n"
        + ("\n".join(f"{f.document} [{f.sid}] {f.issue}: {f.detail}" for f in unwaived))
    )


def test_every_waiver_has_a_reason_and_still_matches_a_finding() -> None:
    used = {waiver_for(f) for stack in STACKS for f in findings(stack)}
    for w in WAIVERS:
        assert w.reason.strip(), f"{w}: a waiver states why"
        assert w in used, f"stale waiver, no finding matches it any more: {w}"
