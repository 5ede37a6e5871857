"""`python -m preflight doctor STACK` | `python -m preflight seed-secrets STACK` (`make doctor`, ...).

STACK is a stack name (as listed in stacks/) or a path to a stack file, as for `make plan`. The config
is read and validated the same way, and a bad config ends the same way: the message, exit 2, no
traceback, nothing asked of the cloud. Exit 0 means every check passed (doctor) or nothing failed (seed).

The cloud clients and the DNS resolver are parameters, so tests run the whole command over moto and
fakes; the defaults build the real ones from the ambient credentials.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import clouds
from preflight import doctor, report, seed
from preflight.delegation import Resolver, public_resolver
from stacks import loader
from stacks.schema import StackConfig

# A client factory: what a cloud's `preflight.client` calls (a test passes one by the cloud's name).
Connect = Callable[[str], Any]


def load(stack: str) -> StackConfig:
    """The validated config (the schema refuses pools the stack's cloud cannot build)."""
    config = loader.validate(loader.read_stack_file(loader.resolve_stack_file(stack)))
    if not clouds.has_part(config.cloud, "preflight"):
        raise loader.ConfigError(f"preflight has no checks for cloud: {config.cloud} (no preflight module)")
    unchecked = getattr(clouds.part(config.cloud, "preflight"), "UNCHECKED", None)
    if unchecked:
        raise loader.ConfigError(unchecked)
    return config


def _client(config: StackConfig, connect: dict[str, Connect]) -> Any:
    cloud = clouds.part(config.cloud, "preflight")
    return cloud.client(config, connect.get(config.cloud, cloud.CONNECT))


def run_doctor(config: StackConfig, stack: str, connect: dict[str, Connect], resolve: Resolver) -> int:
    gate, checks = doctor.checks_for(config, _client(config, connect), resolve, stack)
    results = report.run_checks(gate, checks)
    print(report.render(results))
    print(report.doctor_summary(results))
    return report.exit_code(results)


def run_seed(config: StackConfig, connect: dict[str, Connect]) -> int:
    store = clouds.part(config.cloud, "preflight").secret_store(config, _client(config, connect))
    names = [s.name for s in config.secrets]
    if not names:
        print("seed-secrets: the stack lists no `secrets`; nothing to do")
        return 0
    results = seed.seed_secrets(store, names, config.gitops.credentials_secret)
    print(report.render(results))
    print(report.seed_summary(results))
    return report.exit_code(results)


def main(argv: list[str] | None = None, *, resolve: Resolver | None = None, **connect: Connect) -> int:
    """`connect` replaces a cloud's client factory, by the cloud's name (tests pass fakes)."""
    parser = argparse.ArgumentParser(prog="python -m preflight", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("doctor", "check the stack's cloud prerequisites, read-only, before `pulumi up`"),
        ("seed-secrets", "generate the platform-internal secret values into the secret manager"),
    ):
        commands.add_parser(name, help=text).add_argument("stack", help="stack name or stack file path")
    args = parser.parse_args(argv)
    try:
        config = load(args.stack)
    except loader.ConfigError as exc:
        print(loader.error_line(args.stack, exc), file=sys.stderr)
        return 2
    if args.command == "doctor":
        return run_doctor(config, args.stack, connect, resolve or public_resolver())
    return run_seed(config, connect)
