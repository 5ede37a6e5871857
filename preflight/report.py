"""Check outcomes and how they are printed: one line per check, then a summary.

Fail closed: a check that raises — access denied, throttled, an API not enabled, a quota that cannot
be found — is a FAIL naming the check and the error. A preflight that turned an answer it could not
get into a pass would wave a fork into a half-built `pulumi up`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PASS, FAIL = "PASS", "FAIL"
# seed-secrets' statuses: only FAIL fails the run; NEEDS names a value a human must add.
SEEDED, KEPT, NEEDS = "SEEDED", "KEPT", "NEEDS"


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str


def passed(message: str) -> Outcome:
    return Outcome(PASS, message)


def failed(message: str) -> Outcome:
    return Outcome(FAIL, message)


@dataclass(frozen=True)
class Check:
    """A named question for the cloud; `run` is called once, and may raise."""

    name: str
    run: Callable[[], Outcome]


@dataclass(frozen=True)
class Result:
    name: str
    status: str
    message: str

    @property
    def ok(self) -> bool:
        return self.status != FAIL


def describe_error(exc: BaseException) -> str:
    """`Code: message` for AWS errors (botocore's ClientError carries a response), else `Type: text`."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        error = response["Error"]
        return f"{error.get('Code', type(exc).__name__)}: {error.get('Message', str(exc))}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_check(check: Check) -> Result:
    try:
        outcome = check.run()
    except Exception as exc:  # fail closed: whatever went wrong, the answer is unknown
        return Result(
            check.name,
            FAIL,
            f"no answer ({describe_error(exc)}): an unknown answer counts as a failure; fix the error "
            "(credentials, permissions, region, API enabled) and run again",
        )
    return Result(check.name, outcome.status, outcome.message)


def run_checks(gate: Check, checks: Sequence[Check]) -> list[Result]:
    """`gate` first (credentials); if it fails, every other check is a failure it never ran."""
    first = run_check(gate)
    if not first.ok:
        return [first, *(Result(c.name, FAIL, f"not checked: {gate.name} failed") for c in checks)]
    return [first, *(run_check(c) for c in checks)]


def render(results: Sequence[Result]) -> str:
    width = max((len(r.name) for r in results), default=0)
    return "\n".join(f"{r.status:<6} {r.name:<{width}}  {r.message}" for r in results)


def doctor_summary(results: Sequence[Result]) -> str:
    failures = sum(not r.ok for r in results)
    if not failures:
        return f"doctor: all {len(results)} checks passed"
    return (
        f"doctor: {len(results)} checks, {len(results) - failures} passed, {failures} failed: "
        "fix each FAIL above, then run `make doctor` again"
    )


def seed_summary(results: Sequence[Result]) -> str:
    counts = Counter(r.status for r in results)
    return (
        f"seed-secrets: {counts[SEEDED]} generated, {counts[KEPT]} already set, "
        f"{counts[NEEDS]} need a value from you, {counts[FAIL]} failed (no value is ever printed)"
    )


def exit_code(results: Sequence[Result]) -> int:
    return 0 if all(r.ok for r in results) else 1
