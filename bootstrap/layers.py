"""Profiles and the layers they sync: platform ⊂ serving ⊂ llm-gateway ⊂ full, cumulative.

A profile is the widest layer it includes; widening adds layers, narrowing removes (prunes) them and is
refused unless the stack says so explicitly. Each layer turns on a fixed set of add-ons; an add-on's
flag is a cluster-Secret label the seed's ApplicationSets select on.
"""

from __future__ import annotations

LAYERS: tuple[str, ...] = ("platform", "serving", "llm-gateway", "full")

# The roots each layer gets, in apply order; a root syncs `seeds/layers/<root>`. The platform layer's node
# capacity (Karpenter's GPU NodePools and EC2NodeClass) is a root of its own, after `platform`: destroy and
# narrowing delete roots widest-first, so the capacity root — and with it every node the autoscaler launched
# for it, which Pulumi never owned — goes while the autoscaler (in `platform`) still runs to terminate them.
# Left to one root, Argo CD would delete the controller and its NodePools together, orphaning instances whose
# ENIs then block the VPC's deletion.
LAYER_ROOTS: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "capacity"),
    "serving": ("serving",),
    "llm-gateway": ("llm-gateway",),
    "full": ("full",),
}

# Add-ons each layer enables (besides those the contract decides: GPU stack, Karpenter, external-dns).
LAYER_ADDONS: dict[str, tuple[str, ...]] = {
    "platform": (
        "argocd",
        "external_secrets",
        "cert_manager",
        "keda",
        "kueue",
        "kube_prometheus_stack",
        "storage_classes",
    ),
    "serving": ("vllm",),
    "llm-gateway": ("litellm", "inference_gateway", "gateway_api_inference_extension"),
    "full": ("kserve", "kueue_quotas"),
}


def layers_for(profile: str) -> tuple[str, ...]:
    """Every layer up to and including `profile` (platform is always first)."""
    if profile not in LAYERS[1:]:
        raise ValueError(f"unknown profile '{profile}'; allowed: {', '.join(LAYERS[1:])}")
    return LAYERS[: LAYERS.index(profile) + 1]


def roots_for(profile: str) -> tuple[tuple[str, str], ...]:
    """(layer, root) pairs of a profile, in apply order (destroy runs it backwards)."""
    return tuple((layer, root) for layer in layers_for(profile) for root in LAYER_ROOTS[layer])


def flag(name: str) -> str:
    """The cluster-Secret label that enables a layer or add-on (GitOps Bridge style)."""
    return "enable_" + name.replace("-", "_")
