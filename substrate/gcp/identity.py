"""Identities: the nodes' own least-privilege service account, and keyless workload identities.

Nodes never run as the default compute service account (which holds Editor on the project). Controllers
in the cluster (External Secrets, external-dns) get a dedicated Google service account each, bound to
exactly one Kubernetes service account through Workload Identity: no keys exist, and each GSA holds
only the grants its concern adds (secret by secret, zone by zone).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component
from substrate.contract import WorkloadIdentity
from substrate.naming import bounded

# The one role GKE documents for node service accounts: logs, metrics, metadata.
NODE_ROLES = ("roles/container.defaultNodeServiceAccount",)


def service_account_email(account_id: str, project: str) -> str:
    """A GSA's email is fixed by its id and project. Using it as a plain value (with the account as a
    dependency) keeps it known at preview, so the policy pack can check node pools on a new stack."""
    return f"{account_id}@{project}.iam.gserviceaccount.com"


GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account"


@dataclass(kw_only=True)
class NodeIdentityArgs:
    project: str
    cluster_name: str


class NodeIdentity(Component):
    def __init__(self, name: str, args: NodeIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:NodeIdentity", name, opts)
        account_id = bounded(args.cluster_name, "nodes", limit=30)
        self.account = gcp.serviceaccount.Account(
            f"{name}-sa",
            project=args.project,
            account_id=account_id,
            display_name=f"GKE nodes of {args.cluster_name}",
            opts=self.child(),
        )
        self.grants = [
            gcp.projects.IAMMember(
                f"{name}-{role.split('/')[-1]}",
                project=args.project,
                role=role,
                member=self.account.member,
                opts=self.child(),
            )
            for role in NODE_ROLES
        ]
        self.email = service_account_email(account_id, args.project)
        self.register_outputs({"email": self.account.email})


@dataclass(kw_only=True)
class WorkloadIdentityArgs:
    project: str
    cluster_name: str
    role: str
    namespace: str
    service_account: str
    # The cluster whose identity pool must exist before the binding can name it.
    cluster: pulumi.Resource


class KeylessIdentity(Component):
    """A GSA that exactly one Kubernetes service account may act as (roles/iam.workloadIdentityUser)."""

    def __init__(
        self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llm-platform:gcp:KeylessIdentity", name, opts)
        account_id = bounded(args.cluster_name, args.role, limit=30)
        self.account = gcp.serviceaccount.Account(
            f"{name}-sa",
            project=args.project,
            account_id=account_id,
            display_name=f"{args.role} in {args.cluster_name} ({args.namespace}/{args.service_account})",
            opts=self.child(),
        )
        self.binding = gcp.serviceaccount.IAMMember(
            f"{name}-workload-identity",
            service_account_id=self.account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"serviceAccount:{args.project}.svc.id.goog[{args.namespace}/{args.service_account}]",
            opts=self.child(depends_on=[args.cluster]),
        )
        self.identity = WorkloadIdentity(
            namespace=args.namespace,
            service_account=args.service_account,
            annotation_key=GKE_SA_ANNOTATION,
            annotation_value=service_account_email(account_id, args.project),
        )
        self.register_outputs({"email": self.account.email})
