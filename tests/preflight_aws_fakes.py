"""The AWS side of the doctor's tests: the fixture aws-full with moto's caller as admin, and moto's answers.

Shared by the preflight test files (doctor, seed-secrets, the CLI); tests import it, never each other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
import yaml

from preflight.delegation import Resolver
from stacks import loader
from tests.stack_fixtures import stack_raw

REGION = "us-east-2"
# One boto3 session for every moto test: moto resets boto3's default session each time a mock starts, and a
# new session re-reads every service model from disk (~0.2 s a test); a kept session's clients still go
# through moto (its hooks are botocore's built-in handlers) and see a fresh, empty account each time.
SESSION = boto3.session.Session()
ACCOUNT = "123456789012"  # moto's
CALLER = f"arn:aws:iam::{ACCOUNT}:user/moto"
DOMAIN = "llm.acme.example"
PARENT_NS = {"acme.example": ["ns1.registrar.example"]}
# Every secret the fixture stack declares: a "ready" account holds each of them.
SECRETS = tuple(entry["name"] for entry in stack_raw("aws-full")["secrets"])
# aws-full at max: system 9 x m7i.xlarge (4), h100-spot 2 x p5.48xlarge (192) spot, l4 8 x g6.2xlarge (8).
LINE = re.compile(r"^(PASS|FAIL)\s+(secret \S+)\s")
NEEDED = {"L-1216C47A": 36, "L-7212CCBC": 384, "L-DB2E81BA": 64}


def raw_stack(**overrides: Any) -> dict[str, Any]:
    raw = stack_raw("aws-full")
    raw["aws"]["adminPrincipals"] = [CALLER]
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(raw.get(key), dict):
            raw[key] = {**raw[key], **value}
        else:
            raw[key] = value
    return raw


def stack_file(tmp_path: Path, raw: Mapping[str, Any]) -> Path:
    path = tmp_path / "Pulumi.my-fork.yaml"
    path.write_text(yaml.safe_dump({"config": {f"{loader.PROJECT}:{k}": v for k, v in raw.items()}}))
    return path


def resolver(table: Mapping[str, list[str]]) -> Resolver:
    return lambda name: frozenset(table.get(name, ()))
