"""GKE: the cluster and node-pool hardening checkov and the CIS GKE benchmark codify.

Node settings are checked on every `gcp:container/nodePool:NodePool` and on the cluster's own
`nodeConfig` when it sets one (the default pool exists until `removeDefaultNodePool` deletes it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policy.rules.base import Key, PolicyResource, need, optional, present, rule, show

CLUSTER = "gcp:container/cluster:Cluster"
POOL = "gcp:container/nodePool:NodePool"
RELEASE_CHANNELS = frozenset({"RAPID", "REGULAR", "STABLE", "EXTENDED"})
DEFAULT_COMPUTE_SA_SUFFIX = "-compute@developer.gserviceaccount.com"


def _node_configs(r: PolicyResource) -> list[tuple[Key, ...]]:
    """Paths of the node configs a resource sets: the pool's, or the cluster's default-pool config."""
    if r.type == POOL:
        need(r.props, "nodeConfig")
        return [("nodeConfig",)]
    if r.type == CLUSTER and optional(r.props, "nodeConfig", None) is not None:
        return [("nodeConfig",)]
    return []


def _node_setting(
    r: PolicyResource, field: tuple[Key, ...], ok: Callable[[Any], bool], why: str
) -> list[str]:
    out = []
    for prefix in _node_configs(r):
        path = (*prefix, *field)
        value = need(r.props, path)
        if not ok(value):
            out.append(f"{show(path)} is {value!r}: {why}")
    return out


def _cluster_setting(r: PolicyResource, path: str, ok: Callable[[Any], bool], why: str) -> list[str]:
    if r.type != CLUSTER:
        return []
    value = need(r.props, path)
    return [] if ok(value) else [f"{path} is {value!r}: {why}"]


def _pool_setting(r: PolicyResource, path: str, ok: Callable[[Any], bool], why: str) -> list[str]:
    if r.type != POOL:
        return []
    value = need(r.props, path)
    return [] if ok(value) else [f"{path} is {value!r}: {why}"]


@rule("gke-private-nodes", "GKE nodes have private IPs only", "CKV_GCP_64, CKV_GCP_25")
def private_nodes(r: PolicyResource) -> list[str]:
    if r.type == POOL and optional(r.props, "networkConfig.enablePrivateNodes", None) is False:
        return ["networkConfig.enablePrivateNodes is False: this pool's nodes would get public IPs"]
    return _cluster_setting(
        r, "privateClusterConfig.enablePrivateNodes", lambda v: v is True, "nodes would get public IPs"
    )


@rule(
    "gke-control-plane-restricted",
    "GKE control plane reachable only from authorized networks, never 0.0.0.0/0",
    "CKV_GCP_18, CKV_GCP_20",
)
def control_plane_restricted(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    if optional(r.props, "masterAuthorizedNetworksConfig", None) is None:  # the block turns the allowlist on
        return ["masterAuthorizedNetworksConfig is not set: any IP could reach the control plane"]
    out = []
    blocks = optional(r.props, "masterAuthorizedNetworksConfig.cidrBlocks", [])
    for index in range(len(blocks)):
        path = ("masterAuthorizedNetworksConfig", "cidrBlocks", index, "cidrBlock")
        cidr = need(r.props, path)
        if str(cidr).endswith("/0"):
            out.append(f"{show(path)} is {cidr}: the control plane would be open to the whole internet")
    if optional(r.props, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", False) is True:
        out.append(
            "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is True: any Google Cloud public IP "
            "could reach the control plane"
        )
    return out


@rule("gke-shielded-nodes", "GKE Shielded Nodes enabled on the cluster", "CKV_GCP_71")
def shielded_nodes(r: PolicyResource) -> list[str]:
    return _cluster_setting(
        r, "enableShieldedNodes", lambda v: v is True, "nodes must prove their identity to the control plane"
    )


@rule("gke-secure-boot", "Secure Boot on every GKE node pool", "CKV_GCP_68")
def secure_boot(r: PolicyResource) -> list[str]:
    return _node_setting(
        r,
        ("shieldedInstanceConfig", "enableSecureBoot"),
        lambda v: v is True,
        "nodes must boot signed code only",
    )


@rule("gke-integrity-monitoring", "Integrity monitoring on every GKE node pool", "CKV_GCP_72")
def integrity_monitoring(r: PolicyResource) -> list[str]:
    return _node_setting(
        r,
        ("shieldedInstanceConfig", "enableIntegrityMonitoring"),
        lambda v: v is True,
        "boot integrity must be monitored",
    )


@rule("gke-metadata-server", "GKE metadata server (Workload Identity) on every node pool", "CKV_GCP_69")
def metadata_server(r: PolicyResource) -> list[str]:
    return _node_setting(
        r,
        ("workloadMetadataConfig", "mode"),
        lambda v: v == "GKE_METADATA",
        "pods would reach the node's credentials through the Compute metadata server",
    )


@rule(
    "gke-legacy-endpoints-disabled",
    "Legacy Compute metadata endpoints disabled on every node pool",
    "CKV_GCP_67, CIS GKE 5.4.1",
)
def legacy_endpoints_disabled(r: PolicyResource) -> list[str]:
    return _node_setting(
        r,
        ("metadata", "disable-legacy-endpoints"),
        lambda v: str(v).lower() == "true",
        'it must be "true": the v0.1/v1beta1 endpoints serve credentials without a header check',
    )


@rule("gke-legacy-abac-disabled", "Legacy ABAC disabled (RBAC only)", "CKV_GCP_7")
def legacy_abac_disabled(r: PolicyResource) -> list[str]:
    return _cluster_setting(r, "enableLegacyAbac", lambda v: v is False, "ABAC grants bypass RBAC")


@rule("gke-no-client-certificate", "No GKE client certificate is issued", "CKV_GCP_13")
def no_client_certificate(r: PolicyResource) -> list[str]:
    return _cluster_setting(
        r,
        "masterAuth.clientCertificateConfig.issueClientCertificate",
        lambda v: v is False,
        "a long-lived admin credential would be stored in state",
    )


@rule("gke-network-policy", "Network policy enforced (Dataplane V2 or network policy)", "CKV_GCP_12")
def network_policy(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    if optional(r.props, "datapathProvider", "") == "ADVANCED_DATAPATH":
        return []
    if optional(r.props, "networkPolicy.enabled", False) is True:
        return []
    return [
        "neither datapathProvider ADVANCED_DATAPATH nor networkPolicy.enabled: NetworkPolicies are ignored"
    ]


@rule("gke-vpc-native", "VPC-native cluster (alias IP ranges)", "CKV_GCP_23")
def vpc_native(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    need(r.props, "ipAllocationPolicy")
    mode = optional(r.props, "networkingMode", "VPC_NATIVE")
    return [] if mode != "ROUTES" else ["networkingMode is 'ROUTES': pods must get alias IPs (VPC_NATIVE)"]


def _components_on(r: PolicyResource, service: str, config: str) -> list[str]:
    if r.type != CLUSTER:
        return []
    out = []
    if optional(r.props, service, "") == "none":
        out.append(f"{service} is 'none'")
    components = optional(r.props, f"{config}.enableComponents", None)
    if components is not None and len(components) == 0:
        out.append(f"{config}.enableComponents is empty")
    return out


@rule("gke-logging", "Cloud Logging on for the cluster", "CKV_GCP_1")
def logging_on(r: PolicyResource) -> list[str]:
    return [
        f"{m}: cluster logs would not be collected"
        for m in _components_on(r, "loggingService", "loggingConfig")
    ]


@rule("gke-monitoring", "Cloud Monitoring on for the cluster", "CKV_GCP_8")
def monitoring_on(r: PolicyResource) -> list[str]:
    return [
        f"{m}: cluster metrics would not be collected"
        for m in _components_on(r, "monitoringService", "monitoringConfig")
    ]


@rule("gke-release-channel", "GKE release channel set", "CKV_GCP_70")
def release_channel(r: PolicyResource) -> list[str]:
    return _cluster_setting(
        r,
        "releaseChannel.channel",
        lambda v: v in RELEASE_CHANNELS,
        f"must be one of {', '.join(sorted(RELEASE_CHANNELS))} so the control plane gets patched",
    )


@rule("gke-auto-repair", "Auto repair on every GKE node pool", "CKV_GCP_9")
def auto_repair(r: PolicyResource) -> list[str]:
    return _pool_setting(r, "management.autoRepair", lambda v: v is True, "unhealthy nodes would stay")


@rule("gke-auto-upgrade", "Auto upgrade on every GKE node pool", "CKV_GCP_10")
def auto_upgrade(r: PolicyResource) -> list[str]:
    return _pool_setting(
        r, "management.autoUpgrade", lambda v: v is True, "nodes would miss security patches"
    )


@rule("gke-cos-image", "Container-Optimized OS on every GKE node pool", "CKV_GCP_22")
def cos_image(r: PolicyResource) -> list[str]:
    return _node_setting(
        r, ("imageType",), lambda v: str(v).upper().startswith("COS"), "nodes must run COS (COS_CONTAINERD)"
    )


@rule(
    "gke-no-default-service-account", "Nodes never run as the default compute service account", "CKV2_GCP_1"
)
def no_default_service_account(r: PolicyResource) -> list[str]:
    return _node_setting(
        r,
        ("serviceAccount",),
        lambda v: v != "default" and not str(v).endswith(DEFAULT_COMPUTE_SA_SUFFIX),
        "the default compute service account holds Editor on the project",
    )


@rule("gke-secrets-encryption", "Kubernetes Secrets encrypted with a Cloud KMS key", "CIS GKE 5.3.1")
def secrets_encryption(r: PolicyResource) -> list[str]:
    if r.type != CLUSTER:
        return []
    out = []
    state = need(r.props, "databaseEncryption.state")
    if state != "ENCRYPTED":
        out.append(
            f"databaseEncryption.state is {state!r}: Secrets in etcd must be encrypted with our KMS key"
        )
    if not present(r.props, "databaseEncryption.keyName"):
        out.append("databaseEncryption.keyName is not set: application-layer encryption needs a KMS key")
    return out
