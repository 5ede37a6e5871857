"""GCP's policy rules: GKE hardening as the scanners codify it, and project-level IAM.

`RULES` is what the pack's registry (policy/rules/__init__.py) takes from this cloud, in report order.
Pure: the pack runs these in its own virtualenv (stdlib, PyYAML and pulumi-policy only).
"""

from __future__ import annotations

from policy.rules.base import Rule

from . import gke, iam

RULES: tuple[Rule, ...] = (
    gke.private_nodes,
    gke.control_plane_restricted,
    gke.shielded_nodes,
    gke.secure_boot,
    gke.integrity_monitoring,
    gke.metadata_server,
    gke.legacy_endpoints_disabled,
    gke.legacy_abac_disabled,
    gke.no_client_certificate,
    gke.network_policy,
    gke.vpc_native,
    gke.logging_on,
    gke.monitoring_on,
    gke.release_channel,
    gke.auto_repair,
    gke.auto_upgrade,
    gke.cos_image,
    gke.no_default_service_account,
    gke.secrets_encryption,
    iam.gcp_iam_no_broad_project_roles,
)
