"""Search tools after CADENCE: autosuggest, product search and the engagement that personalises both."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.base import ToolContext, ToolOutput
from tools.registry import not_available, register

Action = Literal["view", "click", "add_to_cart", "wishlist", "purchase"]


class SuggestQueriesInput(BaseModel):
    prefix: str = Field(min_length=1, max_length=200, description="What the user has typed so far.")
    user_id: str | None = Field(default=None, max_length=128)
    session_id: str | None = Field(default=None, max_length=128)
    category: str | None = Field(default=None, max_length=200)
    k: int = Field(default=10, ge=1, le=50)


class SearchFilters(BaseModel):
    category: str | None = Field(default=None, max_length=200)
    min_price: float | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)


class SearchProductsInput(BaseModel):
    query: str = Field(min_length=1, max_length=500)
    user_id: str | None = Field(default=None, max_length=128)
    k: int = Field(default=10, ge=1, le=100)
    filters: SearchFilters = Field(default_factory=SearchFilters)


class RecordEngagementInput(BaseModel):
    user_id: str = Field(min_length=1, max_length=128)
    session_id: str | None = Field(default=None, max_length=128)
    action: Action
    item_id: str = Field(min_length=1, max_length=128, description="Product id, or the suggestion text for suggestion clicks.")
    rank: int | None = Field(default=None, ge=1, le=1000, description="Position at which the item was shown.")
    query: str | None = Field(default=None, max_length=500)


@register("suggest_queries", engine="cadence", input_model=SuggestQueriesInput, output_model=ToolOutput, store=False, description="""
Autosuggest completions for a typed prefix, each with score and source (query log or generated),
personalised by the user's engagement. Use for "what should the search box suggest after 'wa'?".
""")
def suggest_queries(inp: SuggestQueriesInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("cadence", "suggest_queries")


@register("search_products", engine="cadence", input_model=SearchProductsInput, output_model=ToolOutput, description="""
Ranked products for a search query (lexical + vector search fused, personalised), with optional
category and price filters. Use for "find wooden toy trains under £20".
""")
def search_products(inp: SearchProductsInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("cadence", "search_products")


@register("record_engagement", engine="cadence", input_model=RecordEngagementInput, output_model=ToolOutput, store=False, description="""
Log a user's view, click, add_to_cart, wishlist or purchase of an item, which personalises later
suggestions and search results. Use for "user u42 bought item 123".
""")
def record_engagement(inp: RecordEngagementInput, ctx: ToolContext) -> ToolOutput:
    raise not_available("cadence", "record_engagement")
