"""Argo CD's ApplicationSet goTemplate, run with real Go text/template through Helm's `tpl`.

The ApplicationSet controller renders every string field and every map key of an Application template as
its own Go template over the generator's params (deeplyReplace, argoproj/argo-cd
applicationset/utils/utils.go). Here those strings go through Helm's `tpl` in an ad-hoc chart
(tests/fixtures/charts/argocd-gotemplate) with the params as context: Go's text/template and sprig, the
library Argo CD uses, in-process with helm_python.

Helm's `tpl` also offers functions Argo CD does not (include, tpl, required, lookup, toToml, ...), so
templates are checked to use only what the ApplicationSet controller offers: sprig's generic functions
minus env, expandenv and getHostByName, plus toYaml, fromYaml, fromYamlArray, normalize and slugify
(utils.go, init). normalize and slugify are Argo CD's own and are not defined here: a template using them
fails to render, so the seed does not use them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import helm_python
from helm_python import _native

CHART = Path(__file__).resolve().parent / "fixtures" / "charts" / "argocd-gotemplate"
# Functions Helm's `tpl` knows but Argo CD's goTemplate does not (or removed): a template using one would
# render here and fail in the ApplicationSet controller.
NOT_IN_ARGO_CD = frozenset(
    {
        "include",
        "tpl",
        "required",
        "lookup",
        "toToml",
        "fromToml",
        "fromJsonArray",
        "toYamlPretty",
        "env",
        "expandenv",
        "getHostByName",
    }
)
# Helm applies only its strict (missingkey=error) or default (missingkey=zero) choice to `tpl`.
HONOURED_OPTIONS = {"missingkey=error": True, "missingkey=zero": False, "missingkey=default": False}
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
_IDENTIFIER = re.compile(r"(?<![.$\w])([A-Za-z_]\w*)")


def unsupported_functions(text: str) -> set[str]:
    """Functions a Go template calls that Argo CD's goTemplate does not offer."""
    used: set[str] = set()
    for action in _ACTION.findall(text):
        used |= set(_IDENTIFIER.findall(_STRING_LITERAL.sub('""', action)))
    return used & NOT_IN_ARGO_CD


@functools.cache
def _chart() -> helm_python.Chart:
    return helm_python.Chart.load(CHART)


def render_strings(strings: list[str], params: Mapping[str, Any], options: list[str]) -> list[str]:
    """Each string rendered as a Go template over `params`; a template error raises helm_python.HelmError."""
    unknown = [o for o in options if o not in HONOURED_OPTIONS]
    if unknown:
        raise ValueError(
            f"goTemplateOptions {unknown} are not reproduced (allowed: {', '.join(HONOURED_OPTIONS)})"
        )
    if not strings:
        return []
    strict = any(HONOURED_OPTIONS[o] for o in options)
    rendered = _native.call_string(  # Chart.render does not expose Helm's strict mode
        "helm_render",
        _chart()._raw(),
        json.dumps({"strings": strings, "params": params}),
        json.dumps({"name": "argocd-gotemplate", "strict": strict}),
    )
    (text,) = json.loads(rendered).values()
    out = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(out) == len(strings), "one rendered string per template string"
    return [str(s) for s in out]


def _strings(node: Any, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            out.append(str(k))
            _strings(v, out)
    elif isinstance(node, list):
        for v in node:
            _strings(v, out)


def _rebuild(node: Any, next_string: Callable[[], str]) -> Any:
    if isinstance(node, str):
        return next_string()
    if isinstance(node, dict):
        out = {}
        for v in node.values():
            key = next_string()  # keys come before their values, as _strings collected them
            out[key] = _rebuild(v, next_string)
        return out
    if isinstance(node, list):
        return [_rebuild(v, next_string) for v in node]
    return node


def render_tree(template: dict[str, Any], params: Mapping[str, Any], options: list[str]) -> dict[str, Any]:
    """A template (an Application) with every string and map key rendered; other values copied."""
    strings: list[str] = []
    _strings(template, strings)
    unsupported = set().union(*(unsupported_functions(s) for s in strings))
    if unsupported:
        raise ValueError(f"Argo CD's goTemplate has no {sorted(unsupported)}")
    rendered = iter(render_strings(strings, params, options))
    return dict(_rebuild(template, lambda: next(rendered)))
