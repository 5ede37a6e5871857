"""The bootstrap component: Argo CD pinned, the contract on the cluster Secret, roots per profile,
narrowing refused, no credential anywhere, values that survive the upstream charts' `tpl` (rendered with
Helm), and a teardown order that leaves nothing behind."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from bootstrap.argocd import argocd_values
from bootstrap.cluster_secret import annotation_keys_added_by_bootstrap
from bootstrap.layers import LAYER_ROOTS, LAYERS, layers_for, roots_for
from bootstrap.roots import CASCADE_FINALIZER
from bootstrap.secrets_root import ESO_CHART_VERSION, eso_values
from offline.engine import Registration, Rendering, is_secret
from stacks import loader
from stacks.schema import DEFAULT_ARGOCD_CHART_VERSION
from substrate.contract import ResolvedContract, contract_keys
from tests.stack_fixtures import fixture_stack_names, render_stack, stack_raw

SEED_LAYERS = Path(__file__).resolve().parent.parent / "seeds" / "layers"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ESO_EXTRA_OBJECTS_CHART = FIXTURES / "charts" / "eso-extra-objects"
RELEASE = "kubernetes:helm.sh/v3:Release"
SECRET = "kubernetes:core/v1:Secret"
APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application"


def roots(r: Rendering) -> dict[str, Registration]:
    return {a.inputs["metadata"]["name"]: a for a in r.of_type(APPLICATION)}


def test_argo_cd_is_installed_from_the_pinned_chart_with_a_cold_cluster_timeout() -> None:
    release = render_stack("gcp-full").one(RELEASE)
    assert (release.inputs["chart"], release.inputs["version"]) == ("argo-cd", "9.1.0")
    assert release.inputs["repositoryOpts"] == {"repo": "https://argoproj.github.io/argo-helm"}
    assert release.inputs["namespace"] == "argocd"
    assert release.inputs["timeout"] >= 1200, "a cold GPU cluster needs more than helm's 300 s"


def test_a_later_up_does_not_fight_argo_cd_managing_itself() -> None:
    release = render_stack("gcp-full").one(RELEASE)
    assert {"version", "values"} <= set(release.ignore_changes)
    secret = render_stack("gcp-full").one(SECRET)
    assert secret.inputs["metadata"]["annotations"]["argocd_chart_version"] == "9.1.0", (
        "the seed's self-managing Application reads the version from the cluster Secret"
    )


def test_the_cluster_secret_carries_the_contract_as_flags_and_values() -> None:
    r = render_stack("gcp-full")
    meta = r.one(SECRET).inputs["metadata"]
    labels, annotations = meta["labels"], meta["annotations"]
    assert labels["argocd.argoproj.io/secret-type"] == "cluster"
    assert (labels["cloud"], labels["gpu_stack"], labels["environment"], labels["profile"]) == (
        "gcp",
        "managed",
        "prod",
        "full",
    )
    contract = r.outputs["contract"]
    for key in contract_keys():
        assert annotations[key] == contract[key], f"annotation {key} carries the contract value"
    assert annotations["addons_repo_url"] == "https://github.com/acme/llm-platform.git"
    assert annotations["addons_repo_basepath"] == "seeds"
    assert (annotations["gcp_project_id"], annotations["gcp_region"]) == ("acme-llm-prod", "us-central1")
    assert set(annotations) == set(contract_keys()) | (
        annotation_keys_added_by_bootstrap() - {"aws_region", "aws_account_id"}
    )
    assert all(len(v) <= 63 for v in labels.values()), "label values fit Kubernetes' limit"


def test_flags_follow_the_profile_and_the_contract() -> None:
    full = render_stack("gcp-full").one(SECRET).inputs["metadata"]["labels"]
    serving = render_stack("gcp-serving").one(SECRET).inputs["metadata"]["labels"]
    assert {k for k in serving if k.startswith("enable_")} < {k for k in full if k.startswith("enable_")}, (
        "profiles are cumulative: serving's flags are a subset of full's"
    )
    assert "enable_kserve" in full and "enable_kserve" not in serving
    assert full["enable_dcgm_exporter"] == "true" and "enable_gpu_operator" not in full, "GKE owns the driver"
    local = render_stack("local").one(SECRET).inputs["metadata"]["labels"]
    assert local["enable_gpu_operator"] == "true" and "enable_external_dns" not in local


def test_the_cluster_secret_holds_no_credential() -> None:
    secret = render_stack("gcp-full").one(SECRET).inputs
    assert is_secret(secret["stringData"]), "the Kubernetes SDK stores Secret data encrypted"
    data = secret["stringData"]["value"]
    assert set(data) == {"name", "server", "config"}
    assert data["server"] == "https://kubernetes.default.svc"
    config = json.loads(data["config"])
    assert config == {"tlsClientConfig": {"insecure": False}}, "no bearer token, password or key"
    assert "data" not in secret


@pytest.mark.parametrize(
    ("stack", "layers"),
    [
        ("gcp-serving", ["platform", "serving"]),
        ("gcp-llm-gateway", ["platform", "serving", "llm-gateway"]),
        ("gcp-full", list(LAYERS)),
    ],
)
def test_each_profile_gets_the_roots_of_its_layers_cumulatively(stack: str, layers: list[str]) -> None:
    found = roots(render_stack(stack))
    directories = [root for layer in layers for root in LAYER_ROOTS[layer]]
    assert set(found) == {"platform-secrets", *(f"layer-{root}" for root in directories)}
    for layer in layers:
        for root in LAYER_ROOTS[layer]:
            application = found[f"layer-{root}"].inputs
            assert application["metadata"]["labels"]["llm-platform.io/layer"] == layer
            source = application["spec"]["source"]
            assert source["path"] == f"seeds/layers/{root}"
            assert source["repoURL"] == stack_raw(stack)["gitops"]["repoURL"]
            assert source["directory"] == {"recurse": True}


def test_roots_cascade_deletion_with_a_timeout() -> None:
    for name, root in roots(render_stack("gcp-full")).items():
        assert root.inputs["metadata"]["finalizers"] == [CASCADE_FINALIZER], name
        assert root.delete_timeout == "45m", name
        assert root.inputs["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}


def test_narrowing_a_profile_is_refused_unless_the_stack_allows_it() -> None:
    guarded = roots(render_stack("gcp-full"))
    assert all(r.protect for r in guarded.values()), "the engine refuses to delete a protected root"
    allowed = roots(render_stack("gcp-full", argocd={"chartVersion": "9.1.0", "allowLayerRemoval": True}))
    assert not any(r.protect for r in allowed.values())


def test_layers_for_rejects_an_unknown_profile() -> None:
    assert layers_for("serving") == ("platform", "serving")
    with pytest.raises(ValueError, match="allowed: serving, llm-gateway, full"):
        layers_for("platform-only")


def test_the_secrets_root_installs_pinned_eso_with_the_contract_store_and_no_value() -> None:
    root = roots(render_stack("gcp-full"))["platform-secrets"].inputs["spec"]
    assert (root["source"]["chart"], root["source"]["targetRevision"]) == (
        "external-secrets",
        ESO_CHART_VERSION,
    )
    values = root["source"]["helm"]["valuesObject"]
    assert values["serviceAccount"]["annotations"] == {
        "iam.gke.io/gcp-service-account": "llm-full-eso@acme-llm-prod.iam.gserviceaccount.com"
    }
    (store,) = values["extraObjects"]
    assert store["kind"] == "ClusterSecretStore"
    assert store["spec"]["provider"] == {"gcpsm": {"projectID": "acme-llm-prod"}}


def test_a_private_seed_repo_gets_its_credential_from_the_secret_manager_not_from_pulumi() -> None:
    gitops = stack_raw("gcp-full")["gitops"] | {"credentialsSecret": "argocd-repo-credentials"}
    r = render_stack("gcp-full", gitops=gitops)
    values = roots(r)["platform-secrets"].inputs["spec"]["source"]["helm"]["valuesObject"]
    repo = next(o for o in values["extraObjects"] if o["kind"] == "ExternalSecret")
    assert repo["spec"]["dataFrom"] == [{"extract": {"key": "argocd-repo-credentials"}}]
    template = repo["spec"]["target"]["template"]
    assert template["metadata"]["labels"] == {"argocd.argoproj.io/secret-type": "repository"}
    assert template["data"]["password"] == "{{ `{{ .password }}` }}", (
        "a template for ESO, never a value, escaped for the chart's tpl"
    )
    assert not r.of_type("gcp:secretmanager/secretVersion:SecretVersion")


def _eso_chart_renders(values: dict[str, Any]) -> list[dict[str, Any]]:
    """`extraObjects` as the pinned external-secrets chart renders them (through Helm's `tpl`)."""
    with helm_python.Chart.load(ESO_EXTRA_OBJECTS_CHART) as chart:
        assert chart.version == ESO_CHART_VERSION, "the fixture follows the pinned chart version"
        rendered = chart.render(
            {"extraObjects": values["extraObjects"]}, name="platform-secrets", namespace="external-secrets"
        )
    return [d for text in rendered.values() for d in yaml.safe_load_all(text) if d]


@pytest.mark.parametrize(
    ("repo_url", "placeholders"),
    [
        ("https://github.com/acme/seed.git", {"username": "{{ .username }}", "password": "{{ .password }}"}),
        ("git@github.com:acme/seed.git", {"sshPrivateKey": "{{ .sshPrivateKey }}"}),
    ],
)
def test_the_repository_credential_reaches_eso_as_its_placeholders_through_the_charts_tpl(
    repo_url: str, placeholders: dict[str, str]
) -> None:
    contract = render_stack("gcp-full").outputs["contract"]
    values = eso_values(ResolvedContract.from_flat(contract).secrets, repo_url, "argocd-repo-credentials")
    rendered = _eso_chart_renders(values)
    (repo,) = [o for o in rendered if o["kind"] == "ExternalSecret"]
    assert repo["spec"]["target"]["template"]["data"] == {"type": "git", "url": repo_url, **placeholders}, (
        "after the external-secrets chart's tpl, ESO receives its placeholders verbatim (never empty)"
    )


def test_the_eso_fixture_chart_evaluates_templates_as_the_upstream_chart_does() -> None:
    """Unescaped, an ESO placeholder is evaluated by Helm and renders empty: the defect the escaping fixes."""
    (obj,) = _eso_chart_renders(
        {"extraObjects": [{"kind": "ExternalSecret", "data": {"p": "{{ .password }}"}}]}
    )
    assert obj["data"]["p"] == "", "the chart's tpl evaluates `{{ .password }}` against the release: empty"


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_every_object_handed_to_the_eso_chart_renders_as_written(stack: str) -> None:
    values = roots(render_stack(stack))["platform-secrets"].inputs["spec"]["source"]["helm"]["valuesObject"]
    stray = [o["kind"] for o in values["extraObjects"] if re.search(r"\{\{(?! `)", json.dumps(o))]
    assert not stray, f"every template text in extraObjects is escaped for the chart's tpl: {stray}"
    unescaped = json.loads(re.sub(r"\{\{ `(.*?)` \}\}", r"\1", json.dumps(values["extraObjects"])))
    assert _eso_chart_renders(values) == unescaped, "the chart's tpl renders every object as written"


def test_argo_cd_values_carry_no_template_for_the_argo_cd_charts_tpl() -> None:
    """The argo-cd chart tpl's only extraObjects, ingress and scheduling values — none of ours — and ours
    hold no template text either (argoproj/argo-helm, tag argo-cd-9.1.0, charts/argo-cd/templates)."""
    fact = yaml.safe_load((FIXTURES / "argo_cd_tpl_values.yaml").read_text())
    assert (fact["chart"], fact["version"]) == ("argo-cd", DEFAULT_ARGOCD_CHART_VERSION), (
        "the fact is about the chart version the bootstrap installs"
    )
    values = argocd_values("example.com")
    assert "{{" not in json.dumps(values), "nothing in the bootstrap's Argo CD values is a template"
    passed = {".".join(path) for path in _paths(values)}
    tpl = set(fact["tpl_values"])
    assert not {p for p in passed if any(p == t or p.startswith(t + ".") for t in tpl)}, (
        "no value the bootstrap hands the argo-cd chart is one the chart passes through tpl"
    )


def _paths(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(node, dict) and node:
        return [p for k, v in node.items() for p in _paths(v, (*path, str(k)))]
    return [path]


def test_a_credentials_secret_must_be_a_listed_secret() -> None:
    raw = stack_raw("gcp-full")
    raw["gitops"] = raw["gitops"] | {"credentialsSecret": "not-listed"}
    with pytest.raises(loader.ConfigError, match="not one of `secrets`"):
        loader.validate(raw)


def test_only_argo_cd_the_cluster_secret_and_roots_are_kubernetes_objects() -> None:
    r = render_stack("gcp-full")
    k8s = [reg for reg in r.resources if reg.type.startswith("kubernetes:")]
    assert {reg.type for reg in k8s} == {RELEASE, SECRET, APPLICATION}
    bootstrap = r.one("llm-platform:bootstrap:Bootstrap").urn
    for reg in k8s:
        assert reg.parent == bootstrap, f"{reg.name}: Kubernetes objects belong to the bootstrap only"


def _transitive(r: Rendering, reg: Registration) -> set[str]:
    index, seen, todo = r.by_urn(), set(), list(reg.dependencies)
    while todo:
        urn = todo.pop()
        if urn not in seen:
            seen.add(urn)
            todo += index[urn].dependencies if urn in index else []
    return seen


def test_destroy_removes_roots_then_argo_cd_then_the_substrate() -> None:
    r = render_stack("gcp-full")
    release, secret = r.one(RELEASE), r.one(SECRET)
    substrate = [
        reg
        for reg in r.resources
        if reg.custom and any(a.type == "llm-platform:substrate:Gke" for a in r.ancestors(reg))
    ]
    must_outlive: dict[str, Any] = {
        t: [reg.urn for reg in substrate if reg.type == t]
        for t in (
            "gcp:container/nodePool:NodePool",
            "gcp:container/cluster:Cluster",
            "gcp:compute/network:Network",
            "gcp:compute/routerNat:RouterNat",
            "gcp:dns/managedZone:ManagedZone",
        )
    }
    for type_, urns in must_outlive.items():
        assert urns and set(urns) <= set(release.dependencies), f"Argo CD is deleted before every {type_}"
    assert {reg.urn for reg in substrate} <= set(release.dependencies), (
        "Argo CD depends on the whole substrate"
    )
    assert release.urn in secret.dependencies
    chain = roots(r)
    order = ["platform-secrets", *(f"layer-{root}" for _, root in roots_for("full"))]
    for earlier, later in itertools.pairwise(order):
        assert chain[earlier].urn in chain[later].dependencies, f"{later} is deleted before {earlier}"
    for root in chain.values():
        assert release.urn in _transitive(r, root), "every root is deleted while Argo CD still runs"


def test_autoscaled_capacity_is_deleted_while_its_autoscaler_still_runs() -> None:
    """Nodes Karpenter launched are not Pulumi's: their NodePools must go while the controller runs."""
    assert [root for _, root in roots_for("serving")] == ["platform", "capacity", "serving"]
    chain = roots(render_stack("aws-full"))
    capacity, platform, serving = chain["layer-capacity"], chain["layer-platform"], chain["layer-serving"]
    assert platform.urn in capacity.dependencies, "capacity is deleted before the platform (the autoscaler)"
    assert capacity.urn in serving.dependencies, "serving workloads leave the autoscaled nodes first"
    where = {
        doc["metadata"]["name"]: path.relative_to(SEED_LAYERS).parts[0]
        for path in SEED_LAYERS.rglob("*.yaml")
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc.get("kind") == "ApplicationSet"
    }
    assert where["karpenter"] == "platform", "the controller stays with the platform's controllers"
    assert where["karpenter-gpu-nodepools"] == "capacity", "its NodePools and EC2NodeClass are capacity's"


def test_the_local_stack_installs_argo_cd_and_roots_on_an_existing_cluster_with_no_cloud_resource() -> None:
    r = render_stack("local")
    assert not [reg for reg in r.resources if reg.type.split(":")[0] in ("gcp", "aws")], "no cloud resources"
    provider = r.one("pulumi:providers:kubernetes")
    assert provider.inputs["context"] == "kind-llm-platform"
    assert "kubeconfig" not in r.outputs, "an existing cluster's kubeconfig stays the operator's"
    assert set(roots(r)) == {"platform-secrets", *(f"layer-{root}" for _, root in roots_for("serving"))}
    c = r.outputs["contract"]
    assert (c["gpu_stack"], c["gpu_driver_owner"], c["secrets_backend"]) == (
        "operator",
        "operator",
        "kubernetes",
    )
    assert c["storage_default_provisioner"] == "rancher.io/local-path"


def test_the_kubernetes_backend_gets_its_source_namespace_and_read_access_from_the_secrets_root() -> None:
    values = roots(render_stack("local"))["platform-secrets"].inputs["spec"]["source"]["helm"]["valuesObject"]
    by_kind = {o["kind"]: o for o in values["extraObjects"]}
    assert (
        by_kind["ClusterSecretStore"]["spec"]["provider"]["kubernetes"]["remoteNamespace"]
        == "platform-secrets"
    )
    namespace = by_kind["Namespace"]["metadata"]
    assert namespace["annotations"] == {"argocd.argoproj.io/sync-options": "Delete=false"}, (
        "the namespace holding people's secrets survives the root"
    )
    assert by_kind["Role"]["rules"] == [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}
    ]
    assert by_kind["RoleBinding"]["subjects"] == [
        {"kind": "ServiceAccount", "name": "external-secrets", "namespace": "external-secrets"}
    ]
    gcp = roots(render_stack("gcp-full"))["platform-secrets"].inputs["spec"]["source"]["helm"]["valuesObject"]
    assert [o["kind"] for o in gcp["extraObjects"]] == ["ClusterSecretStore"], "cloud backends need no RBAC"


@pytest.mark.parametrize("stack", fixture_stack_names())
def test_every_stacks_contract_renders_into_its_cluster_secret(stack: str) -> None:
    r = render_stack(stack)
    annotations = r.one(SECRET).inputs["metadata"]["annotations"]
    contract = r.outputs["contract"]
    assert {k: annotations[k] for k in contract_keys()} == contract, "every contract fact crosses, unchanged"
    labels = r.one(SECRET).inputs["metadata"]["labels"]
    assert labels["cloud"] == contract["cluster_cloud"] and labels["profile"] == stack_raw(stack)["profile"]
