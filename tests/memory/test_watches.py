"""The alert outbox in SQL (SQLite here; CI runs it again on Postgres): one claim at a time, leases
renewed only by their holder and never after they ran out, retries due on their own clock, and
the N-days-in-a-row rule decided inside the evaluation's transaction."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from engines.hype.watch import Reading
from memory.db import session_scope
from memory.owner import Owner
from memory.settings import Settings
from memory.tables import HypeAlert, HypeSnapshot, HypeWatch
from memory.watches import claim_alerts, mark_delivered, mark_retry, next_due, record_evaluation, renew_lease, upsert_watch


@pytest.fixture
def watch_ids(settings: Settings):
    ids: list[int] = []
    yield ids
    with session_scope(settings) as s:  # a shared test Postgres keeps rows between tests
        for alert in s.exec(select(HypeAlert).where(HypeAlert.watch_id.in_(ids))).all():
            s.delete(alert)
        for watch in s.exec(select(HypeWatch).where(HypeWatch.id.in_(ids))).all():
            s.delete(watch)


def watch(settings: Settings, ids: list[int], days_in_row: int = 1) -> HypeWatch:
    name = f"Brand-{uuid.uuid4().hex[:8]}"
    made = upsert_watch(settings, owner=Owner.system(), subject=name.casefold(), display=name, channel="slack:C0OUTBOX", threshold=70, direction="above", window_days=7,
                        create=True, days_in_row=days_in_row)
    ids.append(made.id)
    return made


def evaluate(settings: Settings, w: HypeWatch, *readings: Reading) -> bool:
    snapshot = HypeSnapshot(subject=w.subject, window_days=7, state="🔥", confidence=0.0, posts=100, fingerprint="test", score=readings[0].score)
    return record_evaluation(settings, w.id, snapshot, list(readings), lambda _w, previous: f"text (previous {previous})").fired


def mine(settings: Settings, ids: list[int]) -> list[HypeAlert]:
    with session_scope(settings) as s:
        return list(s.exec(select(HypeAlert).where(HypeAlert.watch_id.in_(ids)).order_by(HypeAlert.id)).all())


HOT, WARM = Reading(score=80, low=74, high=86), Reading(score=72, low=60, high=80)


def test_fires_on_the_interval_and_on_n_days_in_a_row(settings, watch_ids):
    single, triple = watch(settings, watch_ids), watch(settings, watch_ids, days_in_row=3)
    assert not evaluate(settings, single, WARM)  # point above 70, range not
    assert evaluate(settings, single, HOT)
    assert not evaluate(settings, triple, HOT, HOT)  # two days known
    assert evaluate(settings, triple, HOT, HOT, HOT)
    texts = [a.text for a in mine(settings, watch_ids)]
    assert texts == ["text (previous 72.0)", "text (previous 80.0)"]  # the change since the watch's last reading


def test_one_claim_at_a_time_and_leases_renew_only_while_held(settings, watch_ids):
    for _ in range(3):
        assert evaluate(settings, watch(settings, watch_ids), HOT)
    first = claim_alerts(settings, "w1", lease_s=0.5)
    assert len(first) == 1 and first[0].attempts == 1
    alert = first[0]
    assert renew_lease(settings, alert.id, "w1", 0.5)
    assert not renew_lease(settings, alert.id, "w2", 0.5)  # not w2's
    time.sleep(0.7)
    assert not renew_lease(settings, alert.id, "w1", 30)  # ran out: w1 must not send any more
    taken = claim_alerts(settings, "w2", lease_s=30, limit=10)
    assert alert.id in [a.id for a in taken] and len(taken) == 3
    assert not mark_delivered(settings, alert.id, "w1") and mark_delivered(settings, alert.id, "w2")


def test_next_due_follows_the_retry_schedule(settings, watch_ids):
    assert evaluate(settings, watch(settings, watch_ids), HOT)
    alert = next(a for a in claim_alerts(settings, "w1", 30, limit=50) if a.watch_id in watch_ids)
    assert mark_retry(settings, alert.id, "w1", "500", delay_s=4.0)
    due = next_due(settings)
    assert due is not None and (due - datetime.now(timezone.utc)).total_seconds() <= 4.0


def test_remove_by_id_only_removes_the_owners_own_watch(settings):
    from memory.watches import get_watches, remove_watch_by_id

    mine, theirs = Owner.slack(f"T{uuid.uuid4().hex[:8]}"), Owner.slack(f"T{uuid.uuid4().hex[:8]}")
    kept = upsert_watch(settings, owner=theirs, subject="delta", display="Delta", channel="slack:#x", threshold=60, direction="above", window_days=7, create=True)
    gone = upsert_watch(settings, owner=mine, subject="delta", display="Delta", channel="slack:#x", threshold=60, direction="above", window_days=7, create=True)
    assert remove_watch_by_id(settings, mine, kept.id) is None and get_watches(settings, theirs)
    assert remove_watch_by_id(settings, mine, gone.id).id == gone.id and get_watches(settings, mine) == []
