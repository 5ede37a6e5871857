"""Profiles and the layers they sync: platform ⊂ serving ⊂ llm-gateway ⊂ full, cumulative.

A profile is the widest layer it includes; widening adds layers, narrowing removes (prunes) them and is
refused unless the stack says so explicitly. Each layer turns on a fixed set of add-ons; an add-on's
flag is a cluster-Secret label the seed's ApplicationSets select on.
"""

from __future__ import annotations

LAYERS: tuple[str, ...] = ("platform", "serving", "llm-gateway", "full")

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


def flag(name: str) -> str:
    """The cluster-Secret label that enables a layer or add-on (GitOps Bridge style)."""
    return "enable_" + name.replace("-", "_")
