"""The report scheduler: runs due schedules exactly once per due time and delivers their digests.

It runs inside `caeser serve watcher`, beside the hype watcher, and is safe in several processes
at once (memory/schedules.py says why). One `tick`:
1. queue a run for every schedule that came due (`enqueue_due`: one per due time, whoever asks);
2. claim runs one at a time under a lease (renewed while working, like alerts);
3. on a run's first attempt, re-run each stored tool call through the registry (`run_tool`) as the
   schedule's owner, build the digest (bots/digest.py) with the change since the previous digest,
   and keep results and digest on the run, so a retry re-sends that digest and never re-runs;
4. send it to each destination not yet done (Slack/Discord/webhooks via bots/delivery.py, e-mail
   with PDF/CSV exports and charts attached via bots/mailer.py, Google Sheets rows via
   memory/google_sheets.py), recording each one as soon as it accepted;
5. all done → sent; a destination that may recover (network, 429, 5xx, 4xx SMTP) → retry with
   exponential back-off and jitter (bots/leases.py); after `max_attempts`, or a permanent refusal →
   failed, the reasons kept for `schedule_report list`. Nothing is dropped silently.
`clock` is injectable: tests drive a fake one.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bots.delivery import Outcome, Sender
from bots.digest import Digest, DigestItem, failed_item, item_of
from bots.leases import backoff, held
from bots.mailer import build_email, send_email
from engines.destinations import Destination, parse_destination
from memory.owner import Owner, owner_from_key
from memory.results import get_result
from memory.schedules import (
    ScheduleNotFound,
    claim_runs,
    enqueue_due,
    get_schedule,
    mark_destination_sent,
    mark_failed,
    mark_retry,
    mark_sent,
    previous_run,
    renew_run_lease,
    save_digest,
)
from memory.settings import Settings
from memory.tables import ReportSchedule, ScheduleRun, utcnow
from tools.base import ToolContext, ToolError, ToolOutput
from tools.registry import run_tool

if TYPE_CHECKING:
    from memory.google_sheets import SheetsClient

log = logging.getLogger(__name__)

RETRY_BASE, MAX_ATTEMPTS, LEASE_S = 30.0, 5, 300.0
Clock = Callable[[], datetime]
Runner = Callable[[str, dict[str, Any], ToolContext], ToolOutput]  # tools.registry.run_tool's shape


class Scheduler:
    """One scheduler worker (`worker` names it in leases). Stateless between ticks: a restart loses nothing."""

    def __init__(self, settings: Settings, worker: str, *, sender: Sender | None = None, clock: Clock = utcnow, lease_s: float = LEASE_S, retry_base: float = RETRY_BASE,
                 max_attempts: int = MAX_ATTEMPTS, rng: random.Random | None = None, runner: Runner = run_tool) -> None:
        self.settings, self.worker, self.clock, self.runner = settings, worker, clock, runner
        self.sender = sender or Sender(settings)
        self.lease_s, self.retry_base, self.max_attempts = lease_s, retry_base, max_attempts
        self.rng = rng or random.Random()

    def tick(self) -> int:
        """Queue what came due, then work every claimable run; returns how many runs were sent."""
        for run in enqueue_due(self.settings, self.clock()):
            log.info("schedule %s: run %s queued for %s", run.schedule_id, run.id, run.due_at)
        sent = 0
        while batch := claim_runs(self.settings, self.worker, self.lease_s, now=self.clock()):
            for run in batch:
                sent += self.work(run)
        return sent

    def _renew(self, run: ScheduleRun) -> bool:
        return renew_run_lease(self.settings, run.id, self.worker, self.lease_s, now=self.clock())

    def work(self, run: ScheduleRun) -> bool:
        try:
            schedule = get_schedule(self.settings, run.schedule_id, Owner.system())
        except ScheduleNotFound:
            mark_failed(self.settings, run.id, self.worker, "schedule removed")
            return False
        if not self._renew(run):
            log.warning("run %s: lease lost before starting; left to the worker that holds it", run.id)
            return False
        with held(lambda: self._renew(run), self.lease_s, f"run-{run.id}") as lost:
            if not run.digest:
                digest = self.build(schedule, run)
                if not save_digest(self.settings, run.id, self.worker, [i.result_id for i in digest.items if i.result_id], digest.model_dump(mode="json")):
                    return False  # lost the run while re-running: the new holder does it
                run.result_ids, run.digest = [i.result_id for i in digest.items if i.result_id], digest.model_dump(mode="json")
            digest = Digest.model_validate(run.digest)
            outcomes = self.deliver(schedule, run, digest, lost.is_set)
        return self.settle(run, schedule, outcomes)

    def build(self, schedule: ReportSchedule, run: ScheduleRun) -> Digest:
        """Re-run each stored call as the owner; compare with the previous digest, entry by entry."""
        ctx = ToolContext(settings=self.settings, owner=owner_from_key(schedule.owner), thread_id=f"schedule:{schedule.id}")
        before = previous_run(self.settings, run)
        earlier = Digest.model_validate(before.digest) if before is not None and before.digest else None
        items: list[DigestItem] = []
        for i, arguments in enumerate(schedule.arguments):
            previous = earlier.items[i] if earlier is not None and i < len(earlier.items) else None
            try:
                items.append(item_of(schedule.tool, arguments, self.runner(schedule.tool, arguments, ctx), previous))
            except ToolError as exc:
                log.warning("schedule %s: %s %s failed: %s", schedule.id, schedule.tool, arguments, exc.readable())
                items.append(failed_item(schedule.tool, arguments, exc.readable()))
        return Digest(schedule_id=schedule.id, name=schedule.name, due_at=run.due_at, timezone=schedule.timezone, previous_due_at=before.due_at if before else None, items=items)

    def deliver(self, schedule: ReportSchedule, run: ScheduleRun, digest: Digest, lost: Callable[[], bool]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        attachments: list[Path] | None = None
        for text in schedule.destinations:
            if text in run.delivered:
                continue
            if lost():
                outcomes[text] = Outcome(status="retry", error="lease lost while sending")
                break
            destination = parse_destination(text)
            if destination.kind == "email":
                attachments = attachments if attachments is not None else self.attachments(schedule, digest)
                outcome = send_email(self.settings, build_email(self.settings.smtp_from or "", destination.target, f"caeser: {digest.title}", digest.text(), attachments, run.run_key))
            elif destination.kind == "sheets":
                outcome = self.sheets(destination, digest, run)
            else:
                outcome = self.sender.post(text, digest.message(run.run_key, run.attempts))
            outcomes[text] = outcome
            if outcome.status == "delivered":
                mark_destination_sent(self.settings, run, self.worker, text)
            log.info("run %s → %s: %s%s", run.id, text, outcome.status, f" ({outcome.error})" if outcome.error else "")
        return outcomes

    def attachments(self, schedule: ReportSchedule, digest: Digest) -> list[Path]:
        """Each result as PDF and CSV (the export_report writers) plus its charts."""
        from tools.reports.export import write_csv_tables, write_pdf_report  # the PDF backend loads only where an e-mail needs it

        owner = owner_from_key(schedule.owner)
        out_dir = ToolContext(settings=self.settings, owner=owner).exports_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        files: list[str] = []
        for item in digest.items:
            stored = get_result(self.settings, item.result_id, owner) if item.result_id else None
            if stored is not None:
                files += write_pdf_report(stored, out_dir) + write_csv_tables(stored, out_dir)
            files += [c for c in item.charts if Path(c).is_file()]
        return [Path(f) for f in files]

    def sheets(self, destination: Destination, digest: Digest, run: ScheduleRun) -> Outcome:
        """Append the digest's rows; on a re-send, first look for the run key in the tab (an append is not idempotent)."""
        from memory.google_sheets import SheetsClient, SheetsError  # the Google client loads only where a Sheet is a destination

        try:
            client = SheetsClient(self.settings)
            tab = destination.tab or "caeser"
            if run.attempts > 1 and any(run.run_key in row for row in _rows_or_empty(client, destination.target, tab)):
                return Outcome(status="delivered")
            client.append_rows(destination.target, tab, digest.rows(run.run_key))
        except SheetsError as exc:
            return Outcome(status="retry" if exc.retryable else "failed", error=f"Google Sheets: {exc}", retry_after=exc.retry_after)
        return Outcome(status="delivered")

    def settle(self, run: ScheduleRun, schedule: ReportSchedule, outcomes: dict[str, Outcome]) -> bool:
        problems = {d: o for d, o in outcomes.items() if o.status != "delivered"}
        if not problems:
            ok = mark_sent(self.settings, run, self.worker, now=self.clock())
            log.info("run %s of schedule %s (%s) sent to %d destination(s)", run.id, schedule.id, schedule.name, len(run.delivered))
            return ok
        reasons = "; ".join(f"{d}: {o.error}" for d, o in problems.items())
        if any(o.status == "retry" for o in problems.values()) and run.attempts < self.max_attempts:
            waits = [o.retry_after for o in problems.values() if o.retry_after is not None]
            delay = max(waits) if waits else backoff(run.attempts, self.retry_base, self.rng)
            mark_retry(self.settings, run.id, self.worker, reasons, delay, now=self.clock())
            log.info("run %s: %s; retry in %.0f s", run.id, reasons, delay)
            return False
        error = reasons if all(o.status == "failed" for o in problems.values()) else f"gave up after {run.attempts} attempts: {reasons}"
        mark_failed(self.settings, run.id, self.worker, error)
        log.error("run %s of schedule %s failed: %s", run.id, schedule.id, error)
        return False


def _rows_or_empty(client: "SheetsClient", sheet: str, tab: str) -> list[list[Any]]:
    from memory.google_sheets import SheetsError, tab_range

    try:
        return client.read_values(sheet, tab_range(tab))
    except SheetsError as exc:
        if exc.retryable:
            raise
        return []  # no such tab yet: nothing was written

