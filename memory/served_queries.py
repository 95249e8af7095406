"""Queries and prefixes the storefront API answered, with their result counts: the only place a
query that found nothing is seen (a shopper who gets no results sends no event about them)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from memory.db import get_engine
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import ServedQuery, utcnow


def log_served(settings: Settings, owner: Owner, *, surface: str, query: str, results: int, user_id: str | None, session_id: str | None, variant: str | None) -> None:
    with get_engine(settings).begin() as conn:
        conn.execute(ServedQuery.__table__.insert(), {"owner": owner.key, "surface": surface, "query": query[:500], "results": results,
                                                      "user_id": user_id, "session_id": session_id, "variant": variant, "created_at": utcnow()})


def served_between(settings: Settings, owner: Owner, since: datetime, until: datetime, user_id: str | None = None) -> list[tuple[str, str, int, str | None]]:
    """(surface, query, results, user_id) of the owner's served queries in [since, until)."""
    t = ServedQuery.__table__.c
    query = select(t.surface, t.query, t.results, t.user_id).where(visible_to(t.owner, owner), t.created_at >= since, t.created_at < until)
    if user_id is not None:
        query = query.where(t.user_id == user_id)
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(query)]
