"""Argument types shared by several tools: an audience, a region, a channel.

Validation lives here so that "unknown region" or "age 80 to 20" is refused the same way whether
the call came from the planner, an LLM or an MCP client.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from engines.geo import UnknownRegion, resolve_region

Gender = Literal["male", "female"]


def canonical_region(value: str) -> str:
    try:
        return resolve_region(value).name
    except UnknownRegion as exc:
        raise ValueError(str(exc)) from None


RegionName = Annotated[str, AfterValidator(canonical_region)]


class Audience(BaseModel):
    """Who we are talking about. Every field is optional: an empty audience is everyone."""

    region: RegionName | None = Field(default=None, description="Market, country or US census region, e.g. 'North America', 'UK', 'Pacific'.")
    age_min: int | None = Field(default=None, ge=13, le=100, description="Youngest age included.")
    age_max: int | None = Field(default=None, ge=13, le=120, description="Oldest age included.")
    gender: Gender | None = None

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
