"""CrossGuard entry point: `pulumi preview --policy-pack policy` (and `pulumi up --policy-pack policy`).

This file only adapts. Each registry rule becomes one mandatory CrossGuard policy whose validate builds
the rules' PolicyResource from what CrossGuard passes and reports each message the rule returns.

What CrossGuard passes (pulumi-policy 1.21): `props` are the resource's inputs, camelCase, secrets
unwrapped, numbers as floats, wrapped in a proxy that raises UnknownValueError when a value computed
during preview is read. Left alone, that exception becomes an *advisory* "can't run policy during
preview" note — a silent pass — so `plain()` turns every unknown into UNKNOWN and the rule fails with
"cannot evaluate: <field> is unknown". The stack's config arrives in PULUMI_CONFIG (the SDK loads it
before each analysis), which is where `environment` comes from.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import PolicyResource as StackResource
from pulumi_policy.proxy import UnknownValueError

# The CLI runs this file with policy/ as the working directory. Import the rules as the `policy` package,
# the very modules `make plan` and the tests import.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policy.rules import PACK_NAME, REGISTRY, UNKNOWN, PolicyResource, Rule

DEFAULT_PROJECT = "llm-platform"


def plain(value: Any) -> Any:
    """CrossGuard's proxied props as plain dicts and lists, each unknown value replaced by UNKNOWN."""
    if isinstance(value, Mapping):
        return {key: _item(value, key) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_item(value, index) for index in range(len(value))]
    return value


def _item(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError:
        return UNKNOWN


def stack_environment() -> str:
    """The stack's `environment` config; the program's default (dev) when the stack does not set it."""
    project = os.environ.get("PULUMI_PROJECT") or DEFAULT_PROJECT
    return pulumi.Config(project).get("environment") or "dev"


def from_resource_args(args: ResourceValidationArgs, environment: str) -> PolicyResource:
    return PolicyResource(
        type=args.resource_type,
        urn=args.urn,
        name=args.name,
        props=plain(args.props),
        protect=bool(args.opts.protect),
        ancestor_types=None,  # a resource validation sees its parent's URN only
        environment=environment,
    )


def from_stack_resource(resource: StackResource, environment: str) -> PolicyResource:
    ancestors, parent = [], resource.parent
    while parent is not None:
        ancestors.append(parent.resource_type)
        parent = parent.parent
    return PolicyResource(
        type=resource.resource_type,
        urn=resource.urn,
        name=resource.name,
        props=plain(resource.props),
        protect=bool(resource.opts.protect),
        ancestor_types=tuple(ancestors),
        environment=environment,
    )


def _description(rule: Rule) -> str:
    return f"{rule.description} ({rule.maps_to})" if rule.maps_to else rule.description


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule(from_resource_args(args, stack_environment())):
            report_violation(message, None)

    return ResourceValidationPolicy(name=rule.id, description=_description(rule), validate=validate)


def stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        environment = stack_environment()
        for resource in args.resources:
            for message in rule(from_stack_resource(resource, environment)):
                report_violation(message, resource.urn)

    return StackValidationPolicy(name=rule.id, description=_description(rule), validate=validate)


def policies() -> list[Policy]:
    return [stack_policy(r) if r.scope == "stack" else resource_policy(r) for r in REGISTRY]


if __name__ == "__main__":
    # Serves the pack over gRPC until the CLI stops it.
    PolicyPack(name=PACK_NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=policies())
