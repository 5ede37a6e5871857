"""The bootstrap: the one Kubernetes-side component Pulumi owns.

It receives cluster access and the substrate contract — nothing cloud-specific — and does three
things: installs Argo CD (pinned chart), writes the in-cluster cluster Secret carrying the contract,
and creates the roots of the profile's layers. No other Kubernetes object, no cloud resource, and no
secret value passes through it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from bootstrap.argocd import NAMESPACE, install_argocd
from bootstrap.cluster_secret import IN_CLUSTER_SERVER, GitSource, secret_annotations, secret_labels
from bootstrap.layers import roots_for
from bootstrap.roots import ROOT_DELETE_TIMEOUT, layer_root, secrets_root
from bootstrap.secrets_root import ESO_CHART_REPO, ESO_CHART_VERSION, eso_values
from stacks.schema import StackConfig
from substrate.contract import ResolvedSecrets, SubstrateContract
from substrate.interface import ClusterAccess


@dataclass(kw_only=True)
class BootstrapArgs:
    access: ClusterAccess
    contract: SubstrateContract
    profile: str
    environment: str
    source: GitSource
    chart_version: str
    allow_layer_removal: bool
    credentials_secret: str | None = None

    @classmethod
    def from_config(
        cls, config: StackConfig, access: ClusterAccess, contract: SubstrateContract
    ) -> BootstrapArgs:
        return cls(
            access=access,
            contract=contract,
            profile=config.profile,
            environment=config.environment,
            source=GitSource(
                repo_url=config.gitops.repo_url, revision=config.gitops.revision, path=config.gitops.path
            ),
            chart_version=config.argocd.chart_version,
            allow_layer_removal=config.argocd.allow_layer_removal,
            credentials_secret=config.gitops.credentials_secret,
        )


class Bootstrap(pulumi.ComponentResource):
    def __init__(self, name: str, args: BootstrapArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:bootstrap:Bootstrap", name, None, opts)
        # The one wait for the contract's outputs; labels read only fields plain on every cloud.
        contract = args.contract.resolve()
        # Every Kubernetes object goes through the substrate's provider and waits for the whole substrate,
        # so destroy removes the bootstrap first, while nodes, network and DNS zone still exist.
        k8s_opts = pulumi.ResourceOptions(
            parent=self, provider=args.access.provider, depends_on=[args.access.substrate]
        )

        self.argocd = install_argocd(
            f"{name}-argocd",
            chart_version=args.chart_version,
            domain=args.contract.dns.domain,
            opts=k8s_opts,
        )
        self.cluster_secret = k8s.core.v1.Secret(
            f"{name}-cluster-secret",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="in-cluster",
                namespace=NAMESPACE,
                labels=secret_labels(args.contract, profile=args.profile, environment=args.environment),
                annotations=contract.apply(
                    lambda c: secret_annotations(
                        c,
                        source=args.source,
                        profile=args.profile,
                        environment=args.environment,
                        chart_version=args.chart_version,
                    )
                ),
            ),
            type="Opaque",
            # No credential: the in-cluster server is reached with Argo CD's own service account.
            string_data={
                "name": args.contract.cluster.name,
                "server": IN_CLUSTER_SERVER,
                "config": json.dumps({"tlsClientConfig": {"insecure": False}}),
            },
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=[self.argocd])),
        )
        self.roots = self._roots(name, args, k8s_opts)
        self.register_outputs({"argocd": self.argocd.status, "roots": [r.urn for r in self.roots]})

    def _roots(
        self,
        name: str,
        args: BootstrapArgs,
        k8s_opts: pulumi.ResourceOptions,
    ) -> list[k8s.apiextensions.CustomResource]:
        def root(
            key: str, body: pulumi.Input[dict[str, Any]], after: pulumi.Resource
        ) -> k8s.apiextensions.CustomResource:
            application = pulumi.Output.from_input(body)
            return k8s.apiextensions.CustomResource(
                f"{name}-root-{key}",
                api_version="argoproj.io/v1alpha1",
                kind="Application",
                metadata=application.apply(lambda b: b["metadata"]),
                spec=application.apply(lambda b: b["spec"]),
                opts=pulumi.ResourceOptions.merge(
                    k8s_opts,
                    pulumi.ResourceOptions(
                        depends_on=[after],
                        custom_timeouts=pulumi.CustomTimeouts(delete=ROOT_DELETE_TIMEOUT),
                        # Removing a root prunes its layer: refused unless the stack allows it.
                        protect=not args.allow_layer_removal,
                    ),
                ),
            )

        def secrets_application(facts: ResolvedSecrets) -> dict[str, Any]:
            return secrets_root(
                ESO_CHART_REPO,
                "external-secrets",
                ESO_CHART_VERSION,
                eso_values(facts, args.source.repo_url, args.credentials_secret),
                facts.identity.namespace,
            )

        # Plain when no secrets fact waits on a resource, so a first preview (and the policy pack) sees it.
        known = args.contract.secrets.known()
        secrets: pulumi.Input[dict[str, Any]] = (
            secrets_application(known)
            if known is not None
            else args.contract.secrets.resolve().apply(secrets_application)
        )
        roots = [root("secrets", secrets, self.cluster_secret)]
        for layer, directory in roots_for(args.profile):
            roots.append(root(directory, layer_root(layer, directory, args.source), roots[-1]))
        return roots
