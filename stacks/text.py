"""String rules the schema shares: whole-value ASCII matching, names Kubernetes accepts, git revisions
and repository paths, duplicates, and how a refused value may be shown.

Every pattern here matches the whole value with ASCII classes only: `re.fullmatch(..., re.ASCII)`, so
a trailing newline never passes `$` and a full-width digit never passes `[0-9]`. Pydantic's
`Field(pattern=)` runs Rust regex, where `\\d` is Unicode: the schema calls these functions instead.
Each function returns the value or raises ValueError saying what is allowed; the schema names the key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Lowercase DNS-label-like names (clusters, pools, zones), anchors implied by fullmatch.
NAME = r"[a-z]([-a-z0-9]*[a-z0-9])?"
# RFC 1123 label (namespaces): may start with a digit; at most 63 characters.
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
# RFC 1123 subdomain (Secret names): labels joined by dots, at most 253 characters.
DNS1123_SUBDOMAIN = rf"(?=.{{1,253}}\Z){DNS1123_LABEL}(\.{DNS1123_LABEL})*"
# Strings that look like a credential: never echoed back in an error.
CREDENTIAL_SHAPED = re.compile(
    r"(gh[pousr]_|github_pat_|glpat-|hf_|xox[abprs]-|sk-|AKIA|ASIA|AIza|ya29\.|eyJ|-----BEGIN)"
    r"|[A-Za-z0-9]{32,}|[A-Za-z0-9+/]{40,}",
    re.ASCII,
)


def matches(pattern: str, value: str) -> bool:
    """Whether the whole of `value` matches `pattern`, ASCII classes only."""
    return re.fullmatch(pattern, value, flags=re.ASCII) is not None


def shown(value: object) -> str:
    """`value` quoted for an error message, escapes visible (`'main\\n'`), or a placeholder when it
    may be a credential or is too long to be a name."""
    text = str(value)
    if CREDENTIAL_SHAPED.search(text) or len(text) > 80:
        return "the value given (not shown)"
    return ascii(text)


def has_control_or_space(value: str) -> bool:
    return any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value)


def not_blank(value: str, what: str) -> str:
    """A name that must be non-empty, without surrounding whitespace or control characters."""
    if not value.strip():
        raise ValueError(f"{what} must not be empty or whitespace")
    if value != value.strip() or any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ValueError(f"{what} must not carry leading/trailing whitespace or control characters")
    return value


def token(value: str, what: str) -> str:
    """A single printable ASCII token: no whitespace or control characters anywhere."""
    not_blank(value, what)
    if has_control_or_space(value) or not value.isascii():
        raise ValueError(f"{what} must be printable ASCII without whitespace")
    return value


def dns_label(value: str, what: str) -> str:
    """A Kubernetes namespace-style name (RFC 1123 label)."""
    if not matches(DNS1123_LABEL, value):
        raise ValueError(
            f"{shown(value)} is not a valid {what}: a DNS-1123 label of at most 63 lowercase letters, "
            "digits and hyphens, starting and ending with a letter or digit"
        )
    return value


def dns_subdomain(value: str, what: str) -> str:
    """A Kubernetes object name such as a Secret's (RFC 1123 subdomain)."""
    if not matches(DNS1123_SUBDOMAIN, value):
        raise ValueError(
            f"{shown(value)} is not a valid {what}: a DNS-1123 subdomain (lowercase letters, digits, "
            "hyphens and dots, at most 253 characters)"
        )
    return value


def git_revision(value: str) -> str:
    """A branch, tag or commit git accepts (git check-ref-format's rules, plus no whitespace)."""
    token(value, "a git revision")
    bad = (
        value.startswith(("-", "/", "."))
        or value.endswith(("/", ".", ".lock"))
        or any(part in value for part in ("..", "//", "@{", "/."))
        or re.search(r"[~^:?*\[\\\x7f]", value) is not None
        or value == "@"
    )
    if bad:
        raise ValueError(
            "gitops.revision is not a git branch, tag or commit: no `..`, `@{`, `~^:?*[\\`, no leading "
            "`-` or `/`, no trailing `/`, `.` or `.lock`"
        )
    return value


def repo_path(value: str) -> str:
    """A relative path inside the repository: no absolute path, no `.`/`..` segment."""
    if not matches(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", value):
        raise ValueError(
            "gitops.path must be a relative path of letters, digits, `.`, `_`, `-` joined by `/` (e.g. seeds)"
        )
    if any(part in (".", "..") for part in value.split("/")):
        raise ValueError("gitops.path must stay inside the repository: no `.` or `..` segment")
    return value


def duplicates(values: Iterable[str]) -> list[str]:
    """The values listed more than once, in first-seen order."""
    seen: set[str] = set()
    dupes: list[str] = []
    for v in values:
        if v in seen and v not in dupes:
            dupes.append(v)
        seen.add(v)
    return dupes


def unique(values: Sequence[str], what: str, why: str) -> None:
    """Refuse a list that names a value twice, naming the first duplicate."""
    dupes = duplicates(values)
    if dupes:
        raise ValueError(f"{what} {shown(dupes[0])} is listed twice; {why}")
