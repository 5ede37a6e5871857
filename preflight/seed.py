"""`make seed-secrets`: generate the platform-internal secrets straight into the secret manager.

Create-if-absent, per secret: a container with a current value is left alone (a second run changes
nothing); an empty container of a generatable secret gets a generated value; a missing container is
a failure — Pulumi owns the containers, so the fix is `pulumi up`, never a container made here. The
value goes from `secrets.token_urlsafe` to the cloud API and nowhere else: not stdout, not a log, not
an error message (a failed write reports the error with the value scrubbed out).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from preflight.report import KEPT, NEEDS, SEEDED, Check, Outcome, Result, failed, run_check
from preflight.secret_store import SecretStore
from preflight.secret_values import GENERATED, Generator, what_it_holds


class SeedError(RuntimeError):
    """A write that failed; its message has been scrubbed of the value."""


def seed_one(store: SecretStore, name: str, generate: Generator | None, needs: str) -> Outcome:
    state, where = store.state(name), store.where(name)
    if not state.exists:
        return failed(
            f"{where} does not exist: run `pulumi up` first (Pulumi creates the containers; "
            "seed-secrets never does)"
        )
    if state.scheduled_for_deletion:
        return failed(f"{where} is scheduled for deletion: restore it, then run seed-secrets again")
    if state.has_value:
        return Outcome(KEPT, f"{where} already has a value; left unchanged")
    if generate is None:
        return Outcome(NEEDS, f"needs a value: {needs}; add it with: {store.add_command(name)}")
    value = generate()
    try:
        store.add_value(name, value)
    except Exception as exc:
        # The SDK's message is scrubbed in case it echoes a parameter; the original is not chained.
        raise SeedError(str(exc).replace(value, "[generated value]") or type(exc).__name__) from None
    return Outcome(SEEDED, f"{where}: generated a value and added it as the current version (not shown)")


def seed_secrets(store: SecretStore, names: Sequence[str], repo_credentials: str | None) -> list[Result]:
    results = []
    for name in names:
        generate = GENERATED.get(name)
        needs = what_it_holds(name, repo_credentials)
        check = Check(f"secret {name}", partial(seed_one, store, name, generate, needs))
        results.append(run_check(check))
    return results
