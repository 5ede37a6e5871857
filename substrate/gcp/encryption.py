"""Application-layer secrets encryption: a Cloud KMS key for etcd, usable by the GKE service agent only.

A KMS key ring can never be deleted and its name never reused, so the ring carries a suffix unique to
the Pulumi project and stack; the key rotates every 90 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component
from substrate.naming import bounded, stack_suffix

ROTATION_PERIOD = "7776000s"  # 90 days


def gke_service_agent(project_number: str) -> str:
    """The GKE service agent's IAM member, which encrypts etcd with the key."""
    return f"serviceAccount:service-{project_number}@container-engine-robot.iam.gserviceaccount.com"


@dataclass(kw_only=True)
class EncryptionArgs:
    project: str
    region: str
    cluster_name: str
    protect: bool


class SecretsEncryptionKey(Component):
    def __init__(self, name: str, args: EncryptionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:SecretsEncryptionKey", name, opts)
        self.key_ring = gcp.kms.KeyRing(
            f"{name}-keyring",
            project=args.project,
            name=bounded(args.cluster_name, stack_suffix(), limit=63),
            location=args.region,
            opts=self.child(protect=args.protect),
        )
        self.key = gcp.kms.CryptoKey(
            f"{name}-key",
            name="etcd-secrets",
            key_ring=self.key_ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=ROTATION_PERIOD,
            opts=self.child(protect=args.protect),
        )
        # On a new project the GKE service agent appears some time after the API is enabled; asking for
        # its identity creates it, so the grant never races it. The member is derived from the project
        # number, not read back from the identity: for container.googleapis.com the API may return no
        # email (hashicorp/terraform-provider-google#18649), which would grant nobody.
        self.gke_agent = gcp.projects.ServiceIdentity(
            f"{name}-gke-agent-identity",
            project=args.project,
            service="container.googleapis.com",
            opts=self.child(),
        )
        project = gcp.organizations.get_project_output(
            project_id=args.project, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        self.agent_grant = gcp.kms.CryptoKeyIAMMember(
            f"{name}-gke-agent",
            crypto_key_id=self.key.id,
            role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member=project.number.apply(gke_service_agent),
            opts=self.child(depends_on=[self.gke_agent]),
        )
        self.register_outputs({"key": self.key.id})
