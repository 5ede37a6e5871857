"""Enough of Renovate's extraction to tell which lines of the repository its managers would update.

Facts emulated, with their upstream sources: tests/fixtures/renovate_facts.yaml. Built-in managers:
pip_requirements (exact `name==version` lines) and argocd (Application/ApplicationSet sources). Custom
managers: `regex`, with Renovate's RE2 matchStrings translated to Python and the Handlebars subset the
templates here use. Anything outside that subset is refused, so the emulation never guesses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FACTS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent / "fixtures" / "renovate_facts.yaml").read_text()
)
BUILT_IN = ("pip_requirements", "argocd")
CUSTOM_REGEX = "custom.regex"
# Renovate's default ignorePaths (lib/config/options/index.ts), used when the config sets none.
FACTS_DEFAULT_IGNORE_PATHS = ["**/node_modules/**", "**/bower_components/**"]


@dataclass(frozen=True)
class Dep:
    """One dependency a manager extracted, and the lines Renovate would rewrite for it."""

    manager: str
    path: str
    dep_name: str
    current: str
    datasource: str
    lines: frozenset[int] = field(default_factory=frozenset)


def load_config(path: Path) -> dict[str, Any]:
    config = json.loads(path.read_text())
    if not isinstance(config, dict):
        raise ValueError(f"{path.name} must hold a JSON object")
    return config


# ------------------------------------------------------------------------------------ file selection


def glob_regex(pattern: str) -> re.Pattern[str]:
    """minimatch's glob (dot: true, nocase: true) for the forms used in configs: **, *, ?, {a,b}, [..]."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif c == "*":
            out, i = out + "[^/]*", i + 1
        elif c == "?":
            out, i = out + "[^/]", i + 1
        elif c == "{":
            end = pattern.index("}", i)
            alternatives = pattern[i + 1 : end].split(",")
            out, i = out + "(?:" + "|".join(re.escape(a) for a in alternatives) + ")", end + 1
        elif c == "[":
            end = pattern.index("]", i + 1)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(c), i + 1
    return re.compile(out, re.IGNORECASE)


def matches_pattern(path: str, pattern: str) -> bool:
    """Renovate's matchRegexOrGlob: `/re/` or `/re/i` (optionally `!`-negated) is searched, else a glob."""
    if pattern == "*":
        return True
    regex = re.fullmatch(r"(!?)/(.*)/(i?)", pattern, re.DOTALL)
    if regex:
        negated, body, insensitive = regex.groups()
        found = re.search(js_regex(body), path, re.IGNORECASE if insensitive else 0) is not None
        return found != bool(negated)
    return glob_regex(pattern).fullmatch(path) is not None


def ignored(config: dict[str, Any], path: str) -> bool:
    ignore = config.get("ignorePaths", FACTS_DEFAULT_IGNORE_PATHS)
    return any(entry in path or glob_regex(entry).fullmatch(path) for entry in ignore)


def manager_patterns(config: dict[str, Any], manager: str) -> list[str]:
    """A built-in manager's patterns: its defaults plus the repository's (the option is mergeable)."""
    defaults = list(FACTS["default_manager_file_patterns"].get(manager, []))
    return defaults + list(config.get(manager, {}).get("managerFilePatterns", []))


def select(config: dict[str, Any], files: Iterable[str], patterns: list[str]) -> list[str]:
    return sorted(f for f in files if not ignored(config, f) and any(matches_pattern(f, p) for p in patterns))


# ------------------------------------------------------------------------------------ regex and templates

NAMED_GROUP = re.compile(r"\(\?<([A-Za-z][A-Za-z0-9]*)>")
RE2_UNSUPPORTED = re.compile(r"\(\?<[=!]|\(\?[=!]|\\[1-9]|\\k<")


def js_regex(pattern: str) -> str:
    """An RE2/JavaScript pattern as Python's: named groups `(?<n>` become `(?P<n>`."""
    if RE2_UNSUPPORTED.search(pattern):
        raise ValueError(f"RE2 has no lookaround or backreferences: {pattern!r}")
    return NAMED_GROUP.sub(r"(?P<\1>", pattern)


TEMPLATE_PART = re.compile(r"\{\{\{?\s*(?:(lowercase|uppercase)\s+)?([A-Za-z][A-Za-z0-9]*)\s*\}?\}\}")


def render(template: str, values: dict[str, str]) -> str:
    """The Handlebars subset: `{{{name}}}`, `{{name}}`, `{{{lowercase name}}}`; anything else is refused."""

    def one(m: re.Match[str]) -> str:
        helper, name = m.groups()
        value = values.get(name, "")
        return value.lower() if helper == "lowercase" else value.upper() if helper == "uppercase" else value

    rendered = TEMPLATE_PART.sub(one, template)
    if "{{" in rendered:
        raise ValueError(f"template {template!r} uses Handlebars the emulation does not know")
    return rendered


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def lines_between(text: str, start: int, end: int) -> frozenset[int]:
    return frozenset(range(line_of(text, start), line_of(text, max(start, end - 1)) + 1))


def regex_deps(manager: str, spec: dict[str, Any], path: str, text: str) -> Iterator[Dep]:
    """matchStringsStrategy `any` (the default): every match of every matchString is one dependency."""
    if spec.get("matchStringsStrategy", "any") != "any":
        raise ValueError(f"{manager}: only matchStringsStrategy 'any' is emulated")
    for match_string in spec["matchStrings"]:
        for m in re.finditer(js_regex(match_string), text, re.ASCII):
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            fields = {}
            for name in ("depName", "packageName", "currentValue", "currentDigest", "datasource"):
                template = spec.get(f"{name}Template")
                fields[name] = render(template, groups) if template else groups.get(name, "")
            valid = (
                (fields["depName"].strip() or fields["packageName"].strip())
                and (fields["currentValue"].strip() or fields["currentDigest"].strip())
                and fields["datasource"].strip()
            )
            if not valid:
                continue
            # Renovate rewrites the value and digest inside the matched string; those groups' lines.
            spans = [m.span(g) for g in ("currentValue", "currentDigest") if groups.get(g)]
            lines = frozenset().union(*(lines_between(text, s, e) for s, e in spans or [m.span()]))
            yield Dep(
                manager,
                path,
                fields["depName"] or fields["packageName"],
                fields["currentValue"] or fields["currentDigest"],
                fields["datasource"],
                lines,
            )


# ------------------------------------------------------------------------------------ built-in managers

PIP_LINE = re.compile(
    r"(?P<name>[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9])(?:\s*\[[^\]]+\])?"
    r"(?P<spec>\s*(?:===|==|~=|!=|<=|>=|<|>)\s*[\w.*+!-]+(?:\s*,\s*(?:===|==|~=|!=|<=|>=|<|>)\s*[\w.*+!-]+)*)?"
)


def pip_deps(path: str, text: str) -> Iterator[Dep]:
    """pip_requirements: each line's `name[extras] spec`, comments, markers and hashes cut off."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line, _, comment = raw.partition("#")
        if comment.strip().startswith("renovate:ignore"):
            continue
        line = line.split(";")[0].strip().split(" \\")[0]
        m = PIP_LINE.fullmatch(line)
        if m and m["spec"] and m["spec"].strip().startswith("=="):
            yield Dep("pip_requirements", path, m["name"], m["spec"].strip(), "pypi", frozenset({number}))


ARGO_FILE = re.compile(r"\s*apiVersion:\s*'?\"?argoproj.io/")
TEMPLATES = re.compile(r"\{\{`.*?`\}\}|\{\{.*?\}\}|\{%`.*?`%\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
STR_TAG = "tag:yaml.org,2002:str"


def strip_templates(text: str) -> str:
    """Renovate's stripTemplates, keeping the newlines a template spanned so line numbers hold."""
    return TEMPLATES.sub(lambda m: "\n" * m.group().count("\n"), text)


def child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def argocd_sources(doc: yaml.Node) -> Iterator[yaml.Node]:
    kind = child(doc, "kind")
    kind_value = kind.value if isinstance(kind, yaml.ScalarNode) else None
    if kind_value == "Application":
        spec = child(doc, "spec")
    elif kind_value == "ApplicationSet":
        spec = child(child(child(doc, "spec"), "template"), "spec")
    else:
        return
    single = child(spec, "source")
    if single is not None:
        yield single
    many = child(spec, "sources")
    if isinstance(many, yaml.SequenceNode):
        yield from many.value


def argocd_dep(path: str, source: yaml.Node) -> Dep | None:
    repo, chart, revision = (child(source, k) for k in ("repoURL", "chart", "targetRevision"))
    # The schema wants strings: an unquoted `targetRevision: 2.18` is a float, and the source is dropped.
    if not all(isinstance(n, yaml.ScalarNode) and n.tag == STR_TAG for n in (repo, revision)):
        return None
    assert isinstance(repo, yaml.ScalarNode) and isinstance(revision, yaml.ScalarNode)
    if not repo.value or not revision.value:  # a template, stripped: no dependency Renovate can look up
        return None
    oci, url = repo.value.startswith("oci://"), repo.value.removeprefix("oci://").rstrip("/")
    if isinstance(chart, yaml.ScalarNode) and chart.value:
        if oci or "://" not in repo.value:
            name, datasource = f"{url}/{chart.value}", "docker"
        else:
            name, datasource = chart.value, "helm"
    elif oci:
        name, datasource = url, "docker"
    else:
        name, datasource = repo.value, "git-tags"
    line = revision.start_mark.line + 1
    return Dep("argocd", path, name, revision.value, datasource, frozenset({line}))


def argocd_deps(path: str, text: str) -> Iterator[Dep]:
    if not ARGO_FILE.search(text):
        return
    try:
        docs = list(yaml.compose_all(strip_templates(text)))
    except yaml.YAMLError:
        return  # Renovate's schema catches the parse error: no dependency from the file
    for doc in docs:
        for source in argocd_sources(doc):
            dep = argocd_dep(path, source)
            if dep is not None:
                yield dep


# ------------------------------------------------------------------------------------ the whole config


def managers(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, spec) of every manager the config turns on; custom managers named by their index."""
    enabled = config.get("enabledManagers")
    found: list[tuple[str, dict[str, Any]]] = [
        (m, config.get(m, {})) for m in BUILT_IN if enabled is None or m in enabled
    ]
    if enabled is None or CUSTOM_REGEX in enabled:
        for index, spec in enumerate(config.get("customManagers", [])):
            if spec.get("customType") != "regex":
                raise ValueError(f"customManagers[{index}]: only customType 'regex' is emulated")
            found.append((f"customManagers[{index}]", spec))
    return found


def extract(config: dict[str, Any], root: Path, files: Iterable[str]) -> list[Dep]:
    """Every dependency Renovate would extract from `files` (paths relative to `root`)."""
    files = list(files)
    deps: list[Dep] = []
    for name, spec in managers(config):
        patterns = manager_patterns(config, name) if name in BUILT_IN else spec["managerFilePatterns"]
        for path in select(config, files, patterns):
            text = (root / path).read_text()
            if name == "pip_requirements":
                deps += pip_deps(path, text)
            elif name == "argocd":
                deps += argocd_deps(path, text)
            else:
                deps += regex_deps(name, spec, path, text)
    return deps
