"""EKS network: a dedicated VPC carved deterministically from `network.cidr`, private nodes, NAT egress.

Covers the subnet plan (pure function and rendered subnets), the tags the AWS load balancer controller
and Karpenter discover subnets by, NAT per zone on prod and a shared one on dev, routing, the emptied
default security group, and the config errors for ranges EKS cannot use.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from pulumi import RunError

from offline.engine import Rendering, render
from stacks.loader import ConfigError
from substrate.aws.adapter import check_services_cidr
from substrate.aws.mocks import computed_outputs as aws_computed_outputs
from substrate.aws.network import plan_subnets
from tests.stack_fixtures import render_stack, stack_raw

SUBNET = "aws:ec2/subnet:Subnet"


def subnets(r: Rendering, kind: str) -> list[dict[str, Any]]:
    found = [s for s in r.of_type(SUBNET) if s.name.rsplit("-", 2)[-2] == kind]
    return [s.inputs for s in sorted(found, key=lambda s: s.name)]


def test_each_zone_gets_a_private_and_a_public_subnet_carved_from_the_network_cidr() -> None:
    r = render_stack("aws-full")
    vpc = r.one("aws:ec2/vpc:Vpc").inputs
    assert vpc["cidrBlock"] == stack_raw("aws-full")["network"]["cidr"] == "10.0.0.0/20"
    assert vpc["enableDnsSupport"] and vpc["enableDnsHostnames"], "the private endpoint needs VPC DNS"
    private, public = subnets(r, "private"), subnets(r, "public")
    assert [s["cidrBlock"] for s in private] == ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"]
    assert [s["cidrBlock"] for s in public] == ["10.0.12.0/24", "10.0.13.0/24", "10.0.14.0/24"]
    assert [s["availabilityZone"] for s in private] == ["us-east-2a", "us-east-2b", "us-east-2c"]
    assert [s["availabilityZone"] for s in public] == [s["availabilityZone"] for s in private]
    assert not any(s["mapPublicIpOnLaunch"] for s in private + public), "nothing gets a public IP by default"


def test_subnets_carry_the_load_balancer_and_karpenter_discovery_tags() -> None:
    r = render_stack("aws-full")
    for s in subnets(r, "public"):
        assert s["tags"]["kubernetes.io/role/elb"] == "1", "internet-facing LBs go to public subnets"
        assert "karpenter.sh/discovery" not in s["tags"], "Karpenter never launches nodes in public subnets"
    for s in subnets(r, "private"):
        assert s["tags"]["kubernetes.io/role/internal-elb"] == "1", "internal LBs go to private subnets"
        assert s["tags"]["karpenter.sh/discovery"] == "llm-full", "Karpenter finds node subnets by this tag"


def test_prod_has_a_nat_gateway_per_zone_and_dev_shares_one() -> None:
    assert len(render_stack("aws-full").of_type("aws:ec2/natGateway:NatGateway")) == 3, "prod: one per zone"
    dev = render_stack("aws-serving")
    assert len(dev.of_type("aws:ec2/natGateway:NatGateway")) == 1, "dev: one NAT shared by every zone"
    routes = [r.inputs for r in dev.of_type("aws:ec2/route:Route") if "natGatewayId" in r.inputs]
    assert len(routes) == 2 and len({r["natGatewayId"] for r in routes}) == 1


def test_private_subnets_route_to_nat_and_public_ones_to_the_internet_gateway() -> None:
    r = render_stack("aws-full")
    routes = [x.inputs for x in r.of_type("aws:ec2/route:Route")]
    assert all(x["destinationCidrBlock"] == "0.0.0.0/0" for x in routes)
    to_igw = [x for x in routes if "gatewayId" in x]
    to_nat = [x for x in routes if "natGatewayId" in x]
    assert len(to_igw) == 1 and len(to_nat) == 3, "one public table to the IGW, one private table per zone"
    nat_subnets = {n.inputs["subnetId"] for n in r.of_type("aws:ec2/natGateway:NatGateway")}
    public_ids = {
        aws_computed_outputs(SUBNET, s.name, s.inputs)["__id"]
        for s in r.of_type(SUBNET)
        if "-public-" in s.name
    }
    assert nat_subnets == public_ids, "each NAT gateway sits in its zone's public subnet"


def test_zone_names_come_from_the_account_zone_list_not_from_a_guess() -> None:
    r = render_stack("aws-full")
    assert "aws:index/getAvailabilityZones:getAvailabilityZones" in r.invokes


def test_the_default_security_group_is_emptied() -> None:
    sg = render_stack("aws-full").one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs
    assert sg["ingress"] == [] and sg["egress"] == [], "the VPC's default group allows nothing"


@pytest.mark.parametrize("zones", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "10.0.0.0/20", "192.168.0.0/21"])
def test_the_subnet_plan_is_disjoint_inside_the_range_and_large_enough(cidr: str, zones: int) -> None:
    try:
        plan = plan_subnets(cidr, zones)
    except ConfigError:
        assert ipaddress.ip_network(cidr).prefixlen > 20, "a /20 serves up to six zones"
        return
    assert plan == plan_subnets(cidr, zones), "the plan is a pure function of range and zone count"
    nets = [ipaddress.IPv4Network(c) for c in plan.private + plan.public]
    assert len(plan.private) == len(plan.public) == zones
    assert all(n.subnet_of(ipaddress.IPv4Network(cidr)) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :]), "subnets never overlap"
    assert all(ipaddress.ip_network(c).prefixlen <= 24 for c in plan.private), "pods need room: /24 or larger"
    assert all(ipaddress.ip_network(c).prefixlen <= 27 for c in plan.public), "an ALB needs a /27"


def test_a_network_too_small_for_eks_is_refused_naming_network_cidr() -> None:
    with pytest.raises(ConfigError) as caught:
        plan_subnets("10.0.0.0/24", 3)
    assert "  - network.cidr: '10.0.0.0/24' is too small for 3 availability zones" in str(caught.value)
    assert "use a /22 or larger" in str(caught.value)
    with pytest.raises(ConfigError, match="EC2 accepts IPv4 blocks of /16 to /28"):
        plan_subnets("10.0.0.0/12", 3)


def test_a_too_small_network_stops_the_program_before_its_first_registration() -> None:
    raw = stack_raw("aws-full")
    raw["network"] = {**raw["network"], "cidr": "10.0.0.0/24"}
    observed = Rendering(stack="aws-full")
    with pytest.raises(ConfigError, match=r"network\.cidr"):
        render(raw, "aws-full", into=observed)
    assert observed.resources == [], "EKS-specific checks run before any resource is registered"


def test_the_service_range_must_be_one_eks_accepts() -> None:
    assert check_services_cidr("10.20.0.0/20") == "10.20.0.0/20"
    for bad in ("10.0.0.0/8", "10.20.0.0/25", "100.64.0.0/16"):
        with pytest.raises(ConfigError, match=r"network\.servicesCidr"):
            check_services_cidr(bad)


def test_asking_for_more_zones_than_the_region_offers_fails_naming_the_key() -> None:
    aws = {**stack_raw("aws-serving")["aws"], "availabilityZones": 5}
    with pytest.raises(RunError, match=r"aws\.availabilityZones: eu-central-1 offers 4 availability zones"):
        render_stack("aws-serving", aws=aws)
