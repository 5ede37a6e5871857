"""`python -m preflight doctor STACK` | `python -m preflight seed-secrets STACK` (`make doctor`, ...).

STACK is a stack name (`gcp-full`) or a path to a stack file, as for `make plan`. The config is read
and validated the same way, and a bad config ends the same way: the message, exit 2, no traceback,
nothing asked of the cloud. Exit 0 means every check passed (doctor) or nothing failed (seed).

The cloud clients and the DNS resolver are parameters, so tests run the whole command over moto and
fakes; the defaults build the real ones from the ambient credentials.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from preflight import doctor, report, seed
from preflight.aws_clients import AwsClients, connect
from preflight.aws_secrets import SecretsManagerStore
from preflight.delegation import Resolver, public_resolver
from preflight.gcp import GcpClient, GcpSecretStore
from preflight.gcp_client import GoogleClient
from preflight.secret_store import SecretStore
from stacks import loader
from stacks.schema import StackConfig

AwsConnect = Callable[[str], AwsClients]
GcpConnect = Callable[[str], GcpClient]


def load(stack: str) -> StackConfig:
    """The validated config (the schema refuses pools the stack's cloud cannot build)."""
    config = loader.validate(loader.read_stack_file(loader.resolve_stack_file(stack)))
    if config.cloud == "existing":
        raise loader.ConfigError(
            "preflight checks the cloud of gcp and aws stacks; this stack is cloud: existing, whose "
            "cluster and secrets backend are yours to check"
        )
    return config


def run_doctor(config: StackConfig, stack: str, aws: AwsConnect, gcp: GcpConnect, resolve: Resolver) -> int:
    if config.aws is not None:
        gate, checks = doctor.for_aws(config, aws(config.aws.region), resolve, stack)
    else:
        assert config.gcp is not None
        gate, checks = doctor.for_gcp(config, gcp(config.gcp.project), resolve, stack)
    results = report.run_checks(gate, checks)
    print(report.render(results))
    print(report.doctor_summary(results))
    return report.exit_code(results)


def run_seed(config: StackConfig, aws: AwsConnect, gcp: GcpConnect) -> int:
    store: SecretStore
    if config.aws is not None:
        clients = aws(config.aws.region)
        store = SecretsManagerStore(clients.secrets, config.cluster.name, clients.region)
    else:
        assert config.gcp is not None
        store = GcpSecretStore(gcp(config.gcp.project), config.gcp.project)
    names = [s.name for s in config.secrets]
    if not names:
        print("seed-secrets: the stack lists no `secrets`; nothing to do")
        return 0
    results = seed.seed_secrets(store, names, config.gitops.credentials_secret)
    print(report.render(results))
    print(report.seed_summary(results))
    return report.exit_code(results)


def main(
    argv: list[str] | None = None,
    *,
    aws: AwsConnect = connect,
    gcp: GcpConnect = GoogleClient,
    resolve: Resolver | None = None,
) -> int:
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
        return run_doctor(config, args.stack, aws, gcp, resolve or public_resolver())
    return run_seed(config, aws, gcp)
