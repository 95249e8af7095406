"""Engagement events in SQL: written by `record_engagement` and the storefront API's /v1/events, read
back to personalise suggestions and search, and by experiments and shopper analytics.

User ids are the tenant's own (two workspaces may both have a "u1"), so events are kept and read per owner.
A storefront names each event (`event_id`): a retried batch is stored once, by the unique index on
(owner, event_id) and an insert-ignore, so no read has to deduplicate."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select as core_select
from sqlmodel import select

from memory.bulk import dialect_insert, insert_columns
from memory.db import get_engine, session_scope
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import EngagementEvent, utcnow

LOOKBACK_DAYS = 180  # beyond ~6 half-lives an event weighs < 2%: not worth reading


def record_event(settings: Settings, *, owner: Owner, user_id: str, session_id: str | None, action: str, item_id: str, item_kind: str, rank: int | None, query: str | None) -> EngagementEvent:
    event = EngagementEvent(owner=owner.key, user_id=user_id, session_id=session_id, action=action, item_id=item_id, item_kind=item_kind, rank=rank, query=query)
    with session_scope(settings) as session:
        session.add(event)
        session.flush()
        session.refresh(event)
    return event


def user_events(settings: Settings, owner: Owner, user_id: str, now: datetime | None = None, limit: int = 500) -> list[EngagementEvent]:
    """The owner's user's most recent events within the lookback window, newest first."""
    since = (now or utcnow()) - timedelta(days=LOOKBACK_DAYS)
    with session_scope(settings) as session:
        query = select(EngagementEvent).where(EngagementEvent.user_id == user_id, EngagementEvent.created_at >= since,
                                                visible_to(EngagementEvent.owner, owner))
        return list(session.exec(query.order_by(EngagementEvent.created_at.desc()).limit(limit)))


Action = Literal["view", "click", "add_to_cart", "wishlist", "purchase"]
ItemKind = Literal["product", "suggestion"]
MAX_READ_ROWS = 2_000_000  # an analytics read stops here rather than exhaust memory


class NewEvent(BaseModel):
    """One event as a storefront sends it (bots/api validates the request into these)."""

    event_id: str | None = None
    user_id: str
    session_id: str | None = None
    action: Action
    item_id: str
    item_kind: ItemKind = "product"
    rank: int | None = None
    query: str | None = None
    variant: str | None = None
    value: float | None = None
    at: datetime | None = None


def append_events(settings: Settings, owner: Owner, events: Sequence[NewEvent]) -> int:
    """Store a batch in one transaction; events whose id this owner already stored are skipped.
    Returns how many were new."""
    if not events:
        return 0
    now = utcnow()
    columns = {"owner": [owner.key] * len(events), "created_at": [e.at or now for e in events]}
    for name in ("event_id", "user_id", "session_id", "action", "item_id", "item_kind", "rank", "query", "variant", "value"):
        columns[name] = [getattr(e, name) for e in events]
    table = EngagementEvent.__table__
    with get_engine(settings).begin() as conn:
        return insert_columns(conn, table, columns, dialect_insert(conn, table).on_conflict_do_nothing())


def events_between(settings: Settings, owner: Owner, since: datetime, until: datetime, user_id: str | None = None) -> list[tuple]:
    """(user_id, session_id, action, item_kind, rank, query, value, variant, created_at) of the owner's
    events in [since, until), oldest first (capped at MAX_READ_ROWS)."""
    t = EngagementEvent.__table__.c
    query = core_select(t.user_id, t.session_id, t.action, t.item_kind, t.rank, t.query, t.value, t.variant, t.created_at).where(
        visible_to(t.owner, owner), t.created_at >= since, t.created_at < until)
    if user_id is not None:
        query = query.where(t.user_id == user_id)
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(t.created_at).limit(MAX_READ_ROWS))]
