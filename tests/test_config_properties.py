"""Property-based: any config the schema accepts renders through the real program, and junk is refused.

Hypothesis generates valid stacks across the config space (cluster names, profiles, environments, GPU
pools over the whole accelerator vocabulary, secrets, domains); each must validate and render with
exactly one node pool per GPU pool and a contract naming them. Unknown keys anywhere are refused with
the key named.
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
NAME = st.builds(lambda a, b: f"{a}-{b}" if b else a, LABEL, st.one_of(st.just(""), LABEL)).filter(
    lambda s: len(s) <= 24
)


@st.composite
def gpu_pool(draw: st.DrawFn, name: str) -> dict[str, Any]:
    accelerator = draw(st.sampled_from(sorted(a for a in ACCELERATORS if ACCELERATORS[a].gke_machines)))
    count = draw(st.sampled_from(sorted(ACCELERATORS[accelerator].gke_machines)))
    max_nodes = draw(st.integers(1, 16))
    return {
        "name": name,
        "accelerator": accelerator,
        "acceleratorsPerNode": count,
        "minNodes": draw(st.integers(0, max_nodes)),
        "maxNodes": max_nodes,
        "spot": draw(st.booleans()),
        "diskSizeGb": draw(st.integers(200, 2000)),
    }


@st.composite
def valid_gcp_stack(draw: st.DrawFn) -> dict[str, Any]:
    raw = stack_raw("gcp-serving")
    names = draw(st.lists(NAME.filter(lambda n: n != "system"), min_size=1, max_size=3, unique=True))
    raw["cluster"] = {"name": draw(NAME), "deletionProtection": False}
    raw["profile"] = draw(st.sampled_from(["serving", "llm-gateway", "full"]))
    raw["gpu"] = {"pools": [draw(gpu_pool(n)) for n in names]}
    raw["secrets"] = [
        {"name": n, "owner": draw(LABEL)} for n in draw(st.lists(NAME, max_size=3, unique=True))
    ]
    raw["dns"] = {"domain": f"{draw(LABEL)}.{draw(LABEL)}.example"}
    return raw


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_gcp_stack())
def test_every_config_the_schema_accepts_renders(raw: dict[str, Any]) -> None:
    config = loader.validate(raw)
    r = render(raw, "property")
    pools = {p.inputs["name"] for p in r.of_type("gcp:container/nodePool:NodePool")}
    assert pools == {"system", *(p.name for p in config.gpu.pools)}
    assert r.outputs["contract"]["gpu_pools"] == ",".join(p.name for p in config.gpu.pools)
    assert len(r.of_type("gcp:secretmanager/secret:Secret")) == len(config.secrets)


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
