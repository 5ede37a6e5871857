"""An existing cluster has no cloud for preflight to check: the CLI refuses it with this reason."""

from __future__ import annotations

UNCHECKED = (
    "preflight checks the cloud of gcp and aws stacks; this stack is cloud: existing, whose "
    "cluster and secrets backend are yours to check"
)
