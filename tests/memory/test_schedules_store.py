"""The schedules store: owner-scoped CRUD, and exactly one run per due time with two schedulers
racing (threads sharing the database; SQLite and Postgres)."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from engines.cron import CronError
from memory.owner import Owner
from tests.bots.test_scheduler import CREATED, forget
from memory.schedules import (ScheduleExists, ScheduleNotFound, claim_runs, create_schedule, enqueue_due, list_schedules, mark_failed, pause_schedule, remove_schedule,
                              resume_schedule, runs_of)

MONDAY_9 = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)


def owner() -> Owner:
    return Owner.cli(f"u{uuid.uuid4().hex[:8]}")  # unique: Postgres is shared between tests


@pytest.fixture(autouse=True)
def forget_after(settings):
    yield
    forget(settings, CREATED)


def make(settings, who: Owner, name: str = "Monday digest", now: datetime = MONDAY_9 - timedelta(days=1)):
    made = create_schedule(settings, who, name=name, cron="0 9 * * 1", timezone="UTC", tool="hype_score", arguments=[{"subject": "Delta"}], destinations=["slack:#brand"], now=now)
    CREATED.append(made.id)
    return made


def test_schedules_are_scoped_to_their_owner_and_named_once(settings):
    ana, bo = owner(), owner()
    made = make(settings, ana)
    assert made.next_due_at.replace(tzinfo=timezone.utc) == MONDAY_9
    assert [s.id for s in list_schedules(settings, ana)] == [made.id] and list_schedules(settings, bo) == []
    with pytest.raises(ScheduleExists):
        make(settings, ana)
    make(settings, bo)  # the same name for another tenant is fine
    with pytest.raises(ScheduleNotFound):
        pause_schedule(settings, bo, made.id)
    with pytest.raises(CronError):
        create_schedule(settings, ana, name="x", cron="every monday", timezone="UTC", tool="hype_score", arguments=[{}], destinations=["slack:#a"])


def test_two_schedulers_queue_each_due_time_once(settings):
    schedule = make(settings, owner())
    queued: list[int] = []
    barrier = threading.Barrier(4)

    def scheduler() -> None:
        barrier.wait()
        queued.extend(r.id for r in enqueue_due(settings, MONDAY_9 + timedelta(seconds=1)) if r.schedule_id == schedule.id)

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(queued) == 1
    assert [r.due_at.replace(tzinfo=timezone.utc) for r in runs_of(settings, [schedule.id])] == [MONDAY_9]
    assert not [r for r in enqueue_due(settings, MONDAY_9 + timedelta(hours=1)) if r.schedule_id == schedule.id]  # a restart later the same day: nothing new


def test_pause_resume_and_remove(settings):
    who = owner()
    schedule = make(settings, who)
    pause_schedule(settings, who, schedule.id)
    assert not [r for r in enqueue_due(settings, MONDAY_9 + timedelta(days=7)) if r.schedule_id == schedule.id]
    resumed = resume_schedule(settings, who, schedule.id, now=MONDAY_9 + timedelta(days=8))
    assert resumed.next_due_at.replace(tzinfo=timezone.utc) == MONDAY_9 + timedelta(days=14)  # the paused Mondays are not sent late
    [run] = [r for r in enqueue_due(settings, MONDAY_9 + timedelta(days=14)) if r.schedule_id == schedule.id]
    remove_schedule(settings, who, schedule.id)
    assert list_schedules(settings, who) == []
    [kept] = runs_of(settings, [schedule.id])
    assert kept.id == run.id and kept.status == "failed" and kept.last_error == "schedule removed"


def test_a_claimed_run_is_leased_to_one_worker(settings):
    schedule = make(settings, owner())
    now = MONDAY_9 + timedelta(seconds=5)
    [run] = [r for r in enqueue_due(settings, now) if r.schedule_id == schedule.id]
    mine = [r for r in claim_runs(settings, "w1", 30, now=now) if r.id == run.id]
    # other tests' runs may be due on the shared Postgres: claim until ours shows up or nothing is left
    while not mine and (batch := claim_runs(settings, "w1", 30, now=now)):
        mine = [r for r in batch if r.id == run.id]
    assert mine and mine[0].attempts == 1
    assert not any(r.id == run.id for r in claim_runs(settings, "w2", 30, now=now + timedelta(seconds=10)))
    assert not mark_failed(settings, run.id, "w2", "not mine")
    assert mark_failed(settings, run.id, "w1", "mine")
