"""The rule registry: every mandatory rule of the llm-platform-baseline pack, in report order.

Both adapters run exactly this table; the README's table and the tests are generated from / checked
against it. A rule lives in the module of its concern (gke, eks, secrets, iam, platform).
"""

from __future__ import annotations

from . import eks, gke, iam, platform, secrets
from .base import UNKNOWN, CannotEvaluate, PolicyResource, Rule

PACK_NAME = "llm-platform-baseline"

REGISTRY: tuple[Rule, ...] = (
    # GKE
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
    # EKS and EC2
    eks.secrets_encryption,
    eks.control_plane_logs,
    eks.endpoint_restricted,
    eks.supported_version,
    eks.node_group_no_remote_access,
    eks.imdsv2_required,
    eks.imds_hop_limit,
    eks.no_ssh_from_anywhere,
    # No secret values in state
    secrets.no_secret_versions,
    secrets.no_ssm_secure_string,
    secrets.k8s_secret_no_credentials,
    secrets.helm_values_no_credentials,
    # IAM
    iam.aws_iam_no_wildcard_actions,
    iam.gcp_iam_no_broad_project_roles,
    # The platform's own invariants
    platform.k8s_inside_bootstrap,
    platform.k8s_no_workloads,
    platform.gpu_pool_taint,
    platform.gpu_single_owner,
    platform.prod_deletion_protection,
)

BY_ID: dict[str, Rule] = {r.id: r for r in REGISTRY}

__all__ = ["BY_ID", "PACK_NAME", "REGISTRY", "UNKNOWN", "CannotEvaluate", "PolicyResource", "Rule"]
