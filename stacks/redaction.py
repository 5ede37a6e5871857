"""Keeping credentials out of error messages: what a refusal may echo back, and what it must not.

A user who pastes a token into the wrong key must not see it repeated in a terminal, a CI log or a bug
report. Every refusal that could echo input runs through `scrub`: token-shaped strings and URL userinfo
become a marker naming the reason, so the message still says which rule failed.
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Well-known credential shapes: GitHub, AWS, GitLab, Slack, `sk-` API keys, Hugging Face, Google API keys
# and OAuth tokens, JWTs.
_TOKEN = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|glpat-[A-Za-z0-9_\-]{20,}"
    r"|xox[abposr]-[A-Za-z0-9\-]{10,}|sk-[A-Za-z0-9_\-]{20,}|hf_[A-Za-z0-9]{30,}|AIza[0-9A-Za-z_\-]{35}"
    r"|ya29\.[0-9A-Za-z_\-]{20,}|eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*",
    re.ASCII,
)
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*-----.*?(?:-----END [A-Z0-9 ]*-----|\Z)", re.DOTALL)
# scheme://userinfo@host: everything between `//` and the last `@` before the host is a credential.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/@\s]+)@", re.ASCII)
# A long run of token characters: checked for randomness below.
_RUN = re.compile(r"[A-Za-z0-9+/=_\-]{24,}", re.ASCII)
# A run is random-looking when it mixes upper case, lower case and digits and its entropy is close to
# the most its length allows: 99% of random 24-64 character alphanumeric or base64 tokens score at least
# 0.8, names and paths (no upper case, or repeated letters) stay below it. A git revision is hex, never
# upper case, so it stays readable; a CamelCase name with digits may be hidden, which costs only the echo.
RANDOMNESS = 0.8
REDACTED = "[redacted: {}]"


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _high_entropy(run: str) -> bool:
    if not all(re.search(p, run) for p in ("[a-z]", "[A-Z]", "[0-9]")):
        return False
    return entropy(run) / math.log2(min(len(run), 64)) >= RANDOMNESS


def why_sensitive(value: str) -> str | None:
    """The reason `value` may be a credential, or None when it is safe to echo."""
    if _PEM.search(value):
        return "a PEM block"
    if _USERINFO.search(value):
        return "a URL with credentials"
    if _TOKEN.search(value):
        return "a token"
    if any(_high_entropy(m.group()) for m in _RUN.finditer(value)):
        return "a high-entropy string"
    return None


def scrub(text: str) -> str:
    """`text` with every credential-shaped part replaced by a marker that says what was removed."""
    text = _PEM.sub(REDACTED.format("a PEM block"), text)
    text = _USERINFO.sub(lambda m: m["scheme"] + REDACTED.format("credentials") + "@", text)
    text = _TOKEN.sub(REDACTED.format("a token"), text)
    return _RUN.sub(
        lambda m: REDACTED.format("a high-entropy string") if _high_entropy(m.group()) else m.group(), text
    )
