"""The flagship tool: affinity, hype, forecast, personas and search demand composed into one launch readout."""
from __future__ import annotations

from pydantic import BaseModel, Field

from tools.base import ToolContext, ToolOutput
from tools.registry import not_available, register
from tools.schemas import Audience, RegionName


class AnalyzeLaunchInput(BaseModel):
    product: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    price: float | None = Field(default=None, gt=0, le=1_000_000)
    audience: Audience = Field(default_factory=Audience)
    regions: list[RegionName] = Field(default_factory=list, max_length=10)
    horizon: int = Field(default=12, ge=1, le=104, description="Weeks to plan for.")


@register("analyze_launch", engine="launch", input_model=AnalyzeLaunchInput, output_model=ToolOutput, description="""
The whole launch readout for a product: audience affinity, hype of the product and its comparables,
a new-product demand forecast, a persona what-if simulation and search demand, with a plan (segments,
channels, timing, price, regions, search terms, risks) that cites its numbers. Use for "we're launching X — will it be a hit?".
""")
def analyze_launch(inp: AnalyzeLaunchInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("launch analysis", "analyze_launch")
