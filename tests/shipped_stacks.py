"""The check every stack file in a directory must pass, whatever values a fork gave it: properties only.

`stack_file_problems(path)` reads, validates and plans one stack file the way `make plan` does
(loader → mock engine → the policy pack's rules) and returns each broken property as a sentence;
`pair_problems(paths)` compares the files of one profile across clouds. Neither knows a value any
file holds: a project id, region, domain, repo URL, cluster name or network a fork chose passes as
long as the stack is valid and plans clean. tests/test_shipped_stacks.py runs it over stacks/, and
over a fork's edited copy of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bootstrap.layers import roots_for
from offline import plan
from offline.engine import Rendering, is_secret, render
from policy import offline as policy_offline
from stacks import loader, redaction
from stacks.schema import StackConfig
from substrate.contract import contract_keys
from tests.seed_render import cluster_secret, kube_version, render_applications

# A stack output whose name says it carries a credential must be marked secret.
CREDENTIAL_OUTPUT = re.compile(r"kubeconfig|token|password|secret|credential|key", re.IGNORECASE)
APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application"
SECRETS_ROOT = "platform-secrets"


def stack_files(directory: Path) -> list[Path]:
    """Every stack file in `directory`, as `make plan STACK=<name>` finds them."""
    return sorted(directory.glob("Pulumi.*.yaml"))


def stack_name(path: Path) -> str:
    return path.name.removeprefix("Pulumi.").removesuffix(".yaml")


@dataclass(frozen=True)
class Planned:
    """One stack file, validated and rendered."""

    path: Path
    raw: dict[str, Any]
    config: StackConfig
    rendering: Rendering


_PLANNED: dict[tuple[str, str], Planned] = {}


def plan_file(path: Path) -> Planned:
    """Read, validate and render `path` as `make plan` does; a ConfigError propagates with its message.

    Cached by path and content (the program is deterministic): the per-file and the pair checks share
    one render.
    """
    key = (str(path), path.read_text(encoding="utf-8", errors="replace"))
    if key not in _PLANNED:
        raw = loader.read_stack_file(loader.resolve_stack_file(str(path)))
        config = loader.validate(raw)
        _PLANNED[key] = Planned(path, raw, config, render(raw, stack_name(path)))
    return _PLANNED[key]


def _strings(value: Any) -> Iterable[str]:
    if is_secret(value):
        return  # marked secret: Pulumi encrypts it; what matters is that it is marked
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _roots_problems(planned: Planned) -> list[str]:
    found = {a.inputs["metadata"]["name"]: a.inputs for a in planned.rendering.of_type(APPLICATION)}
    wanted = {SECRETS_ROOT, *(f"layer-{root}" for _, root in roots_for(planned.config.profile))}
    problems = []
    if set(found) != wanted:
        problems.append(
            f"the bootstrap applies the roots of profile {planned.config.profile} "
            f"({sorted(wanted)}), not {sorted(found)}"
        )
    for name, app in sorted(found.items()):
        sources = [app["spec"]["source"]] if "source" in app["spec"] else app["spec"].get("sources", [])
        if name.startswith("layer-") and [s.get("repoURL") for s in sources] != [
            planned.config.gitops.repo_url
        ]:
            problems.append(f"root {name} syncs the stack's gitops.repoURL")
    return problems


def _contract_problems(planned: Planned) -> list[str]:
    contract = planned.rendering.outputs.get("contract") or {}
    problems = []
    if list(contract) != contract_keys():
        missing, extra = set(contract_keys()) - set(contract), set(contract) - set(contract_keys())
        problems.append(f"the contract has every key and no other (missing {missing}, extra {extra})")
    if not all(isinstance(v, str) for v in contract.values()):
        problems.append("every contract value is a string (annotation-ready)")
    if contract.get("cluster_name") != planned.config.cluster.name:
        problems.append("the contract names the stack's cluster")
    if contract.get("cluster_cloud") != planned.config.cloud:
        problems.append("the contract names the stack's cloud")
    return problems


def _secret_problems(planned: Planned) -> list[str]:
    problems = [
        f"stack value {value!r} looks like a credential ({reason}): a stack file holds names only"
        for value in _strings(planned.raw)
        if (reason := redaction.why_sensitive(value))
    ]
    for name, value in planned.rendering.outputs.items():
        if CREDENTIAL_OUTPUT.search(name) and name != "contractSchemaVersion" and not is_secret(value):
            problems.append(f"stack output {name} is marked secret")
    return problems


def _seed_problems(planned: Planned) -> list[str]:
    """The seed renders for this cluster Secret: every ApplicationSet that selects it, every local chart."""
    secret = cluster_secret(planned.rendering)
    try:
        apps = render_applications(stack_name(planned.path), secret, kube_version(planned.rendering))
    except AssertionError as e:  # SeedRenderError names the ApplicationSet and the chart
        return [f"the seed renders: {e}"]
    if not apps:
        return ["at least one ApplicationSet of the seed selects the cluster"]
    return [f"{a.appset.where} leaves no template unrendered" for a in apps if "{{" in repr(a.application)]


def stack_file_problems(path: Path) -> list[str]:
    """Every property `path` breaks, each a sentence naming the file; empty when the stack is sound."""
    try:
        planned = plan_file(path)
    except loader.ConfigError as exc:
        return [f"{path.name}: validates: {exc}"]
    rendering = planned.rendering
    problems = [
        *_contract_problems(planned),
        *_roots_problems(planned),
        *_secret_problems(planned),
        *_seed_problems(planned),
    ]
    violations = policy_offline.evaluate(rendering, planned.config.environment)
    if violations:
        problems.append("plans with zero policy violations:\n" + policy_offline.report(violations))
    outside = [r.urn for r in rendering.resources if plan.boundary(rendering, r) == "outside"]
    if outside:
        problems.append(f"every registration is under the substrate or the bootstrap: {outside}")
    if not any(r.custom for r in rendering.resources):
        problems.append("the plan registers resources")
    try:
        json.dumps(plan.to_json(rendering), default=str)
    except (TypeError, ValueError) as e:
        problems.append(f"the JSON plan serialises: {e}")
    return [f"{path.name}: {p}" for p in problems]


def pair_problems(paths: Iterable[Path]) -> list[str]:
    """Stack files of one profile on different clouds render contracts with the same keys, in order."""
    by_profile: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        try:
            planned = plan_file(path)
        except loader.ConfigError:
            continue  # stack_file_problems reports it
        contract = planned.rendering.outputs.get("contract") or {}
        by_profile.setdefault((planned.config.profile, planned.config.cloud), list(contract))
    problems = []
    for (profile, cloud), keys in sorted(by_profile.items()):
        for (other_profile, other_cloud), other_keys in sorted(by_profile.items()):
            if profile == other_profile and cloud < other_cloud and keys != other_keys:
                problems.append(
                    f"profile {profile}: the {cloud} and {other_cloud} stacks render contracts "
                    "with the same keys"
                )
    return problems


def directory_problems(directory: Path) -> list[str]:
    """The whole check over a stacks directory: every file, then every cross-cloud pair."""
    files = stack_files(directory)
    if not files:
        return [f"{directory}: holds at least one Pulumi.<stack>.yaml"]
    return [p for path in files for p in stack_file_problems(path)] + pair_problems(files)
