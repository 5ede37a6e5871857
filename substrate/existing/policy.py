"""An existing cluster registers no cloud resource: no policy rule of its own."""

from __future__ import annotations

from policy.rules.base import Rule

RULES: tuple[Rule, ...] = ()
