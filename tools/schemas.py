"""Argument types shared by several tools: an audience, a region, a channel.

Validation lives here so that "unknown region" or "age 80 to 20" is refused the same way whether
the call came from the planner, an LLM or an MCP client.
"""
from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from engines.geo import UnknownRegion, resolve_region

Gender = Literal["male", "female"]
MAX_TEXT = 2000  # the longest string any argument takes (a product description); longer is refused, not truncated


def _scalar_kinds(annotation: Any) -> set[type]:
    """The plain types (str, int, float, bool) an annotation admits, through Optional/Annotated/list."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, Annotated, list, tuple, set, frozenset):
        return {kind for arg in typing.get_args(annotation) for kind in _scalar_kinds(arg)}
    return {annotation} & {str, int, float, bool}


def _tighten(schema: dict[str, Any]) -> None:
    """Every string property advertises the length limit the validator enforces."""
    for prop in schema.get("properties", {}).values():
        for option in [prop, *prop.get("anyOf", []), prop.get("items") or {}]:
            if option.get("type") == "string" and "maxLength" not in option and "enum" not in option:
                option["maxLength"] = 40 if "format" in option else MAX_TEXT  # dates: ISO text is short


class StrictInput(BaseModel):
    """The base of every tool input and nested argument model, so that a call means exactly what it says:
    an unknown or misspelt key (`audience.regoin`) is refused by name instead of ignored, `true` is not
    a number, a boolean is `true` or `false` (not "yes" or 1), and no string is longer than MAX_TEXT."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_tighten)

    @field_validator("*", mode="before")
    @classmethod
    def _no_type_juggling(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        kinds = _scalar_kinds(field.annotation)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool) and bool not in kinds and kinds & {int, float}:
                raise ValueError(f"expected a number, got {str(item).lower()}")
            if bool in kinds and not isinstance(item, bool) and item is not None and not kinds - {bool} and not isinstance(item, list):
                raise ValueError(f"expected true or false, got {item!r:.40}")
            if isinstance(item, str) and len(item) > MAX_TEXT:
                raise ValueError(f"at most {MAX_TEXT} characters are accepted, got {len(item):,}")
        return value


def canonical_region(value: str) -> str:
    try:
        return resolve_region(value).name
    except UnknownRegion as exc:
        raise ValueError(str(exc)) from None


RegionName = Annotated[str, AfterValidator(canonical_region)]


class Audience(StrictInput):
    """Who we are talking about. Every field is optional: an empty audience is everyone."""

    region: RegionName | None = Field(default=None, description="Market, country or US census region, e.g. 'North America', 'UK', 'Pacific'.", examples=["UK"])
    age_min: int | None = Field(default=None, ge=13, le=100, description="Youngest age included.", examples=[25])
    age_max: int | None = Field(default=None, ge=13, le=120, description="Oldest age included.", examples=[34])
    gender: Gender | None = Field(default=None, description="'male' or 'female'; unset = both.", examples=["female"])

    @model_validator(mode="after")
    def _ages_ordered(self) -> "Audience":
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"age_min {self.age_min} is above age_max {self.age_max}")
        return self

    def label(self) -> str:
        parts: list[str] = []
        if self.gender:
            parts.append("women" if self.gender == "female" else "men")
        if self.age_min is not None and self.age_max is not None:
            parts.append(f"aged {self.age_min}–{self.age_max}")
        elif self.age_min is not None:
            parts.append(f"aged {self.age_min}+")
        elif self.age_max is not None:
            parts.append(f"under {self.age_max + 1}")
        if self.region:
            parts.append(f"in {self.region}")
        return " ".join(parts) or "everyone"
