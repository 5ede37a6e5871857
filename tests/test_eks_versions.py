"""The EKS version table (stacks/eks-versions.yaml) and the schema's use of it.

The table follows the EKS calendar's rules (14 months of standard support, 12 more of extended); its
default is the newest version with the most runway; the schema refuses a version that is unknown or out
of standard support on the day of the check, the default included. Dates are pinned with `as_of`, so
these tests mean the same on any day — except one, on purpose: the shipped default must be in standard
support on the real today, or every EKS stack is refused and the table needs its review.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks import eks_versions, loader
from stacks.eks_versions import CALENDAR, DEFAULT, RUNWAY_WARNING_DAYS
from substrate.aws import config as aws_config
from tests.stack_fixtures import stack_raw

ROOT = Path(__file__).resolve().parent.parent
# The end-of-standard-support dates the field notes record from the AWS EKS calendar.
CALENDAR_FACTS = {"1.31": "2025-11-26", "1.32": "2026-03-23", "1.33": "2026-07-29", "1.34": "2026-12-02"}


def row_of(version: str) -> eks_versions.EksVersion:
    found = CALENDAR.get(version)
    assert found is not None, f"{version} is in the table"
    return found


def version_of(raw: dict[str, Any]) -> str:
    return aws_config.block(loader.validate(raw)).kubernetes_version


def months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 31


def aws_raw(version: Any = None) -> dict[str, Any]:
    raw = stack_raw("aws-serving")
    if version is not None:
        raw["aws"]["kubernetesVersion"] = version
    return raw


def refusal(version: Any, on: date) -> str:
    with eks_versions.as_of(on), pytest.raises(loader.ConfigError) as caught:
        loader.validate(aws_raw(version))
    return str(caught.value)


# --- the table ---------------------------------------------------------------------------------------


def test_the_table_agrees_with_the_calendar_dates_the_field_notes_record() -> None:
    recorded = {v: str(row_of(v).end_of_standard_support) for v in CALENDAR_FACTS}
    assert recorded == CALENDAR_FACTS, "stacks/eks-versions.yaml must match the AWS EKS calendar"


@pytest.mark.parametrize("row", CALENDAR.versions, ids=lambda v: v.version)
def test_each_version_has_14_months_of_standard_and_12_of_extended_support(
    row: eks_versions.EksVersion,
) -> None:
    standard = months_between(row.released, row.end_of_standard_support)
    assert 13.7 < standard <= 14.1, (
        f"{row.version}: EKS gives 14 months of standard support, not {standard:.1f}"
    )
    assert row.end_of_extended_support == row.end_of_standard_support.replace(
        year=row.end_of_standard_support.year + 1
    ), f"{row.version}: extended support runs 12 months past standard support"


def test_the_versions_are_listed_oldest_first_each_minor_once() -> None:
    minors = [int(v.version.split(".")[1]) for v in CALENDAR.versions]
    assert minors == list(range(minors[0], minors[0] + len(minors))), "one row per minor, in order, no gaps"


def test_the_default_is_the_newest_version_with_the_most_runway_on_the_review_date() -> None:
    newest = CALENDAR.newest(CALENDAR.reviewed)
    assert newest is not None and newest.version == DEFAULT, (
        f"on {CALENDAR.reviewed} the default must be the version with the most standard support left"
    )


def test_the_shipped_default_is_in_standard_support_today() -> None:
    real_today = datetime.now(UTC).date()
    assert row_of(DEFAULT).in_standard_support(real_today), (
        f"the default EKS version {DEFAULT} is out of standard support on {real_today}: review "
        "stacks/eks-versions.yaml (add the new versions, move `default`, bump `reviewed`)"
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["versions"][0].update(version=1.3), "must be a quoted string"),
        (lambda d: d["versions"][0].update(released="soon"), "released must be a date"),
        (lambda d: d["versions"][0].update(endOfStandardSupport=date(2020, 1, 1)), "dates must run"),
        (lambda d: d["versions"].append(dict(d["versions"][0])), "listed twice"),
        (lambda d: d.update(default="1.99"), "default '1.99' is not one of the versions"),
        (lambda d: d["versions"][0].pop("endOfExtendedSupport"), "a row has exactly the keys"),
    ],
    ids=[
        "unquoted version",
        "not a date",
        "dates out of order",
        "duplicate",
        "unknown default",
        "missing key",
    ],
)
def test_a_malformed_table_is_refused_naming_the_file(tmp_path: Path, change: Any, complaint: str) -> None:
    doc = yaml.safe_load(eks_versions.TABLE.read_text())
    change(doc)
    path = tmp_path / "eks-versions.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ValueError, match=complaint) as caught:
        eks_versions.load(path)
    assert str(path) in str(caught.value), "the error names the table's file"


# --- "today" ------------------------------------------------------------------------------------------


def test_today_is_the_utc_date_unless_pinned_and_a_pin_is_undone_on_exit() -> None:
    assert eks_versions.today() == datetime.now(UTC).date(), "the calendar's dates are UTC"
    with eks_versions.as_of(date(2027, 1, 1)):
        with eks_versions.as_of(date(2028, 1, 1)):
            assert eks_versions.today() == date(2028, 1, 1)
        assert eks_versions.today() == date(2027, 1, 1), "an inner pin restores the outer one"
    assert eks_versions.today() == datetime.now(UTC).date()


# --- the schema ---------------------------------------------------------------------------------------


def test_a_version_in_standard_support_is_accepted_up_to_the_day_before_its_end() -> None:
    with eks_versions.as_of(date(2026, 12, 1)):
        assert version_of(aws_raw("1.34")) == "1.34"
    message = refusal("1.34", date(2026, 12, 2))
    assert "  - aws.kubernetesVersion: EKS standard support for 1.34 ended on 2026-12-02" in message, (
        "the end date itself is out: extended-support billing starts at the beginning of that day"
    )
    assert "allowed (in EKS standard support on 2026-12-02): 1.35, 1.36" in message, "it says what is allowed"


def test_a_version_not_yet_released_on_eks_is_refused_with_its_release_date() -> None:
    message = refusal("1.36", date(2026, 5, 1))
    assert "aws.kubernetesVersion: 1.36 is released on EKS on 2026-06-02" in message


def test_a_version_not_in_the_table_is_refused_naming_the_table_and_what_is_allowed() -> None:
    message = refusal("1.30", date(2026, 12, 1))
    assert "aws.kubernetesVersion: '1.30' is not an EKS version in stacks/eks-versions.yaml" in message
    assert "allowed (in EKS standard support on 2026-12-01): 1.34, 1.35, 1.36" in message


def test_a_number_is_refused_because_yaml_would_have_turned_1_30_into_1_3() -> None:
    assert "aws.kubernetesVersion: 1.3 is a number: quote the version" in refusal(1.3, date(2026, 12, 1))


def test_the_default_is_checked_like_a_written_version() -> None:
    assert "kubernetesVersion" not in stack_raw("aws-serving")["aws"]
    with eks_versions.as_of(CALENDAR.reviewed):
        assert version_of(aws_raw()) == DEFAULT
    after = row_of(DEFAULT).end_of_standard_support
    assert f"aws.kubernetesVersion: EKS standard support for {DEFAULT} ended" in refusal(None, after), (
        "a stack on the default is refused once the default leaves standard support, under the key's name"
    )


# --- the runway warning -------------------------------------------------------------------------------


def test_the_warning_starts_when_fewer_than_90_days_of_standard_support_remain() -> None:
    ends = row_of("1.35").end_of_standard_support
    assert CALENDAR.runway_warning("1.35", date.fromordinal(ends.toordinal() - RUNWAY_WARNING_DAYS)) is None
    warning = CALENDAR.runway_warning("1.35", date.fromordinal(ends.toordinal() - RUNWAY_WARNING_DAYS + 1))
    assert warning is not None and f"ends on {ends} (89 days left)" in warning, "it names the date"
    assert "move to 1.36 (standard support until 2027-08-02)" in warning, "it names the way out"


# --- every reader loads the one table ------------------------------------------------------------------


def test_the_pack_loads_the_table_with_only_the_standard_library_and_pyyaml() -> None:
    """The policy pack's venv (policy/requirements.txt) has PyYAML, not pydantic or the cloud SDKs."""
    assert "PyYAML==" in (ROOT / "policy" / "requirements.txt").read_text()
    script = f"""
import sys
class Refuse:
    allowed = set(sys.stdlib_module_names) | {{"clouds", "policy", "stacks", "substrate", "yaml", "_yaml"}}
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in self.allowed:
            raise ImportError(f"{{name}} is not in the policy pack's venv")
sys.meta_path.insert(0, Refuse())
sys.path.insert(0, {str(ROOT)!r})
from policy.rules import BY_ID
from stacks import eks_versions
print(eks_versions.DEFAULT, BY_ID["eks-supported-version"].id)
"""
    result = subprocess.run(
        [sys.executable, "-I", "-c", script],
        cwd=ROOT / "policy",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [DEFAULT, "eks-supported-version"], "the rule reads the schema's table"
