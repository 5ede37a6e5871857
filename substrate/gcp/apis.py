"""The Google APIs the substrate needs, enabled first and never disabled on destroy.

Disabling an API on destroy would break anything else in the project that uses it, and disabling
`container.googleapis.com` with a cluster still draining fails the teardown.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from substrate.component import Component

REQUIRED_APIS = (
    "compute.googleapis.com",
    "container.googleapis.com",
    "containerfilesystem.googleapis.com",  # image streaming
    "cloudkms.googleapis.com",
    "secretmanager.googleapis.com",
    "dns.googleapis.com",
    "artifactregistry.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "sts.googleapis.com",  # workload identity token exchange
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "storage.googleapis.com",
    "cloudresourcemanager.googleapis.com",
)


class ProjectApis(Component):
    def __init__(self, name: str, project: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:gcp:ProjectApis", name, opts)
        self.services = [
            gcp.projects.Service(
                f"{name}-{api.split('.')[0]}",
                project=project,
                service=api,
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=self.child(),
            )
            for api in REQUIRED_APIS
        ]
        self.register_outputs({"services": [s.service for s in self.services]})
