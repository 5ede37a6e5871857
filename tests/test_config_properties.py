"""Property-based: any config the schema accepts renders through the real program, and junk is refused.

Hypothesis generates valid GKE and EKS stacks across the config space (cluster names, profiles,
environments, GPU pools over everything each cloud sells, secrets, domains); each must validate and
render with one node pool per GPU pool (plus the system pool) and a contract naming them. Unknown
keys anywhere are refused with the key named.
"""

from __future__ import annotations

import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offline.engine import render
from stacks import loader
from stacks.accelerators import ACCELERATORS
from tests.conftest import stack_raw

LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10).filter(
    lambda s: s[0].isalpha()
)
NAME = st.builds(lambda a, b: f"{a}-{b}", LABEL, LABEL).filter(lambda s: len(s) <= 24)
CLOUDS = {"gcp": ("gcp-full", "gke_machines"), "aws": ("aws-full", "eks_instances")}


@st.composite
def gpu_pool(draw: st.DrawFn, name: str, cloud: str) -> dict[str, Any]:
    sold = CLOUDS[cloud][1]
    accelerator = draw(st.sampled_from(sorted(a for a, acc in ACCELERATORS.items() if getattr(acc, sold))))
    count = draw(st.sampled_from(sorted(getattr(ACCELERATORS[accelerator], sold))))
    max_nodes = draw(st.integers(3, 16))
    # GKE starts warm nodes in each of the stack's 3 zones: a multiple of 3 keeps within maxNodes.
    min_nodes = draw(st.sampled_from([0, 3]) if cloud == "gcp" else st.integers(0, max_nodes))
    return {
        "name": name,
        "accelerator": accelerator,
        "acceleratorsPerNode": count,
        "minNodes": min_nodes,
        "maxNodes": max_nodes,
        "spot": draw(st.booleans()),
        "diskSizeGb": draw(st.integers(200, 2000)),
    }


@st.composite
def valid_stack(draw: st.DrawFn) -> dict[str, Any]:
    cloud = draw(st.sampled_from(sorted(CLOUDS)))
    raw = stack_raw(CLOUDS[cloud][0])
    names = draw(st.lists(NAME.filter(lambda n: n != "system"), min_size=1, max_size=3, unique=True))
    raw["cluster"] = raw["cluster"] | {"name": draw(NAME)}
    raw["environment"] = draw(st.sampled_from(["dev", "prod"]))
    raw["profile"] = draw(st.sampled_from(["serving", "llm-gateway", "full"]))
    raw["gpu"] = {"pools": [draw(gpu_pool(n, cloud)) for n in names]}
    raw[cloud] = raw[cloud] | {"machineTypes" if cloud == "gcp" else "instanceTypes": {}}
    raw["secrets"] = [
        {"name": n, "owner": draw(LABEL)} for n in draw(st.lists(NAME, max_size=3, unique=True))
    ]
    raw["gitops"] = {"repoURL": raw["gitops"]["repoURL"]}
    raw["dns"] = {"domain": f"{draw(LABEL)}.{draw(LABEL)}.example"}
    return raw


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_stack())
def test_every_config_the_schema_accepts_renders(raw: dict[str, Any]) -> None:
    config = loader.validate(raw)
    r = render(raw, "property")
    pool_type = "gcp:container/nodePool:NodePool" if config.cloud == "gcp" else "aws:eks/nodeGroup:NodeGroup"
    assert len(r.of_type(pool_type)) == 1 + len(config.gpu.pools), "a system pool plus one per GPU pool"
    assert r.outputs["contract"]["gpu_pools"] == ",".join(p.name for p in config.gpu.pools)
    secret_type = (
        "gcp:secretmanager/secret:Secret" if config.cloud == "gcp" else "aws:secretsmanager/secret:Secret"
    )
    assert len(r.of_type(secret_type)) == len(config.secrets)


@settings(max_examples=50, deadline=None)
@given(
    block=st.sampled_from(["cluster", "gpu", "dns", "gitops", "network", "coldStart", "argocd"]),
    junk=LABEL.map(lambda s: "x" + s),
)
def test_an_unknown_key_anywhere_is_refused_by_name(block: str, junk: str) -> None:
    raw = stack_raw("gcp-full")
    raw[block] = dict(raw.get(block) or {}) | {junk: 1}
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        assert f"  - {block}: unknown key '{junk}'" in str(exc)
    else:
        raise AssertionError(f"{block}.{junk} was accepted")
