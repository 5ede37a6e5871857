"""The base every config model shares: camelCase keys, unknown keys refused with the allowed ones named."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel

# Lowercase DNS-label-like names (clusters, pools, zones). In `Field(pattern=)` (Rust regex) `$` is the
# end of the value and the classes are explicit ASCII; Python code matches with stacks.text instead.
NAME = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"


class Model(BaseModel):
    """Base of every config model: camelCase keys, unknown keys rejected with the allowed ones named."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = set()
            for n, f in cls.model_fields.items():
                choices = f.validation_alias
                # A field read from one of several keys (the cloud block): each key is allowed.
                allowed |= (
                    set(map(str, choices.choices)) if isinstance(choices, AliasChoices) else {f.alias or n}
                )
            unknown = sorted(k for k in data if k not in allowed and k not in cls.model_fields)
            if unknown:
                raise ValueError(
                    f"unknown key '{unknown[0]}'; allowed keys here: {', '.join(sorted(allowed))}"
                )
            # YAML's `true` is not a count: pydantic would read it as 1.
            for name, f in cls.model_fields.items():
                key = f.alias or name
                if f.annotation is int and isinstance(data.get(key, data.get(name)), bool):
                    raise ValueError(f"{key} must be a whole number, not true/false")
        return data


BlockT = TypeVar("BlockT", bound=Model)


def typed_block(config: Any, kind: type[BlockT]) -> BlockT:
    """A stack's cloud block as its cloud's model (the schema validated it with that model)."""
    found = config.cloud_block
    assert isinstance(found, kind), f"cloud: {config.cloud} stacks carry a {kind.__name__}"
    return found
