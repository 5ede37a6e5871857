"""What the stricter config rules deliberately still allow, as pure-function specifications.

Each rule refuses a class of bad input (tests/test_config_classes.py); these cases pin the edges on the
other side, so tightening a rule never refuses a config people legitimately write.
"""

from __future__ import annotations

import pytest

from stacks import checks, text
from substrate.existing import rules as existing_rules


@pytest.mark.parametrize(
    "revision", ["main", "HEAD", "v1.2.3", "release/2026-12", "9c909d4", "a" * 40, "feature/gpu_pools"]
)
def test_branches_tags_and_commits_git_accepts_are_allowed(revision: str) -> None:
    assert text.git_revision(revision) == revision


@pytest.mark.parametrize("path", ["seeds", "platform/seeds", "seeds.v2", "a/b_c/d-e", ".seeds"])
def test_relative_paths_inside_the_repo_are_allowed(path: str) -> None:
    assert text.repo_path(path) == path


@pytest.mark.parametrize("path", ["./seeds", "seeds/.", "seeds/..", "../seeds"])
def test_dot_segments_are_refused_even_when_they_stay_inside(path: str) -> None:
    with pytest.raises(ValueError, match=r"no `\.` or `\.\.` segment"):
        text.repo_path(path)


def test_private_ranges_may_be_authorized_for_clients_inside_the_vpc() -> None:
    for cidr in ("10.0.0.0/8", "100.64.0.0/10", "192.168.1.0/24"):
        assert checks.cidr(cidr) == cidr


def test_public_authorized_networks_adding_up_to_exactly_a_slash_8_are_allowed() -> None:
    assert checks.authorized_union(["11.0.0.0/9", "11.128.0.0/9"]) is None
    assert checks.authorized_union(["11.0.0.0/9", "11.128.0.0/9", "12.0.0.0/32"]) is not None


def test_private_authorized_networks_do_not_count_towards_the_public_budget() -> None:
    assert checks.authorized_union(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "11.0.0.0/8"]) is None


def test_a_value_is_shown_with_its_escapes_unless_it_looks_like_a_credential() -> None:
    assert text.shown("llm-full\n") == "'llm-full\\n'", "a trailing newline is made visible"
    assert text.shown("9.\uff11.0") == "'9.\\uff11.0'", "a full-width digit is made visible"
    # Built at run time: no tracked file holds a key-shaped string (tests/test_secret_canary.py).
    for secret in ("ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789", "AKIA" + "ABCDEFGHIJKLMNOP", "x" * 81):
        assert secret not in text.shown(secret), "credential-shaped or long values are never echoed"


def test_vault_may_be_reached_over_http_inside_the_cluster() -> None:
    assert existing_rules.secrets_location("vault", "http://vault.vault:8200") is None
    assert existing_rules.secrets_location("vault", "https://vault.example.com") is None
    assert existing_rules.secrets_location("vault", "https://root:pw@vault.example.com") is not None
