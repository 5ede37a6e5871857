"""The registry of clouds: one entry per cloud, naming its package; the neutral core asks here.

Each cloud is one package holding every part of it under a fixed module name:

- `config`  its config block model (`Block`), the stack-wide rules about it (`STACK_RULES`), the
  capacity options it builds (`capacity`), and the provider config namespaces it owns (`NAMESPACES`);
- `bridge`  the GitOps Bridge annotations it adds (`ANNOTATIONS`) and the External Secrets store
  provider blocks of the secret managers it brings (`SECRET_STORES`);
- `mocks`   what its provider computes, for the offline engine (`TYPE_PREFIXES`, `computed_outputs`,
  `invoke_result`);
- `policy`  its policy-pack rules (`RULES`), pure: the pack runs them without pydantic or a cloud SDK;
- `preflight` (optional) its `make doctor` / `make seed-secrets` checks, client and secret store;
- `adapter` its substrate (the entry's `adapter` names the class).

Parts are imported by name, on first use, so this module loads no cloud SDK and no pydantic: the
schema, the adapters and the policy pack (which runs without either) all read it. Only a cloud's
adapter imports its SDK; its `config`, `rules`, `offers`, `bridge` and `policy` modules import no Pulumi
at all (import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

PARTS = ("config", "bridge", "mocks", "policy")


@dataclass(frozen=True, kw_only=True)
class Cloud:
    """One registered cloud: the value of `cloud:` and the package that implements it."""

    name: str
    package: str
    # "module:Class" of the substrate, relative to the package.
    adapter: str

    def part(self, part: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{part}")


_CLOUDS: dict[str, Cloud] = {
    c.name: c
    for c in (
        Cloud(name="gcp", package="substrate.gcp", adapter="adapter:GkeSubstrate"),
        Cloud(name="aws", package="substrate.aws", adapter="adapter:EksSubstrate"),
        Cloud(name="existing", package="substrate.existing", adapter="adapter:ExistingCluster"),
    )
}
# Called after the registry changes (the schema rebuilds its cloud-block key list).
_LISTENERS: list[Callable[[], None]] = []


def names() -> tuple[str, ...]:
    """The registered clouds, in registration order."""
    return tuple(_CLOUDS)


def get(name: str) -> Cloud | None:
    return _CLOUDS.get(name)


def part(name: str, part_name: str) -> ModuleType:
    """A registered cloud's part module (`config`, `bridge`, `mocks`), imported on first use."""
    return _CLOUDS[name].part(part_name)


def has_part(name: str, part_name: str) -> bool:
    """Whether a registered cloud brings an optional part (`preflight`)."""
    return importlib.util.find_spec(f"{_CLOUDS[name].package}.{part_name}") is not None


def parts(part_name: str) -> Iterator[tuple[str, ModuleType]]:
    """Every registered cloud's part module of one kind (their names too)."""
    for name, cloud in _CLOUDS.items():
        yield name, cloud.part(part_name)


def adapter(name: str) -> type:
    """The substrate class of a registered cloud (its module is imported now, with its SDK)."""
    cloud = _CLOUDS[name]
    module, _, cls = cloud.adapter.partition(":")
    found: type = getattr(cloud.part(module), cls)
    return found


def on_change(listener: Callable[[], None]) -> None:
    _LISTENERS.append(listener)


def _changed() -> None:
    for listener in _LISTENERS:
        listener()


def register(cloud: Cloud) -> None:
    """Add a cloud (a fork's package, or a test's stub). A registered name cannot be replaced."""
    if cloud.name in _CLOUDS:
        raise ValueError(f"cloud '{cloud.name}' is already registered ({_CLOUDS[cloud.name].package})")
    _CLOUDS[cloud.name] = cloud
    _changed()


def unregister(name: str) -> None:
    del _CLOUDS[name]
    _changed()


@contextmanager
def registered(cloud: Cloud) -> Iterator[Cloud]:
    """`cloud` registered for the duration of the block, removed afterwards."""
    register(cloud)
    try:
        yield cloud
    finally:
        unregister(cloud.name)
