"""A dedicated VPC for the cluster: per zone a private subnet (nodes, pods) and a public one (NAT, LBs).

The VPC CNI gives every pod a VPC address, so the private subnets take most of `network.cidr`:
it is cut into the smallest power of two of equal blocks that holds one block per zone plus one, the
zones take the first blocks as private subnets, and the last block is cut again into the public
subnets. The default 10.0.0.0/20 over three zones gives private /22s (1,019 usable addresses each) and
public /24s; `plan_subnets` refuses a range whose private subnets would be smaller than /24.
`network.podsCidr` and `masterCidr` are GKE ranges with no EKS counterpart; `servicesCidr` becomes the
cluster's service range (cluster.py).

Egress leaves through NAT: one gateway per zone on prod (a zone outage never cuts the others off), a
single one on dev (about a third of the cost; nodes in other zones lose egress if its zone fails).
Zone names come from the account's zone list, sorted, without filtering on state: a zone that is
briefly impaired must not shift every subnet to another zone on the next `up`. The list is read by
`available_zones()`, a plain invoke the adapter runs before it registers anything: a region that
offers fewer zones than `aws.availabilityZones` is a config error, not a half-registered plan.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_aws as aws

from stacks.loader import ConfigError
from substrate.component import Component

ELB_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"
KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery"
MIN_PRIVATE_PREFIX = 24  # 251 usable addresses per zone: nodes and pods share them
MIN_PUBLIC_PREFIX = 27  # an ALB needs a /27 with 8 free addresses per subnet
VPC_PREFIXES = range(16, 29)  # what EC2 accepts for a VPC CIDR block
EVERYWHERE = "0.0.0.0/0"


@dataclass(frozen=True, kw_only=True)
class SubnetPlan:
    private: tuple[str, ...]
    public: tuple[str, ...]


def plan_subnets(cidr: str, zones: int) -> SubnetPlan:
    """Deterministic private and public subnet CIDRs for `zones` zones, or a ConfigError."""
    vpc = ipaddress.ip_network(cidr)
    if not isinstance(vpc, ipaddress.IPv4Network) or vpc.prefixlen not in VPC_PREFIXES:
        raise ConfigError(
            f"invalid stack config:\n  - network.cidr: '{cidr}' cannot be a VPC: "
            "EC2 accepts IPv4 blocks of /16 to /28"
        )
    blocks = 2 ** math.ceil(math.log2(zones + 1))
    private_prefix = vpc.prefixlen + int(math.log2(blocks))
    public_prefix = private_prefix + math.ceil(math.log2(zones))
    if private_prefix > MIN_PRIVATE_PREFIX or public_prefix > MIN_PUBLIC_PREFIX:
        largest = MIN_PRIVATE_PREFIX - int(math.log2(blocks))
        raise ConfigError(
            f"invalid stack config:\n  - network.cidr: '{cidr}' is too small for {zones} availability zones "
            f"on EKS: pods take VPC addresses, so each zone's private subnet must be a /{MIN_PRIVATE_PREFIX} "
            f"or larger; use a /{largest} or larger (e.g. 10.0.0.0/16)"
        )
    halves = list(vpc.subnets(new_prefix=private_prefix))
    public = list(halves[-1].subnets(new_prefix=public_prefix))[:zones]
    return SubnetPlan(
        private=tuple(str(n) for n in halves[:zones]),
        public=tuple(str(n) for n in public),
    )


def available_zones(region: str, wanted: int) -> list[str]:
    """The region's zones open to this account (no opt-in needed), sorted; a ConfigError if too few.

    A synchronous invoke on the default provider with the stack's region (pulumi-aws 7 data sources
    take `region`), so it runs before the adapter's own provider or any resource is registered.
    """
    found = aws.get_availability_zones(
        region=region,
        filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
    )
    names = sorted(found.names)
    if len(names) < wanted:
        raise ConfigError(
            f"invalid stack config:\n  - aws.availabilityZones: {region} offers {len(names)} availability "
            f"zones to this account ({', '.join(names) or 'none'}), {wanted} were asked for; "
            f"allowed: 2 to {len(names)}"
        )
    return names


@dataclass(kw_only=True)
class NetworkArgs:
    cluster_name: str
    region: str
    cidr: str
    zones: int
    # Zone names of the region (from available_zones()), sorted.
    zone_names: pulumi.Input[list[str]]
    nat_per_zone: bool


def _zone(names: list[str], index: int, wanted: int, region: str) -> str:
    ordered = sorted(names)
    if len(ordered) < wanted:
        raise pulumi.RunError(
            f"aws.availabilityZones: {region} offers {len(ordered)} availability zones to this account, "
            f"{wanted} were asked for"
        )
    return ordered[index]


class Network(Component):
    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:Network", name, opts)
        plan = plan_subnets(args.cidr, args.zones)
        cluster = args.cluster_name
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            # The private API endpoint and node registration need VPC DNS.
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": f"{cluster}-vpc"},
            opts=self.child(),
        )
        # The VPC's default security group allows all traffic between its members: emptied, never used.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=self.vpc.id, ingress=[], egress=[], opts=self.child()
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags={"Name": f"{cluster}-igw"}, opts=self.child()
        )
        public_routes = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=self.vpc.id, tags={"Name": f"{cluster}-public"}, opts=self.child()
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_routes.id,
            destination_cidr_block=EVERYWHERE,
            gateway_id=igw.id,
            opts=self.child(),
        )
        self.public_subnets: list[aws.ec2.Subnet] = []
        self.private_subnets: list[aws.ec2.Subnet] = []
        self.nat_gateways: list[aws.ec2.NatGateway] = []
        zone_names = pulumi.Output.from_input(args.zone_names)
        for i in range(args.zones):
            zone = zone_names.apply(partial(_zone, index=i, wanted=args.zones, region=args.region))
            public = aws.ec2.Subnet(
                f"{name}-public-{i}",
                vpc_id=self.vpc.id,
                cidr_block=plan.public[i],
                availability_zone=zone,
                # Only NAT gateways and load balancers live here; nothing gets a public IP by default.
                map_public_ip_on_launch=False,
                tags={"Name": f"{cluster}-public-{i}", ELB_TAG: "1"},
                opts=self.child(),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{i}", subnet_id=public.id, route_table_id=public_routes.id, opts=self.child()
            )
            self.public_subnets.append(public)
            self.private_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-private-{i}",
                    vpc_id=self.vpc.id,
                    cidr_block=plan.private[i],
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={
                        "Name": f"{cluster}-private-{i}",
                        INTERNAL_ELB_TAG: "1",
                        KARPENTER_DISCOVERY_TAG: cluster,
                    },
                    opts=self.child(),
                )
            )
            if i == 0 or args.nat_per_zone:
                eip = aws.ec2.Eip(
                    f"{name}-nat-{i}", domain="vpc", tags={"Name": f"{cluster}-nat-{i}"}, opts=self.child()
                )
                self.nat_gateways.append(
                    aws.ec2.NatGateway(
                        f"{name}-nat-{i}",
                        allocation_id=eip.id,
                        subnet_id=public.id,
                        connectivity_type="public",
                        tags={"Name": f"{cluster}-nat-{i}"},
                        opts=self.child(depends_on=[igw]),
                    )
                )
        # One route table per zone even with a single NAT: turning HA on changes routes, not tables.
        for i, private in enumerate(self.private_subnets):
            routes = aws.ec2.RouteTable(
                f"{name}-private-{i}",
                vpc_id=self.vpc.id,
                tags={"Name": f"{cluster}-private-{i}"},
                opts=self.child(),
            )
            aws.ec2.Route(
                f"{name}-private-{i}-default",
                route_table_id=routes.id,
                destination_cidr_block=EVERYWHERE,
                nat_gateway_id=self.nat_gateways[i if args.nat_per_zone else 0].id,
                opts=self.child(),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{i}", subnet_id=private.id, route_table_id=routes.id, opts=self.child()
            )
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        self.register_outputs({"vpc": self.vpc.id, "privateSubnets": self.private_subnet_ids})
