"""renovate.json keeps every pin current: each pin the repository holds is extracted by one of its managers.

Pins are found by their shape (tests/pins.py), independently of renovate.json; what Renovate would
extract is emulated from the facts in tests/fixtures/renovate_facts.yaml (tests/renovate_emulation.py).
A pin no manager extracts would never be updated, so it fails here, named by file and line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.pins import Pin, find_pins, repository_files
from tests.renovate_emulation import (
    FACTS,
    Dep,
    extract,
    js_regex,
    load_config,
    managers,
    matches_pattern,
    regex_deps,
    strip_templates,
)
from tests.renovate_emulation import argocd_deps as argocd_deps_of

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "renovate.json"


def unmatched(root: Path, files: list[str], config: dict[str, Any]) -> list[Pin]:
    covered = {(d.path, line) for d in extract(config, root, files) for line in d.lines}
    return [p for p in find_pins(root, files) if (p.path, p.line) not in covered]


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return load_config(CONFIG_PATH)


@pytest.fixture(scope="module")
def files() -> list[str]:
    return repository_files(ROOT)


@pytest.fixture(scope="module")
def deps(config: dict[str, Any], files: list[str]) -> list[Dep]:
    return extract(config, ROOT, files)


# ---------------------------------------------------------------------------------------- the config


def test_renovate_json_sets_only_options_renovate_knows(config: dict[str, Any]) -> None:
    known = set(FACTS["repository_options"]) | set(FACTS["managers"])
    assert set(config) <= known, f"unknown top-level keys in renovate.json: {sorted(set(config) - known)}"
    for manager in set(config) & set(FACTS["managers"]):
        keys = set(config[manager]) - set(FACTS["repository_options"]) - {"managerFilePatterns"}
        assert not keys, f"renovate.json {manager}: unknown keys {sorted(keys)}"
    for index, spec in enumerate(config.get("customManagers", [])):
        keys = set(spec) - set(FACTS["custom_manager_options"])
        assert not keys, f"customManagers[{index}]: unknown keys {sorted(keys)}"
    rule_keys = set(FACTS["repository_options"]) | set(FACTS["package_rule_options"])
    for index, rule in enumerate(config.get("packageRules", [])):
        assert set(rule) <= rule_keys, f"packageRules[{index}]: unknown keys {sorted(set(rule) - rule_keys)}"
        assert any(k.startswith("match") for k in rule), f"packageRules[{index}] needs a match* selector"


def test_renovate_json_uses_managerfilepatterns_not_the_retired_filematch(config: dict[str, Any]) -> None:
    text = CONFIG_PATH.read_text()
    assert '"fileMatch"' not in text, "fileMatch was renamed managerFilePatterns (Renovate migrates it)"


def test_no_preset_hides_files_from_the_managers(config: dict[str, Any]) -> None:
    hiding = set(config.get("extends", [])) & set(FACTS["presets_with_ignore_paths"])
    assert not hiding, (
        f"renovate.json extends {sorted(hiding)}, whose ignorePaths include **/tests/** "
        "(tests/checkov/requirements.txt would never be updated)"
    )


def test_every_configured_manager_is_enabled(config: dict[str, Any]) -> None:
    enabled = set(config["enabledManagers"])
    configured = {m for m in config if m in FACTS["managers"]}
    assert configured <= enabled, f"configured but not in enabledManagers: {sorted(configured - enabled)}"
    if config.get("customManagers"):
        assert "custom.regex" in enabled, "customManagers run only with custom.regex in enabledManagers"


def test_every_regex_manager_passes_renovates_validation(config: dict[str, Any]) -> None:
    for index, spec in enumerate(config["customManagers"]):
        where = f"customManagers[{index}]"
        assert spec["customType"] == "regex" and spec["managerFilePatterns"] and spec["matchStrings"], where

        def has(name: str, spec: dict[str, Any] = spec) -> bool:
            return f"{name}Template" in spec or all(f"(?<{name}>" in m for m in spec["matchStrings"])

        assert has("currentValue"), f"{where} needs a currentValue group or currentValueTemplate"
        assert has("datasource"), f"{where} needs a datasource group or datasourceTemplate"
        assert has("depName") or has("packageName"), f"{where} needs a depName or packageName"
        for match_string in spec["matchStrings"]:
            re.compile(js_regex(match_string))  # RE2 would refuse lookaround and backreferences


# ---------------------------------------------------------------------------------------- coverage


def test_every_pin_in_the_repository_is_extracted_by_a_manager(
    config: dict[str, Any], files: list[str]
) -> None:
    missed = unmatched(ROOT, files, config)
    assert not missed, (
        "pins no manager in renovate.json extracts (they would never be updated):\n"
        + "\n".join(f"  {p.where()}  [{p.shape}]" for p in missed)
    )


def test_every_manager_updates_at_least_one_pin(
    config: dict[str, Any], files: list[str], deps: list[Dep]
) -> None:
    pinned = {(p.path, p.line) for p in find_pins(ROOT, files)}
    for name, _ in managers(config):
        hits = [d for d in deps if d.manager == name and {(d.path, line) for line in d.lines} & pinned]
        assert hits, f"renovate.json {name} extracts no pin: a dead manager (its files or shape moved)"


def test_every_match_string_matches_something(config: dict[str, Any], files: list[str]) -> None:
    for index, spec in enumerate(config["customManagers"]):
        for match_string in spec["matchStrings"]:
            one = {**spec, "matchStrings": [match_string]}
            found = extract(
                {**config, "enabledManagers": ["custom.regex"], "customManagers": [one]}, ROOT, files
            )
            assert found, f"customManagers[{index}] matchString matches nothing: {match_string}"


def test_pins_are_found_in_every_place_the_platform_keeps_them(files: list[str]) -> None:
    shapes = {p.shape for p in find_pins(ROOT, files)}
    # Chart versions live in YAML only (seeds/bootstrap-charts.yaml, the stack files); a Python one is
    # still a shape the finder knows (see the added-pin test below).
    expected = {"python requirement", "seed source revision", "digest", "version in a stack or config file"}
    assert expected <= shapes, f"the pin finder lost a shape: {sorted(expected - shapes)}"


# ---------------------------------------------------------------------------------------- a new pin


def copy_repo(tmp_path: Path, paths: list[str]) -> Path:
    for path in paths:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    return tmp_path


@pytest.mark.parametrize(
    ("path", "addition", "shape"),
    [
        ("bootstrap/secrets_root.py", '\nKUEUE_CHART_VERSION = "0.14.4"\n', "chart version in Python"),
        (
            "seeds/charts/litellm/values.yaml",
            "\nsidecar:\n  image: ghcr.io/example/proxy@sha256:" + "a" * 64 + "\n",
            "digest",
        ),
    ],
)
def test_a_pin_added_in_a_shape_no_manager_knows_is_caught(
    tmp_path: Path, config: dict[str, Any], path: str, addition: str, shape: str
) -> None:
    root = copy_repo(tmp_path, [path])
    assert not unmatched(root, [path], config), f"{path} as shipped is fully covered"
    with (root / path).open("a") as f:
        f.write(addition)
    missed = unmatched(root, [path], config)
    assert [p.shape for p in missed] == [shape], f"the added pin in {path} must be reported, got {missed}"


def test_an_unquoted_float_target_revision_is_caught_because_renovate_drops_the_source(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    path = "seeds/layers/platform/keda.yaml"
    root = copy_repo(tmp_path, [path])
    text = (root / path).read_text()
    revision = re.search(r"targetRevision: (\S+)", text)
    assert revision is not None
    (root / path).write_text(text.replace(revision.group(0), "targetRevision: 2.18"))
    assert [p.shape for p in unmatched(root, [path], config)] == ["seed source revision"], (
        "argocd's schema wants a string targetRevision: 2.18 is a float and escapes updates"
    )


# ---------------------------------------------------------------------------------------- the emulation


def test_file_patterns_are_searched_regexes_in_slashes_and_anchored_globs_otherwise() -> None:
    assert matches_pattern("policy/requirements.txt", "/requirements\\.txt$/")
    assert not matches_pattern("policy/requirements.txt", "/^requirements\\.txt$/")
    assert matches_pattern("REQUIREMENTS.TXT", "/requirements\\.txt$/i")
    assert not matches_pattern("requirements.txt", "!/requirements/")
    assert matches_pattern("requirements.txt", "**/requirements*.txt")
    assert matches_pattern("tests/checkov/requirements.txt", "**/requirements*.txt")
    assert not matches_pattern("tests/checkov/requirements.txt", "requirements*.txt")
    assert matches_pattern("seeds/layers/a.yml", "seeds/layers/**/*.{yaml,yml}")


def test_argocd_reads_applicationset_templates_and_oci_sources_but_not_templated_revisions() -> None:
    text = """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
spec:
  template:
    metadata:
      name: 'x-{{.name}}'
    spec:
      sources:
        - repoURL: oci://registry.example/charts/x
          path: .
          targetRevision: 1.2.3
        - repoURL: '{{.metadata.annotations.addons_repo_url}}'
          targetRevision: '{{.metadata.annotations.addons_repo_revision}}'
"""
    found = [(d.dep_name, d.current, d.datasource, sorted(d.lines)) for d in argocd_deps_of("a.yaml", text)]
    assert found == [("registry.example/charts/x", "1.2.3", "docker", [11])]
    assert strip_templates("a: '{{ .b\n}}'\n").count("\n") == 2, "stripping keeps line numbers"


def test_a_regex_dependency_without_a_value_or_digest_is_discarded_like_renovate_does() -> None:
    spec = {
        "matchStrings": ["image: (?<depName>[^\\s:]+)(?::(?<currentValue>\\w+))?"],
        "datasourceTemplate": "docker",
    }
    found = [d.current for d in regex_deps("m", spec, "f", "image: a:1\nimage: b\n")]
    assert found == ["1"]
