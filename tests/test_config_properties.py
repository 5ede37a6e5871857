"""Property-based: any config the schema accepts renders through the real program, and junk is refused.

Hypothesis generates valid GKE and EKS stacks across the config space (cluster names, profiles,
environments, GPU pools over everything each cloud sells, secrets, domains); each must validate and
render with one node pool per GPU pool (plus the system pool) and a contract naming them. Unknown
keys anywhere are refused with the key named; so is a duplicate inserted anywhere in a list that must
be unique, a number outside its range, authorized networks that add up to the internet, and a node
range outside RFC 1918.
"""

from __future__ import annotations

import copy
import ipaddress
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offline.engine import render
from stacks import loader
from stacks.accelerators import ACCELERATORS
from tests.stack_fixtures import stack_raw

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


# --- lists that must be unique: a duplicate of any entry is refused, naming the key and the value ---

UNIQUE_LISTS = {
    # list key -> (stack, how an entry is named in the error)
    "secrets": ("gcp-full", lambda e: e["name"]),
    "gcp.zones": ("gcp-full", lambda e: e),
    "aws.adminPrincipals": ("aws-full", lambda e: e),
    "cluster.controlPlane.authorizedNetworks": ("aws-full", lambda e: e["name"]),
    "gpu.pools": ("aws-full", lambda e: e["name"]),
}
ERROR_KEY = {"gcp.zones": "gcp"}


def _node(raw: dict[str, Any], path: str) -> Any:
    node: Any = raw
    for part in path.split("."):
        node = node[part]
    return node


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from(sorted(UNIQUE_LISTS)), data=st.data())
def test_a_duplicate_in_a_list_that_must_be_unique_is_refused_naming_key_and_value(
    key: str, data: st.DataObject
) -> None:
    stack, label = UNIQUE_LISTS[key]
    raw = stack_raw(stack)
    entries = _node(raw, key)
    picked = data.draw(st.sampled_from(entries))
    entries.insert(data.draw(st.integers(0, len(entries))), copy.deepcopy(picked))
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        message = str(exc)
        assert f"  - {ERROR_KEY.get(key, key)}: " in message, f"the key is named:\n{message}"
        assert f"'{label(picked)}'" in message and "twice" in message, f"the value is named:\n{message}"
    else:
        raise AssertionError(f"a duplicate in {key} was accepted")


@settings(max_examples=30, deadline=None)
@given(cidr=st.sampled_from(["203.0.113.0/24", "198.51.100.16/28"]), name=NAME)
def test_the_same_authorized_cidr_under_another_name_is_refused(cidr: str, name: str) -> None:
    raw = stack_raw("gcp-full")
    _node(raw, "cluster.controlPlane.authorizedNetworks").append({"name": name, "cidr": cidr})
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        assert "authorizedNetworks" in str(exc) and "twice" in str(exc)
    else:
        raise AssertionError("a CIDR listed twice was accepted")


# --- ranges: every value outside its documented range is refused under its key ---

RANGES = {
    # key path -> (stack, lowest allowed, highest allowed)
    "gpu.pools.0.maxNodes": ("aws-full", 1, 1000),
    "gpu.pools.0.diskSizeGb": ("gcp-full", 200, 65536),
    "gpu.sharing.maxSharedClientsPerGpu": ("gcp-serving", 2, 48),
    "aws.availabilityZones": ("aws-full", 2, 6),
}


def _put(raw: dict[str, Any], path: str, value: Any) -> str:
    node: Any = raw
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    node[parts[-1]] = value
    return ".".join(f"[{p}]" if p.isdigit() else p for p in parts).replace(".[", "[")


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(sorted(RANGES)), data=st.data())
def test_a_number_outside_its_range_is_refused_under_its_key(key: str, data: st.DataObject) -> None:
    stack, low, high = RANGES[key]
    value = data.draw(st.one_of(st.integers(max_value=low - 1), st.integers(min_value=high + 1)))
    raw = stack_raw(stack)
    shown_key = _put(raw, key, value)
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        assert f"  - {shown_key}: " in str(exc), f"the key is named:\n{exc}"
    else:
        raise AssertionError(f"{key}={value} was accepted (allowed {low}..{high})")


@settings(max_examples=40, deadline=None)
@given(max_nodes=st.integers(1, 999), extra=st.integers(1, 1000))
def test_min_nodes_above_max_nodes_is_refused(max_nodes: int, extra: int) -> None:
    raw = stack_raw("aws-full")
    raw["gpu"]["pools"][0] |= {"maxNodes": max_nodes, "minNodes": max_nodes + extra}
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        assert "gpu.pools[0]" in str(exc) and "must not exceed maxNodes" in str(exc)
    else:
        raise AssertionError("minNodes above maxNodes was accepted")


@st.composite
def split_of_everything(draw: st.DrawFn) -> list[str]:
    """0.0.0.0/0 cut into 2-12 prefixes: each step splits one prefix into its two halves."""
    nets = [ipaddress.IPv4Network("0.0.0.0/0")]
    for _ in range(draw(st.integers(1, 11))):
        i = draw(st.integers(0, len(nets) - 1))
        if nets[i].prefixlen < 24:
            nets[i : i + 1] = list(nets[i].subnets())
    return [str(n) for n in draw(st.permutations(nets))]


@settings(max_examples=40, deadline=None)
@given(split_of_everything())
def test_authorized_networks_adding_up_to_the_internet_are_refused_as_a_union(cidrs: list[str]) -> None:
    raw = stack_raw("gcp-full")
    raw["cluster"]["controlPlane"]["authorizedNetworks"] = [
        {"name": f"n{i}", "cidr": c} for i, c in enumerate(cidrs)
    ]
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        assert "cluster.controlPlane.authorizedNetworks" in str(exc), str(exc)
    else:
        raise AssertionError(f"{cidrs} cover the internet and were accepted")


@settings(max_examples=60, deadline=None)
@given(address=st.integers(0, 2**32 - 1), prefix=st.integers(8, 28))
def test_a_node_range_outside_rfc_1918_is_refused(address: int, prefix: int) -> None:
    net = ipaddress.IPv4Network((address, prefix), strict=False)
    rfc1918 = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
    raw = stack_raw("gcp-full")
    raw["network"]["cidr"] = str(net)
    try:
        loader.validate(raw)
    except loader.ConfigError as exc:
        if not any(net.subnet_of(b) for b in rfc1918):
            assert "network.cidr" in str(exc) and "RFC 1918" in str(exc), str(exc)
    else:
        assert any(net.subnet_of(b) for b in rfc1918), f"{net} is not RFC 1918 and was accepted"
