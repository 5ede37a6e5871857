"""The pack's rules over a mock-engine Rendering: what `make plan` reports, offline.

`records()` is the offline adapter: each Registration becomes the rules' PolicyResource — inputs with
secrets unwrapped (CrossGuard unwraps them too), unknowns as UNKNOWN, the ancestry from the recorded
parents, and the stack's environment. `evaluate()` runs every rule of the registry, resource- and
stack-scoped alike, over every record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown

from offline.engine import Rendering, is_secret
from policy.rules import PACK_NAME, REGISTRY, UNKNOWN, PolicyResource, Rule


@dataclass(frozen=True)
class Violation:
    rule_id: str
    urn: str
    message: str


def plain(value: Any) -> Any:
    """Recorded inputs as the rules read them: secrets unwrapped, the engine's unknowns as UNKNOWN."""
    if is_secret(value):
        return plain(value["value"])
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def records(rendering: Rendering, environment: str) -> list[PolicyResource]:
    return [
        PolicyResource(
            type=reg.type,
            urn=reg.urn,
            name=reg.name,
            props=plain(reg.inputs),
            protect=reg.protect,
            ancestor_types=tuple(a.type for a in rendering.ancestors(reg)),
            environment=environment,
        )
        for reg in rendering.resources
    ]


def evaluate(rendering: Rendering, environment: str, rules: Sequence[Rule] | None = None) -> list[Violation]:
    """Every violation of `rules` (the pack's REGISTRY unless given, e.g. a newly registered cloud's)."""
    return [
        Violation(rule.id, resource.urn, message)
        for resource in records(rendering, environment)
        for rule in (REGISTRY if rules is None else rules)
        for message in rule(resource)
    ]


def cannot_evaluate(violation: Violation) -> bool:
    """A rule that failed because a value it needs is unknown, not because the value is wrong."""
    return violation.message.startswith("cannot evaluate")


SKIP_PREVIEW = "pulumi up --skip-preview --policy-pack policy"


def report(violations: list[Violation], *, preview: bool = False) -> str:
    """The `== policy ==` section of `make plan`: violations grouped by rule, then the count.

    Unknown-value failures say why: on a first preview the value is computed during the update, and
    the documented way through is an update that checks each resource with its inputs resolved.
    """
    lines = [f"== policy ({PACK_NAME}: {len(REGISTRY)} mandatory rules) =="]
    for rule in REGISTRY:
        found = [v for v in violations if v.rule_id == rule.id]
        if not found:
            continue
        mapped = f" [{rule.maps_to}]" if rule.maps_to else ""
        lines.append(f"  {rule.id}{mapped}: {rule.description}")
        lines += [f"    - {v.urn.rsplit('::', 1)[-1]}: {v.message}" for v in found]
    count = len(violations)
    lines.append(f"  {count} mandatory violation{'' if count == 1 else 's'}")
    unknown = sum(cannot_evaluate(v) for v in violations)
    if unknown:
        when = "on a first preview, " if preview else ""
        lines.append(
            f"  {unknown} of them cannot evaluate: {when}a value the rule needs (e.g. an ARN embedded in an "
            "IAM document) exists only once the update creates it. A new stack deploys with "
            f"`{SKIP_PREVIEW}`: each resource is checked with its inputs resolved (README: Policy)"
        )
    return "\n".join(lines)
