"""Engagement events in SQL: written by `record_engagement`, read back to personalise suggestions and search.

User ids are the tenant's own (two workspaces may both have a "u1"), so events are kept and read per owner."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from memory.db import session_scope
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
