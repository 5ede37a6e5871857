"""The secret manager as preflight sees it: does a container exist, does it hold a value — never what.

Pulumi creates the containers (never a version, so no value enters state). A check asks for metadata
only: Secrets Manager's DescribeSecret (version stages), Secret Manager's version list (state). No
method here returns a secret's payload, and none may be added: preflight never reads a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from preflight.report import Outcome, failed, passed
from preflight.secret_values import how_to_provide


@dataclass(frozen=True)
class SecretState:
    exists: bool
    # Secrets Manager: a version staged AWSCURRENT; Secret Manager: a version in state ENABLED.
    has_value: bool = False
    scheduled_for_deletion: bool = False


class SecretStore(Protocol):
    """One cloud's secret manager, scoped to a stack (AWS: the `<cluster>/` prefix; GCP: the project)."""

    def where(self, name: str) -> str:
        """The container as a human finds it, e.g. `Secrets Manager secret llm-full/hf-token (us-east-2)`."""
        ...

    def state(self, name: str) -> SecretState: ...

    def add_value(self, name: str, value: str) -> None:
        """Add `value` as the current version of an existing container; never creates one."""
        ...

    def add_command(self, name: str) -> str:
        """The CLI command a human runs to add a value without it landing in shell history."""
        ...


def check_secret(store: SecretStore, name: str, stack: str, repo_credentials: str | None) -> Outcome:
    """PASS when the container exists and holds a value; the value is never read."""
    state, where = store.state(name), store.where(name)
    if not state.exists:
        return failed(
            f"{where} does not exist: `pulumi up` creates the container (Pulumi owns it), then add its value"
        )
    if state.scheduled_for_deletion:
        return failed(f"{where} is scheduled for deletion: restore it before `pulumi up`")
    if state.has_value:
        return passed(f"{where} exists and has a current version (the value is not read)")
    return failed(f"{where} has no value: {how_to_provide(store, name, stack, repo_credentials)}")
