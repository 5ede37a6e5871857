"""EKS Kubernetes versions and their support windows, read from the one table, `eks-versions.yaml`.

Its readers: the config schema (the default `aws.kubernetesVersion`, and the refusal of a version that
is unknown or out of standard support), the policy pack's `eks-supported-version` rule, `make plan`'s
runway warning and `make doctor`. Standard support is what counts: the cluster runs
`upgradePolicy.supportType: STANDARD`, so EKS upgrades a control plane whose version leaves it, and
every later `pulumi up` would try to downgrade it.

Why a YAML file under stacks/ read by this module: the policy pack runs under the Pulumi CLI in a
virtualenv of its own (policy/requirements.txt: PyYAML, no pydantic) with the project root on its
path (policy/__main__.py), while `make plan` and `make doctor` run in the project's. This module
imports only the standard library and PyYAML, so every reader loads the same file the same way.

"Today" is the UTC date, as the calendar's dates are UTC; `as_of()` pins it (tests, or checking a
stack against a future date).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

TABLE = Path(__file__).resolve().with_name("eks-versions.yaml")
# `make plan` warns when a stack's version has fewer days of standard support left than this.
RUNWAY_WARNING_DAYS = 90
_ROW_KEYS = ("version", "released", "endOfStandardSupport", "endOfExtendedSupport")
_pinned: list[date] = []


@dataclass(frozen=True)
class EksVersion:
    version: str
    released: date
    end_of_standard_support: date
    end_of_extended_support: date

    def in_standard_support(self, on: date) -> bool:
        return self.released <= on < self.end_of_standard_support

    def days_left(self, on: date) -> int:
        """Days of standard support left on `on` (zero or less once it has ended)."""
        return (self.end_of_standard_support - on).days


@dataclass(frozen=True)
class Calendar:
    reviewed: date
    default: str
    versions: tuple[EksVersion, ...]

    def get(self, version: str) -> EksVersion | None:
        return next((v for v in self.versions if v.version == version), None)

    def standard(self, on: date) -> tuple[EksVersion, ...]:
        """The versions in standard support on `on`, oldest first."""
        return tuple(v for v in self.versions if v.in_standard_support(on))

    def newest(self, on: date) -> EksVersion | None:
        """The version in standard support on `on` with the most runway left."""
        return max(self.standard(on), key=lambda v: v.end_of_standard_support, default=None)

    def allowed(self, on: date) -> str:
        names = ", ".join(v.version for v in self.standard(on)) or "none (the table needs a review)"
        return f"allowed (in EKS standard support on {on}): {names}"

    def problem(self, version: str, on: date) -> str | None:
        """Why `version` may not be deployed on `on`, or None when it is in standard support."""
        found = self.get(version)
        if found is None:
            return f"'{version}' is not an EKS version in stacks/{TABLE.name}; {self.allowed(on)}"
        if found.in_standard_support(on):
            return None
        if on < found.released:
            return f"{version} is released on EKS on {found.released}; {self.allowed(on)}"
        return (
            f"EKS standard support for {version} ended on {found.end_of_standard_support}: with "
            "upgradePolicy STANDARD, EKS upgrades such a control plane itself and every `pulumi up` "
            f"would then try to downgrade it; {self.allowed(on)}"
        )

    def runway_warning(self, version: str, on: date) -> str | None:
        """A warning when `version` has fewer than RUNWAY_WARNING_DAYS of standard support left."""
        found = self.get(version)
        if found is None or not found.in_standard_support(on):
            return None  # the schema refuses these; nothing to warn about
        left = found.days_left(on)
        if left >= RUNWAY_WARNING_DAYS:
            return None
        newest = self.newest(on)
        move = (
            f"move to {newest.version} (standard support until {newest.end_of_standard_support})"
            if newest is not None and newest.version != version
            else f"review stacks/{TABLE.name} for a newer version"
        )
        return (
            f"aws.kubernetesVersion {version}: EKS standard support ends on "
            f"{found.end_of_standard_support} ({left} day{'' if left == 1 else 's'} left), when EKS "
            f"upgrades the control plane itself (upgradePolicy STANDARD); {move}"
        )


def _date(row: dict[str, Any], key: str, where: str) -> date:
    value = row.get(key)
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{where}: {key} must be a date (YYYY-MM-DD), not {value!r}")
    return value


def _row(row: Any, where: str) -> EksVersion:
    if not isinstance(row, dict) or sorted(row) != sorted(_ROW_KEYS):
        raise ValueError(f"{where}: a row has exactly the keys {', '.join(_ROW_KEYS)}")
    version = row["version"]
    if not isinstance(version, str):
        raise ValueError(f"{where}: version {version!r} must be a quoted string (YAML reads 1.30 as 1.3)")
    found = EksVersion(
        version,
        _date(row, "released", where),
        _date(row, "endOfStandardSupport", where),
        _date(row, "endOfExtendedSupport", where),
    )
    if not found.released < found.end_of_standard_support < found.end_of_extended_support:
        raise ValueError(f"{where}: {version}'s dates must run released < standard < extended support end")
    return found


def load(path: Path = TABLE) -> Calendar:
    """The table at `path`; a malformed one raises ValueError naming the file and the row."""
    doc = yaml.safe_load(path.read_text()) or {}
    rows = doc.get("versions") if isinstance(doc, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{path}: `versions` must list the EKS versions")
    versions = tuple(_row(row, f"{path}: versions[{i}]") for i, row in enumerate(rows))
    names = [v.version for v in versions]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: a version is listed twice")
    calendar = Calendar(_date(doc, "reviewed", str(path)), str(doc.get("default")), versions)
    if calendar.get(calendar.default) is None:
        raise ValueError(f"{path}: default {calendar.default!r} is not one of the versions")
    return calendar


CALENDAR = load()
DEFAULT = CALENDAR.default


def today() -> date:
    """The date version checks run on: pinned by `as_of()`, else today in UTC."""
    return _pinned[-1] if _pinned else datetime.now(UTC).date()


@contextmanager
def as_of(day: date) -> Iterator[date]:
    """Run the checks as if today were `day` (process-wide, so the rendered program sees it too)."""
    _pinned.append(day)
    try:
        yield day
    finally:
        _pinned.pop()
