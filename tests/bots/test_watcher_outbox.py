"""The watcher against the failures the outbox must survive, measured from outside: a slow receiver
with two workers, a receiver failing twice under a long evaluation interval, and a watch made before
its subject had any post (the launch). Receivers are the recorder of `tests.bots.test_watcher`."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bots.watcher import default_scorer, deliver_pending, evaluate_all
from engines.hype.posts import POST_COLUMNS
from memory.owner import Owner
from memory.posts import store_posts
from memory.settings import Settings
from memory.tables import HypeWatch
from memory.watches import upsert_watch
from tests.bots.test_watcher import REPO, Recorder, Script, alert_settings, cleanup, sender_for, statuses  # noqa: F401 - fixtures
from tools.base import ToolContext
from tools.hype.watch import ListWatchesInput, WatchHypeInput, list_watches, watch_hype


def make_watch(settings: Settings, channel: str) -> HypeWatch:
    name = f"Brand-{uuid.uuid4().hex[:8]}"
    return upsert_watch(settings, owner=Owner.system(), subject=name.casefold(), display=name, channel=channel, threshold=70, direction="above", window_days=7, create=True)


def test_slow_receiver_and_two_workers_deliver_each_alert_once(alert_settings, cleanup):
    """The reported repro, scaled ×0.1: 8 alerts, a receiver answering in 0.9 s, 6 s leases, two
    workers. Claiming a batch of 8 let the last ones' leases run out in the queue (both workers
    sent them); one claim at a time, renewed while sending, never does."""
    with Recorder() as rec:
        watches = [make_watch(alert_settings, f"webhook:{rec.url}/hook") for _ in range(8)]
        cleanup.extend(w.id for w in watches)
        assert evaluate_all(alert_settings, Script({w.id: [90] for w in watches})) == 8
        rec.delay = 0.9
        sender = sender_for(alert_settings, rec)
        counts: list[int] = []
        workers = [threading.Thread(target=lambda o=o: counts.append(deliver_pending(alert_settings, sender, o, lease_s=6, retry_base=0.0, max_attempts=3))) for o in ("w1", "w2")]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
        assert sum(counts) == 8 and len(rec.raw) == 8 and len(rec.accepted) == 8  # raw: every accepted POST, copies included
        assert statuses(alert_settings, cleanup) == ["delivered"] * 8


@pytest.mark.slow
def test_a_receiver_failing_twice_gets_the_alert_within_30_s_whatever_the_interval(alert_settings, cleanup, tmp_path):
    """A running watcher evaluating every 10 minutes; the crossing happens after its first pass."""
    with Recorder() as rec:
        watch = make_watch(alert_settings, f"webhook:{rec.url}/hook")
        cleanup.append(watch.id)
        rec.fail_next = 2
        env = {**os.environ, "CAESER_HOME": str(alert_settings.home), "CAESER_DATABASE_URL": alert_settings.sql_url, "PYTHONPATH": str(REPO),
               "CAESER_ALERT_WEBHOOKS": f"{rec.url}/hook", "CAESER_WEBHOOK_PRIVATE_NETS": "127.0.0.1/32", "CAESER_DATA_DIR": str(tmp_path / "no-data")}
        proc = subprocess.Popen([sys.executable, "-m", "bots.watcher", "--interval", "600"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        log: list[str] = []
        reader = threading.Thread(target=lambda: log.extend(iter(proc.stderr.readline, "")), daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 90
            while not any("evaluation pass" in line for line in log) and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.1)
            assert any("evaluation pass" in line for line in log), "".join(log)
            assert evaluate_all(alert_settings, Script({watch.id: [90]})) == 1
            crossed = time.monotonic()
            while not rec.accepted and time.monotonic() - crossed < 40 and proc.poll() is None:
                time.sleep(0.1)
            took = time.monotonic() - crossed
        finally:
            proc.kill()
            proc.wait()
            reader.join(timeout=5)
        assert rec.accepted, "".join(log)
        assert took <= 30, f"delivered {took:.1f} s after the crossing"
        assert any("retry in" in line and "INFO" in line for line in log)  # each pass and outcome logged at INFO by default


def posts(source: str, subject: str, daily: list[int], seed: int, words: str, end: datetime) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vocabulary = words.split()
    rows = [{"source": source, "external_id": f"{subject}-{day}-{i}", "subject": subject, "author": f"{subject[:3]}{rng.integers(0, 40 * max(daily))}",
             "text": f"{subject} " + " ".join(rng.choice(vocabulary, 6)) + f" #{day}x{i}", "created_at": end - timedelta(days=len(daily) - day, seconds=-int(rng.integers(0, 86400))),
             "region": "United States", "likes": int(rng.poisson(2)), "reposts": int(rng.poisson(0.4)), "replies": 0, "sentiment": None, "label": None}
            for day, n in enumerate(daily) for i in range(n)]
    return pd.DataFrame(rows, columns=list(POST_COLUMNS))


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("CAESER_TEST_DATABASE_URL")), reason="a launch is scored against comparable subjects, and on the shared test database those are every "
                    "other test's posts too; the score does not depend on the SQL backend (the outbox tests above run on both)")
def test_a_watch_made_before_any_post_fires_on_the_launch_burst(alert_settings, cleanup, tmp_path):
    with Recorder() as rec:
        settings = alert_settings.model_copy(update={"data_dir": tmp_path / "no-data", "alert_webhooks": f"{rec.url}/hook", "webhook_private_nets": "127.0.0.1/32"})
        launch_watch_fires(settings, rec, cleanup)


def launch_watch_fires(settings: Settings, rec: Recorder, cleanup: list[int]) -> None:
    ctx = ToolContext(settings=settings, owner=Owner.system())
    tag = uuid.uuid4().hex[:6]
    end = datetime(2026, 11, 30)
    steady = "ok fine phone battery screen price store queue meh good bad"
    store_posts(settings, pd.concat([posts("feed", f"Rival{k}{tag}", [12] * 60, k, steady, end) for k in range(3)], ignore_index=True), source="feed", aliases={})
    launch = f"Novaphone{tag}"
    made = watch_hype(WatchHypeInput(subject=launch, threshold=60, channel=f"webhook:{rec.url}/hook"), ctx)
    cleanup.append(made.data[0].watch_id)
    assert "no posts about" in made.summary and "caeser posts import" in made.summary
    scorer = default_scorer(ctx)
    assert evaluate_all(settings, scorer) == 0
    assert "waiting for first posts" in list_watches(ListWatchesInput(subject=launch), ctx).summary
    burst = posts("launch-file", launch, [60, 110, 160], 9, "love amazing great wow launch finally want preorder awesome best", end)
    store_posts(settings, burst, source="launch-file", aliases={})
    assert evaluate_all(settings, scorer) == 1
    assert evaluate_all(settings, scorer) == 0  # still hot: once per crossing
    assert deliver_pending(settings, sender_for(settings, rec), "w1", lease_s=30, retry_base=0.0, max_attempts=3) == 1
    body = next(iter(rec.accepted.values()))
    card = body["card"]
    assert card["posts"] == 330 and card["low"] >= 60 and len(card["samples"]) == 2 and card["chart"] and card["drivers"]
    assert "days old" in card["window"]  # posts ending 2026-11-30: the window is flagged as old
