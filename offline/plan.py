"""`make plan STACK=<name|path> [FORMAT=json] [PREVIEW=1]`: what `pulumi up` would register, offline.

Runs the real program under the mock engine (offline/engine.py) and prints what a platform engineer
checks before `pulumi up` (the cluster's version and endpoint, each GPU pool), the resource tree grouped
by boundary — substrate (cloud, Pulumi-owned) | bootstrap (the one Kubernetes-side component) — the
contract that crosses it, and a summary. Then the policy pack's rules (policy/, the same ones
`pulumi preview --policy-pack policy` runs) check every registration. Warnings (`== warnings ==`,
JSON "warnings") never change the exit code; each cloud brings its own (its config module's optional
`warnings(config)`, found through the registry), such as a Kubernetes version near the end of support.

Exit codes: 0 planned clean, 2 bad config (nothing planned; the message on stderr, no traceback),
3 policy violation (the plan is printed), 1 internal error (a bug: one line on stderr, no traceback
unless LLM_PLATFORM_DEBUG=1). With FORMAT=json stdout carries only the JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections import Counter
from dataclasses import asdict
from typing import Any

import clouds
from offline import checklist
from offline.engine import Registration, Rendering, is_secret, render
from policy import offline as policy_offline
from policy.offline import Violation, evaluate, report
from stacks import loader, redaction
from stacks.schema import StackConfig

BOUNDARIES = ("substrate", "bootstrap")
SECRET_PLACEHOLDER = "[secret]"
NONE = "(none)"
EXIT_OK, EXIT_INTERNAL, EXIT_CONFIG, EXIT_POLICY = 0, 1, 2, 3


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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


def policy_doc(violations: list[Violation], rendering: Rendering) -> dict[str, Any]:
    """`rules_evaluated` and `resources_checked` tell a clean plan from one where nothing ran."""
    return {
        "pack": policy_offline.PACK_NAME,
        "rules_evaluated": len(policy_offline.REGISTRY),
        "resources_checked": len(rendering.resources),
        "violations": [asdict(v) for v in violations],
        "cannot_evaluate": sum(policy_offline.cannot_evaluate(v) for v in violations),
    }


def to_json(rendering: Rendering) -> dict[str, Any]:
    return {
        "stack": rendering.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "boundary": boundary(rendering, r),
                "custom": r.custom,
                "parent": r.parent,
                "dependencies": r.dependencies,
                "protect": r.protect,
                "inputs": redact(r.inputs),
            }
            for r in sorted(rendering.resources, key=lambda r: r.urn)
        ],
        "contract": rendering.outputs.get("contract") or {},
    }


def _tree(rendering: Rendering) -> tuple[list[str], Counter[str]]:
    children: dict[str, list[Registration]] = {}
    for r in rendering.resources:
        children.setdefault(r.parent, []).append(r)
    lines: list[str] = []

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
        components = len(members) - counts[name]
        lines.append(f"== {name} ({plural(counts[name], 'resource')}, {plural(components, 'component')}) ==")
        for root in group:
            walk(root, 1)
        if not group:
            lines.append("  (nothing: added by the bootstrap component)")
        lines.append("")
    return lines, counts


def to_text(rendering: Rendering, preview: bool = False) -> str:
    if preview:
        title = (
            "first-preview plan: what the first `pulumi preview` of a new stack sees "
            "(provider-computed values unknown)"
        )
    else:
        title = "what `pulumi up` would register"
    lines = [f"Stack {rendering.stack}: {title} (offline, mock engine)", ""]
    lines += [*checklist.to_text(checklist.cluster_facts(rendering)), ""]
    tree, counts = _tree(rendering)
    lines += tree
    contract = rendering.outputs.get("contract") or {}
    lines.append(
        f"== contract (schema {contract.get('schema_version', '?')}): the only thing that crosses =="
    )
    lines += [f"  {k} = {NONE if v in ('', None, [], {}) else v}" for k, v in contract.items()]
    if not contract:
        lines.append("  (known only after the update: some facts are values providers compute)")
    lines.append("")
    custom = [r for r in rendering.resources if r.custom]
    components = len(rendering.resources) - len(custom)
    lines.append("== summary ==")
    lines.append(
        f"  {plural(len(custom), 'resource')} + {plural(components, 'component')} = "
        f"{plural(len(rendering.resources), 'registration')}; {sum(r.protect for r in custom)} protected; "
        + ", ".join(f"{counts[b]} {b}" for b in BOUNDARIES)
    )
    for type_, n in sorted(Counter(r.type for r in custom).items()):
        lines.append(f"  {n:3d}  {type_}")
    return "\n".join(lines)


def warnings(config: StackConfig) -> list[str]:
    """What deserves attention before it becomes an error: the stack's cloud says (none if it has no hook)."""
    hook = getattr(clouds.part(config.cloud, "config"), "warnings", None)
    return list(hook(config)) if hook is not None else []


def warnings_text(found: list[str]) -> str:
    return "\n".join(["== warnings ==", *(f"  - {w}" for w in found)]) + "\n\n" if found else ""


def plan(args: argparse.Namespace) -> int:
    try:
        path = loader.resolve_stack_file(args.stack)
        raw = loader.read_stack_file(path)
        config = loader.validate(raw)  # fail before the engine starts: nothing is registered
        stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        rendering = render(raw, stack, preview=args.preview)
    except loader.ConfigError as exc:
        print(loader.error_line(args.stack, exc), file=sys.stderr)
        return EXIT_CONFIG
    violations = evaluate(rendering, config.environment)
    found = warnings(config)
    if args.format == "json":
        doc = {**to_json(rendering), "policy": policy_doc(violations, rendering), "warnings": found}
        doc["preview"] = args.preview
        print(json.dumps(doc, indent=2, sort_keys=True, default=str))
    else:
        text = to_text(rendering, args.preview)
        print(text + "\n\n" + warnings_text(found) + report(violations, preview=args.preview))
    return EXIT_POLICY if violations else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make plan", description=__doc__)
    parser.add_argument("stack", help="stack name (NAME in stacks/Pulumi.NAME.yaml) or a stack file path")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="plan a new stack's first preview: outputs providers compute are unknown",
    )
    args = parser.parse_args(argv)
    try:
        return plan(args)
    except KeyboardInterrupt:
        print("make plan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`make plan | head`): nothing to report. 141 is what a shell shows for a
        # command ended by SIGPIPE; the redirect keeps the interpreter's final flush from complaining.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # the one place a bug becomes exit 1 and one line, not a traceback
        if os.environ.get("LLM_PLATFORM_DEBUG"):
            traceback.print_exc()
        detail = redaction.scrub(str(exc).splitlines()[0] if str(exc) else "")
        what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        print(
            f"error: internal error planning {args.stack} ({what}); "
            "this is a bug, not your config: rerun with LLM_PLATFORM_DEBUG=1 for the traceback",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
