"""GPU only through Kueue, in the full layer, as the seed renders it for every shipped stack (real Helm).

Covers: Kueue (platform layer) manages every workload of the tenant namespaces, queue label or not, with
the pod/deployment/statefulset integrations, a namespace selector that never matches kube-system or
kueue-system, and webhooks that fail closed; the full layer's tenants (one values entry each) yield their
Namespace, ClusterQueue, LocalQueue and place in the admission policy, and a second tenant gets all of
them; the ValidatingAdmissionPolicy (Fail, Deny) is evaluated with a real CEL engine on sample Pods: a GPU
pod is admitted only gated and queued by Kueue in a tenant namespace, or in a platform GPU namespace;
without Kueue's webhook (no gate) it is denied; only Kueue lifts the gate; CPU pods are untouched.
Kueue facts: tests/fixtures/kueue_v0.19.2.yaml.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from tests.seed_render import App, render_chart, render_seed
from tests.vap_cel import Request, evaluate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KUEUE = yaml.safe_load((FIXTURES / "kueue_v0.19.2.yaml").read_text())
FULL_STACKS = ["gcp-full", "aws-full"]
GPU = {"limits": {"nvidia.com/gpu": "1"}, "requests": {"nvidia.com/gpu": "1"}}
JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller"


def quotas(stack: str = "gcp-full") -> App:
    return render_seed(stack).app("kueue-quotas")


def chart_values(stack: str = "gcp-full") -> dict[str, Any]:
    """The kueue-quotas chart's values as Helm sees them: values.yaml, then what the Application passes."""
    defaults = yaml.safe_load((SEEDS / "charts" / "kueue-quotas" / "values.yaml").read_text())
    return defaults | quotas(stack).values()


def kinds(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def policy(objects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    (vap,) = kinds(objects if objects is not None else quotas().objects, "ValidatingAdmissionPolicy")
    return vap


def namespace(name: str, managed: bool = True) -> dict[str, Any]:
    labels = {"kubernetes.io/metadata.name": name}
    if managed:
        labels["llm-platform.io/kueue-managed"] = "true"
    return {"metadata": {"name": name, "labels": labels}}


def pod(resources: dict[str, Any] | None = None, *, queue: str | None = None, kueue_webhook: bool = False):
    """A Pod as the validating phase sees it: after Kueue's pod webhook if `kueue_webhook` (managed label
    and scheduling gate added, as pod_webhook.go Default does for a pod it manages)."""
    labels: dict[str, str] = {}
    if queue is not None:
        labels[KUEUE["queueLabel"]] = queue
    spec: dict[str, Any] = {"containers": [{"name": "main", "image": "x", "resources": resources or {}}]}
    if kueue_webhook:
        labels[KUEUE["managedLabel"]] = KUEUE["managedLabelValue"]
        spec["schedulingGates"] = [{"name": KUEUE["schedulingGate"]}]
    return {"metadata": {"name": "p", "labels": labels}, "spec": spec}


def kueue_config(stack: str) -> dict[str, Any]:
    values = render_seed(stack).app("kueue").values()
    return yaml.safe_load(values["managerConfig"]["controllerManagerConfigYaml"])


def with_tenants(tenants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    values = copy.deepcopy(quotas().values()) | {"tenants": tenants}
    return render_chart(
        "kueue-quotas", values, release="kueue-quotas", namespace="llm-batch", kube_version="1.35"
    )


# ------------------------------------------------------------------------------------------ Kueue config


@pytest.mark.parametrize("stack", ["gcp-full", "aws-full", "gcp-serving"])
def test_kueue_manages_every_workload_of_the_tenant_namespaces_queue_label_or_not(stack: str) -> None:
    config = kueue_config(stack)
    assert config["apiVersion"] == KUEUE["configApiVersion"], (
        f"the configuration API the Kueue {KUEUE['version']} chart speaks"
    )
    assert config["manageJobsWithoutQueueName"] is True, (
        "a workload without a queue label is gated too (it waits forever instead of running unmetered)"
    )
    frameworks = config["integrations"]["frameworks"]
    assert set(KUEUE["frameworks"]) <= set(frameworks), "Jobs, Pods, Deployments and StatefulSets are managed"
    selector = config["managedJobsNamespaceSelector"]
    assert selector["matchLabels"] == {"llm-platform.io/kueue-managed": "true"}, (
        "Kueue manages the namespaces the full layer labels as tenants"
    )
    excluded = [e for e in selector["matchExpressions"] if e["operator"] == "NotIn"]
    assert excluded and set(KUEUE["prohibitedNamespaces"]) <= set(excluded[0]["values"]), (
        "the selector can never match kube-system or kueue-system (Kueue refuses such a config)"
    )


def test_kueues_managers_survive_a_drain_because_its_webhooks_fail_closed() -> None:
    manager = render_seed("gcp-full").app("kueue").values()["controllerManager"]
    assert set(manager) <= set(KUEUE["controllerManagerValues"]), (
        f"only values the Kueue {KUEUE['version']} chart has"
    )
    assert manager["replicas"] >= 2 and manager["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}


def test_the_kueue_facts_are_those_of_the_kueue_release_the_seed_pins() -> None:
    (source,) = render_seed("gcp-full").app("kueue").sources
    assert str(source["targetRevision"]) == str(KUEUE["version"]), (
        "the Kueue fixture is read from the release the platform layer installs; re-check it on a bump"
    )


@pytest.mark.parametrize("stack", FULL_STACKS)
def test_tenant_queues_and_flavors_use_kueues_storage_api_not_the_deprecated_one(stack: str) -> None:
    objects = [o for o in quotas(stack).objects if o["kind"] in KUEUE["kinds"]]
    assert {o["kind"] for o in objects} == set(KUEUE["kinds"]), (
        "ClusterQueue, LocalQueue and ResourceFlavor render"
    )
    stale = sorted(
        {f"{o['kind']} {o['apiVersion']}" for o in objects if o["apiVersion"] != KUEUE["apiVersion"]}
    )
    assert not stale, f"Kueue objects are written in its storage version {KUEUE['apiVersion']}: {stale}"


# --------------------------------------------------------------------------------------------- tenants


@pytest.mark.parametrize("stack", FULL_STACKS)
def test_the_full_layer_renders_the_admission_policy_fail_closed_with_deny(stack: str) -> None:
    objects = quotas(stack).objects
    vap = policy(objects)
    assert vap["apiVersion"] == "admissionregistration.k8s.io/v1" and vap["spec"]["failurePolicy"] == "Fail"
    (binding,) = kinds(objects, "ValidatingAdmissionPolicyBinding")
    assert binding["spec"]["policyName"] == vap["metadata"]["name"]
    assert binding["spec"]["validationActions"] == ["Deny"], "a violation is refused, not only audited"
    (expression,) = binding["spec"]["matchResources"]["namespaceSelector"]["matchExpressions"]
    exempt = chart_values(stack)["platformGpuNamespaces"]
    assert expression == {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": exempt}, (
        "the policy binds everywhere but the short list of platform GPU namespaces"
    )
    assert set(exempt) == {"kube-system", "gpu-operator", "llm-serving", "llm-kserve"}, (
        "the platform GPU namespaces are exactly the documented ones"
    )


def test_adding_a_tenant_is_one_entry_and_every_piece_of_it_appears() -> None:
    tenants = chart_values()["tenants"] + [
        {
            "name": "research",
            "namespace": "team-research",
            "litellmTeam": "research",
            "localQueue": "research",
            "quota": {"gpus": 2, "cpu": 16, "memory": "128Gi"},
        }
    ]
    objects = with_tenants(tenants)
    (ns,) = [n for n in kinds(objects, "Namespace") if n["metadata"]["name"] == "team-research"]
    assert ns["metadata"]["labels"]["llm-platform.io/kueue-managed"] == "true", "Kueue manages it"
    assert ns["metadata"]["annotations"]["llm-platform.io/litellm-team"] == "research"
    (cq,) = [q for q in kinds(objects, "ClusterQueue") if q["metadata"]["name"] == "tenant-research"]
    assert cq["spec"]["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "team-research"}
    }
    gpus = {
        f["name"]: r["nominalQuota"]
        for f in cq["spec"]["resourceGroups"][0]["flavors"]
        for r in f["resources"]
        if r["name"] == "nvidia.com/gpu"
    }
    assert gpus and set(gpus.values()) == {2}, "its own GPU quota on every accelerator flavor"
    (lq,) = [q for q in kinds(objects, "LocalQueue") if q["metadata"]["namespace"] == "team-research"]
    assert (lq["metadata"]["name"], lq["spec"]["clusterQueue"]) == ("research", "tenant-research")
    queued = pod(GPU, queue="research", kueue_webhook=True)
    assert evaluate(policy(objects), Request("CREATE", queued, namespace("team-research"))) == [], (
        "the admission policy admits the new tenant's Kueue-gated GPU pods"
    )
    assert len(kinds(objects, "Namespace")) == 2 and len(kinds(objects, "ClusterQueue")) == 2


@pytest.mark.parametrize(
    ("tenant", "message"),
    [
        (
            {"name": "x", "namespace": "llm-serving", "litellmTeam": "x", "localQueue": "q"},
            "platform GPU namespace",
        ),
        ({"name": "x", "namespace": "kueue-system", "litellmTeam": "x", "localQueue": "q"}, "never manages"),
        ({"name": "x", "namespace": "team-x", "localQueue": "q"}, r"tenants\[1\]\.litellmTeam is empty"),
        ({"name": "x", "namespace": "llm-batch", "litellmTeam": "x", "localQueue": "q"}, "already a tenant"),
    ],
)
def test_a_bad_tenant_entry_fails_the_render_naming_the_key(tenant: dict[str, Any], message: str) -> None:
    with pytest.raises(helm_python.HelmError, match=message):
        with_tenants(chart_values()["tenants"] + [tenant])


# ------------------------------------------------------------------------------- the policy, in CEL


@pytest.mark.parametrize(
    ("resources", "name"),
    [
        (GPU, "nvidia.com/gpu"),
        ({"limits": {"amd.com/gpu": "1"}}, "amd.com/gpu"),
        ({"limits": {"gpu.intel.com/i915": "1"}}, "gpu.intel.com/i915"),
        ({"requests": {"nvidia.com/mig-1g.10gb": "1"}}, "nvidia.com/mig-1g.10gb"),
    ],
)
def test_a_gpu_pod_without_kueues_gate_is_denied_in_a_tenant_namespace(resources: dict, name: str) -> None:
    ns = namespace("llm-batch")
    assert evaluate(policy(), Request("CREATE", pod(resources), ns)), f"{name}: no queue, no gate: denied"
    assert evaluate(policy(), Request("CREATE", pod(resources, queue="gpu"), ns)), (
        f"{name}: a queue label without Kueue's webhook having gated it (webhook off or bypassed): denied"
    )
    assert evaluate(policy(), Request("CREATE", pod(resources, queue="gpu", kueue_webhook=True), ns)) == [], (
        f"{name}: queued and gated by Kueue: admitted (Kueue's quota decides when it runs)"
    )


def test_a_gpu_pod_gated_by_kueue_without_a_queue_is_denied_with_a_message_naming_the_label() -> None:
    (message,) = evaluate(policy(), Request("CREATE", pod(GPU, kueue_webhook=True), namespace("llm-batch")))
    assert KUEUE["queueLabel"] in message


def test_gpu_pods_are_denied_where_no_tenant_lives_and_where_the_tenant_label_was_removed() -> None:
    queued = pod(GPU, queue="gpu", kueue_webhook=True)
    assert evaluate(policy(), Request("CREATE", queued, namespace("default", managed=False))), (
        "a namespace nobody listed gets no GPU pods, even labelled like Kueue's"
    )
    assert evaluate(policy(), Request("CREATE", queued, namespace("llm-batch", managed=False))), (
        "a tenant namespace whose Kueue label was removed (Kueue no longer gates it) is closed, not open"
    )


def test_cpu_pods_and_pods_of_kueue_managed_jobs_are_not_refused() -> None:
    ns = namespace("llm-batch")
    assert evaluate(policy(), Request("CREATE", pod({"limits": {"cpu": "2"}}), ns)) == [], "no GPU: untouched"
    job_pod = Request("CREATE", pod(GPU), ns, username=JOB_CONTROLLER)
    assert evaluate(policy(), job_pod) == [], (
        "a Job's pods come from the Job controller; Kueue suspended the Job itself until it was admitted"
    )


def test_only_kueue_lifts_the_admission_gate() -> None:
    ns = namespace("llm-batch")
    gated = pod(GPU, queue="gpu", kueue_webhook=True)
    lifted = copy.deepcopy(gated)
    del lifted["spec"]["schedulingGates"]
    assert evaluate(policy(), Request("UPDATE", lifted, ns, old_object=gated)), (
        "a tenant cannot lift the gate"
    )
    by_kueue = Request("UPDATE", lifted, ns, old_object=gated, username=KUEUE["controllerServiceAccount"])
    assert evaluate(policy(), by_kueue) == [], "Kueue's controller lifts it when it admits the workload"
    relabel = copy.deepcopy(gated)
    relabel["metadata"]["labels"]["team"] = "a"
    assert evaluate(policy(), Request("UPDATE", relabel, ns, old_object=gated)) == [], "other updates pass"


def test_the_platforms_own_gpu_servers_are_outside_the_binding_not_exempted_inside_the_policy() -> None:
    exempt = chart_values()["platformGpuNamespaces"]
    for stack in ("gcp-full", "aws-full"):
        seed = render_seed(stack)
        serving = {a.appset.name: a.application["spec"]["destination"].get("namespace") for a in seed.apps}
        assert serving["vllm"] in exempt and serving["kserve-example"] in exempt, (
            f"{stack}: vLLM and the KServe example run in platform GPU namespaces"
        )
    for expression in [v["expression"] for v in policy()["spec"]["validations"]]:
        for ns in exempt:
            assert f"'{ns}'" not in expression, "exemptions live in the binding only, one list"
