"""An existing cluster adds no GitOps Bridge annotation and no secret manager of its own.

Its `vault` and `kubernetes` backends are cloud-neutral (the bootstrap has them); a cloud secret
manager it uses comes with that cloud's bridge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ANNOTATIONS: dict[str, str] = {}
SECRET_STORES: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {}
