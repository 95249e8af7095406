"""Report schedules and their run outbox in SQL.

Exactly once per due time rests on:
1. Enqueueing: a scheduler advances a due schedule's `next_due_at` with a compare-and-set on its
   `revision` and inserts the run row for the due time in the SAME transaction; (schedule_id,
   due_at) is unique. Two schedulers (threads, processes, a restarted one) racing on one due time:
   one update matches, the other matches nothing (or hits the unique key) and queues nothing.
2. Sending: runs are leased like hype alerts (memory/outbox.py: one claim at a time, renewed before
   and during a send, finished only by the lease holder). The first attempt stores the re-run's
   results and digest on the row, and each destination is recorded as soon as it accepted, so a
   retry or a takeover after a crash re-sends the same digest, and only where it is still missing.
What is left is a crash between a receiver accepting and the row recording it: the next attempt
re-sends under the same `run_key`, which Slack/Discord/webhook receivers use to drop the copy
(bots/delivery.py) and email carries as its Message-ID (docs/schedules.md).
A scheduler that was down over several due times queues only the latest of them (engines/cron.py).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from engines.cron import check, latest_due, next_after
from memory import outbox
from memory.db import session_scope
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import ReportSchedule, ScheduleRun, utcnow

__all__ = ["ReportSchedule", "ScheduleRun", "ScheduleExists", "ScheduleNotFound", "create_schedule", "list_schedules", "get_schedule", "pause_schedule",
           "resume_schedule", "remove_schedule", "runs_of", "previous_run", "enqueue_due", "claim_runs", "renew_run_lease", "save_digest",
           "mark_destination_sent", "mark_sent", "mark_retry", "mark_failed", "next_run_due"]


class ScheduleNotFound(LookupError):
    pass


class ScheduleExists(ValueError):
    pass


def create_schedule(settings: Settings, owner: Owner, *, name: str, cron: str, timezone: str, tool: str, arguments: list[dict], destinations: list[str],
                    now: datetime | None = None) -> ReportSchedule:
    """Store `owner`'s schedule, first due at the cron's next time after `now`. Raises
    engines.cron.CronError for a bad expression or zone, ScheduleExists for a name already used."""
    cron = check(cron, timezone)
    now = now or utcnow()
    schedule = ReportSchedule(owner=owner.key, name=name, cron=cron, timezone=timezone, tool=tool, arguments=arguments, destinations=destinations,
                              next_due_at=next_after(cron, timezone, now), created_at=now, updated_at=now)
    try:
        with session_scope(settings) as s:
            s.add(schedule)
            s.flush()
            s.refresh(schedule)
    except IntegrityError:
        raise ScheduleExists(f"there is already a schedule called {name!r}") from None
    return schedule


def list_schedules(settings: Settings, owner: Owner) -> list[ReportSchedule]:
    """`owner`'s schedules, oldest first (every tenant's in admin scope)."""
    with session_scope(settings) as s:
        return list(s.exec(select(ReportSchedule).where(visible_to(ReportSchedule.owner, owner)).order_by(ReportSchedule.id)).all())


def get_schedule(settings: Settings, schedule_id: int, owner: Owner) -> ReportSchedule:
    with session_scope(settings) as s:
        schedule = s.exec(select(ReportSchedule).where(ReportSchedule.id == schedule_id, visible_to(ReportSchedule.owner, owner))).first()
    if schedule is None:
        raise ScheduleNotFound(f"there is no schedule {schedule_id}")
    return schedule


def _change(settings: Settings, owner: Owner, schedule_id: int, **values: object) -> ReportSchedule:
    with session_scope(settings) as s:
        schedule = s.exec(select(ReportSchedule).where(ReportSchedule.id == schedule_id, visible_to(ReportSchedule.owner, owner)).with_for_update()).first()
        if schedule is None:
            raise ScheduleNotFound(f"there is no schedule {schedule_id}")
        for key, value in values.items():
            setattr(schedule, key, value)
        schedule.revision += 1
        schedule.updated_at = utcnow()
        s.add(schedule)
        s.flush()
        s.refresh(schedule)
        return schedule


def pause_schedule(settings: Settings, owner: Owner, schedule_id: int) -> ReportSchedule:
    """Stop queueing runs (runs already queued are still sent)."""
    return _change(settings, owner, schedule_id, paused=True)


def resume_schedule(settings: Settings, owner: Owner, schedule_id: int, now: datetime | None = None) -> ReportSchedule:
    """Queue runs again from the next due time after `now`: the times missed while paused are not sent."""
    schedule = get_schedule(settings, schedule_id, owner)
    return _change(settings, owner, schedule_id, paused=False, next_due_at=next_after(schedule.cron, schedule.timezone, now or utcnow()))


def remove_schedule(settings: Settings, owner: Owner, schedule_id: int) -> ReportSchedule:
    """Delete the schedule; its past runs stay, and runs not yet sent are failed ('schedule removed') so none is sent afterwards."""
    with session_scope(settings) as s:
        schedule = s.exec(select(ReportSchedule).where(ReportSchedule.id == schedule_id, visible_to(ReportSchedule.owner, owner)).with_for_update()).first()
        if schedule is None:
            raise ScheduleNotFound(f"there is no schedule {schedule_id}")
        s.execute(update(ScheduleRun).where(ScheduleRun.schedule_id == schedule_id, ScheduleRun.status == "pending")
                  .values(status="failed", last_error="schedule removed", lease_owner=None, lease_until=None))
        s.delete(schedule)
        return schedule


def runs_of(settings: Settings, schedule_ids: list[int], limit: int = 50) -> list[ScheduleRun]:
    """The newest runs of these schedules, newest first."""
    with session_scope(settings) as s:
        return list(s.exec(select(ScheduleRun).where(ScheduleRun.schedule_id.in_(schedule_ids)).order_by(ScheduleRun.due_at.desc(), ScheduleRun.id.desc()).limit(limit)).all())


def previous_run(settings: Settings, run: ScheduleRun) -> ScheduleRun | None:
    """The last run of the same schedule before `run` that has results (what "change since" compares with)."""
    with session_scope(settings) as s:
        earlier = s.exec(select(ScheduleRun).where(ScheduleRun.schedule_id == run.schedule_id, ScheduleRun.due_at < run.due_at, ScheduleRun.status == "sent")
                         .order_by(ScheduleRun.due_at.desc()).limit(1)).first()
    return earlier


# --- the scheduler's side ---------------------------------------------------------------------------

def enqueue_due(settings: Settings, now: datetime | None = None) -> list[ScheduleRun]:
    """Queue one run for every active schedule that came due by `now` (its latest due time) and
    advance the schedule past `now`; returns the runs this call queued."""
    now = now or utcnow()
    with session_scope(settings) as s:
        due = list(s.exec(select(ReportSchedule).where(ReportSchedule.paused.is_(False), ReportSchedule.next_due_at <= now).order_by(ReportSchedule.id)).all())
    queued: list[ScheduleRun] = []
    for schedule in due:
        run = ScheduleRun(owner=schedule.owner, schedule_id=schedule.id, due_at=latest_due(schedule.cron, schedule.timezone, now), run_key=uuid.uuid4().hex, next_attempt_at=now,
                          created_at=now)
        try:
            with session_scope(settings) as s:
                advanced = s.execute(update(ReportSchedule).where(ReportSchedule.id == schedule.id, ReportSchedule.revision == schedule.revision, ReportSchedule.paused.is_(False))
                                     .values(next_due_at=next_after(schedule.cron, schedule.timezone, now), revision=schedule.revision + 1))
                if advanced.rowcount != 1:
                    continue  # another scheduler advanced it (or it was paused/changed) first
                s.add(run)
                s.flush()
                s.refresh(run)
        except IntegrityError:
            continue  # the run for this due time exists already
        queued.append(run)
    return queued


def claim_runs(settings: Settings, worker: str, lease_s: float, now: datetime | None = None) -> list[ScheduleRun]:
    """Lease the next due run to `worker` (one at a time, like alerts), attempt counted."""
    return outbox.claim(settings, ScheduleRun, worker, lease_s, now=now)


def renew_run_lease(settings: Settings, run_id: int, worker: str, lease_s: float, now: datetime | None = None) -> bool:
    return outbox.renew(settings, ScheduleRun, run_id, worker, lease_s, now=now)


def save_digest(settings: Settings, run_id: int, worker: str, result_ids: list[str], digest: dict) -> bool:
    """Keep the re-run's results and digest on the run, so retries send these and never re-run."""
    return outbox.finish(settings, ScheduleRun, run_id, worker, result_ids=result_ids, digest=digest)


def mark_destination_sent(settings: Settings, run: ScheduleRun, worker: str, destination: str) -> bool:
    """Record that `destination` accepted the digest (`run.delivered` is updated in place too)."""
    delivered = [*run.delivered, destination]
    if outbox.finish(settings, ScheduleRun, run.id, worker, delivered=delivered):
        run.delivered = delivered
        return True
    return False


def mark_sent(settings: Settings, run: ScheduleRun, worker: str, now: datetime | None = None) -> bool:
    """Finish the run and point its schedule at these results (follow-ups ask about them)."""
    now = now or utcnow()
    if not outbox.finish(settings, ScheduleRun, run.id, worker, status="sent", sent_at=now, lease_owner=None, lease_until=None, last_error=None):
        return False
    with session_scope(settings) as s:
        s.execute(update(ReportSchedule).where(ReportSchedule.id == run.schedule_id).values(last_result_ids=run.result_ids))
    return True


def mark_retry(settings: Settings, run_id: int, worker: str, error: str, delay_s: float, now: datetime | None = None) -> bool:
    return outbox.finish(settings, ScheduleRun, run_id, worker, **outbox.retry_values(error, delay_s, now))


def mark_failed(settings: Settings, run_id: int, worker: str, error: str) -> bool:
    """Give up: the run stays, status failed with the reason, for `schedule_report list` to show."""
    return outbox.finish(settings, ScheduleRun, run_id, worker, status="failed", last_error=error, lease_owner=None, lease_until=None)


def next_run_due(settings: Settings) -> datetime | None:
    """The earliest of: a pending run's next attempt, an active schedule's next due time (the scheduler sleeps until then)."""
    with session_scope(settings) as s:
        schedule_due = s.exec(select(func.min(ReportSchedule.next_due_at)).where(ReportSchedule.paused.is_(False))).one()
    times = [t for t in (outbox.next_due(settings, ScheduleRun), outbox.aware(schedule_due)) if t is not None]
    return min(times) if times else None
