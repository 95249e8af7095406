"""Watches and the alert outbox in SQL.

Exactly-once rests on three things here:
1. An evaluation writes its snapshot, the watch's new state and (on a crossing) the alert row in
   ONE transaction, with the watch row locked (`FOR UPDATE` on Postgres; SQLite serialises
   writers) and the crossing decided on the freshly read state. (watch_id, crossing) is unique,
   so two evaluators can never queue the same crossing twice.
2. A delivery worker claims rows with a lease (the shared outbox code: memory/outbox.py): it picks candidates (`FOR UPDATE SKIP LOCKED` on
   Postgres) and sets `lease_owner`/`lease_until` only where the row is still claimable, so each
   row has one owner at a time. A worker that dies loses its lease when it expires; the next claim
   counts another attempt and re-sends with the same idempotency key.
3. A worker claims one row at a time, renews its lease right before sending (and refuses to
   send when it no longer holds it) and keeps renewing it while the receiver is slow, so a lease
   never runs out under a send that is still going on.
4. Marking delivered or failed is conditional on still owning the lease.
What is left is a crash between the receiver accepting and the row being marked: the next worker
re-sends under the same `alert_key`, which receivers use to drop the copy (`bots.delivery`).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from engines.hype.watch import Reading, decide
from memory import outbox
from memory.db import session_scope
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import HypeAlert, HypeSnapshot, HypeWatch, utcnow


class WatchNotFound(LookupError):
    pass


def get_watches(settings: Settings, owner: Owner, subject: str | None = None) -> list[HypeWatch]:
    """`owner`'s watches (every tenant's in admin scope: the watcher evaluates them all)."""
    with session_scope(settings) as s:
        query = select(HypeWatch).where(visible_to(HypeWatch.owner, owner)).order_by(HypeWatch.id)
        if subject is not None:
            query = query.where(HypeWatch.subject == subject)
        return list(s.exec(query).all())


def upsert_watch(settings: Settings, *, owner: Owner, subject: str, display: str, channel: str, threshold: float | None, direction: str, window_days: int,
                 create: bool, days_in_row: int = 1) -> HypeWatch:
    """Create (or, with create=False, update) `owner`'s watch of (subject, channel). Changing the
    threshold or direction re-arms it. The subject needs no posts yet: the watch waits for them."""
    with session_scope(settings) as s:
        watch = s.exec(select(HypeWatch).where(HypeWatch.owner == owner.key, HypeWatch.subject == subject, HypeWatch.channel == channel)).first()
        if watch is None and not create:
            raise WatchNotFound(f"no watch on {display} posting to {channel}")
        if watch is None:
            watch = HypeWatch(owner=owner.key, subject=subject, display=display, channel=channel, threshold=threshold if threshold is not None else 0.0, direction=direction, window_days=window_days,
                              days_in_row=days_in_row)
        else:
            watch.threshold = threshold if threshold is not None else watch.threshold
            watch.direction, watch.window_days, watch.days_in_row, watch.armed, watch.updated_at = direction, window_days, days_in_row, True, utcnow()
        s.add(watch)
        s.flush()
        s.refresh(watch)
        return watch


def remove_watch(settings: Settings, owner: Owner, subject: str, channel: str | None) -> list[HypeWatch]:
    """Remove `owner`'s watches of the subject (only the one on `channel` when given); their alert history stays."""
    with session_scope(settings) as s:
        query = select(HypeWatch).where(HypeWatch.subject == subject, visible_to(HypeWatch.owner, owner))
        if channel is not None:
            query = query.where(HypeWatch.channel == channel)
        gone = list(s.exec(query).all())
        for watch in gone:
            s.delete(watch)
        return gone


def remove_watch_by_id(settings: Settings, owner: Owner, watch_id: int) -> HypeWatch | None:
    """Remove `owner`'s watch `watch_id` (the dashboards' "Stop watching"); None when it is not
    theirs or already gone. Its alert history stays."""
    with session_scope(settings) as s:
        watch = s.exec(select(HypeWatch).where(HypeWatch.id == watch_id, visible_to(HypeWatch.owner, owner))).first()
        if watch is not None:
            s.delete(watch)
        return watch


def alerts_of(settings: Settings, watch_ids: list[int], limit: int = 20) -> list[HypeAlert]:
    with session_scope(settings) as s:
        return list(s.exec(select(HypeAlert).where(HypeAlert.watch_id.in_(watch_ids)).order_by(HypeAlert.id.desc()).limit(limit)).all())


class Evaluation(BaseModel):
    fired: bool
    alert_id: int | None
    snapshot_id: int | None  # None when another evaluator got there first (nothing stored)


def record_evaluation(settings: Settings, watch_id: int, snapshot: HypeSnapshot, readings: Sequence[Reading], text_for: Callable[[HypeWatch, float | None], str]) -> Evaluation:
    """Store a snapshot for the watch and, when the score's interval crosses (for the watch's
    `days_in_row` latest daily windows, `readings` newest first), its alert — one transaction.
    `text_for(watch, previous score)` renders the alert text from the locked, current watch."""
    try:
        with session_scope(settings) as s:
            watch = s.exec(select(HypeWatch).where(HypeWatch.id == watch_id).with_for_update()).first()
            if watch is None:
                raise WatchNotFound(f"watch {watch_id} was removed")
            s.add(snapshot)
            s.flush()
            decision = decide(readings, watch.threshold, watch.direction, watch.armed, watch.days_in_row)
            previous = watch.last_score
            watch.armed, watch.last_score, watch.updated_at = decision.armed, snapshot.score, utcnow()
            alert_id = None
            if decision.fire:
                watch.crossings += 1
                alert = HypeAlert(owner=watch.owner, watch_id=watch.id, crossing=watch.crossings, alert_key=uuid.uuid4().hex, snapshot_id=snapshot.id, subject=watch.display,
                                  channel=watch.channel, score=snapshot.score, text=text_for(watch, previous))
                s.add(alert)
                s.flush()
                alert_id = alert.id
            s.add(watch)
            return Evaluation(fired=decision.fire, alert_id=alert_id, snapshot_id=snapshot.id)
    except IntegrityError:
        # Another evaluator queued this crossing first; our snapshot and state change are rolled back.
        return Evaluation(fired=False, alert_id=None, snapshot_id=None)


# --- the outbox -----------------------------------------------------------------------------------

def claim_alerts(settings: Settings, owner: str, lease_s: float, limit: int = 1) -> list[HypeAlert]:
    """Lease up to `limit` due alerts to `owner`; returns them with `attempts` already counted.
    The watcher claims one at a time: the rows of a claimed batch would wait out their lease in
    the queue while the earlier ones are sent to a slow receiver, and another worker would take
    them over."""
    return outbox.claim(settings, HypeAlert, owner, lease_s, limit)


def renew_lease(settings: Settings, alert_id: int, owner: str, lease_s: float) -> bool:
    """Extend `owner`'s lease by `lease_s` from now, only while it still holds it (not expired, not
    taken over, not finished). Called right before a send and every lease/3 while one is under way;
    False means: do not send (another worker may own the row now)."""
    return outbox.renew(settings, HypeAlert, alert_id, owner, lease_s)


def next_due(settings: Settings) -> datetime | None:
    """When the earliest pending alert may next be tried (retries wake the watcher on their own
    clock, not the evaluation interval's); None when nothing is pending."""
    return outbox.next_due(settings, HypeAlert)


def mark_delivered(settings: Settings, alert_id: int, owner: str) -> bool:
    return outbox.finish(settings, HypeAlert, alert_id, owner, status="delivered", delivered_at=utcnow(), lease_owner=None, lease_until=None, last_error=None)


def mark_retry(settings: Settings, alert_id: int, owner: str, error: str, delay_s: float) -> bool:
    return outbox.finish(settings, HypeAlert, alert_id, owner, **outbox.retry_values(error, delay_s))


def mark_failed(settings: Settings, alert_id: int, owner: str, error: str) -> bool:
    """Give up: the row stays (status failed, with the reason) for list_watches to show."""
    return outbox.finish(settings, HypeAlert, alert_id, owner, status="failed", last_error=error, lease_owner=None, lease_until=None)
