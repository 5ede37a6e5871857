"""Every pin in the repository, found by its shape, independently of renovate.json.

A pin is a line that fixes an upstream version or digest: `name==version` in a requirements file, a
literal `targetRevision` in the seed's layers, a `sha256:` digest, a chart version constant or default,
an EKS minor, an AMI alias. Tests and docs hold no pins (except the test venvs' requirements files):
fixtures record upstream facts at a version, and docs only repeat what the pins say.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Pin:
    path: str
    line: int
    text: str
    shape: str

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.text.strip()}"


REQUIREMENTS_FILE = re.compile(r"requirements[^/]*\.txt")
REQUIREMENT = re.compile(r"^\s*[A-Za-z0-9][\w.-]*(\[[^\]]+\])?\s*==\s*\S+")
DIGEST = re.compile(r"(?:digest:\s*[\"']?|@)sha256:[0-9a-f]{64}")
TARGET_REVISION = re.compile(r"^\s*targetRevision:\s*(?P<value>.*?)\s*(#.*)?$")
AMI_ALIAS = re.compile(r"\b[a-z][a-z0-9]*@v\d{8}\b")
PY_CHART_VERSION = re.compile(
    r"^\s*(?:[A-Z][A-Z0-9_]*CHART_VERSION\s*(?::[^=]*)?|chart_version\s*:[^=]*)=\s*[\"']\d[^\"']*[\"']"
)
YAML_VERSION_KEY = re.compile(r"^\s*(?:chartVersion|kubernetesVersion):\s*[\"']?\d")
EKS_DEFAULT = re.compile(r"^default:\s*[\"']?\d+\.\d+")


def repository_files(root: Path) -> list[str]:
    """Tracked files and new ones not ignored: a pin being added is found before it is committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    return sorted(p for p in set(listed) if p and (root / p).is_file())


def is_requirements(path: str) -> bool:
    return REQUIREMENTS_FILE.fullmatch(PurePosixPath(path).name) is not None


def line_shapes(path: str) -> list[tuple[str, re.Pattern[str]]]:
    """Which pin shapes apply to a file, by where it lives and what it is."""
    p = PurePosixPath(path)
    if is_requirements(path):
        return [("python requirement", REQUIREMENT)]
    if p.parts[0] == "tests" or p.suffix == ".md":
        return []
    shapes: list[tuple[str, re.Pattern[str]]] = []
    if p.suffix in {".yaml", ".yml", ".py"}:
        shapes.append(("digest", DIGEST))
    if p.suffix == ".py":
        shapes.append(("chart version in Python", PY_CHART_VERSION))
    if p.suffix in {".yaml", ".yml"}:
        shapes.append(("version in a stack or config file", YAML_VERSION_KEY))
        if "eks-versions" in p.name:
            shapes.append(("EKS default minor", EKS_DEFAULT))
        if p.parts[0] == "seeds":
            shapes.append(("AMI alias", AMI_ALIAS))
    return shapes


def is_seed_layer(path: str) -> bool:
    p = PurePosixPath(path)
    return p.parts[:2] == ("seeds", "layers") and p.suffix in {".yaml", ".yml"}


def literal_revision(line: str) -> bool:
    """A targetRevision that names a release; one filled in by a template is the repository itself."""
    m = TARGET_REVISION.match(line)
    if not m:
        return False
    value = m["value"].strip("'\"")
    return bool(value) and "{{" not in value


def pins_in(path: str, text: str) -> Iterator[Pin]:
    shapes = line_shapes(path)
    seed_layer = is_seed_layer(path)
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0] if is_requirements(path) else line
        if seed_layer and literal_revision(line):
            yield Pin(path, number, line, "seed source revision")
        for shape, pattern in shapes:
            if pattern.search(code):
                yield Pin(path, number, line, shape)
                break


def find_pins(root: Path, files: Iterable[str]) -> list[Pin]:
    pins: list[Pin] = []
    for path in files:
        try:
            text = (root / path).read_text()
        except UnicodeDecodeError:
            continue
        pins += pins_in(path, text)
    return pins
