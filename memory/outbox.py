"""The leased outbox both background senders share: hype alerts (memory/watches.py) and scheduled
report runs (memory/schedules.py).

An outbox row type has `id`, `status` ('pending' while it may still be sent), `attempts`,
`next_attempt_at`, `lease_owner` and `lease_until`. The guarantees (see memory/watches.py's
docstring for the reasoning):
- a worker claims rows with a lease: candidates are picked `FOR UPDATE SKIP LOCKED` on Postgres and
  leased only where the row is still claimable, so each row has one owner at a time, and the claim
  counts the attempt;
- the lease is renewed right before a send and while one is under way; a renewal fails once the
  lease expired or another worker took the row, and then the worker must not send;
- finishing (sent, retry later, failed) is conditional on still holding the lease.
`now` is a parameter so tests can drive the clock; production passes nothing (the wall clock).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from sqlalchemy import and_, func, or_, update
from sqlmodel import SQLModel, select

from memory.db import session_scope
from memory.settings import Settings
from memory.tables import utcnow

Row = TypeVar("Row", bound=SQLModel)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite and Postgres' `timestamp` columns hand back naive UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def claim(settings: Settings, model: type[Row], worker: str, lease_s: float, limit: int = 1, now: datetime | None = None) -> list[Row]:
    """Lease up to `limit` due rows to `worker`; returns them with `attempts` already counted."""
    now = now or utcnow()
    m: Any = model
    claimable = and_(m.status == "pending", m.next_attempt_at <= now, or_(m.lease_until.is_(None), m.lease_until < now))
    with session_scope(settings) as s:
        ids = list(s.exec(select(m.id).where(claimable).order_by(m.id).limit(limit).with_for_update(skip_locked=True)).all())
        if not ids:
            return []
        s.execute(update(m).where(m.id.in_(ids), claimable).values(lease_owner=worker, lease_until=now + timedelta(seconds=lease_s), attempts=m.attempts + 1))
    with session_scope(settings) as s:
        return list(s.exec(select(m).where(m.id.in_(ids), m.lease_owner == worker, m.status == "pending").order_by(m.id)).all())


def renew(settings: Settings, model: type[SQLModel], row_id: int, worker: str, lease_s: float, now: datetime | None = None) -> bool:
    """Extend `worker`'s lease by `lease_s` from now, only while it still holds it; False = do not send."""
    now = now or utcnow()
    m: Any = model
    with session_scope(settings) as s:
        result = s.execute(update(m).where(m.id == row_id, m.lease_owner == worker, m.status == "pending", m.lease_until > now).values(lease_until=now + timedelta(seconds=lease_s)))
        return result.rowcount == 1


def finish(settings: Settings, model: type[SQLModel], row_id: int, worker: str, **values: object) -> bool:
    """Write `values` (an outcome) only while `worker` still holds the row."""
    m: Any = model
    with session_scope(settings) as s:
        result = s.execute(update(m).where(m.id == row_id, m.lease_owner == worker, m.status == "pending").values(**values))
        return result.rowcount == 1


def retry_values(error: str, delay_s: float, now: datetime | None = None) -> dict[str, object]:
    """The update that releases a row for another attempt after `delay_s`."""
    return {"last_error": error, "next_attempt_at": (now or utcnow()) + timedelta(seconds=delay_s), "lease_owner": None, "lease_until": None}


def next_due(settings: Settings, model: type[SQLModel]) -> datetime | None:
    """When the earliest pending row may next be tried (the sender sleeps until then); None when nothing is pending."""
    m: Any = model
    with session_scope(settings) as s:
        due = s.exec(select(func.min(m.next_attempt_at)).where(m.status == "pending")).one()
    return aware(due)
