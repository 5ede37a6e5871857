"""The charts the bootstrap installs, pinned in one data file beside the seed's own chart pins.

seeds/bootstrap-charts.yaml holds each chart's Helm repository and exact version, so every chart pin of
the platform lives in the seed (and Renovate updates them there); nothing here hard-codes a version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CHARTS_FILE = Path(__file__).resolve().parent.parent / "seeds" / "bootstrap-charts.yaml"


@dataclass(frozen=True, kw_only=True)
class ChartPin:
    chart: str
    repo_url: str
    version: str


def load_chart_pins(path: Path = CHARTS_FILE) -> dict[str, ChartPin]:
    raw = yaml.safe_load(path.read_text())
    return {
        chart: ChartPin(chart=chart, repo_url=entry["repoURL"], version=str(entry["chartVersion"]))
        for chart, entry in raw.items()
    }


CHART_PINS = load_chart_pins()
ARGO_CD = CHART_PINS["argo-cd"]
EXTERNAL_SECRETS = CHART_PINS["external-secrets"]
