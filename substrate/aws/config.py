"""The `aws` block of a stack's config, and every stack-wide rule that holds on an EKS stack.

The schema validates `aws:` with `Block` and then runs `STACK_RULES` in order (the first with problems
refuses the stack). Pure: pydantic and the stdlib only, no Pulumi.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator, model_validator

from stacks import capacity as capacity_rules
from stacks import eks_versions, stack_rules, text
from stacks.base import Model, typed_block
from substrate.aws import offers
from substrate.aws import rules as aws_rules
from substrate.aws.rules import capacity

if TYPE_CHECKING:
    from stacks.schema import StackConfig

__all__ = ["NAMESPACES", "STACK_RULES", "AwsBlock", "Block", "block", "capacity", "warnings"]

# Provider config namespaces a stack file may carry for this cloud (`aws:region`).
NAMESPACES = ("aws",)


class AwsBlock(Model):
    region: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
    availability_zones: int = Field(default=3, ge=2, le=6)
    # Checked on the day the config is validated, the default included: a version out of standard
    # support is refused rather than left for EKS to upgrade under `upgradePolicy: STANDARD`.
    kubernetes_version: str = eks_versions.DEFAULT
    admin_principals: list[str]
    instance_types: dict[str, str] = Field(default_factory=dict)
    system_instance_type: str = "m7i.xlarge"
    # An EBS snapshot of a containerd image store with the serving images pre-pulled (GPU nodes mount it).
    image_snapshot_id: str | None = Field(default=None, pattern=r"^snap-[0-9a-f]{8,17}$")

    @model_validator(mode="before")
    @classmethod
    def _default_version_is_checked_too(cls, data: Any) -> Any:
        # Filled in as if written, so the default meets the same check under the key's own name.
        if isinstance(data, dict) and not {"kubernetesVersion", "kubernetes_version"} & set(data):
            return {**data, "kubernetesVersion": eks_versions.DEFAULT}
        return data

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _quoted(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool):
            raise ValueError(
                f'{v!r} is a number: quote the version ("{eks_versions.DEFAULT}"); YAML reads 1.30 as 1.3'
            )
        return v

    @field_validator("kubernetes_version")
    @classmethod
    def _in_standard_support(cls, v: str) -> str:
        problem = eks_versions.CALENDAR.problem(v, eks_versions.today())
        if problem:
            raise ValueError(problem)
        return v

    _admins = field_validator("admin_principals")(aws_rules.principals)
    _system = field_validator("system_instance_type")(aws_rules.system_instance)

    @field_validator("instance_types")
    @classmethod
    def _named(cls, v: dict[str, str]) -> dict[str, str]:
        for pool, instance in v.items():
            text.token(instance, f"aws.instanceTypes.{pool}")
        return v


Block = AwsBlock


def block(config: StackConfig) -> AwsBlock:
    """The stack's `aws` block, typed (the schema guarantees it on a `cloud: aws` stack)."""
    return typed_block(config, AwsBlock)


def _machines(config: StackConfig) -> list[str]:
    return offers.problems(config.gpu.pools, block(config))


def _capacity(config: StackConfig) -> list[str]:
    return capacity_rules.problems(config.gpu.pools, capacity)


STACK_RULES: tuple[Callable[[StackConfig], list[str]], ...] = (
    _machines,
    _capacity,
    stack_rules.control_plane_reachable,
)


def warnings(config: StackConfig) -> list[str]:
    """What `make plan` points out without refusing: a version with under 90 days of standard support left."""
    found = eks_versions.CALENDAR.runway_warning(block(config).kubernetes_version, eks_versions.today())
    return [found] if found else []
