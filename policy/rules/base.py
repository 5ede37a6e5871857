"""The neutral record every rule reads, the rule entry, and the one place unknown values are handled.

A rule is `Rule(resource: PolicyResource) -> list[str]`: the violation messages, empty when compliant.
Rules never see CrossGuard or the mock engine; the adapters (`policy/__main__.py`, `policy/offline.py`)
build the record: `props` are the resource's inputs with camelCase keys as the engine sees them, secrets
unwrapped, and every value the engine does not know yet replaced by `UNKNOWN`.

Unknown values never pass. A rule reads what it needs through `need()` / `optional()`, which raise
`CannotEvaluate` on `UNKNOWN`; `Rule.__call__` turns that into the violation
"cannot evaluate: <field> is unknown". `need()` treats an absent value the same way, because the mock
engine cannot tell "not set" from "not known" (an input resolving to None is dropped) and every setting a
rule decides on is set explicitly by this program.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal


class _Unknown:
    """A value the engine will only know after the update (a computed output during preview)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
_ABSENT: Final = object()

Key = str | int
Path = str | tuple[Key, ...]
Scope = Literal["resource", "stack"]


@dataclass(frozen=True)
class PolicyResource:
    """One registered resource, as every rule sees it."""

    type: str
    urn: str
    name: str
    props: Mapping[str, Any]
    protect: bool = False
    # Types of the parent, grandparent, … up to the stack. None when the adapter cannot know them
    # (a CrossGuard resource validation sees only its own parent's URN): rules that need it fail.
    ancestor_types: tuple[str, ...] | None = None
    # The stack's `environment` config (dev | prod).
    environment: str = "dev"


class CannotEvaluate(Exception):  # noqa: N818 (a verdict, not an error: it becomes a violation)
    """A value the rule needs is unknown (or not set); the rule fails instead of passing."""

    def __init__(self, field: str, detail: str = "") -> None:
        self.field = field
        super().__init__(f"cannot evaluate: {field} is unknown" + (f" ({detail})" if detail else ""))


def keys_of(path: Path) -> tuple[Key, ...]:
    return tuple(path.split(".")) if isinstance(path, str) else path


def show(path: Path) -> str:
    """`a.b[0].c` for ("a", "b", 0, "c")."""
    out = ""
    for key in keys_of(path):
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def _lookup(props: Any, path: Path) -> Any:
    """The value at `path`: UNKNOWN if the leaf is unknown, _ABSENT if it is missing or None.

    An unknown *container* on the way raises: nothing below it can be known.
    """
    keys, node = keys_of(path), props
    for depth, key in enumerate(keys):
        if node is UNKNOWN:
            raise CannotEvaluate(show(keys[:depth]))
        if isinstance(key, int):
            if not isinstance(node, Sequence) or isinstance(node, str) or key >= len(node):
                return _ABSENT
            node = node[key]
        else:
            if not isinstance(node, Mapping) or key not in node:
                return _ABSENT
            node = node[key]
        if node is None:
            return _ABSENT
    return node


def need(props: Mapping[str, Any], path: Path) -> Any:
    """The value at `path`; CannotEvaluate when it is unknown or not set."""
    value = _lookup(props, path)
    if value is UNKNOWN:
        raise CannotEvaluate(show(path))
    if value is _ABSENT:
        raise CannotEvaluate(show(path), "not set; this rule needs it set explicitly")
    return value


def optional(props: Mapping[str, Any], path: Path, default: Any) -> Any:
    """The value at `path`, `default` when not set (absence is meaningful); CannotEvaluate when unknown."""
    value = _lookup(props, path)
    if value is UNKNOWN:
        raise CannotEvaluate(show(path))
    return default if value is _ABSENT else value


def present(props: Mapping[str, Any], path: Path) -> bool:
    """Whether `path` is set to a non-empty value. A computed value counts: it will be set to something."""
    value = _lookup(props, path)
    return value is UNKNOWN or (value is not _ABSENT and value not in ("", [], {}))


def leaves(value: Any, path: tuple[Key, ...] = ()) -> Iterator[tuple[tuple[Key, ...], Any]]:
    """Every (path, value) below `value` that is not a mapping or a list; UNKNOWN is a leaf."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from leaves(child, (*path, key))
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for index, child in enumerate(value):
            yield from leaves(child, (*path, index))
    else:
        yield path, value


Check = Callable[[PolicyResource], list[str]]


@dataclass(frozen=True)
class Rule:
    """A registry entry: the id CrossGuard and `make plan` report, what it enforces, and the check."""

    id: str
    description: str
    maps_to: str  # the checkov / CIS ids it codifies; "" for this platform's own rules
    check: Check
    # "stack": needs every resource's ancestry, so CrossGuard runs it as a StackValidationPolicy.
    scope: Scope = "resource"

    def __call__(self, resource: PolicyResource) -> list[str]:
        try:
            return list(self.check(resource))
        except CannotEvaluate as exc:
            return [str(exc)]


def rule(id_: str, description: str, maps_to: str = "", scope: Scope = "resource") -> Callable[[Check], Rule]:
    """Declare a rule: `@rule("platform-no-x", "…", "CKV_ID")` over `def check(r) -> list[str]`."""

    def declare(check: Check) -> Rule:
        return Rule(id_, description, maps_to, check, scope)

    return declare


def json_value(value: Any, field: str) -> Any:
    """A policy document the provider takes as a JSON string (or already parsed); unparsable cannot pass."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise CannotEvaluate(field, "not JSON") from None
