"""Hype tools: the hype score of a subject, and the watches that post alerts when it crosses a threshold."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.base import ToolContext, ToolOutput
from tools.registry import not_available, register
from tools.schemas import RegionName


class HypeScoreInput(BaseModel):
    subject: str = Field(min_length=1, max_length=200, description="Product, brand or topic, e.g. 'Stanley cups', 'Virgin America'.")
    window_days: int = Field(default=7, ge=1, le=365, description="How many days of posts to score.")
    region: RegionName | None = None


class WatchHypeInput(BaseModel):
    action: Literal["create", "update", "remove"] = "create"
    subject: str = Field(min_length=1, max_length=200)
    threshold: float | None = Field(default=None, ge=0, le=100, description="Hype score (0–100) that fires the alert; required to create.")
    direction: Literal["above", "below"] = "above"
    channel: str | None = Field(default=None, max_length=300, description="Where to post: 'slack:#channel', 'discord:<channel id>' or 'webhook:<url>'.")


class ListWatchesInput(BaseModel):
    subject: str | None = Field(default=None, description="Only watches on this subject.")
    include_alerts: bool = True


@register("hype_score", engine="hype", input_model=HypeScoreInput, output_model=ToolOutput, description="""
Hype score 0–100 for a product, brand or topic from social posts: metric breakdown (volume, velocity,
sentiment, novelty, engagement…), sentiment, top posts, timeline and confidence. Use for "what's the hype on X this week?".
""")
def hype_score(inp: HypeScoreInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("hype", "hype_score")


@register("watch_hype", engine="hype", input_model=WatchHypeInput, output_model=ToolOutput, description="""
Create, update or remove a hype watch: when the subject's hype score crosses the threshold, caeser
posts an alert to the named Slack/Discord channel or webhook. Use for "alert me in #launches if X goes above 70".
""")
def watch_hype(inp: WatchHypeInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("hype", "watch_hype")


@register("list_watches", engine="hype", input_model=ListWatchesInput, output_model=ToolOutput, store=False, description="""
The hype watches that exist and the alerts they fired. Use for "what am I watching?".
""")
def list_watches(inp: ListWatchesInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("hype", "list_watches")
