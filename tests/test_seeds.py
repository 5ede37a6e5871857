"""The seed (seeds/): what Argo CD syncs inside the cluster, checked statically — no cluster, no helm.

Covers: every YAML document parses (chart templates are Go templates, so only their structure is
checked, and an ApplicationSet's `helm.values` string is parsed with its template actions stripped);
every chart and git source is pinned to an exact version; every image is pinned by digest; the seed
reads only annotations the bootstrap writes and reads every contract key; it selects only on labels the
bootstrap sets; layer directories match bootstrap.layers and each ApplicationSet selects on its layer's
flag; ApplicationSets fail closed on a missing key; vLLM scales on queue depth, never GPU utilization;
the model namespace is default-deny and admits only the gateway, its endpoint picker and Prometheus;
external-dns runs with policy sync; GPU workloads tolerate the contract's taint as read from the
cluster Secret; Argo CD's self-management starts from the bootstrap's own chart and values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from bootstrap.argocd import argocd_values
from bootstrap.cluster_secret import LABELLED_CONTRACT_KEYS, annotation_keys_added_by_bootstrap, secret_labels
from bootstrap.layers import LAYER_ADDONS, LAYER_ROOTS, LAYERS, flag
from bootstrap.secrets_root import eso_values
from stacks.schema import ArgoCd, Cloud
from substrate.contract import DriverOwner, GpuStack, contract_keys

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LAYERS_DIR = SEEDS / "layers"
CHARTS_DIR = SEEDS / "charts"

EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
PINNED_IMAGE = re.compile(r"^[a-z0-9.-]+(:\d+)?(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$")
ANNOTATION_REF = re.compile(r"\.?metadata\.annotations\.([A-Za-z0-9_]+)")
ANNOTATION_INDEX_REF = re.compile(r"index\s+\.metadata\.annotations\s+\"([^\"]+)\"")
GO_ACTION = re.compile(r"\{\{.*?\}\}")
GO_CONTROL_LINE = re.compile(
    r"^\s*\{\{-?\s*(?:(?:if|else|end|range|with|fail|define|template|block)\b|/\*|\$\w+\s*:?=).*\}\}\s*$"
)
# Annotations a chart source may take its version from: the bootstrap validates them as exact x.y.z.
VERSION_ANNOTATIONS = {"argocd_chart_version"}
LOCAL_REPO = "{{.metadata.annotations.addons_repo_url}}"
LOCAL_REVISION = "{{.metadata.annotations.addons_repo_revision}}"
LOCAL_PATH = re.compile(r"^\{\{\.metadata\.annotations\.addons_repo_basepath\}\}/charts/([a-z0-9-]+)$")
GPU_UTILIZATION_METRICS = ("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gpu_util", "GPUUtil")


# ---------------------------------------------------------------------------------------------- helpers


def seed_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in SEEDS.rglob("*") if p.is_file() and p.suffix in suffixes)


def is_chart_template(path: Path) -> bool:
    return CHARTS_DIR in path.parents and "templates" in path.relative_to(CHARTS_DIR).parts


def strip_go_template(text: str) -> str:
    """A Go-templated YAML string made parseable: control-only lines dropped, other actions replaced.

    Both branches of an if/else stay in; that is enough to catch indentation and syntax errors.
    """
    kept = [line for line in text.splitlines() if not GO_CONTROL_LINE.match(line)]
    return "\n".join(GO_ACTION.sub("x", line) for line in kept)


def load(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


class AppSet:
    """One ApplicationSet of a layer, with the Application template it renders."""

    def __init__(self, path: Path, doc: dict[str, Any]) -> None:
        self.path, self.doc = path, doc
        self.name: str = doc["metadata"]["name"]
        self.root = path.relative_to(LAYERS_DIR).parts[0]
        (self.layer,) = [layer for layer, roots in LAYER_ROOTS.items() if self.root in roots]
        self.text = path.read_text()

    @property
    def spec(self) -> dict[str, Any]:
        return self.doc["spec"]

    @property
    def app(self) -> dict[str, Any]:
        return self.spec["template"]

    @property
    def selectors(self) -> list[dict[str, Any]]:
        return [g["clusters"].get("selector", {}) for g in self.spec["generators"]]

    @property
    def sources(self) -> list[dict[str, Any]]:
        spec = self.app["spec"]
        return [spec["source"]] if "source" in spec else list(spec.get("sources", []))

    @property
    def values(self) -> str:
        return "\n".join(s.get("helm", {}).get("values", "") for s in self.sources)

    def parsed_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for source in self.sources:
            text = source.get("helm", {}).get("values", "")
            if text:
                out |= yaml.safe_load(strip_go_template(text)) or {}
        return out

    def local_chart(self) -> Path | None:
        for source in self.sources:
            match = LOCAL_PATH.match(source.get("path", ""))
            if match:
                return CHARTS_DIR / match.group(1)
        return None


def appsets() -> list[AppSet]:
    out = []
    for path in sorted(LAYERS_DIR.rglob("*.yaml")):
        out.extend(AppSet(path, d) for d in load(path) if d.get("kind") == "ApplicationSet")
    return out


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


def lookup(values: dict[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        node = node[part]
    return node


def render_simple(template: str, values: dict[str, Any], namespace: str) -> list[dict[str, Any]]:
    """Render a template that uses only `.Values` lookups, `quote`, `toYaml | nindent` and label includes.

    Enough for the NetworkPolicies, which must stay that simple to be reviewable; anything else fails.
    """

    def block(match: re.Match[str]) -> str:
        kind, expr, indent = match.group(1), match.group(2).strip(), int(match.group(3))
        if kind == "include":
            body = "app.kubernetes.io/name: rendered-by-test"
        else:
            body = yaml.safe_dump(lookup(values, expr.removeprefix(".Values.")), default_flow_style=False)
        pad = " " * indent
        return "\n" + "\n".join(pad + line for line in body.strip().splitlines())

    text = re.sub(r"\s*\{\{-\s*(toYaml|include)\s+(.*?)\s*\|\s*nindent\s+(\d+)\s*\}\}", block, template)
    text = re.sub(r"\{\{\s*\.Release\.Namespace\s*\}\}", namespace, text)

    def scalar(match: re.Match[str]) -> str:
        value = lookup(values, match.group(1))
        return f'"{value}"' if match.group(2) else str(value)

    text = re.sub(r"\{\{\s*\.Values\.([A-Za-z0-9_.]+)\s*(\|\s*quote\s*)?\}\}", scalar, text)
    assert "{{" not in text, "NetworkPolicy templates use only .Values lookups, quote, toYaml and includes"
    return [d for d in yaml.safe_load_all(text) if d]


def bootstrap_label_keys() -> set[str]:
    """Every label the bootstrap can put on the cluster Secret, across every branch it takes."""
    keys: set[str] = set()
    for gpu_stack in get_args(GpuStack):
        for autoscaler in ("karpenter", "cluster-autoscaler"):
            for dns in ("none", "google"):
                contract = {
                    "cluster_name": "c",
                    "cluster_cloud": "gcp",
                    "gpu_stack": gpu_stack,
                    "gpu_driver_owner": "gke",
                    "schema_version": "v1",
                    "node_autoscaler_kind": autoscaler,
                    "dns_provider": dns,
                }
                keys |= set(secret_labels(contract, profile=LAYERS[-1], environment="dev"))
    return keys


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


def test_every_applicationset_values_string_parses_once_template_actions_are_stripped() -> None:
    for a in appsets():
        try:
            a.parsed_values()
        except yaml.YAMLError as e:
            pytest.fail(f"{a.path.name}:{a.name}: helm.values must be valid YAML around its Go template: {e}")


def test_every_chart_template_has_balanced_actions_and_blocks() -> None:
    opener = re.compile(r"\{\{-?\s*(if|range|with|define)\b")
    closer = re.compile(r"\{\{-?\s*end\s*-?\}\}")
    templates = [p for p in seed_files(".yaml", ".tpl") if is_chart_template(p)]
    assert templates, "the local charts have templates"
    for path in templates:
        text = path.read_text()
        name = path.relative_to(SEEDS)
        assert text.count("{{") == text.count("}}"), f"{name}: every '{{{{' must be closed"
        assert len(opener.findall(text)) == len(closer.findall(text)), (
            f"{name}: every if/range/with/define block must be closed by an end"
        )


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
        assert "{{.name}}" in a.app["metadata"]["name"], f"{a.name}: Application names carry the cluster name"
        assert a.app["spec"]["destination"]["server"] == "{{.server}}", (
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


def image_ok(value: str, chart: Path | None) -> bool:
    value = value.strip().strip("\"'")
    if "{{" not in value:
        return bool(PINNED_IMAGE.match(value.removeprefix("oci://")))
    if re.search(r"@\{\{\s*\.Values\.[A-Za-z0-9_.]*[dD]igest\s*\}\}", value):
        return True
    include = re.search(r'include\s+"([^"]+)"', value)
    if include and chart is not None:
        helpers = chart_text(chart)
        body = re.search(
            r'define\s+"' + re.escape(include.group(1)) + r'".*?\{\{-?\s*end\s*-?\}\}', helpers, re.S
        )
        return bool(body and "@" in body.group(0) and "digest" in body.group(0))
    return False


def test_every_image_in_the_seed_is_pinned_by_digest() -> None:
    image_line = re.compile(r"^\s*-?\s*(image|reference|storageUri):\s*(\S.*?)\s*(#.*)?$")
    checked = 0
    for path in seed_files(".yaml", ".yml", ".tpl"):
        chart = next((c for c in CHARTS_DIR.iterdir() if c in path.parents), None)
        for n, line in enumerate(path.read_text().splitlines(), 1):
            match = image_line.match(line)
            if not match or match.group(2) in ("|", ">"):
                continue
            key, value = match.group(1), match.group(2)
            if key == "storageUri" and "oci://" not in value:
                continue
            checked += 1
            assert image_ok(value, chart), (
                f"{path.relative_to(SEEDS)}:{n}: {key} must be pinned by digest (name@sha256:<64 hex>, or "
                f"a template ending in @<digest value>); got {value}"
            )
    assert checked >= 5, "the seed's own workloads set their images"


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
    documents += [(f"{a.path.name}:{a.name}", a.parsed_values()) for a in appsets()]
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


class _Recorder(dict[str, str]):
    """A contract that records which keys a bootstrap function reads."""

    def __init__(self, read: set[str]) -> None:
        super().__init__({k: "x" for k in contract_keys()})
        self.read = read

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


def keys_the_bootstrap_consumes() -> set[str]:
    """Contract keys the bootstrap itself turns into labels, flags or the secrets root (every branch)."""
    read: set[str] = set()
    for backend in ("gcp-secret-manager", "aws-secrets-manager", "vault", "kubernetes"):
        contract = _Recorder(read)
        dict.update(contract, secrets_backend=backend, gpu_stack="operator", node_autoscaler_kind="karpenter")
        secret_labels(contract, profile="full", environment="dev")
        eso_values(contract, "https://example.com/repo.git", "creds")
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
    values = appset("platform-contract").parsed_values()
    assert set(values["contract"]) == set(contract_keys()), (
        "the platform-contract ConfigMap documents every contract fact, under its contract name"
    )
    for key in contract_keys():
        assert (
            f"{key}: {{{{ .metadata.annotations.{key} | quote }}}}" in appset("platform-contract").values
        ), f"contract key {key} is passed verbatim from its annotation"


def test_every_selector_label_is_one_the_bootstrap_sets_with_a_value_it_can_take() -> None:
    allowed = bootstrap_label_keys()
    values: dict[str, set[str]] = {
        "cloud": set(get_args(Cloud)),
        "gpu_stack": set(get_args(GpuStack)),
        "gpu_driver_owner": set(get_args(DriverOwner)),
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
    autoscaling = appset("vllm").parsed_values()["autoscaling"]
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
    values = yaml.safe_load((chart / "values.yaml").read_text())
    values |= {k: {**values[k], **v} for k, v in appset("inference-gateway").parsed_values().items()}
    policies = render_simple((chart / "templates" / "networkpolicy.yaml").read_text(), values, "llm-gateway")
    models_ns = values["models"]["namespace"]
    assert models_ns == appset("vllm").app["spec"]["destination"]["namespace"], (
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
    assert pool.app["spec"]["source"]["helm"]["releaseName"] == values["models"]["inferencePool"]
    assert values["models"]["eppSelector"] == {"inferencepool": f"{values['models']['inferencePool']}-epp"}, (
        "the endpoint picker is selected by the label the inferencepool chart gives it"
    )


def test_external_dns_runs_with_policy_sync_and_owns_records_by_cluster_name() -> None:
    dns = appset("external-dns")
    values = dns.parsed_values()
    assert values["policy"] == "sync", "external-dns deletes the records it created (policy: sync)"
    assert "upsert-only" not in dns.values, "upsert-only would orphan records on teardown"
    assert "txtOwnerId: {{ .metadata.annotations.cluster_name | quote }}" in dns.values
    assert "zone-id-filter={{ .metadata.annotations.dns_zone_id }}" in dns.values, "only the contract's zone"
    assert 'if ne .metadata.annotations.dns_policy "sync"' in dns.values and "fail" in dns.values, (
        "a contract asking for another policy fails the ApplicationSet instead of being ignored"
    )
    assert dns.selectors[0]["matchLabels"]["enable_external_dns"] == "true"


def test_gpu_workloads_tolerate_the_contract_taint_read_from_the_cluster_secret() -> None:
    literal_taint = re.compile(r"^\s*-?\s*key:\s*[\"']?nvidia\.com/gpu[\"']?\s*$")
    for path in seed_files(".yaml", ".yml", ".tpl"):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            assert not literal_taint.match(line), (
                f"{path.relative_to(SEEDS)}:{n}: the GPU taint key comes from the contract (gpu_taint_key)"
            )
    for chart in (c for c in CHARTS_DIR.iterdir() if c.is_dir()):
        text = chart_text(chart)
        for block in re.findall(r"(?:tolerations|taints):\n((?:\s+.*\n){1,4})", text):
            assert ".Values.gpu.taintKey" in block, (
                f"{chart.name}: tolerations/taints use .Values.gpu.taintKey"
            )
    gpu_appsets = 0
    for a in appsets():
        chart = a.local_chart()
        gpu = "tolerations:" in a.values or (chart is not None and "taintKey" in chart_text(chart))
        if not gpu:
            continue
        gpu_appsets += 1
        for key in ("gpu_taint_key", "gpu_taint_effect"):
            assert f"metadata.annotations.{key}" in a.values, (
                f"{a.name}: a GPU workload's toleration reads {key} from the cluster Secret"
            )
    assert gpu_appsets >= 6, "vLLM, KServe, Kueue, Karpenter, the GPU Operator and DCGM all read the taint"


def test_gpu_workloads_select_nodes_by_the_contract_pool_label() -> None:
    for name in ("vllm", "kserve-example"):
        a = appset(name)
        assert (
            "metadata.annotations.gpu_pool_label" in a.values and "metadata.annotations.gpu_pools" in a.values
        )
        chart = a.local_chart()
        assert chart is not None and "{{ .Values.gpu.poolLabel }}:" in chart_text(chart), (
            f"{name}: pods select the contract's pool label"
        )


def test_models_are_delivered_as_digest_pinned_modelcars_from_the_contract_registry() -> None:
    for name in ("vllm", "kserve-example"):
        a = appset(name)
        values = a.parsed_values()
        assert "registry: {{ .metadata.annotations.registry_url | quote }}" in a.values, (
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
    values = a.parsed_values()
    assert values.pop("redisSecretInit") == {"enabled": False}, (
        "the redis-secret-init hook hangs a self-managed sync: it is disabled"
    )
    expected = argocd_values("example.com")
    assert set(values) == set(expected), "every other value is the bootstrap's"
    for key in expected:
        if key != "global":
            assert values[key] == expected[key], f"{key} must equal the bootstrap's value"
    assert a.app["spec"]["syncPolicy"]["automated"]["prune"] is False, "Argo CD never prunes itself"
    assert "finalizers" not in a.app["metadata"] and a.spec["syncPolicy"]["preserveResourcesOnDeletion"], (
        "deleting the ApplicationSet or the layer root never deletes Argo CD"
    )


def test_the_seed_holds_no_secret_values_and_leaves_the_secrets_root_its_own_objects() -> None:
    for path in seed_files(".yaml", ".yml"):
        if is_chart_template(path):
            text = path.read_text()
            assert not re.search(r"^kind:\s*Secret\s*$", text, re.M), (
                f"{path.relative_to(SEEDS)}: secrets reach the cluster only through ExternalSecrets"
            )
            assert not re.search(r"^kind:\s*ClusterSecretStore\s*$", text, re.M), (
                "the ClusterSecretStore belongs to the bootstrap's secrets root"
            )
    assert not any(s.get("chart") == "external-secrets" for a in appsets() for s in a.sources), (
        "External Secrets Operator is installed once, by the bootstrap's secrets root"
    )
    litellm = chart_text(CHARTS_DIR / "litellm")
    values = appset("litellm").parsed_values()["secrets"]
    assert (values["masterKey"], values["databaseUrl"]) == ("litellm-master-key", "litellm-database-url")
    assert "kind: ExternalSecret" in litellm and "secretKey: LITELLM_MASTER_KEY" in litellm, (
        "LiteLLM's master key and database URL arrive through an ExternalSecret"
    )


def test_every_generated_application_syncs_automatically_with_retries() -> None:
    for a in appsets():
        policy = a.app["spec"]["syncPolicy"]
        assert policy["automated"]["selfHeal"] is True, f"{a.name}: drift is corrected"
        assert policy["retry"]["limit"] >= 5, f"{a.name}: retries cover CRDs arriving from other apps"
        if a.name != "argocd" and policy["automated"]["prune"]:
            assert "resources-finalizer.argocd.argoproj.io" in a.app["metadata"].get("finalizers", []), (
                f"{a.name}: deleting the Application deletes its resources (narrowing prunes the layer)"
            )
