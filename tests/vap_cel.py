"""A ValidatingAdmissionPolicy evaluated the way the API server evaluates it, with a real CEL engine.

`evaluate(policy, request)` computes the policy's `variables` in order (each may read the earlier ones as
`variables.<name>`), then every validation; it returns the messages of the validations that failed (an
empty list: admitted). The activation is the API server's: `object`, `oldObject` (null on CREATE),
`request` (operation, userInfo), `namespaceObject`. The engine is cel-python (celpy); an expression it
cannot evaluate raises, like `failurePolicy: Fail` refusing the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import celpy

_ENV = celpy.Environment()


@dataclass(frozen=True)
class Request:
    operation: str
    object: Mapping[str, Any]
    namespace: Mapping[str, Any]
    old_object: Mapping[str, Any] | None = None
    username: str = "alice@example.com"
    extra: Mapping[str, Any] = field(default_factory=dict)


def _run(expression: str, activation: dict[str, Any]) -> Any:
    program = _ENV.program(_ENV.compile(expression))
    result = program.evaluate(activation)
    if isinstance(result, celpy.CELEvalError):
        raise result
    return result


def evaluate(policy: Mapping[str, Any], request: Request) -> list[str]:
    """The messages of the policy's failed validations for this request ([] = admitted)."""
    base = {
        "object": celpy.json_to_cel(dict(request.object)),
        "oldObject": celpy.json_to_cel(dict(request.old_object) if request.old_object else None),
        "namespaceObject": celpy.json_to_cel(dict(request.namespace)),
        "request": celpy.json_to_cel(
            {"operation": request.operation, "userInfo": {"username": request.username}}
        ),
    }
    variables: dict[str, Any] = {}
    for variable in policy["spec"].get("variables", []):
        activation = base | {"variables": celpy.json_to_cel(variables)}
        variables[variable["name"]] = bool(_run(variable["expression"], activation))
    activation = base | {"variables": celpy.json_to_cel(variables)}
    failed = []
    for validation in policy["spec"]["validations"]:
        result = _run(validation["expression"], activation)
        if not isinstance(result, celpy.celtypes.BoolType):
            raise TypeError(f"validation {validation['expression']!r} is not a bool: {result!r}")
        if not result:
            failed.append(str(validation["message"]).strip())
    return failed
