"""What the storefront API accepts and returns (the OpenAPI schema is generated from these)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, Field, field_validator

from memory.engagement import Action, ItemKind
from tools.cadence.search import SearchData
from tools.cadence.suggest import SuggestionsData
from tools.schemas import StrictInput

MAX_BATCH = 1000
FUTURE_SLACK = timedelta(days=1)  # a storefront clock may be off; an event a day ahead is a bug


class EventIn(StrictInput):
    event_id: str = Field(min_length=1, max_length=128, description="The storefront's id for this event: a replay with the same id is stored once.", examples=["e-7f3a"])
    action: Action = Field(description="What the shopper did.", examples=["click"])
    user_id: str = Field(min_length=1, max_length=128, description="Shopper id.", examples=["u123"])
    session_id: str | None = Field(default=None, max_length=128, description="Session id.", examples=["s-42"])
    item_id: str = Field(min_length=1, max_length=128, description="Product id, or the suggestion text for a suggestion.", examples=["fk:SHOEH4GRSUBJ8ZGK"])
    item_kind: ItemKind = Field(default="product", description="product, or suggestion for an autosuggest entry.", examples=["suggestion"])
    rank: int | None = Field(default=None, ge=1, le=1000, description="Position the item was shown at (1 = first).", examples=[2])
    query: str | None = Field(default=None, max_length=500, description="The query or prefix it was shown for.", examples=["wa"])
    variant: str | None = Field(default=None, max_length=64, description="The experiment variant the response said (experiment.variant).", examples=["personalised"])
    value: float | None = Field(default=None, ge=0, le=10_000_000, description="Revenue of a purchase.", examples=[24.99])
    timestamp: datetime | None = Field(default=None, description="When it happened (ISO 8601; no zone = UTC); unset = when received.", examples=["2026-12-05T10:15:00Z"])

    @field_validator("timestamp")
    @classmethod
    def _sane_time(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        if value > datetime.now(timezone.utc) + FUTURE_SLACK:
            raise ValueError(f"{value.isoformat()} is in the future: check the storefront's clock")
        return value


class EventsBatch(StrictInput):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} events.")


class EventsResult(BaseModel):
    received: int
    stored: int = Field(description="New events.")
    duplicates: int = Field(description="Events whose event_id was already stored (a replay): ignored.")


class ExperimentServed(BaseModel):
    id: str
    variant: str


class SuggestResponse(SuggestionsData):
    summary: str
    experiment: ExperimentServed | None = Field(default=None, description="Set when the user is in a running experiment: tag their events with experiment.variant.")


class SearchResponse(SearchData):
    summary: str
    experiment: ExperimentServed | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str
    version: str
    index: str = Field(description="State of the search and suggestion index: built, stale, missing (answers from query popularity meanwhile) or no_data.")
