"""Persona tools: synthetic buyer simulations of launch scenarios, and persona archetypes."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from tools.base import ToolContext, ToolOutput
from tools.registry import not_available, register
from tools.schemas import Audience, RegionName

Channel = Literal["web", "store", "catalogue", "social", "marketplace"]


class LaunchScenario(BaseModel):
    label: str | None = Field(default=None, max_length=80)
    price: float | None = Field(default=None, gt=0, le=1_000_000, description="Price in the region's currency.")
    region: RegionName | None = None
    start: date | None = Field(default=None, description="Launch date (first day of the month when only a month is given).")
    channel: Channel | None = None


class SimulateLaunchInput(BaseModel):
    product: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    scenarios: list[LaunchScenario] = Field(default_factory=lambda: [LaunchScenario()], min_length=1, max_length=48)
    population: int = Field(default=100_000, ge=1, le=50_000_000, description="Synthetic buyers per scenario.")
    weeks: int = Field(default=26, ge=1, le=156)
    seed: int = 7


class BuildPersonasInput(BaseModel):
    product: str = Field(min_length=1, max_length=200)
    audience: Audience = Field(default_factory=Audience)
    count: int = Field(default=5, ge=1, le=20)


@register("simulate_launch", engine="persona", input_model=SimulateLaunchInput, output_model=ToolOutput, description="""
Synthetic-buyer simulation of one or more launch scenarios (price, region, start date, channel):
weekly adoption curve, units, revenue, segment breakdown and the best scenario. Use for "simulate a $129 launch in Europe in March vs May".
""")
def simulate_launch(inp: SimulateLaunchInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("persona", "simulate_launch")


@register("build_personas", engine="persona", input_model=BuildPersonasInput, output_model=ToolOutput, description="""
Persona archetypes for a product and audience: share, traits, what resonates and what puts them off;
exportable. Use for "give me 4 buyer personas for our trail shoe in the UK".
""")
def build_personas(inp: BuildPersonasInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("persona", "build_personas")
