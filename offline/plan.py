"""`make plan STACK=<name|path> [FORMAT=json]`: what `pulumi up` would register, offline.

Runs the real program under the mock engine (offline/engine.py) and prints the resource tree grouped
by boundary — substrate (cloud, Pulumi-owned) | bootstrap (the one Kubernetes-side component) — the
contract that crosses it, and a summary. Bad config exits 2 with the message and no traceback.
Then the policy pack's rules (policy/, the same ones `pulumi preview --policy-pack policy` runs) check
every registration: `== policy ==` lists violations by rule, and any violation (all are mandatory)
exits 2 — with FORMAT=json they are under "policy". Warnings (`== warnings ==`, JSON "warnings") do not
change the exit code: an EKS version with fewer than 90 days of standard support left is one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict
from typing import Any

from offline.engine import Registration, Rendering, is_secret, render
from policy.offline import evaluate, report
from stacks import eks_versions, loader
from stacks.schema import StackConfig

BOUNDARIES = ("substrate", "bootstrap")
SECRET_PLACEHOLDER = "[secret]"


def boundary(rendering: Rendering, reg: Registration) -> str:
    """The boundary a registration belongs to: that of its top-level component."""
    top = ([reg, *rendering.ancestors(reg)])[-1]
    module = top.type.split(":")[1] if top.type.count(":") >= 2 else ""
    return module if module in BOUNDARIES else "outside"


def redact(value: Any) -> Any:
    if is_secret(value):
        return SECRET_PLACEHOLDER
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def to_json(rendering: Rendering) -> dict[str, Any]:
    return {
        "stack": rendering.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "boundary": boundary(rendering, r),
                "parent": r.parent,
                "dependencies": r.dependencies,
                "protect": r.protect,
                "inputs": redact(r.inputs),
            }
            for r in sorted(rendering.resources, key=lambda r: r.urn)
        ],
        "contract": rendering.outputs.get("contract") or {},
    }


def to_text(rendering: Rendering) -> str:
    children: dict[str, list[Registration]] = {}
    for r in rendering.resources:
        children.setdefault(r.parent, []).append(r)
    lines = [f"Stack {rendering.stack}: what `pulumi up` would register (offline, mock engine)", ""]

    def walk(reg: Registration, depth: int) -> None:
        flags = " [protect]" if reg.protect else ""
        kind = "" if reg.custom else "  (component)"
        lines.append(f"{'  ' * depth}{'- ' if depth else ''}{reg.name}  {reg.type}{flags}{kind}")
        for child in sorted(children.get(reg.urn, []), key=lambda c: (c.custom, c.name)):
            walk(child, depth + 1)

    roots = sorted(
        (r for r in rendering.resources if r.parent not in rendering.by_urn()), key=lambda r: r.urn
    )
    counts: Counter[str] = Counter()
    for name in (*BOUNDARIES, "outside"):
        group = [r for r in roots if boundary(rendering, r) == name]
        members = [r for r in rendering.resources if boundary(rendering, r) == name]
        counts[name] = sum(1 for r in members if r.custom)
        if not group and name == "outside":
            continue
        lines.append(f"== {name} ({counts[name]} resources) ==")
        for root in group:
            walk(root, 1)
        if not group:
            lines.append("  (nothing: added by the bootstrap component)")
        lines.append("")

    contract = rendering.outputs.get("contract") or {}
    lines.append(
        f"== contract (schema {contract.get('schema_version', '?')}): the only thing that crosses =="
    )
    lines += [f"  {k} = {v}" for k, v in contract.items()]
    if not contract:
        lines.append("  (known only after the update: some facts are values providers compute)")
    lines.append("")
    custom = [r for r in rendering.resources if r.custom]
    lines.append("== summary ==")
    lines.append(
        f"  {len(custom)} resources, {len(rendering.resources) - len(custom)} components; "
        f"{sum(r.protect for r in custom)} protected; " + ", ".join(f"{counts[b]} {b}" for b in BOUNDARIES)
    )
    for type_, n in sorted(Counter(r.type for r in custom).items()):
        lines.append(f"  {n:3d}  {type_}")
    return "\n".join(lines)


def warnings(config: StackConfig) -> list[str]:
    """What deserves attention before it becomes an error; today, the EKS version's runway."""
    if config.aws is None:
        return []
    found = eks_versions.CALENDAR.runway_warning(config.aws.kubernetes_version, eks_versions.today())
    return [found] if found else []


def warnings_text(found: list[str]) -> str:
    return "\n".join(["== warnings ==", *(f"  - {w}" for w in found)]) + "\n\n" if found else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make plan", description=__doc__)
    parser.add_argument("stack", help="stack name (gcp-full) or path to a stack file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="plan a new stack's first preview: outputs providers compute are unknown",
    )
    args = parser.parse_args(argv)
    try:
        path = loader.resolve_stack_file(args.stack)
        raw = loader.read_stack_file(path)
        config = loader.validate(raw)  # fail before the engine starts: nothing is registered
        stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        rendering = render(raw, stack, preview=args.preview)
    except loader.ConfigError as exc:
        print(f"error: {args.stack}: {exc}", file=sys.stderr)
        return 2
    violations = evaluate(rendering, config.environment)
    found = warnings(config)
    if args.format == "json":
        doc = {**to_json(rendering), "policy": [asdict(v) for v in violations], "warnings": found}
        print(json.dumps(doc, indent=2, sort_keys=True, default=str))
    else:
        print(to_text(rendering) + "\n\n" + warnings_text(found) + report(violations))
    return 2 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
