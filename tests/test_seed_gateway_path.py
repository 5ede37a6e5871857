"""LiteLLM is the only way to the models, and it holds its limits: the real-Helm render of every shipped
stack with the llm-gateway layer, its NetworkPolicies run through a small evaluator (tests/netpol.py).

Covers: any pod in the cluster reaches LiteLLM on its API port and nothing else in the gateway or model
namespaces — not the gateway's proxies, the shared store, the model servers or the endpoint picker;
LiteLLM reaches the proxies, the proxies the model servers and the picker, Prometheus what it scrapes;
deleting any single allow rule, or all of them, only ever closes paths (fails closed); the ports and
labels the policies name are the ones the charts render; LiteLLM's replicas share one Valkey (router and
limiter/budget store), keep a PodDisruptionBudget, report not-ready without their database, and take a
salt key from the secret manager. LiteLLM facts: tests/fixtures/litellm_proxy_facts.yaml.
"""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from stacks.loader import stack_names
from tests.netpol import Pod, admits
from tests.seed_render import SeedRender, render_chart, render_seed

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHARTS = Path(__file__).resolve().parent.parent / "seeds" / "charts"
LITELLM = yaml.safe_load((FIXTURES / "litellm_proxy_facts.yaml").read_text())
GATEWAY_STACKS = [
    s for s in stack_names() if render_seed(s).secret.labels.get("enable_llm_gateway") == "true"
]
DIGEST_TAG = re.compile(r"^[0-9.]+@sha256:[0-9a-f]{64}$")


def defaults(chart: str) -> dict[str, Any]:
    return dict(yaml.safe_load((CHARTS / chart / "values.yaml").read_text()))


def values(seed: SeedRender, appset: str, chart: str) -> dict[str, Any]:
    """A chart's effective values (values.yaml, then the Application's, merged one level deep)."""
    out = defaults(chart)
    for key, value in seed.app(appset).values().items():
        out[key] = (
            {**out[key], **value} if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def policies(seed: SeedRender) -> list[dict[str, Any]]:
    return [
        o
        for name in ("litellm", "inference-gateway")
        for o in seed.app(name).objects
        if o["kind"] == "NetworkPolicy"
    ]


def pod_labels(objects: list[dict[str, Any]], kind: str = "Deployment") -> dict[str, str]:
    (workload,) = [o for o in objects if o["kind"] == kind]
    return dict(workload["spec"]["template"]["metadata"]["labels"])


def cast(seed: SeedRender) -> dict[str, tuple[Pod, int]]:
    """Every pod the paths run between, with the port it serves, labelled as the seed renders it."""
    lite, gw = values(seed, "litellm", "litellm"), values(seed, "inference-gateway", "inference-gateway")
    gw_ns, models = gw["gateway"]["namespace"], gw["models"]
    prom = Pod(gw["prometheus"]["namespace"], gw["prometheus"]["podSelector"])
    return {
        "litellm": (Pod(gw_ns, pod_labels(seed.app("litellm").objects)), lite["port"]),
        "proxy": (Pod(gw_ns, {gw["gateway"]["podLabelKey"]: gw["gateway"]["name"]}), gw["gateway"]["port"]),
        "store": (Pod(gw_ns, lite["store"]["podSelector"]), lite["store"]["port"]),
        "model": (Pod(models["namespace"], pod_labels(seed.app("vllm").objects)), models["serverPort"]),
        "picker": (Pod(models["namespace"], models["eppSelector"]), models["eppExtProcPort"]),
        "tenant": (Pod("llm-batch", {"app": "notebook"}), 8888),
        "stranger-in-gateway-ns": (Pod(gw_ns, {"app": "debug"}), 8080),
        "stranger-in-model-ns": (Pod(models["namespace"], {"app": "debug"}), 8080),
        "prometheus": (prom, 9090),
    }


def open_paths(seed: SeedRender, rules: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
    pods = cast(seed)
    ports = {port for _, port in pods.values()} | {
        values(seed, "inference-gateway", "inference-gateway")["models"]["eppMetricsPort"]
    }
    guarded = {
        "litellm",
        "proxy",
        "store",
        "model",
        "picker",
        "stranger-in-gateway-ns",
        "stranger-in-model-ns",
    }
    return {
        (src, dst, port)
        for (src, (s, _)), (dst, (d, _)) in itertools.product(pods.items(), pods.items())
        for port in ports
        if src != dst and dst in guarded and admits(rules, s, d, port)
    }


# The intended chain, and nothing more: (source, target, port name).
EXPECTED = {
    ("tenant", "litellm"),
    ("stranger-in-gateway-ns", "litellm"),
    ("stranger-in-model-ns", "litellm"),
    ("prometheus", "litellm"),
    ("proxy", "litellm"),
    ("store", "litellm"),
    ("model", "litellm"),
    ("picker", "litellm"),
    ("litellm", "proxy"),
    ("litellm", "store"),
    ("proxy", "model"),
    ("picker", "model"),
    ("prometheus", "model"),
    ("proxy", "picker"),
    ("prometheus", "picker"),
}


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_litellm_is_the_only_way_to_the_gateway_and_the_models(stack: str) -> None:
    seed = render_seed(stack)
    pods = cast(seed)
    paths = open_paths(seed, policies(seed))
    assert {(s, d) for s, d, _ in paths} == EXPECTED, (
        f"{stack}: only the chain client -> LiteLLM -> gateway proxy -> model server/picker is open; "
        f"unexpected: {sorted({(s, d) for s, d, _ in paths} - EXPECTED)}, missing: "
        f"{sorted(EXPECTED - {(s, d) for s, d, _ in paths})}"
    )
    for src, dst, port in paths:
        if dst == "litellm":
            assert port == pods["litellm"][1], f"{stack}: {src} reaches LiteLLM on its API port only"
    for blocked in ("proxy", "model", "picker", "store"):
        assert not any(s == "tenant" and d == blocked for s, d, _ in paths), (
            f"{stack}: a tenant never reaches {blocked}"
        )


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_deleting_any_allow_rule_only_closes_paths(stack: str) -> None:
    seed = render_seed(stack)
    rendered = policies(seed)
    before = open_paths(seed, rendered)
    exceptions = [
        (i, j) for i, p in enumerate(rendered) for j, _ in enumerate(p["spec"].get("ingress") or [])
    ]
    assert len(exceptions) >= 7, "every exception is a rule of its own"
    for i, j in exceptions:
        trimmed = copy.deepcopy(rendered)
        del trimmed[i]["spec"]["ingress"][j]
        after = open_paths(seed, trimmed)
        name = rendered[i]["metadata"]["name"]
        assert after < before, f"{stack}: without rule {j} of {name} a path closes and none opens"
    only_denies = [copy.deepcopy(p) for p in rendered]
    for p in only_denies:
        p["spec"].pop("ingress", None)
    assert open_paths(seed, only_denies) == set(), f"{stack}: without every allow rule, everything is denied"


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_both_guarded_namespaces_deny_by_default_before_any_exception(stack: str) -> None:
    seed = render_seed(stack)

    def wave(p: dict[str, Any]) -> int:
        return int(p["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))

    rendered = policies(seed)
    for ns in {p["metadata"]["namespace"] for p in rendered}:
        here = [p for p in rendered if p["metadata"]["namespace"] == ns]
        denies = [p for p in here if p["spec"]["podSelector"] == {} and "ingress" not in p["spec"]]
        assert len(denies) == 1, f"{stack}: {ns} has one default deny"
        assert all(wave(denies[0]) < wave(p) for p in here if p is not denies[0]), (
            f"{stack}: {ns} denies first"
        )


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_the_ports_and_labels_the_policies_name_are_the_ones_the_charts_render(stack: str) -> None:
    seed = render_seed(stack)
    lite, gw = values(seed, "litellm", "litellm"), values(seed, "inference-gateway", "inference-gateway")
    assert lite["gatewayProxy"] == {
        "podLabelKey": gw["gateway"]["podLabelKey"],
        "name": gw["gateway"]["name"],
        "port": gw["gateway"]["port"],
    }, "LiteLLM's namespace admits the proxies of the gateway the inference-gateway chart declares"
    (gateway,) = [o for o in seed.app("inference-gateway").objects if o["kind"] == "Gateway"]
    (listener,) = gateway["spec"]["listeners"]
    assert listener["port"] == gw["gateway"]["port"] >= 1024, (
        "an unprivileged listener: one port number end to end"
    )
    assert lite["upstream"]["baseUrl"].startswith(
        f"http://{gw['gateway']['name']}.{gw['gateway']['namespace']}.svc"
    )
    assert f":{gw['gateway']['port']}/" in lite["upstream"]["baseUrl"], "LiteLLM calls the listener's port"
    (deployment,) = [o for o in seed.app("litellm").objects if o["kind"] == "Deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == lite["port"]


# ------------------------------------------------------------------------------------- LiteLLM itself


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_litellm_replicas_share_one_valkey_for_limits_and_budgets(stack: str) -> None:
    seed = render_seed(stack)
    lite = values(seed, "litellm", "litellm")
    (configmap,) = [o for o in seed.app("litellm").objects if o["kind"] == "ConfigMap"]
    config = yaml.safe_load(configmap["data"]["config.yaml"])
    store = (lite["store"]["host"], lite["store"]["port"])
    router = config["router_settings"]
    assert (
        set(LITELLM["routerStoreKeys"]) <= set(router)
        and (router["redis_host"], router["redis_port"]) == store
    )
    cache = config["litellm_settings"]["cache_params"]
    assert config["litellm_settings"]["cache"] is True and cache["type"] == LITELLM["cacheStoreType"]
    assert (cache["host"], cache["port"]) == store, "the limiter and budget counters use the same store"
    assert cache["supported_call_types"] == [], "a counter store, not a response cache"
    valkey = seed.app("litellm-valkey").application["spec"]
    release, ns = valkey["source"]["helm"]["releaseName"], valkey["destination"]["namespace"]
    assert lite["store"]["host"] == f"{release}.{ns}.svc.cluster.local", "LiteLLM names the Valkey Service"
    assert ns == seed.app("litellm").application["spec"]["destination"]["namespace"]
    assert lite["store"]["podSelector"]["app.kubernetes.io/instance"] == release, (
        "its policy selects that release"
    )
    tag = seed.app("litellm-valkey").values()["image"]["tag"]
    assert DIGEST_TAG.match(tag), (
        f"{stack}: Valkey's image is pinned by digest (chart tag <version>@sha256:...)"
    )


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_litellm_survives_a_drain_and_goes_unready_without_its_database(stack: str) -> None:
    objects = render_seed(stack).app("litellm").objects
    (deployment,) = [o for o in objects if o["kind"] == "Deployment"]
    (pdb,) = [o for o in objects if o["kind"] == "PodDisruptionBudget"]
    assert deployment["spec"]["replicas"] >= 2 and pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"] == deployment["spec"]["selector"], "the budget covers LiteLLM's pods"
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == LITELLM["readinessPath"], (
        "readiness is the endpoint that checks the database (503 when it is unreachable)"
    )
    assert container["livenessProbe"]["httpGet"]["path"] == LITELLM["livenessPath"], (
        "liveness checks no dependency: a database outage takes LiteLLM out of service, no restart loop"
    )
    (configmap,) = [o for o in objects if o["kind"] == "ConfigMap"]
    assert (
        yaml.safe_load(configmap["data"]["config.yaml"])["general_settings"][
            "allow_requests_on_db_unavailable"
        ]
        is False
    )


@pytest.mark.parametrize("stack", GATEWAY_STACKS)
def test_the_salt_key_comes_from_the_secret_manager(stack: str) -> None:
    seed = render_seed(stack)
    (es,) = [o for o in seed.app("litellm").objects if o["kind"] == "ExternalSecret"]
    refs = {d["secretKey"]: d["remoteRef"]["key"] for d in es["spec"]["data"]}
    prefix = seed.secret.annotations["secrets_prefix"]
    assert refs[LITELLM["saltKeyEnv"]] == f"{prefix}litellm-salt-key", "never generated in the cluster or git"


def test_litellm_refuses_to_render_without_a_shared_store_or_with_one_replica() -> None:
    app = render_seed("gcp-full").app("litellm")
    base = app.values()
    with pytest.raises(helm_python.HelmError, match=r"store\.host is empty"):
        render_chart(
            "litellm", base | {"store": {"host": ""}}, release="litellm", namespace="t", kube_version="1.35"
        )
    with pytest.raises(helm_python.HelmError, match="replicas must be at least 2"):
        render_chart("litellm", base | {"replicas": 1}, release="litellm", namespace="t", kube_version="1.35")
