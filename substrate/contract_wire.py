"""The contract's wire format: `section_field` keys to strings, the shape of the cluster Secret's annotations.

Both directions are derived from the dataclass declarations in `substrate.contract`, so no key is
hand-kept: a new field is a new key. Tuples cross comma-joined, mappings (a StorageClass's parameters)
as compact JSON.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """`section_field` keys to each plain value's string form (a value that is not plain, as it is)."""
    if dataclasses.is_dataclass(value):
        out: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            out.update(
                flatten(getattr(value, field.name), f"{prefix}_{field.name}" if prefix else field.name)
            )
        return out
    if isinstance(value, bool):
        return {prefix: "true" if value else "false"}
    if isinstance(value, int):
        return {prefix: str(value)}
    if isinstance(value, tuple):
        return {prefix: ",".join(value)}
    if isinstance(value, dict):
        return {prefix: json.dumps(value, sort_keys=True, separators=(",", ":"))}
    return {prefix: value}


def unflatten(cls: type[T], flat: Mapping[str, str], prefix: str = "") -> T:
    """The record of type `cls` that `flatten` turned into `flat` (a missing key is a KeyError naming it)."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = f"{prefix}_{field.name}" if prefix else field.name
        kind = hints[field.name]
        if dataclasses.is_dataclass(kind):
            kwargs[field.name] = unflatten(kind, flat, key)  # type: ignore[arg-type]
        elif kind is bool:
            kwargs[field.name] = flat[key] == "true"
        elif kind is int:
            kwargs[field.name] = int(flat[key])
        elif typing.get_origin(kind) is tuple:
            kwargs[field.name] = tuple(flat[key].split(",")) if flat[key] else ()
        elif typing.get_origin(kind) is dict:
            kwargs[field.name] = json.loads(flat[key])
        else:
            kwargs[field.name] = flat[key]
    return cls(**kwargs)


def flat_keys(cls: type, prefix: str = "") -> list[str]:
    """The keys `flatten` gives a record of type `cls`, from its declaration alone."""
    module = vars(sys.modules[cls.__module__])
    # Each annotation on its own: a Pulumi Input's forward reference need not resolve to tell a leaf.
    hints = {
        f.name: eval(f.type, module) if isinstance(f.type, str) else f.type for f in dataclasses.fields(cls)
    }
    keys: list[str] = []
    for field in dataclasses.fields(cls):
        key = f"{prefix}_{field.name}" if prefix else field.name
        kind = hints[field.name]
        keys += flat_keys(kind, key) if isinstance(kind, type) and dataclasses.is_dataclass(kind) else [key]
    return keys
