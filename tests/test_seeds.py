"""The seed (seeds/): what Argo CD syncs inside the cluster, rendered for every fixture stack as Argo CD
renders it (tests/seed_render.py: the stack's cluster Secret through each matching ApplicationSet's Go
template, then each local chart through real Helm), plus static checks of the files themselves.

Covers: for every stack, every matching ApplicationSet and every local chart renders, every rendered
core Kubernetes object validates (strict schema, the cluster's Kubernetes minor) and every upstream chart
gets a values mapping; removing a layer never deletes CRDs (their ApplicationSets preserve resources on
deletion); every YAML document parses; every chart and git source is pinned to an exact version; every
image is pinned by digest; the seed reads only annotations the bootstrap writes and reads every contract
key; it selects only on labels the bootstrap sets; layer directories match bootstrap.layers and each
ApplicationSet selects on its layer's flag; ApplicationSets fail closed on a missing key; vLLM scales on
queue depth, never GPU utilization; the model namespace is default-deny and admits only the gateway, its
endpoint picker and Prometheus; external-dns runs with policy sync; GPU workloads tolerate the contract's
taint as read from the cluster Secret; Argo CD's self-management starts from the bootstrap's own chart
and values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import is_dataclass, replace
from pathlib import Path
from typing import Any, get_args

import helm_python
import kubernetes_validate
import pytest
import yaml

from bootstrap.argocd import argocd_values
from bootstrap.cluster_secret import LABELLED_CONTRACT_KEYS, annotation_keys_added_by_bootstrap, secret_labels
from bootstrap.layers import LAYER_ADDONS, LAYER_ROOTS, LAYERS, flag
from bootstrap.secrets_root import eso_values
from stacks.schema import ArgoCd, Cloud
from substrate.contract import GpuStack, ResolvedContract, StorageClass, contract_keys
from substrate.contract_values import driver_owners
from tests.argocd_gotemplate import render_tree
from tests.seed_render import (
    App,
    AppSet,
    SeedRender,
    appsets,
    render_applications,
    render_chart,
    render_seed,
    render_template,
)
from tests.stack_fixtures import fixture_stack_names, stack_raw

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LAYERS_DIR = SEEDS / "layers"
CHARTS_DIR = SEEDS / "charts"

EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
PINNED_IMAGE = re.compile(r"^[a-z0-9.-]+(:\d+)?(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$")
ANNOTATION_REF = re.compile(r"\.?metadata\.annotations\.([A-Za-z0-9_]+)")
ANNOTATION_INDEX_REF = re.compile(r"index\s+\.metadata\.annotations\s+\"([^\"]+)\"")
# Annotations a chart source may take its version from: the bootstrap validates them as exact x.y.z.
VERSION_ANNOTATIONS = {"argocd_chart_version"}
LOCAL_REPO = "{{.metadata.annotations.addons_repo_url}}"
LOCAL_REVISION = "{{.metadata.annotations.addons_repo_revision}}"
LOCAL_PATH = re.compile(r"^\{\{\.metadata\.annotations\.addons_repo_basepath\}\}/charts/([a-z0-9-]+)$")
GPU_UTILIZATION_METRICS = ("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gpu_util", "GPUUtil")
STACKS = fixture_stack_names()
# API groups the core schema validator knows; anything else (ExternalSecret, NodePool, ScaledObject, ...) is a
# custom resource it cannot check.
CORE_API_GROUPS = {
    "",
    "apps",
    "batch",
    "policy",
    "autoscaling",
    "rbac.authorization.k8s.io",
    "networking.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
}
UPSTREAM_SOURCES = yaml.safe_load(
    (Path(__file__).resolve().parent / "fixtures" / "upstream_seed_sources.yaml").read_text()
)["sources"]
CASCADE_FINALIZER = "resources-finalizer.argocd.argoproj.io"
CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"}


# ---------------------------------------------------------------------------------------------- helpers


def seed_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in SEEDS.rglob("*") if p.is_file() and p.suffix in suffixes)


def is_chart_template(path: Path) -> bool:
    return CHARTS_DIR in path.parents and "templates" in path.relative_to(CHARTS_DIR).parts


def load(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def local_chart_dir(a: AppSet) -> Path | None:
    for source in a.sources:
        match = LOCAL_PATH.match(source.get("path", ""))
        if match:
            return CHARTS_DIR / match.group(1)
    return None


def appset(name: str) -> AppSet:
    (found,) = [a for a in appsets() if a.name == name]
    return found


def chart_text(chart: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((chart / "templates").glob("*")))


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*path, str(i)))


def seed(stack: str = "gcp-full") -> SeedRender:
    """The seed as Argo CD renders it for a stack (by default gcp-full, the widest GKE stack)."""
    return render_seed(stack)


def chart_render(chart: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """A local chart rendered with other values than the seed passes (for branches no stack takes)."""
    return render_chart(chart, values, release=chart, namespace="test", kube_version=seed().kube_version)


def is_core(obj: dict[str, Any]) -> bool:
    group = obj["apiVersion"].rpartition("/")[0] if "/" in obj["apiVersion"] else ""
    return group in CORE_API_GROUPS


def upstream_source(source: dict[str, Any]) -> dict[str, Any] | None:
    """The fixture's entry for an upstream source (repository, and chart or path)."""
    for entry in UPSTREAM_SOURCES:
        if (
            entry["repoURL"] == source.get("repoURL")
            and entry.get("chart") == source.get("chart")
            and entry.get("path", source.get("path")) == source.get("path")
        ):
            return dict(entry)
    return None


def installs_crds(app: App) -> str:
    """`only`, `bundled` or `none`: from the rendered local chart, or the fixture for an upstream source."""
    if app.chart is not None:
        crds = [o for o in app.objects if o["kind"] == "CustomResourceDefinition"]
        return "none" if not crds else "only" if len(crds) == len(app.objects) else "bundled"
    kinds = set()
    for source in app.sources:
        entry = upstream_source(source)
        what = " ".join(
            str(source.get(k)) for k in ("repoURL", "chart", "path", "targetRevision") if k in source
        )
        assert entry is not None, (
            f"{app.appset.where}: upstream source {what} must be classified in "
            "tests/fixtures/upstream_seed_sources.yaml"
        )
        kinds.add(entry["crds"])
    return "only" if kinds == {"only"} else "bundled" if kinds & {"only", "bundled"} else "none"


def bootstrap_label_keys() -> set[str]:
    """Every label the bootstrap can put on the cluster Secret, across every branch it takes."""
    keys: set[str] = set()
    base = sample_contract()
    for gpu_stack in get_args(GpuStack):
        for autoscaler in ("karpenter", "cluster-autoscaler"):
            for dns in ("none", "google"):
                contract = replace(
                    base,
                    gpu=replace(base.gpu, stack=gpu_stack),
                    node_autoscaler=replace(base.node_autoscaler, kind=autoscaler),
                    dns=replace(base.dns, provider=dns),
                )
                keys |= set(secret_labels(contract, profile=LAYERS[-1], environment="dev"))
    return keys


def sample_contract() -> ResolvedContract:
    """A real contract record, as the cluster Secret of a fixture stack carries it."""
    return ResolvedContract.from_flat(seed(STACKS[0]).secret.annotations)


# ------------------------------------------------------------------------------------------ the tests


def test_every_yaml_document_under_seeds_parses() -> None:
    files = seed_files(".yaml", ".yml")
    assert files, "the seed has YAML files"
    for path in files:
        if is_chart_template(path):
            continue
        try:
            load(path)
        except yaml.YAMLError as e:
            pytest.fail(f"{path.relative_to(SEEDS)} must be valid YAML: {e}")


@pytest.mark.parametrize("stack", STACKS)
def test_every_matching_applicationset_and_local_chart_renders_for_every_stack(stack: str) -> None:
    rendered = render_seed(stack)  # raises, naming stack, ApplicationSet and chart, on any template error
    selected = {a.appset.name for a in rendered.apps}
    for name in ("platform-contract", "vllm", "argocd", "secret-access"):
        assert name in selected, f"{stack}: the {name} ApplicationSet selects every stack's cluster Secret"
    for app in rendered.apps:
        assert app.application["metadata"]["name"] == f"{app.appset.name}-{rendered.secret.name}", (
            f"{stack}: {app.appset.where} names its Application after the cluster"
        )
        assert "{{" not in repr(app.application), f"{stack}: {app.appset.where} leaves no template unrendered"


@pytest.mark.parametrize("stack", STACKS)
def test_every_upstream_chart_gets_its_values_as_a_yaml_mapping(stack: str) -> None:
    upstream = [app for app in render_seed(stack).apps if app.chart is None]
    assert upstream, f"{stack}: the seed installs upstream charts"
    for app in upstream:
        for source in app.sources:
            text = source.get("helm", {}).get("values")
            if text is not None:
                assert isinstance(yaml.safe_load(text), dict), (
                    f"{stack}: {app.appset.where} passes helm.values that are a YAML mapping"
                )


@pytest.mark.parametrize("stack", STACKS)
def test_every_rendered_core_object_validates_at_the_clusters_kubernetes_version(stack: str) -> None:
    rendered = render_seed(stack)
    validated, custom = 0, 0
    for app, obj in rendered.objects():
        if not is_core(obj):
            custom += 1  # ExternalSecret, NodePool, ScaledObject, ...: no core schema
            continue
        where = (
            f"{stack}: {obj['kind']} {obj['metadata'].get('name')} of chart {app.chart} ({app.appset.where})"
        )
        try:
            kubernetes_validate.validate(obj, rendered.kube_version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            pytest.fail(f"{where}: {obj['apiVersion']} is not served by Kubernetes {rendered.kube_version}")
        except kubernetes_validate.ValidationError as e:
            pytest.fail(f"{where} is invalid for Kubernetes {rendered.kube_version}: {e}")
        validated += 1
    assert validated >= 1, (
        f"{stack}: at least one core object is validated ({custom} custom resources skipped)"
    )


def test_the_rendering_fails_closed_on_a_missing_annotation_and_on_functions_argo_cd_lacks() -> None:
    secret = seed().secret
    missing = replace(secret, annotations={k: v for k, v in secret.annotations.items() if k != "dns_zone_id"})
    with pytest.raises(helm_python.HelmError, match='no entry for key "dns_zone_id"'):
        render_template(appset("external-dns"), missing.params())  # missingkey=error, as Argo CD runs it
    with pytest.raises(ValueError, match="include"):
        render_tree({"values": '{{ include "helper" . }}'}, secret.params(), ["missingkey=error"])


def test_the_kubernetes_version_each_stack_is_checked_at_is_its_clusters() -> None:
    assert seed("aws-full").kube_version == stack_raw("aws-full")["aws"]["kubernetesVersion"], (
        "EKS: the version the stack pins"
    )
    assert seed("gcp-full").kube_version == "1.35", "GKE REGULAR channel: 1.35"
    assert seed("local").kube_version == "1.34", "an existing (kind) cluster: 1.34"


@pytest.mark.parametrize("stack", STACKS)
def test_removing_a_layer_never_deletes_crds(stack: str) -> None:
    removable = {root for layer in LAYERS[1:] for root in LAYER_ROOTS[layer]}
    crd_apps = 0
    for app in render_seed(stack).apps:
        crds = installs_crds(app)
        if crds == "only":
            crd_apps += 1
            assert app.appset.spec.get("syncPolicy", {}).get("preserveResourcesOnDeletion") is True, (
                f"{app.appset.where}: an ApplicationSet installing CRDs preserves resources on deletion, so "
                "deleting it (removing its layer) never deletes the CRDs and every object of their kinds"
            )
            assert CASCADE_FINALIZER not in app.appset.template["metadata"].get("finalizers", []), (
                f"{app.appset.where}: a CRD Application carries no cascade finalizer"
            )
            assert app.application["spec"]["syncPolicy"]["automated"]["prune"] is False, (
                f"{app.appset.where}: CRDs are never pruned"
            )
        elif crds == "bundled":
            assert app.appset.root not in removable, (
                f"{app.appset.where}: a chart bundling CRDs with its controller lives in the platform layer, "
                "which every profile keeps; elsewhere its CRDs need an Application of their own"
            )
    if render_seed(stack).secret.labels.get("enable_llm_gateway") == "true":
        assert crd_apps >= 2, f"{stack}: the llm-gateway layer installs CRD-only Applications"


def test_every_local_chart_has_metadata_values_and_templates() -> None:
    charts = [p for p in CHARTS_DIR.iterdir() if p.is_dir()]
    assert charts, "the seed ships local charts"
    for chart in charts:
        meta = yaml.safe_load((chart / "Chart.yaml").read_text())
        assert meta["apiVersion"] == "v2" and meta["name"] == chart.name, (
            f"{chart.name}: Chart.yaml must be apiVersion v2 and named like its directory"
        )
        assert EXACT_VERSION.match(str(meta["version"])), f"{chart.name}: the chart version must be x.y.z"
        assert (chart / "values.yaml").is_file(), f"{chart.name}: a chart documents its values in values.yaml"
        assert list((chart / "templates").glob("*.yaml")), f"{chart.name}: a chart renders something"


def test_every_applicationset_uses_go_templates_that_fail_on_a_missing_key() -> None:
    found = appsets()
    assert len(found) >= len(LAYERS), "every layer has ApplicationSets"
    for a in found:
        assert a.spec.get("goTemplate") is True, f"{a.name}: ApplicationSets use goTemplate: true"
        assert "missingkey=error" in a.spec.get("goTemplateOptions", []), (
            f"{a.name}: goTemplateOptions must include missingkey=error (fail closed on a missing annotation)"
        )
        assert a.doc["metadata"]["namespace"] == "argocd", f"{a.name}: ApplicationSets live in argocd"
        assert "{{.name}}" in a.template["metadata"]["name"], (
            f"{a.name}: Application names carry the cluster name"
        )
        assert a.template["spec"]["destination"]["server"] == "{{.server}}", (
            f"{a.name}: the destination is the generated cluster's server"
        )


def test_every_chart_source_is_pinned_to_an_exact_version() -> None:
    for a in appsets():
        for source in a.sources:
            revision = str(source.get("targetRevision", ""))
            if source.get("repoURL") == LOCAL_REPO:
                assert revision == LOCAL_REVISION, (
                    f"{a.name}: local charts follow the seed's own revision (addons_repo_revision)"
                )
                continue
            refs = set(ANNOTATION_REF.findall(revision))
            if refs:
                assert refs <= VERSION_ANNOTATIONS and re.fullmatch(
                    r"\{\{\.metadata\.annotations\.\w+\}\}", revision
                ), f"{a.name}: a templated chart version may only be an annotation validated as exact"
                continue
            assert EXACT_VERSION.match(revision), (
                f"{a.name}: {source.get('repoURL')} {source.get('chart', '')} must pin an exact version "
                f"(x.y.z), not a range, '*', 'latest' or a branch; got {revision!r}"
            )


def test_a_templated_chart_version_comes_from_a_stack_setting_that_refuses_ranges() -> None:
    for bad in ("^9.1.0", "9.x", "*", "latest", "~9.1"):
        with pytest.raises(ValueError, match="exact"):
            ArgoCd(chart_version=bad)


def test_every_applicationset_pointing_at_a_local_chart_names_one_that_exists() -> None:
    for a in appsets():
        for source in a.sources:
            if source.get("repoURL") != LOCAL_REPO:
                continue
            match = LOCAL_PATH.match(source.get("path", ""))
            assert match, f"{a.name}: local sources are <addons_repo_basepath>/charts/<chart>"
            assert (CHARTS_DIR / match.group(1) / "Chart.yaml").is_file(), (
                f"{a.name}: chart {match.group(1)} must exist under seeds/charts"
            )


def images(obj: Any) -> Iterator[tuple[str, str]]:
    """(field, image) for every container image, image volume and OCI storageUri in a rendered object."""
    for path, node in walk(obj):
        if not path or not isinstance(node, str):
            continue
        if path[-1] == "image" and len(path) >= 3 and path[-3] in CONTAINER_LISTS:
            yield ".".join(path), node
        elif path[-2:] == ("image", "reference") or (path[-1] == "storageUri" and node.startswith("oci://")):
            yield ".".join(path), node.removeprefix("oci://")


def test_every_image_the_seed_renders_is_pinned_by_digest_in_every_stack_and_delivery() -> None:
    checked = 0
    rendered: list[tuple[str, list[dict[str, Any]]]] = []
    for stack in STACKS:
        rendered += [(f"{stack}: chart {app.chart}", app.objects) for app in seed(stack).apps if app.chart]
    vllm = seed().app("vllm")
    for delivery in ("sidecar", "imageVolume"):  # both modelcar deliveries, whichever the example uses
        values = vllm.values() | {"model": vllm.values()["model"] | {"delivery": delivery}}
        rendered.append((f"vllm-server delivery {delivery}", chart_render("vllm-server", values)))
    for where, objects in rendered:
        for obj in objects:
            for path, image in images(obj):
                checked += 1
                assert PINNED_IMAGE.match(image), (
                    f"{where}: {obj['kind']} {obj['metadata']['name']} {path} must be pinned by digest "
                    f"(name@sha256:<64 hex>); got {image}"
                )
    assert checked >= 10, "the seed's own workloads set their images"


def test_local_charts_fail_the_render_on_a_tag_or_an_unknown_contract() -> None:
    vllm = seed().app("vllm").values()
    with pytest.raises(helm_python.HelmError, match=r"model\.digest must be sha256"):
        chart_render("vllm-server", vllm | {"model": vllm["model"] | {"digest": "latest"}})
    contract = seed().app("platform-contract").values()
    with pytest.raises(helm_python.HelmError, match='schema_version "v0"'):
        chart_render("platform-contract", {"contract": contract["contract"] | {"schema_version": "v0"}})


def test_every_digest_value_is_a_sha256_digest_and_charts_refuse_anything_else() -> None:
    digest_line = re.compile(r"^\s*digest:\s*(\S+)\s*(#.*)?$")
    for path in seed_files(".yaml", ".yml"):
        if is_chart_template(path):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            match = digest_line.match(line)
            if not match:
                continue
            value = match.group(1).strip("\"'")
            is_placeholder = value == "" and path.name == "values.yaml"
            assert DIGEST.match(value) or is_placeholder, (
                f'{path.relative_to(SEEDS)}:{n}: a digest is sha256:<64 hex> (or "" as a required value)'
            )
    for chart in (c for c in CHARTS_DIR.iterdir() if c.is_dir()):
        text = chart_text(chart)
        used = set(re.findall(r"\.Values\.([A-Za-z0-9_.]*digest)\b", text))
        for dotted in used:
            assert re.search(
                r'regexMatch\s+(\$digest|"\^sha256:\[0-9a-f\]\{64\}\$")\s+\.Values\.' + re.escape(dotted),
                text,
            ), f"{chart.name}: .Values.{dotted} must be validated as sha256:<64 hex> before it is used"


def test_image_mappings_in_values_carry_a_digest_not_a_tag() -> None:
    documents: list[tuple[str, Any]] = [
        (str(p.relative_to(SEEDS)), yaml.safe_load(p.read_text())) for p in CHARTS_DIR.glob("*/values.yaml")
    ]
    documents += [
        (f"{stack}:{app.appset.where}", app.values()) for stack in STACKS for app in seed(stack).apps
    ]
    for where, doc in documents:
        for path, node in walk(doc):
            if path and path[-1] == "image" and isinstance(node, dict) and "repository" in node:
                assert "digest" in node and "tag" not in node, (
                    f"{where}: {'.'.join(path)} sets a repository, so it must pin a digest (and no tag)"
                )


def test_the_seed_reads_only_annotations_the_bootstrap_writes() -> None:
    known = set(contract_keys()) | annotation_keys_added_by_bootstrap()
    for path in seed_files(".yaml", ".yml", ".tpl", ".md"):
        text = path.read_text()
        used = set(ANNOTATION_REF.findall(text)) | set(ANNOTATION_INDEX_REF.findall(text))
        unknown = sorted(used - known)
        assert not unknown, (
            f"{path.relative_to(SEEDS)} reads annotations the cluster Secret never carries: {unknown}"
        )


# Facts the in-cluster side only reports (in the platform-contract ConfigMap): the substrate already
# applied these levers, so no manifest needs them. Every other key must drive something.
REPORTED_ONLY = {
    "cold_start_image_streaming": "image streaming is a node setting the substrate applies",
    "cold_start_preloaded_images": "the secondary boot disk / image snapshot is a node setting",
    "cold_start_warm_pool_min_nodes": "warm GPU nodes are the node pools' minimum",
    "cold_start_model_cache_class": "the same class as storage_model_cache_name, which vLLM reads",
}


class _Recorder:
    """A contract record that records which flat keys (`section_field`) a bootstrap function reads."""

    def __init__(self, record: Any, read: set[str], prefix: str = "") -> None:
        self._record, self._read, self._prefix = record, read, prefix

    def __getattr__(self, name: str) -> Any:
        key = f"{self._prefix}_{name}" if self._prefix else name
        value = getattr(self._record, name)
        if is_dataclass(value) and not isinstance(value, StorageClass):
            return _Recorder(value, self._read, key)
        self._read.add(key)
        return value


def keys_the_bootstrap_consumes() -> set[str]:
    """Contract keys the bootstrap itself turns into labels, flags or the secrets root (every branch)."""
    read: set[str] = set()
    base = sample_contract()
    for backend in ("gcp-secret-manager", "aws-secrets-manager", "vault", "kubernetes"):
        record = replace(
            base,
            # An annotated identity, so the branch that reads its value runs too.
            secrets=replace(
                base.secrets, backend=backend, identity=replace(base.secrets.identity, annotation_key="x")
            ),
            gpu=replace(base.gpu, stack="operator"),
            node_autoscaler=replace(base.node_autoscaler, kind="karpenter"),
        )
        contract: Any = _Recorder(record, read)
        secret_labels(contract, profile="full", environment="dev")
        eso_values(contract.secrets, "https://example.com/repo.git", "creds")
    return read


def keys_the_seed_reads_outside_the_contract_configmap() -> set[str]:
    used: set[str] = set()
    for path in seed_files(".yaml", ".yml", ".tpl"):
        if path.parent.name == "templates" and path.name == "configmap.yaml":
            continue  # the ConfigMap copies every key: copying is not consuming
        lines, kept, block = path.read_text().splitlines(), [], None
        for line in lines:  # drop the platform-contract `contract:` values block (it feeds the ConfigMap)
            indent = len(line) - len(line.lstrip())
            if block is not None and (not line.strip() or indent > block):
                continue
            block = indent if line.strip() == "contract:" else None
            kept.append(line)
        text = "\n".join(kept)
        used |= set(ANNOTATION_REF.findall(text)) | set(ANNOTATION_INDEX_REF.findall(text))
        used |= {
            f"storage_{c}_{f}" for c in ("default", "fast", "model_cache") for f in _storage_fields(text)
        }
    return used


def _storage_fields(text: str) -> set[str]:
    """Fields the platform-contract chart reads as `storage_<class>_<field>` through printf."""
    return set(re.findall(r'printf "storage_%s_([a-z_]+)"', text))


def test_every_contract_key_drives_something_in_the_seed_or_the_bootstrap() -> None:
    consumed = keys_the_seed_reads_outside_the_contract_configmap() | keys_the_bootstrap_consumes()
    dead = sorted(set(contract_keys()) - consumed - set(REPORTED_ONLY))
    assert not dead, f"contract keys nothing consumes (no dead contract facts): {dead}"
    stale = sorted(set(REPORTED_ONLY) & consumed)
    assert not stale, f"keys listed as reported-only are in fact consumed; drop them from the list: {stale}"


def test_every_contract_key_reaches_the_cluster_side() -> None:
    used: set[str] = set()
    for path in seed_files(".yaml", ".yml", ".tpl"):
        text = path.read_text()
        used |= set(ANNOTATION_REF.findall(text)) | set(ANNOTATION_INDEX_REF.findall(text))
    assert set(contract_keys()) <= used, (
        "every contract key is read by the seed (at least into its ConfigMap)"
    )


def test_the_contract_configmap_receives_every_contract_key() -> None:
    for stack in STACKS:
        rendered = seed(stack)
        (configmap,) = [o for o in rendered.app("platform-contract").objects if o["kind"] == "ConfigMap"]
        assert configmap["data"] == {k: rendered.secret.annotations[k] for k in contract_keys()}, (
            f"{stack}: the platform-contract ConfigMap holds every contract fact, verbatim, under its name"
        )
    for key in contract_keys():
        assert (
            f"{key}: {{{{ .metadata.annotations.{key} | quote }}}}" in appset("platform-contract").values_text
        ), f"contract key {key} is passed verbatim from its annotation"


def test_every_selector_label_is_one_the_bootstrap_sets_with_a_value_it_can_take() -> None:
    allowed = bootstrap_label_keys()
    values: dict[str, set[str]] = {
        "cloud": set(get_args(Cloud)),
        "gpu_stack": set(get_args(GpuStack)),
        "gpu_driver_owner": set(driver_owners()),
    }
    assert set(LABELLED_CONTRACT_KEYS.values()) <= allowed
    for a in appsets():
        for selector in a.selectors:
            assert selector.get("matchLabels"), f"{a.name}: a cluster generator always selects by flags"
            for key, value in selector["matchLabels"].items():
                assert key in allowed, f"{a.name}: selects on label {key}, which the bootstrap never sets"
                if key.startswith("enable_"):
                    assert value == "true", f'{a.name}: flags are selected with the string "true"'
                if key in values:
                    assert value in values[key], (
                        f"{a.name}: {key}={value} is a value the bootstrap never writes"
                    )
            for expression in selector.get("matchExpressions", []):
                key = expression["key"]
                assert key in allowed, f"{a.name}: selects on label {key}, which the bootstrap never sets"
                assert set(expression.get("values", [])) <= values.get(
                    key, set(expression.get("values", []))
                ), f"{a.name}: {key} can never take {expression['values']}"


def test_layer_directories_are_exactly_the_bootstrap_roots() -> None:
    dirs = {p.name for p in LAYERS_DIR.iterdir() if p.is_dir()}
    expected = {root for roots in LAYER_ROOTS.values() for root in roots}
    assert dirs == expected, (
        f"seeds/layers must hold exactly the roots {sorted(expected)}; found {sorted(dirs)}"
    )
    assert not list(LAYERS_DIR.glob("*.yaml")), "manifests live inside a layer directory"


def test_every_applicationset_selects_on_its_layer_flag_so_narrowing_removes_it() -> None:
    for a in appsets():
        for selector in a.selectors:
            assert selector["matchLabels"].get(flag(a.layer)) == "true", (
                f'{a.path.relative_to(SEEDS)}:{a.name}: must select {flag(a.layer)}: "true"'
            )
    for layer in LAYERS:
        assert any(a.layer == layer for a in appsets()), f"layer {layer} has at least one ApplicationSet"


def test_every_add_on_the_bootstrap_enables_is_installed_by_its_layer() -> None:
    selected: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for a in appsets():
        for selector in a.selectors:
            selected[a.layer] |= set(selector["matchLabels"])
    for layer, addons in LAYER_ADDONS.items():
        for addon in addons:
            assert flag(addon) in selected[layer], f"{flag(addon)} ({layer}) selects no ApplicationSet"
    decided = {flag(x) for x in ("gpu_operator", "dcgm_exporter", "karpenter", "external_dns")}
    assert decided <= selected["platform"], "every contract-decided add-on has its platform ApplicationSet"


def test_the_vllm_autoscaler_scales_on_queue_depth_and_never_on_gpu_utilization() -> None:
    scaler = (CHARTS_DIR / "vllm-server" / "templates" / "scaledobject.yaml").read_text()
    assert "kind: ScaledObject" in scaler
    assert "vllm:num_requests_waiting" in scaler, "vLLM scales on vllm:num_requests_waiting"
    assert "fallback:" in scaler and "failureThreshold" in scaler, "the scaler holds a fallback size"
    assert "minReplicaCount" in scaler and "maxReplicaCount" in scaler
    autoscaling = seed().app("vllm").values()["autoscaling"]
    assert 1 <= autoscaling["minReplicas"] <= autoscaling["fallbackReplicas"] <= autoscaling["maxReplicas"], (
        "min >= 1 (nothing to measure at zero), fallback between min and max"
    )
    for path in seed_files(".yaml", ".yml", ".tpl"):
        text = path.read_text()
        if "ScaledObject" in text or "HorizontalPodAutoscaler" in text or "ScaledJob" in text:
            for metric in GPU_UTILIZATION_METRICS:
                assert metric not in text, f"{path.relative_to(SEEDS)}: no autoscaler may use {metric}"


def test_the_model_namespace_denies_ingress_by_default_and_admits_only_the_gateway() -> None:
    chart = CHARTS_DIR / "inference-gateway"
    gateway = seed().app("inference-gateway")
    values = yaml.safe_load((chart / "values.yaml").read_text())
    values |= {k: {**values[k], **v} for k, v in gateway.values().items()}
    policies = [o for o in gateway.objects if o["kind"] == "NetworkPolicy"]
    models_ns = values["models"]["namespace"]
    assert models_ns == appset("vllm").template["spec"]["destination"]["namespace"], (
        "the policies guard the namespace vLLM is deployed to"
    )
    assert all(p["kind"] == "NetworkPolicy" and p["metadata"]["namespace"] == models_ns for p in policies)

    def wave(p: dict[str, Any]) -> int:
        return int(p["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))

    denies = [
        p for p in policies if p["spec"]["podSelector"] == {} and p["spec"]["policyTypes"] == ["Ingress"]
    ]
    assert len(denies) == 1 and "ingress" not in denies[0]["spec"], (
        "one policy selects every pod for Ingress with no rule: default deny"
    )
    allows = [p for p in policies if p is not denies[0]]
    assert allows and all(wave(denies[0]) < wave(p) for p in allows), (
        "the default deny is applied before any exception (fails closed)"
    )
    gateway_peer = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": values["gateway"]["namespace"]}},
        "podSelector": {"matchLabels": {values["gateway"]["podLabelKey"]: values["gateway"]["name"]}},
    }
    epp_peer = {"podSelector": {"matchLabels": values["models"]["eppSelector"]}}
    prometheus_peer = {
        "namespaceSelector": {
            "matchLabels": {"kubernetes.io/metadata.name": values["prometheus"]["namespace"]}
        },
        "podSelector": {"matchLabels": values["prometheus"]["podSelector"]},
    }
    for policy in allows:
        for rule in policy["spec"]["ingress"]:
            assert rule.get("from") and rule.get("ports"), "every exception names its sources and ports"
            for peer in rule["from"]:
                assert "ipBlock" not in peer, "no exception by address range"
                assert peer.get("podSelector", {}).get("matchLabels"), "every peer is a set of labelled pods"
                assert peer in (gateway_peer, epp_peer, prometheus_peer), (
                    f"{policy['metadata']['name']}: only the gateway, the endpoint picker and Prometheus "
                    f"may connect; found {peer}"
                )
    servers = [
        p for p in allows if p["spec"]["podSelector"]["matchLabels"] == values["models"]["serverSelector"]
    ]
    assert len(servers) == 1, "one policy admits traffic to the model servers"
    sources = [peer for rule in servers[0]["spec"]["ingress"] for peer in rule["from"]]
    assert gateway_peer in sources, "the gateway's proxy pods reach the model servers"
    server_labels = (CHARTS_DIR / "vllm-server" / "templates" / "_helpers.tpl").read_text()
    for key, value in values["models"]["serverSelector"].items():
        assert f"{key}: {value}" in server_labels, (
            "the policy selects the labels vllm-server puts on its pods"
        )
    pool = appset("inference-pool")
    assert pool.template["spec"]["source"]["helm"]["releaseName"] == values["models"]["inferencePool"]
    assert values["models"]["eppSelector"] == {"inferencepool": f"{values['models']['inferencePool']}-epp"}, (
        "the endpoint picker is selected by the label the inferencepool chart gives it"
    )


def test_external_dns_runs_with_policy_sync_and_owns_records_by_cluster_name() -> None:
    dns = appset("external-dns")
    values = seed().app("external-dns").values()
    assert values["policy"] == "sync", "external-dns deletes the records it created (policy: sync)"
    assert "upsert-only" not in dns.values_text, "upsert-only would orphan records on teardown"
    assert "txtOwnerId: {{ .metadata.annotations.cluster_name | quote }}" in dns.values_text
    assert "zone-id-filter={{ .metadata.annotations.dns_zone_id }}" in dns.values_text, (
        "only the contract's zone"
    )
    secret = seed().secret
    upsert = replace(secret, annotations={**secret.annotations, "dns_policy": "upsert-only"})
    with pytest.raises(helm_python.HelmError, match="dns_policy must be sync"):
        render_template(dns, upsert.params())  # the ApplicationSet fails instead of ignoring the contract
    assert dns.selectors[0]["matchLabels"]["enable_external_dns"] == "true"


def test_gpu_workloads_tolerate_the_contract_taint_read_from_the_cluster_secret() -> None:
    # A taint no stack uses: a toleration that is not read from the cluster Secret cannot match it.
    taint = {
        "gpu_taint_key": "example.com/accelerator",
        "gpu_taint_value": "reserved",
        "gpu_taint_effect": "NoExecute",
    }
    expected = [taint["gpu_taint_key"], taint["gpu_taint_effect"]]
    tolerating: set[str] = set()
    for stack in STACKS:
        rendered = seed(stack)
        secret = replace(rendered.secret, annotations={**rendered.secret.annotations, **taint})
        for app in render_applications(stack, secret, rendered.kube_version):
            for doc in (app.values(), *app.objects):
                for path, node in walk(doc):
                    if not (path and path[-1] in ("tolerations", "taints") and isinstance(node, list)):
                        continue
                    tolerating.add(app.appset.name)
                    where = f"{stack}: {app.appset.where} {'.'.join(path)}"
                    for entry in node:
                        assert [entry["key"], entry.get("effect")] == expected, (
                            f"{where}: GPU tolerations and taints are the contract's (gpu_taint_key, "
                            f"gpu_taint_effect); got {entry}"
                        )
    gpu_workloads = {
        "vllm",
        "kserve-example",
        "kueue-quotas",
        "karpenter-gpu-nodepools",
        "gpu-operator",
        "dcgm-exporter",
    }
    assert gpu_workloads <= tolerating, (
        "vLLM, KServe, Kueue, Karpenter, the GPU Operator and DCGM carry the taint"
    )


def test_gpu_workloads_select_nodes_by_the_contract_pool_label() -> None:
    for name in ("vllm", "kserve-example"):
        a = appset(name)
        assert (
            "metadata.annotations.gpu_pool_label" in a.values_text
            and "metadata.annotations.gpu_pools" in a.values_text
        )
        chart = local_chart_dir(a)
        assert chart is not None and "{{ .Values.gpu.poolLabel }}:" in chart_text(chart), (
            f"{name}: pods select the contract's pool label"
        )


def test_models_are_delivered_as_digest_pinned_modelcars_from_the_contract_registry() -> None:
    for name in ("vllm", "kserve-example"):
        a = appset(name)
        values = seed().app(name).values()
        assert "registry: {{ .metadata.annotations.registry_url | quote }}" in a.values_text, (
            f"{name}: the model comes from the contract's registry"
        )
        assert DIGEST.match(values["model"]["digest"]), f"{name}: the model is pinned by digest"
    kserve = chart_text(CHARTS_DIR / "kserve-example")
    assert 'storageUri: "oci://' in kserve and "@{{ .Values.model.digest }}" in kserve


def test_argo_cd_manages_itself_from_the_bootstraps_chart_and_values_without_the_redis_hook() -> None:
    a = appset("argocd")
    (source,) = a.sources
    assert source["repoURL"] == "https://argoproj.github.io/argo-helm" and source["chart"] == "argo-cd"
    assert source["targetRevision"] == "{{.metadata.annotations.argocd_chart_version}}", (
        "Argo CD upgrades to the version the bootstrap writes, never another"
    )
    assert source["helm"]["releaseName"] == "argo-cd", "the same Helm release the bootstrap installed"
    for stack in STACKS:
        rendered = seed(stack)
        values = rendered.app("argocd").values()
        assert values.pop("redisSecretInit") == {"enabled": False}, (
            "the redis-secret-init hook hangs a self-managed sync: it is disabled"
        )
        assert values == argocd_values(rendered.secret.annotations["dns_domain"]), (
            f"{stack}: every other value is the bootstrap's, for the contract's domain"
        )
    assert a.template["spec"]["syncPolicy"]["automated"]["prune"] is False, "Argo CD never prunes itself"
    assert (
        "finalizers" not in a.template["metadata"] and a.spec["syncPolicy"]["preserveResourcesOnDeletion"]
    ), "deleting the ApplicationSet or the layer root never deletes Argo CD"


def test_the_seed_holds_no_secret_values_and_leaves_the_secrets_root_its_own_objects() -> None:
    for stack in STACKS:
        for app, obj in seed(stack).objects():
            assert obj["kind"] != "Secret", (
                f"{stack}: chart {app.chart} renders a Secret; secrets arrive only through ExternalSecrets"
            )
            assert obj["kind"] != "ClusterSecretStore", (
                f"{stack}: chart {app.chart}: the ClusterSecretStore belongs to the bootstrap's secrets root"
            )
    assert not any(s.get("chart") == "external-secrets" for a in appsets() for s in a.sources), (
        "External Secrets Operator is installed once, by the bootstrap's secrets root"
    )
    litellm = chart_text(CHARTS_DIR / "litellm")
    values = seed().app("litellm").values()["secrets"]
    assert (values["masterKey"], values["databaseUrl"]) == ("litellm-master-key", "litellm-database-url")
    assert "kind: ExternalSecret" in litellm and "secretKey: LITELLM_MASTER_KEY" in litellm, (
        "LiteLLM's master key and database URL arrive through an ExternalSecret"
    )


def test_every_generated_application_syncs_automatically_with_retries() -> None:
    for a in appsets():
        policy = a.template["spec"]["syncPolicy"]
        assert policy["automated"]["selfHeal"] is True, f"{a.name}: drift is corrected"
        assert policy["retry"]["limit"] >= 5, f"{a.name}: retries cover CRDs arriving from other apps"
        if a.name != "argocd" and policy["automated"]["prune"]:
            assert "resources-finalizer.argocd.argoproj.io" in a.template["metadata"].get("finalizers", []), (
                f"{a.name}: deleting the Application deletes its resources (narrowing prunes the layer)"
            )
