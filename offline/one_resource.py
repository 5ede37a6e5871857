"""The benchmark's baseline: one resource under the same mock engine as the real program."""

import pulumi_gcp as gcp

gcp.projects.Service("baseline", project="acme-llm-prod", service="compute.googleapis.com")
