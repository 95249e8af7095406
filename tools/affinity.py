"""Affinity tools: what an audience likes, and how audiences differ."""
from __future__ import annotations

from pydantic import BaseModel, Field

from tools.base import ToolContext, ToolOutput
from tools.registry import not_available, register
from tools.schemas import Audience


class AudienceAffinityInput(BaseModel):
    audience: Audience = Field(default_factory=Audience)
    domain: str | None = Field(default=None, description="What kind of things to rank: music, film, food, brands, hobbies, drinks…; unset = all.")
    seeds: list[str] = Field(default_factory=list, max_length=20, description="Tags or entities the answer should relate to, e.g. 'sneakers', 'cyberpunk'.")
    take: int = Field(default=10, ge=1, le=50)


class CompareAudiencesInput(BaseModel):
    items: list[str] = Field(min_length=1, max_length=30, description="Tags or entities to compare across audiences.")
    audiences: list[Audience] = Field(min_length=2, max_length=8)


@register("audience_affinity", engine="affinity", input_model=AudienceAffinityInput, output_model=ToolOutput, description="""
What an audience (region, age band, gender) likes in a domain, ranked with affinity scores, lift over
the population and an interval. Use for "what do under-35s in North America love?" or "how will X do with women 55+?".
""")
def audience_affinity(inp: AudienceAffinityInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("affinity", "audience_affinity")


@register("compare_audiences", engine="affinity", input_model=CompareAudiencesInput, output_model=ToolOutput, description="""
How several audiences differ on a set of tags or entities: a matrix of affinities (heatmap) and the
biggest differences in words. Use for "compare Gen Z and boomers on streetwear and vinyl".
""")
def compare_audiences(inp: CompareAudiencesInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("affinity", "compare_audiences")
