"""GCP's parts of the contract's wire form: GitOps Bridge annotations and the Secret Manager store.

Pure (stdlib only): the bootstrap reads these through the registry.
"""

from __future__ import annotations

from typing import Any

# GitOps Bridge annotation -> the contract key it copies.
ANNOTATIONS = {"gcp_region": "cluster_region", "gcp_project_id": "cluster_account"}
# The contract values GKE brings: external-dns's Cloud DNS provider, and GKE installing the driver.
DNS_PROVIDERS = ("google",)
DRIVER_OWNERS = ("gke",)
# A pod selecting a ComputeClass lands only on node pools labelled with the class's name: the
# contract's pool selector on GKE.
COMPUTE_CLASS_LABEL = "cloud.google.com/compute-class"


def _secret_manager(location: str, auth: dict[str, Any]) -> dict[str, Any]:
    return {"gcpsm": {"projectID": location, **auth}}


# Secrets backend -> its External Secrets v1 ClusterSecretStore provider block (location, auth settings).
SECRET_STORES = {"gcp-secret-manager": _secret_manager}
