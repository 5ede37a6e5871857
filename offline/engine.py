"""Runs the real program under Pulumi's mock engine and records every registration.

No CLI, no plugins, no credentials, no network. The mocks echo inputs and fill in the outputs a real
provider would compute (ids, emails, endpoints) deterministically, so two renders are identical and the
contract resolves to readable values. The monitor records each registration's options (parent,
dependencies, protect, ignoreChanges, timeouts), which is what the tests and `make plan` read.
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from offline.computed import computed_outputs, invoke_result
from stacks.loader import runtime_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROGRAM = PROJECT_DIR / "__main__.py"
SECRET_SIG = rpc._special_sig_key
SECRET_VALUE = rpc._special_secret_sig


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    protect: bool
    ignore_changes: list[str]
    delete_timeout: str
    provider: str
    inputs: dict[str, Any]
    # The URNs this resource was known by before (Pulumi `aliases`): a rename or re-parent with an alias
    # is no replacement.
    aliases: list[str] = field(default_factory=list)


@dataclass
class Rendering:
    stack: str
    resources: list[Registration] = field(default_factory=list)
    invokes: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> Registration:
        found = self.of_type(type_)
        if len(found) != 1:
            raise AssertionError(f"expected exactly one {type_}, found {len(found)}")
        return found[0]

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}

    def ancestors(self, reg: Registration) -> list[Registration]:
        index, out = self.by_urn(), []
        while reg.parent in index:
            reg = index[reg.parent]
            out.append(reg)
        return out


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self, rendering: Rendering, preview: bool = False) -> None:
        self.rendering = rendering
        self.preview = preview

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        computed = computed_outputs(args.typ, args.name, args.inputs)
        if self.preview:
            # A first preview: inputs echo back, everything the provider computes is not known yet.
            computed = {k: rpc.UNKNOWN for k in computed if k != "__id"}
            return "", {**args.inputs, **computed}
        state = {**args.inputs, **computed}
        return state.pop("__id", f"{args.name}-id"), state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.rendering.invokes.append(args.token)
        return invoke_result(args.token, args.args), []


class RecordingMonitor(mocks.MockMonitor):
    def __init__(self, mocks_: RecordingMocks) -> None:
        super().__init__(mocks_)
        self.rendering = mocks_.rendering

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs = rpc.deserialize_properties(request.object)
        self.rendering.resources.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent,
                dependencies=sorted(set(request.dependencies)),
                property_dependencies={k: sorted(v.urns) for k, v in request.propertyDependencies.items()},
                protect=bool(request.protect),
                ignore_changes=list(request.ignoreChanges),
                delete_timeout=request.customTimeouts.delete if request.HasField("customTimeouts") else "",
                provider=request.provider,
                inputs=inputs,
                aliases=[_alias_urn(request, alias) for alias in request.aliases],
            )
        )
        return response


def _alias_urn(request: Any, alias: Any) -> str:
    """The URN an alias names, as the engine computes it from an alias spec (or the URN given)."""
    if alias.HasField("urn") or not alias.HasField("spec"):
        return str(alias.urn)
    spec = alias.spec
    stack, project = spec.stack or pulumi.get_stack(), spec.project or pulumi.get_project()
    type_, name = spec.type or request.type, spec.name or request.name
    parent = "" if spec.noParent else (spec.parentUrn or request.parent)
    parent_type = parent.split("::")[2] if parent.count("::") >= 3 else ""
    if parent_type and parent_type != "pulumi:pulumi:Stack":
        type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE


def render(
    raw_config: Mapping[str, Any],
    stack: str,
    *,
    project: str = "llm-platform",
    into: Rendering | None = None,
    program: Path = PROGRAM,
    preview: bool = False,
) -> Rendering:
    """Run the program once for `stack` with `raw_config` (un-namespaced keys) and record it.

    `into` receives the registrations as they happen, so a caller can inspect them even when the
    program raises. `preview=True` renders a new stack's first preview: inputs echo back, and every
    output a provider computes (ids, emails, ARNs) is unknown, as `pulumi preview` sees them.
    """
    rendering = into if into is not None else Rendering(stack=stack)
    mocks_ = RecordingMocks(rendering, preview)
    settings.reset_options(project=project, stack=stack, preview=preview)
    set_all_config(runtime_config(raw_config))
    mocks.set_mocks(mocks_, project=project, stack=stack, preview=preview, monitor=RecordingMonitor(mocks_))
    root = settings.get_root_resource()

    def run() -> None:
        runpy.run_path(str(program), run_name="__main__")

    _sync_await(run_pulumi_func(run))
    exported = getattr(root, "outputs", {}) or {}
    rendering.outputs = {k: _resolve(v) for k, v in exported.items()}
    return rendering


def _resolve(value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    resolved = _sync_await(output.future())
    if _sync_await(output.is_secret()):
        return {SECRET_SIG: SECRET_VALUE, "value": resolved}
    return resolved
