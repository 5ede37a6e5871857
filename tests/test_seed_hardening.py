"""The workloads of the seed's local charts, as rendered for every shipped stack, run hardened.

Read on the real-Helm render (tests/seed_render.py), not on checkov's verdict: every pod has no
service-account token unless it calls the API, a RuntimeDefault seccomp profile, non-root high UIDs,
no privilege escalation and no capabilities, requests and memory limits (GPUs limited as requested);
vLLM's root filesystem is read-only with a volume for every directory it writes. The one privileged
container is dcgm-exporter's (tests/checkov_waivers.yaml says why). The gateway's proxy pods, which
kgateway deploys, are hardened through the Gateway's GatewayParameters over kgateway's own defaults
(tests/fixtures/kgateway_v2.1_proxy_defaults.yaml), and the kgateway controller through its chart values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks.loader import stack_names
from tests.seed_render import App, render_seed

STACKS = stack_names()
WORKLOAD_KINDS = {"Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "Pod"}
# The only container allowed to run privileged, as root: it reads every GPU of its node.
PRIVILEGED = {("dcgm-exporter", "exporter")}
MIN_UID = 10000
# Where vLLM writes: HOME and its caches, torch.compile's cache and tempfiles, NCCL, the modelcar link.
VLLM_WRITABLE = {"/cache", "/tmp", "/dev/shm", "/mnt"}
KGATEWAY_DEFAULTS = yaml.safe_load(
    (Path(__file__).resolve().parent / "fixtures" / "kgateway_v2.1_proxy_defaults.yaml").read_text()
)


def workloads(stack: str) -> Iterator[tuple[App, dict[str, Any], dict[str, Any]]]:
    """(app, workload, pod spec) for every workload a local chart renders."""
    for app in render_seed(stack).apps:
        for obj in app.objects:
            if obj["kind"] in WORKLOAD_KINDS:
                spec = obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]
                yield app, obj, spec


def containers(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def where(stack: str, app: App, obj: dict[str, Any], container: dict[str, Any] | None = None) -> str:
    out = f"{stack}: {app.appset.name}: {obj['kind']}/{obj['metadata']['name']}"
    return f"{out}/{container['name']}" if container else out


def is_privileged(app: App, container: dict[str, Any]) -> bool:
    return (app.appset.name, container["name"]) in PRIVILEGED


def effective(spec: dict[str, Any], container: dict[str, Any], key: str) -> Any:
    """A security setting as the kubelet applies it: the container's, else the pod's."""
    own = container.get("securityContext", {})
    return own[key] if key in own else spec.get("securityContext", {}).get(key)


def test_the_local_charts_render_the_workloads_this_file_checks() -> None:
    names = {app.appset.name for stack in STACKS for app, _, _ in workloads(stack)}
    assert {"vllm", "litellm", "dcgm-exporter"} <= names


@pytest.mark.parametrize("stack", STACKS)
def test_no_pod_mounts_a_service_account_token_it_does_not_need(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        assert spec.get("automountServiceAccountToken") is False, (
            f"{where(stack, app, obj)}: none of the seed's own workloads calls the Kubernetes API"
        )


@pytest.mark.parametrize("stack", STACKS)
def test_every_container_runs_under_the_runtime_default_seccomp_profile(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        for c in containers(spec):
            profile = effective(spec, c, "seccompProfile") or {}
            assert profile.get("type") == "RuntimeDefault", (
                f"{where(stack, app, obj, c)}: seccomp RuntimeDefault"
            )


@pytest.mark.parametrize("stack", STACKS)
def test_every_unprivileged_container_is_non_root_with_a_high_uid(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        for c in containers(spec):
            if is_privileged(app, c):
                continue
            assert effective(spec, c, "runAsNonRoot") is True, f"{where(stack, app, obj, c)}: runAsNonRoot"
            uid = effective(spec, c, "runAsUser")
            assert isinstance(uid, int) and uid >= MIN_UID, (
                f"{where(stack, app, obj, c)}: an explicit UID >= {MIN_UID} (no host user owns it), got {uid}"
            )


@pytest.mark.parametrize("stack", STACKS)
def test_every_unprivileged_container_drops_all_capabilities_and_never_escalates(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        for c in containers(spec):
            security = c.get("securityContext", {})
            if is_privileged(app, c):
                assert security.get("privileged") is True
                continue
            label = where(stack, app, obj, c)
            assert security.get("privileged", False) is False, f"{label}: only {PRIVILEGED} is privileged"
            assert security.get("allowPrivilegeEscalation") is False, (
                f"{label}: allowPrivilegeEscalation false"
            )
            assert security.get("capabilities", {}).get("drop") == ["ALL"], f"{label}: drops ALL"
            assert not security.get("capabilities", {}).get("add"), f"{label}: adds no capability"


@pytest.mark.parametrize("stack", STACKS)
def test_every_container_requests_cpu_and_memory_and_limits_memory(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        for c in containers(spec):
            resources = c.get("resources", {})
            label = where(stack, app, obj, c)
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), (
                f"{label}: cpu and memory requests"
            )
            assert "memory" in resources.get("limits", {}), f"{label}: a memory limit"


@pytest.mark.parametrize("stack", STACKS)
def test_the_model_server_limits_exactly_the_gpus_its_values_ask_for(stack: str) -> None:
    app = render_seed(stack).app("vllm")
    count = int(app.values().get("gpu", {}).get("count", 1))
    (deployment,) = [o for o in app.objects if o["kind"] == "Deployment"]
    (server,) = [c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "vllm"]
    assert server["resources"]["limits"]["nvidia.com/gpu"] == count
    assert server["resources"]["requests"]["nvidia.com/gpu"] == count


@pytest.mark.parametrize("stack", STACKS)
def test_vllm_has_a_read_only_root_and_a_volume_for_every_directory_it_writes(stack: str) -> None:
    app = render_seed(stack).app("vllm")
    (deployment,) = [o for o in app.objects if o["kind"] == "Deployment"]
    spec = deployment["spec"]["template"]["spec"]
    for c in containers(spec):
        assert c["securityContext"].get("readOnlyRootFilesystem") is True, (
            f"{stack}: {c['name']} read-only root"
        )
    (server,) = [c for c in spec["containers"] if c["name"] == "vllm"]
    mounted = {m["mountPath"] for m in server["volumeMounts"] if not m.get("readOnly")}
    assert mounted >= VLLM_WRITABLE, f"{stack}: writable volumes at {sorted(VLLM_WRITABLE - mounted)}"
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes["tmp"] and volumes["tmp"]["emptyDir"].get("sizeLimit"), "/tmp is bounded"
    env = {e["name"]: e.get("value") for e in server["env"]}
    for key in ("HOME", "XDG_CACHE_HOME", "VLLM_CACHE_ROOT", "TRITON_CACHE_DIR"):
        assert env[key].startswith("/cache"), f"{stack}: {key} points into the cache volume"


@pytest.mark.parametrize("stack", STACKS)
def test_every_container_has_a_digest_pinned_image_pulled_if_not_present(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        for c in containers(spec):
            assert "@sha256:" in c["image"], f"{where(stack, app, obj, c)}: image by digest"
            assert c.get("imagePullPolicy") == "IfNotPresent", (
                f"{where(stack, app, obj, c)}: a digest never moves"
            )


@pytest.mark.parametrize("stack", STACKS)
def test_every_long_running_container_has_readiness_and_liveness_probes(stack: str) -> None:
    for app, obj, spec in workloads(stack):
        for c in spec["containers"]:
            assert "readinessProbe" in c and "livenessProbe" in c, f"{where(stack, app, obj, c)}: probes"


def gateway_parameters(stack: str) -> dict[str, Any]:
    (params,) = [
        o for o in render_seed(stack).app("inference-gateway").objects if o["kind"] == "GatewayParameters"
    ]
    return dict(params["spec"]["kube"])


def merged_envoy_security(kube: dict[str, Any]) -> dict[str, Any]:
    """kgateway's merge of the GatewayParameters over its defaults (scalars replace, lists append)."""
    default = KGATEWAY_DEFAULTS["envoyContainer"]["securityContext"]
    ours = kube["envoyContainer"]["securityContext"]
    caps = {
        k: default["capabilities"].get(k, []) + ours.get("capabilities", {}).get(k, [])
        for k in ("add", "drop")
    }
    return {**default, **ours, "capabilities": caps}


@pytest.mark.parametrize(
    "stack", [s for s in STACKS if "inference-gateway" in {a.appset.name for a in render_seed(s).apps}]
)
def test_the_gateways_proxy_pods_are_hardened_through_gateway_parameters(stack: str) -> None:
    kube = gateway_parameters(stack)
    pod = kube["podTemplate"]["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["runAsUser"] >= MIN_UID
    assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
    envoy = merged_envoy_security(kube)
    assert envoy["readOnlyRootFilesystem"] is True and envoy["allowPrivilegeEscalation"] is False
    assert envoy["runAsNonRoot"] is True and envoy["runAsUser"] >= MIN_UID
    assert envoy.get("privileged") is False and envoy["seccompProfile"] == {"type": "RuntimeDefault"}
    assert envoy["capabilities"]["drop"][:1] == ["ALL"]
    # kgateway adds NET_BIND_SERVICE for listeners below 1024 and cannot be told otherwise by a merge.
    assert set(envoy["capabilities"]["add"]) <= {"NET_BIND_SERVICE"}, "no capability beyond binding :80"
    resources = kube["envoyContainer"]["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"]
    assert KGATEWAY_DEFAULTS["serviceAccount"]["automountServiceAccountToken"] is False, (
        "kgateway gives the proxy's ServiceAccount no token: the proxy reads xDS, not the API"
    )


def test_the_kgateway_controller_runs_non_root_under_seccomp_with_resources() -> None:
    (app,) = [a for a in render_seed("gcp-full").apps if a.appset.name == "kgateway"]
    values = app.values()
    assert values["podSecurityContext"]["runAsNonRoot"] is True
    assert values["podSecurityContext"]["runAsUser"] >= MIN_UID
    assert values["podSecurityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert values["securityContext"]["allowPrivilegeEscalation"] is False
    assert values["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= set(values["resources"]["requests"]) and "memory" in values["resources"][
        "limits"
    ]
