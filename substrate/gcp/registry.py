"""The model registry: an Artifact Registry Docker repository for digest-pinned modelcar images.

Tags are immutable so a tag can never be re-pointed under a running model; the nodes' service account
may read (pull, and stream with image streaming) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component


@dataclass(kw_only=True)
class RegistryArgs:
    project: str
    region: str
    repository_id: str
    reader: pulumi.Input[str]  # IAM member of the node service account
    protect: bool


class ModelRegistry(Component):
    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:ModelRegistry", name, opts)
        self.repository = gcp.artifactregistry.Repository(
            f"{name}-repo",
            project=args.project,
            location=args.region,
            repository_id=args.repository_id,
            format="DOCKER",
            description="Digest-pinned modelcar images (OCI) for vLLM and KServe",
            docker_config=gcp.artifactregistry.RepositoryDockerConfigArgs(immutable_tags=True),
            opts=self.child(protect=args.protect),
        )
        self.node_reader = gcp.artifactregistry.RepositoryIamMember(
            f"{name}-node-reader",
            project=args.project,
            location=args.region,
            repository=self.repository.name,
            role="roles/artifactregistry.reader",
            member=args.reader,
            opts=self.child(),
        )
        self.url = pulumi.Output.concat(
            args.region, "-docker.pkg.dev/", args.project, "/", self.repository.repository_id
        )
        self.register_outputs({"url": self.url})
