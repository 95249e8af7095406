"""The hype watcher: evaluates every watch on an interval and delivers the alerts it queued; the
report scheduler (bots/scheduler.py) runs in the same loop, so `caeser serve watcher` also sends
scheduled digests when they come due.

Two jobs in one loop, each safe to run in several processes at once:
- evaluate (every `--interval` seconds): score each watch's subject with its 90 % interval, store
  the snapshot and (on a crossing) the outbox row in one transaction
  (`memory.watches.record_evaluation`); a watch on a subject with no posts yet waits for them;
- deliver (on its own clock): claim one due outbox row at a time under a lease, renew the lease
  right before sending and keep renewing it while the receiver is slow, post it
  (`bots.delivery`), mark it delivered, or schedule a retry — Retry-After when the receiver gave
  one, else exponential back-off with jitter (`backoff`) — or fail it after MAX_ATTEMPTS, the reason
  kept for `list_watches`. Between passes the loop sleeps until the next evaluation or the next
  due retry, whichever is first (at most DELIVERY_POLL, to pick up other workers' rows), so a
  retry never waits for the evaluation interval.
Each evaluation pass and each delivery outcome is logged at INFO.
`--once` runs one evaluation and delivers until nothing is due (tests, cron).
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from bots.delivery import Sender
from bots.leases import backoff, held
from bots.scheduler import Scheduler
from engines.hype.watch import Reading, alert_text
from memory.owner import Owner
from memory.schedules import next_run_due
from memory.settings import Settings, get_settings
from memory.tables import HypeWatch
from memory.watches import WatchNotFound, claim_alerts, get_watches, mark_delivered, mark_failed, mark_retry, next_due, record_evaluation, renew_lease
from tools.base import ToolContext, ToolError

if TYPE_CHECKING:
    from tools.hype.score import HypeScoreData

log = logging.getLogger(__name__)

RETRY_BASE, MAX_ATTEMPTS = 2.0, 6
DELIVERY_POLL = 5.0  # longest sleep between delivery passes
Scorer = Callable[[HypeWatch], "HypeScoreData"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=float, default=300.0, help="seconds between evaluations (default 300); retries keep their own clock")
    parser.add_argument("--once", action="store_true", help="evaluate once, deliver until nothing is due, exit")
    parser.add_argument("--no-evaluate", action="store_true", help="only deliver queued alerts")
    parser.add_argument("--lease", type=float, default=60.0, help="seconds a claimed alert stays ours without renewal (renewed every third of it while sending)")
    parser.add_argument("--retry-base", type=float, default=RETRY_BASE, help="first retry delay in seconds (doubles per attempt, with jitter)")
    parser.add_argument("--max-attempts", type=int, default=MAX_ATTEMPTS)


def default_scorer(ctx: ToolContext) -> Scorer:
    from tools.hype.score import HypeScoreInput, compute_hype  # the scoring stack loads only where evaluation runs

    def score(watch: HypeWatch) -> HypeScoreData:
        data, _ = compute_hype(ctx, HypeScoreInput(subject=watch.display, window_days=watch.window_days), days_in_row=watch.days_in_row)
        return data

    return score


def readings(data: HypeScoreData) -> list[Reading]:
    """The latest window's score and interval, then the earlier days' (newest first)."""
    latest = Reading(score=data.score or 0.0, low=data.score_low if data.score_low is not None else data.score or 0.0,
                     high=data.score_high if data.score_high is not None else data.score or 0.0)
    return [latest, *(Reading(score=d.score, low=d.score_low, high=d.score_high) for d in data.recent)]


def evaluate_all(settings: Settings, scorer: Scorer) -> int:
    """Evaluate every watch once; returns how many alerts were queued."""
    from memory.posts import fingerprint
    from tools.hype.score import snapshot_row, window_dates  # see default_scorer

    fired = 0
    for watch in get_watches(settings, Owner.system()):
        try:
            data = scorer(watch)
        except ToolError as exc:
            if exc.code == "not_found" and exc.info.field == "subject":
                log.info("watch %s (%s): waiting for its first posts (import them with `caeser posts import FILE --subject '%s'`)", watch.id, watch.display, watch.display)
            else:
                log.warning("watch %s (%s): %s", watch.id, watch.display, exc.readable())
            continue
        if data.score is None:
            log.info("watch %s (%s): no score yet (%s)", watch.id, watch.display, data.reason)
            continue
        flags = [a.message for a in data.anomalies]
        window = f"{data.window_days}-day window {window_dates(data)}"

        def text_for(w: HypeWatch, previous: float | None, d: HypeScoreData = data) -> str:
            return alert_text(d.subject, readings(d)[0], d.state, w.threshold, w.direction, window, flags, previous=previous, days_in_row=w.days_in_row, posts=d.posts,
                              drivers=d.drivers)

        try:
            result = record_evaluation(settings, watch.id, snapshot_row(data, fingerprint(settings)), readings(data), text_for)
        except WatchNotFound:
            continue
        fired += result.fired
        log.info("watch %s (%s): score %.0f (90%% range %.0f–%.0f) vs %s %.0f%s → %s", watch.id, watch.display, data.score, data.score_low, data.score_high,
                 watch.direction, watch.threshold, f" on {watch.days_in_row} days in a row" if watch.days_in_row > 1 else "", "alert queued" if result.fired else "no alert")
    return fired


def deliver_pending(settings: Settings, sender: Sender, owner: str, *, lease_s: float, retry_base: float, max_attempts: int, rng: random.Random | None = None) -> int:
    """Deliver due alerts, one claim at a time, until none is left to claim; returns how many were delivered."""
    rng = rng or random.Random()
    delivered = 0
    while batch := claim_alerts(settings, owner, lease_s):
        for alert in batch:
            if not renew_lease(settings, alert.id, owner, lease_s):
                log.warning("alert %s: lease lost before sending; left to the worker that holds it", alert.id)
                continue
            with held(lambda a=alert: renew_lease(settings, a.id, owner, lease_s), lease_s, f"lease-{alert.id}") as lost:
                outcome = sender.send(alert)
            if lost.is_set():
                log.warning("alert %s: lease lost while the receiver was answering (%s)", alert.id, outcome.status)
            if outcome.status == "delivered":
                delivered += mark_delivered(settings, alert.id, owner)
                log.info("alert %s delivered to %s (attempt %d)", alert.id, alert.channel, alert.attempts)
            elif outcome.status == "failed" or alert.attempts >= max_attempts:
                error = outcome.error if outcome.status == "failed" else f"gave up after {alert.attempts} attempts: {outcome.error}"
                mark_failed(settings, alert.id, owner, error or "failed")
                log.error("alert %s to %s failed: %s", alert.id, alert.channel, error)
            else:
                delay = outcome.retry_after if outcome.retry_after is not None else backoff(alert.attempts, retry_base, rng)
                mark_retry(settings, alert.id, owner, outcome.error or "retry", delay)
                log.info("alert %s to %s: %s; retry in %.1f s", alert.id, alert.channel, outcome.error, delay)
    return delivered


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    ctx = ToolContext(settings=settings)
    sender = Sender(settings)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    scorer = None if args.no_evaluate else default_scorer(ctx)
    scheduler = Scheduler(settings, owner, sender=sender)
    next_evaluation = time.monotonic()
    while True:
        if scorer is not None and time.monotonic() >= next_evaluation:
            next_evaluation = time.monotonic() + args.interval
            fired = evaluate_all(settings, scorer)
            log.info("evaluation pass: %d alert(s) queued; next in %.0f s", fired, args.interval)
        deliver_pending(settings, sender, owner, lease_s=args.lease, retry_base=args.retry_base, max_attempts=args.max_attempts)
        scheduler.tick()
        if args.once:
            return 0
        due = min((t for t in (next_due(settings), next_run_due(settings)) if t is not None), default=None)
        until_due = DELIVERY_POLL if due is None else (due - datetime.now(timezone.utc)).total_seconds()
        until_evaluation = next_evaluation - time.monotonic() if scorer is not None else DELIVERY_POLL
        time.sleep(min(max(until_due, 0.05), max(until_evaluation, 0.05), DELIVERY_POLL))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="caeser serve watcher")
    add_arguments(parser)
    raise SystemExit(run(parser.parse_args()))
