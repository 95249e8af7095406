"""The hype watcher: evaluates every watch on an interval and delivers the alerts it queued.

Two jobs in one loop, each safe to run in several processes at once:
- evaluate: score each watch's subject, store the snapshot and (on a crossing) the outbox row in
  one transaction (`memory.watches.record_evaluation`);
- deliver: claim due outbox rows under a lease, post them (`bots.delivery`), mark them delivered,
  or schedule a retry (Retry-After when the receiver gave one, else RETRY_BASE·2^(attempt−1)
  seconds, capped at RETRY_CAP), or fail them after MAX_ATTEMPTS with the reason kept.
`--once` runs one evaluation and delivers until nothing is due (tests, cron).
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bots.delivery import Sender
from engines.hype.watch import alert_text
from memory.settings import Settings, get_settings
from memory.tables import HypeWatch
from memory.watches import WatchNotFound, claim_alerts, get_watches, mark_delivered, mark_failed, mark_retry, record_evaluation
from tools.base import ToolContext, ToolError

if TYPE_CHECKING:
    from tools.hype import HypeScoreData

log = logging.getLogger(__name__)

RETRY_BASE, RETRY_CAP, MAX_ATTEMPTS = 2.0, 300.0, 6
Scorer = Callable[[HypeWatch], "HypeScoreData"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=float, default=300.0, help="seconds between evaluations (default 300)")
    parser.add_argument("--once", action="store_true", help="evaluate once, deliver until nothing is due, exit")
    parser.add_argument("--no-evaluate", action="store_true", help="only deliver queued alerts")
    parser.add_argument("--lease", type=float, default=60.0, help="seconds a claimed alert stays ours before another worker may retry it")
    parser.add_argument("--retry-base", type=float, default=RETRY_BASE, help="first retry delay in seconds (doubles per attempt)")
    parser.add_argument("--max-attempts", type=int, default=MAX_ATTEMPTS)


def default_scorer(ctx: ToolContext) -> Scorer:
    from tools.hype import HypeScoreInput, compute_hype  # the scoring stack loads only where evaluation runs

    def score(watch: HypeWatch) -> HypeScoreData:
        data, _ = compute_hype(ctx, HypeScoreInput(subject=watch.display, window_days=watch.window_days))
        return data

    return score


def evaluate_all(settings: Settings, scorer: Scorer) -> int:
    """Evaluate every watch once; returns how many alerts were queued."""
    from memory.posts import fingerprint
    from tools.hype import snapshot_row  # see default_scorer

    fired = 0
    for watch in get_watches(settings):
        try:
            data = scorer(watch)
        except ToolError as exc:
            log.warning("watch %s (%s): %s", watch.id, watch.display, exc.readable())
            continue
        if data.score is None:
            log.info("watch %s (%s): no score (%s)", watch.id, watch.display, data.reason)
            continue
        flags = [a.message for a in data.anomalies]
        window = f"{data.window_days}-day window {data.window_start[:10]} → {data.window_end[:10]}"

        def text_for(w: HypeWatch, d: HypeScoreData = data) -> str:
            return alert_text(d.subject, d.score or 0.0, d.state, w.threshold, w.direction, window, flags)

        try:
            result = record_evaluation(settings, watch.id, snapshot_row(data, fingerprint(settings)), text_for)
        except WatchNotFound:
            continue
        fired += result.fired
    return fired


def deliver_pending(settings: Settings, sender: Sender, owner: str, *, lease_s: float, retry_base: float, max_attempts: int) -> int:
    """Deliver due alerts until none is left to claim; returns how many were delivered."""
    delivered = 0
    while batch := claim_alerts(settings, owner, lease_s):
        for alert in batch:
            outcome = sender.send(alert)
            if outcome.status == "delivered":
                delivered += mark_delivered(settings, alert.id, owner)
            elif outcome.status == "failed" or alert.attempts >= max_attempts:
                error = outcome.error if outcome.status == "failed" else f"gave up after {alert.attempts} attempts: {outcome.error}"
                mark_failed(settings, alert.id, owner, error or "failed")
                log.error("alert %s to %s failed: %s", alert.id, alert.channel, error)
            else:
                delay = outcome.retry_after if outcome.retry_after is not None else min(retry_base * 2 ** (alert.attempts - 1), RETRY_CAP)
                mark_retry(settings, alert.id, owner, outcome.error or "retry", delay)
    return delivered


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    ctx = ToolContext(settings=settings)
    sender = Sender(settings)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    scorer = None if args.no_evaluate else default_scorer(ctx)
    while True:
        fired = 0 if scorer is None else evaluate_all(settings, scorer)
        delivered = deliver_pending(settings, sender, owner, lease_s=args.lease, retry_base=args.retry_base, max_attempts=args.max_attempts)
        log.info("watcher pass: %d alerts queued, %d delivered", fired, delivered)
        if args.once:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="caeser serve watcher")
    add_arguments(parser)
    raise SystemExit(run(parser.parse_args()))
