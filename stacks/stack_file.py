"""Reading a `Pulumi.<stack>.yaml` file as strictly as Pulumi does, with errors a user can act on.

Pulumi's YAML parser (gopkg.in/yaml.v3) refuses duplicate mapping keys, and its stack file has a fixed
set of top-level keys; PyYAML silently keeps the last duplicate and accepts anything. So: a SafeLoader
that refuses duplicates at any depth, and a closed set of top-level keys. Every problem is a
`MalformedError` whose text is one line starting with `file:line:column` (from PyYAML's marks).
PyYAML's own message is not used: it prints `<unicode string>` and a snippet of the offending line,
which can hold a credential.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from stacks import redaction

# ProjectStack's fields in pulumi/pulumi sdk/go/common/workspace/project.go
# (tests/fixtures/pulumi_stack_file_keys.yaml has the source).
TOP_LEVEL_KEYS = (
    "config",
    "environment",
    "mainEnvironment",
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
)


class MalformedError(Exception):
    """The file is not a readable stack file; str() is `file:line:column: problem`."""


def _where(path: Path, mark: yaml.Mark | None) -> str:
    return f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)


def _safe(text: object) -> str:
    return redaction.scrub(str(text))


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key given twice, at any depth (merge keys `<<` excepted)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                raise ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if first is not None:
                line = first.start_mark.line + 1
                raise ConstructorError(
                    None,
                    None,
                    f"duplicate key '{_safe(key)}' (first given on line {line}); each key may appear once",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise MalformedError(
            f"{path}: is a directory; give a stack name or a stack file (Pulumi.<stack>.yaml)"
        ) from None
    except OSError as exc:
        raise MalformedError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        raise MalformedError(
            f"{path}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None


def load(path: Path) -> dict[str, Any]:
    """The stack file as a mapping, refused unless Pulumi would read it the same way."""
    loader = UniqueKeyLoader(_text(path))
    try:
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "not valid YAML"
        if exc.problem and exc.context:
            problem += f" ({exc.context})"
        raise MalformedError(
            f"{_where(path, exc.problem_mark or exc.context_mark)}: {_safe(problem)}"
        ) from None
    except yaml.YAMLError as exc:
        raise MalformedError(f"{path}: not valid YAML ({type(exc).__name__})") from None
    except RecursionError:
        raise MalformedError(f"{path}: nested too deeply to be a stack file") from None
    finally:
        loader.dispose()
    if doc is None:
        return {}
    assert node is not None
    if not isinstance(doc, dict):
        raise MalformedError(
            f"{_where(path, node.start_mark)}: the top level must be a mapping with a `config` key, "
            f"found {_kind(doc)}"
        )
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "(not a name)"
        if key not in TOP_LEVEL_KEYS:
            raise MalformedError(
                f"{_where(path, key_node.start_mark)}: unknown top-level key '{_safe(key)}'; "
                f"a stack file has {', '.join(TOP_LEVEL_KEYS)}"
            )
        if key == "config" and doc["config"] is not None and not isinstance(doc["config"], dict):
            raise MalformedError(
                f"{_where(path, value_node.start_mark)}: `config` must be a mapping of keys, "
                f"found {_kind(doc['config'])}"
            )
    return doc


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"
