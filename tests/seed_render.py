"""The seed rendered for a stack the way Argo CD renders it, with real Go templates and real Helm.

For a stack's Rendering: its Argo CD cluster Secret (name, server, labels, annotations) is the cluster
generator's one cluster; every ApplicationSet under seeds/layers whose selector matches its labels has its
`template` rendered as the ApplicationSet controller does (each string field, and each map key, a Go
text/template with the ApplicationSet's `goTemplateOptions` over the generator's params); every generated
Application whose source is a local chart (`.../charts/<chart>`) has that chart rendered by Helm (Helm v4's
Go SDK in-process, helm_python) with the values the Application passes. Renders are cached per stack.

The Go templating itself is tests/argocd_gotemplate.py.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python
import yaml
from helm_python import _native

from bootstrap.layers import LAYER_ROOTS
from offline.engine import Rendering
from tests.argocd_gotemplate import render_tree
from tests.stack_fixtures import render_stack

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LAYERS_DIR = SEEDS / "layers"
CHARTS_DIR = SEEDS / "charts"
SECRET = "kubernetes:core/v1:Secret"
LOCAL_CHART_PATH = re.compile(r"/charts/([a-z0-9-]+)$")

# ApplicationSet fields the rendering reproduces; any other (templatePatch, other generators, generator
# `values`) is refused rather than silently ignored.
SUPPORTED_SPEC = {"goTemplate", "goTemplateOptions", "generators", "template", "syncPolicy"}


class SeedRenderError(AssertionError):
    """A template of the seed does not render; the message names the stack, ApplicationSet and chart."""


@dataclass(frozen=True)
class ClusterSecret:
    name: str
    server: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]

    def params(self) -> dict[str, Any]:
        """The cluster generator's params for goTemplate (argoproj/argo-cd generators/cluster.go)."""
        return {
            "name": self.name,
            "nameNormalized": self.name,
            "server": self.server,
            "project": "",
            "metadata": {"labels": dict(self.labels), "annotations": dict(self.annotations)},
        }


@dataclass(frozen=True)
class AppSet:
    """One ApplicationSet of seeds/layers, as written."""

    path: Path
    doc: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.doc["metadata"]["name"])

    @property
    def root(self) -> str:
        return self.path.relative_to(LAYERS_DIR).parts[0]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(SEEDS)}:{self.name}"

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self.doc["spec"])

    @property
    def template(self) -> dict[str, Any]:
        return dict(self.spec["template"])

    @property
    def layer(self) -> str:
        (layer,) = [layer for layer, roots in LAYER_ROOTS.items() if self.root in roots]
        return layer

    @property
    def selectors(self) -> list[dict[str, Any]]:
        return [g["clusters"].get("selector", {}) for g in self.spec["generators"]]

    @property
    def sources(self) -> list[dict[str, Any]]:
        """The template's sources, as written (templated)."""
        spec = self.template["spec"]
        return [spec["source"]] if "source" in spec else list(spec.get("sources", []))

    @property
    def values_text(self) -> str:
        """Every source's `helm.values` string, as written (a Go template)."""
        return "\n".join(s.get("helm", {}).get("values", "") for s in self.sources)

    def selects(self, labels: Mapping[str, str]) -> bool:
        return any(selector_matches(s, labels) for s in self.selectors)


@dataclass
class App:
    """One Application an ApplicationSet generated, with its local chart's rendered objects (if any)."""

    appset: AppSet
    application: dict[str, Any]
    chart: str | None = None
    objects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sources(self) -> list[dict[str, Any]]:
        spec = self.application["spec"]
        return [spec["source"]] if "source" in spec else list(spec.get("sources", []))

    def values(self) -> dict[str, Any]:
        """The Helm values the Application passes: `helm.values` (YAML), then `valuesObject` over it."""
        out: dict[str, Any] = {}
        for source in self.sources:
            out |= helm_values(source)
        return out


@dataclass
class SeedRender:
    stack: str
    secret: ClusterSecret
    kube_version: str
    apps: list[App]

    def app(self, appset: str) -> App:
        found = [a for a in self.apps if a.appset.name == appset]
        if len(found) != 1:
            raise AssertionError(f"{self.stack}: expected one Application of {appset}, found {len(found)}")
        return found[0]

    def objects(self) -> Iterator[tuple[App, dict[str, Any]]]:
        for app in self.apps:
            for obj in app.objects:
                yield app, obj


# ------------------------------------------------------------------------------------------ selection


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions) against a label set."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        matched = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }
        if operator not in matched:
            raise SeedRenderError(f"unknown selector operator {operator!r} (allowed: {', '.join(matched)})")
        if not matched[operator]:
            return False
    return True


@functools.cache
def appsets() -> tuple[AppSet, ...]:
    out: list[AppSet] = []
    for path in sorted(LAYERS_DIR.rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        out.extend(AppSet(path, d) for d in docs if d.get("kind") == "ApplicationSet")
    return tuple(out)


def cluster_secret(rendering: Rendering) -> ClusterSecret:
    secret = rendering.one(SECRET).inputs
    data = secret["stringData"]
    data = data.get("value", data)  # the engine records Secret data as a secret value
    meta = secret["metadata"]
    return ClusterSecret(data["name"], data["server"], dict(meta["labels"]), dict(meta["annotations"]))


# --------------------------------------------------------------------------- Argo CD's goTemplate, via Helm


def render_template(appset: AppSet, params: Mapping[str, Any]) -> dict[str, Any]:
    """The Application the ApplicationSet controller generates for one set of params.

    Template errors raise helm_python.HelmError; fields this check does not reproduce, SeedRenderError.
    """
    unsupported_fields = sorted(set(appset.spec) - SUPPORTED_SPEC) + [
        f"generators[{i}].{k}" for i, g in enumerate(appset.spec["generators"]) for k in set(g) - {"clusters"}
    ]
    unsupported_fields += [
        f"generators[{i}].clusters.{k}"
        for i, g in enumerate(appset.spec["generators"])
        for k in set(g.get("clusters", {})) - {"selector"}
    ]
    if unsupported_fields:
        raise SeedRenderError(f"{appset.where}: {unsupported_fields} are not rendered by this check")
    if not appset.spec.get("goTemplate"):
        raise SeedRenderError(f"{appset.where}: only goTemplate ApplicationSets are rendered")
    try:
        return render_tree(appset.template, params, list(appset.spec.get("goTemplateOptions", [])))
    except ValueError as e:
        raise SeedRenderError(f"{appset.where}: {e}") from e


# ---------------------------------------------------------------------------------------- local charts


def helm_values(source: Mapping[str, Any]) -> dict[str, Any]:
    """A source's Helm values as Argo CD merges them: `values` (a YAML string), `valuesObject` over it."""
    helm = source.get("helm", {})
    unsupported = sorted(set(helm) & {"valueFiles", "parameters", "fileParameters"})
    if unsupported:
        raise SeedRenderError(f"helm.{unsupported} are not rendered by this check")
    values = yaml.safe_load(helm.get("values") or "") or {}
    if not isinstance(values, dict):
        raise SeedRenderError(f"helm.values must be a YAML mapping, got {type(values).__name__}")
    return values | dict(helm.get("valuesObject") or {})


def local_chart(source: Mapping[str, Any], annotations: Mapping[str, str]) -> str | None:
    """The local chart a source installs: the seed's own repository, path <basepath>/charts/<chart>."""
    if source.get("repoURL") != annotations["addons_repo_url"]:
        return None
    match = LOCAL_CHART_PATH.search(str(source.get("path", "")))
    return match.group(1) if match else None


@functools.cache
def _chart(name: str) -> helm_python.Chart:
    return helm_python.Chart.load(CHARTS_DIR / name)


def render_chart(
    name: str, values: dict[str, Any], *, release: str, namespace: str, kube_version: str
) -> list[dict[str, Any]]:
    """`helm template` of a local chart, as Argo CD runs it (not strict: missing values render empty)."""
    # Chart.render does not expose kube_version (`.Capabilities.KubeVersion`); the native call takes it.
    opts = {"name": release, "namespace": namespace, "kube_version": f"v{kube_version}.0", "is_install": True}
    rendered = _native.call_string("helm_render", _chart(name)._raw(), json.dumps(values), json.dumps(opts))
    objects: list[dict[str, Any]] = []
    for path, text in sorted(json.loads(rendered).items()):
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(d for d in yaml.safe_load_all(text) if d)
    return objects


# ---------------------------------------------------------------------------------------- the stack


def render_applications(stack: str, secret: ClusterSecret, kube_version: str) -> list[App]:
    apps: list[App] = []
    for appset in appsets():
        if not appset.selects(secret.labels):
            continue
        try:
            application = render_template(appset, secret.params())
        except helm_python.HelmError as e:
            raise SeedRenderError(f"{stack}: ApplicationSet {appset.where} does not render: {e}") from e
        app = App(appset, application)
        for source in app.sources:
            chart = local_chart(source, secret.annotations)
            if chart is None:
                continue
            app.chart = chart
            try:
                values = helm_values(source)
                app.objects = render_chart(
                    chart,
                    values,
                    release=source.get("helm", {}).get("releaseName") or application["metadata"]["name"],
                    namespace=application["spec"]["destination"].get("namespace", ""),
                    kube_version=kube_version,
                )
            except (helm_python.HelmError, yaml.YAMLError, SeedRenderError) as e:
                raise SeedRenderError(
                    f"{stack}: chart {chart} of ApplicationSet {appset.where} does not render: {e}"
                ) from e
        apps.append(app)
    return apps


# Kubernetes minor each stack's cluster runs, for schema validation. EKS: the version the stack pins (the
# EKS Cluster's `version`). GKE: its release channel's default minor at the end of 2026 (RAPID/REGULAR/
# STABLE: 1.36/1.35/1.34). An existing cluster (local kind): 1.34.
GKE_CHANNEL_MINOR = {"RAPID": "1.36", "REGULAR": "1.35", "STABLE": "1.34"}
EXISTING_CLUSTER_MINOR = "1.34"


def kube_version(rendering: Rendering) -> str:
    eks = rendering.of_type("aws:eks/cluster:Cluster")
    if eks:
        return str(eks[0].inputs["version"])
    gke = rendering.of_type("gcp:container/cluster:Cluster")
    if gke:
        return GKE_CHANNEL_MINOR[gke[0].inputs["releaseChannel"]["channel"]]
    return EXISTING_CLUSTER_MINOR


@functools.cache
def render_seed(stack: str) -> SeedRender:
    """The seed as Argo CD syncs it for a fixture stack (cached: the program and the seed are fixed)."""
    rendering = render_stack(stack)
    secret = cluster_secret(rendering)
    version = kube_version(rendering)
    return SeedRender(stack, secret, version, render_applications(stack, secret, version))
