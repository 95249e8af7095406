"""The report scheduler on a fake clock: a digest fires when due, once, to Slack, e-mail (a local
aiosmtpd server), Google Sheets (the stand-in) and a signed webhook; a failing destination is
retried with back-off, then failed with its reason; a worker that dies mid-run and two schedulers
at once still give one copy per due time. SQLite and Postgres (.ci/run)."""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import socket
import struct
import threading
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from bots.delivery import Sender
from bots.scheduler import Scheduler
from memory.owner import Owner
from memory.results import new_result_id, save_result
from memory.schedules import claim_runs, create_schedule, enqueue_due, list_schedules, runs_of
from memory.db import session_scope
from memory.settings import Settings
from memory.tables import ReportSchedule, ScheduleRun
from sqlmodel import select
from tests.bots.test_watcher import Recorder, alert_settings  # noqa: F401 - fixture
from tests.sheets_standin import SheetsStandIn
from tools.base import Chart, ToolContext, ToolError, ToolOutput

MONDAY_9 = datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def tiny_png() -> bytes:
    """A valid 1×1 PNG (the PDF export embeds charts)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


class Metric:
    """Stands in for a tool behind the registry: stores each result like run_tool and scores each subject from a script."""

    def __init__(self, settings: Settings, scores: dict[str, list[float]]) -> None:
        self.settings, self.scores, self.calls = settings, scores, 0

    def __call__(self, name: str, arguments: dict, ctx: ToolContext) -> ToolOutput:
        subject = arguments["subject"]
        if not self.scores.get(subject):
            raise ToolError("not_found", f"not this test's subject: {subject}")  # another test's leftover run (a shared Postgres)
        self.calls += 1
        chart = ctx.charts_dir / f"{subject}-{uuid.uuid4().hex[:6]}.png"
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_bytes(tiny_png())
        score = self.scores[subject].pop(0)
        out = ToolOutput(summary=f"{subject} scores {score:.0f} this week. Driven by launch posts.", data={"subject": subject, "score": score, "weeks": [{"week": 1, "score": score}]},
                         charts=[Chart(path=str(chart), title="trend")], result_id=new_result_id(name), source="test")
        save_result(ctx.settings, owner=ctx.owner, result_id=out.result_id, tool=name, thread_id=ctx.thread_id, arguments=arguments, output=out.model_dump(mode="json"), summary=out.summary)
        return out


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201 - aiosmtpd's handler hook
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def world(alert_settings):  # noqa: F811 - the fixture imported above
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    with Recorder() as rec, SheetsStandIn() as sheets:
        sheets.sheets["plan-sheet-0001"] = {}
        settings = alert_settings.model_copy(update={
            "slack_api_url": rec.url, "discord_api_url": rec.url, "alert_webhooks": f"team={rec.url}/hook", "webhook_private_nets": "127.0.0.1/32", "webhook_secret": SecretStr("whsec-test"),
            "smtp_url": SecretStr(f"smtp+plain://127.0.0.1:{smtp.port}"), "smtp_from": "caeser@shop.example",
            "google_service_account_json": SecretStr(json.dumps(sheets.service_account())), "sheets_api_url": sheets.base_url})
        yield settings, rec, inbox, sheets
    smtp.stop()
    forget(settings, CREATED)


CREATED: list[int] = []


def forget(settings: Settings, schedule_ids: list[int]) -> None:
    """Delete a test's schedules and runs: on the shared Postgres, a later test's scheduler would otherwise work them."""
    with session_scope(settings) as s:
        for row in [*s.exec(select(ScheduleRun).where(ScheduleRun.schedule_id.in_(schedule_ids))), *s.exec(select(ReportSchedule).where(ReportSchedule.id.in_(schedule_ids)))]:
            s.delete(row)
    schedule_ids.clear()


def schedule(settings: Settings, destinations: list[str], who: Owner | None = None, subjects: tuple[str, ...] = ("Delta", "United")):
    made = create_schedule(settings, who or Owner.cli(f"u{uuid.uuid4().hex[:8]}"), name="Monday hype digest", cron="0 9 * * 1", timezone="Europe/London", tool="hype_score",
                           arguments=[{"subject": s} for s in subjects], destinations=destinations, now=MONDAY_9 - timedelta(days=2))
    CREATED.append(made.id)
    return made


def scheduler(settings: Settings, clock: Clock, runner: Metric, worker: str = "w1", **kw) -> Scheduler:
    return Scheduler(settings, worker, sender=Sender(settings), clock=clock, runner=runner, rng=random.Random(0), **kw)


def mine(settings: Settings, schedule_id: int) -> list:
    return runs_of(settings, [schedule_id])


def test_a_digest_fires_when_due_once_and_reaches_slack_email_sheets_and_a_signed_webhook(world):
    settings, rec, inbox, sheets = world
    made = schedule(settings, ["slack:#brand", "email:ana@shop.example", "sheets:plan-sheet-0001/Digest", "webhook:team"])
    clock = Clock(MONDAY_9 - timedelta(minutes=1))
    metric = Metric(settings, {"Delta": [66, 72], "United": [41, 41]})
    worker = scheduler(settings, clock, metric)
    worker.tick()
    assert mine(settings, made.id) == [] and metric.calls == 0  # 08:59 UTC: not yet (09:00 London = 09:00 UTC in March before the clock change)
    clock.advance(minutes=1)
    worker.tick()
    worker.tick()
    [run] = mine(settings, made.id)
    assert run.status == "sent" and run.attempts == 1 and metric.calls == 2 and sorted(run.delivered) == sorted(made.destinations)
    slack = rec.accepted[run.run_key]
    assert [(u["filename"].split("-")[0], u["channel_id"], u["thread_ts"], u["bytes"][:4]) for u in rec.uploads.values()] == [("Delta", "C0BRAND", "1.000100", b"\x89PNG"),
                                                                                                                            ("United", "C0BRAND", "1.000100", b"\x89PNG")]  # charts in the digest's thread
    assert slack["channel"] == "#brand" and "Monday hype digest — Mon 23 Mar 2026 09:00 Europe/London" in slack["text"]
    assert "Delta: hype score 66 (first digest)" in slack["text"] and run.result_ids[0] in slack["text"]
    [email] = inbox.messages
    assert inbox.envelopes == [("caeser@shop.example", ["ana@shop.example"])] and email["Message-ID"] == f"<{run.run_key}@caeser>"
    files = [p.get_filename() for p in email.iter_attachments()]
    assert sum(f.endswith(".pdf") for f in files) == 2 and sum(f.endswith(".csv") for f in files) == 2 and sum(f.endswith(".png") for f in files) == 2
    assert next(p for p in email.iter_attachments() if p.get_filename().endswith(".pdf")).get_content()[:5] == b"%PDF-"
    assert [row[2:5] for row in sheets.sheets["plan-sheet-0001"]["Digest"]] == [["Delta", "hype score", 66], ["United", "hype score", 41]]
    hook = rec.accepted.get(run.run_key)  # Slack and the webhook share the key: the webhook's copy is the raw POST with the signature
    assert hook is not None and len(rec.raw) == 2
    assert list_schedules(settings, Owner.system()) and [s.last_result_ids for s in list_schedules(settings, Owner.system()) if s.id == made.id] == [run.result_ids]

    clock.advance(days=7)  # next Monday, after the clock change: 09:00 London = 08:00 UTC
    worker.tick()
    newest = mine(settings, made.id)[0]
    assert newest.due_at.replace(tzinfo=timezone.utc) == MONDAY_9 + timedelta(days=7, hours=-1) and newest.status == "sent"
    text = rec.accepted[newest.run_key]["text"]
    assert "Delta: hype score 72 (▲ +6 since 23 Mar 2026)" in text and "United: hype score 41 (no change since 23 Mar 2026)" in text


def test_webhook_bodies_are_signed(world):
    settings, rec, _, _ = world
    captured: list[tuple[dict, bytes]] = []
    original = rec.server.RequestHandlerClass.do_POST

    def spy(handler):  # noqa: ANN001 - the recorder's request handler
        body = handler.rfile.peek() if hasattr(handler.rfile, "peek") else b""
        captured.append((dict(handler.headers), body))
        return original(handler)

    rec.server.RequestHandlerClass.do_POST = spy
    made = schedule(settings, ["webhook:team"], subjects=("Delta",))
    scheduler(settings, Clock(MONDAY_9), Metric(settings, {"Delta": [50]})).tick()
    [run] = mine(settings, made.id)
    assert run.status == "sent"
    headers = next(h for h, _ in captured if h.get("Idempotency-Key") == run.run_key)
    body = json.dumps(rec.accepted[run.run_key], ensure_ascii=False).encode()
    expected = "sha256=" + hmac.new(b"whsec-test", headers["X-Caeser-Timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Caeser-Signature"] == expected


def test_a_failing_destination_is_retried_with_backoff_then_failed_with_its_reason(world):
    settings, rec, inbox, _ = world
    made = schedule(settings, ["email:ana@shop.example", "webhook:team"], subjects=("Delta",))
    clock = Clock(MONDAY_9)
    metric = Metric(settings, {"Delta": [50]})
    worker = scheduler(settings, clock, metric, retry_base=10, max_attempts=3)
    rec.fail_next = 10
    worker.tick()
    [run] = mine(settings, made.id)
    assert run.status == "pending" and run.delivered == ["email:ana@shop.example"] and "answered 500" in run.last_error
    wait = (run.next_attempt_at.replace(tzinfo=timezone.utc) - clock.now).total_seconds()
    assert 5 <= wait <= 10  # base 10 s, equal jitter
    clock.advance(seconds=wait - 1)
    worker.tick()
    assert mine(settings, made.id)[0].attempts == 1  # not before its time
    for _ in range(4):
        clock.advance(seconds=60)
        worker.tick()
    [run] = mine(settings, made.id)
    assert run.status == "failed" and run.attempts == 3 and run.last_error.startswith("gave up after 3 attempts: webhook:team: webhook team answered 500")
    assert len(inbox.messages) == 1 and metric.calls == 1  # the e-mail went once; the tool ran once


def test_discord_gets_the_digest_with_its_charts_attached(world):
    settings, rec, _, _ = world
    made = schedule(settings, ["discord:123456789012"])
    scheduler(settings, Clock(MONDAY_9), Metric(settings, {"Delta": [50], "United": [40]})).tick()
    [run] = mine(settings, made.id)
    posted = rec.accepted[run.run_key[:25]]  # Discord's nonce
    assert run.status == "sent" and posted["enforce_nonce"] and f"report {run.run_key}" in posted["embeds"][0]["footer"]["text"]
    assert [f.split("-")[0] for f in posted["_files"]] == ["Delta", "United"] and [a["id"] for a in posted["attachments"]] == [0, 1]


def test_an_unknown_channel_fails_at_once_with_the_receivers_reason(world):
    settings, rec, _, _ = world
    made = schedule(settings, ["discord:123456789012"], subjects=("Delta",))
    rec.refuse = True
    scheduler(settings, Clock(MONDAY_9), Metric(settings, {"Delta": [50]})).tick()
    [run] = mine(settings, made.id)
    assert run.status == "failed" and run.attempts == 1 and "Discord refused the report: HTTP 404" in run.last_error


def test_a_worker_dying_mid_run_and_two_schedulers_give_one_copy_per_due_time(world):
    settings, rec, inbox, _ = world
    made = schedule(settings, ["slack:#brand", "email:ana@shop.example"], subjects=("Delta",))
    clock = Clock(MONDAY_9)
    metric = Metric(settings, {"Delta": [float(v) for v in range(10)]})
    enqueue_due(settings, clock())
    [run] = mine(settings, made.id)
    while run.id not in [r.id for r in claim_runs(settings, "dies", 60, now=clock())]:  # a worker claims the run, then is killed
        pass
    workers = [scheduler(settings, clock, metric, worker=f"w{i}", lease_s=60) for i in range(4)]  # one name per thread, as host:pid is per process
    workers[0].tick()
    assert mine(settings, made.id)[0].status == "pending"  # still leased to the dead worker
    clock.advance(seconds=61)
    for week in range(3):  # the restart: both schedulers tick together, each Monday
        threads = [threading.Thread(target=w.tick) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        clock.advance(days=7)
    runs = mine(settings, made.id)
    assert [r.status for r in runs] == ["sent"] * 3 and len({r.due_at for r in runs}) == 3
    assert len([k for k in rec.raw if k in {r.run_key for r in runs}]) == 3 and len(inbox.messages) == 3 and metric.calls == 3


@pytest.mark.slow
def test_two_watcher_processes_and_a_kill_send_each_minute_once(alert_settings, tmp_path):  # noqa: F811 - the fixture imported above
    """Real processes on the wall clock: a schedule due every minute, two `caeser serve watcher`
    processes, one killed after the first digest and started again; each due minute reaches the
    webhook once."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.bots.test_watcher import REPO

    with Recorder() as rec:
        made = create_schedule(alert_settings, Owner.cli(f"u{uuid.uuid4().hex[:8]}"), name="every minute", cron="* * * * *", timezone="UTC", tool="hype_score",
                               arguments=[{"subject": "Nobody"}], destinations=["webhook:team"])
        CREATED.append(made.id)
        env = {**os.environ, "CAESER_HOME": str(alert_settings.home), "CAESER_DATABASE_URL": alert_settings.sql_url, "PYTHONPATH": str(REPO), "CAESER_AUTOBUILD": "0",
               "CAESER_ALERT_WEBHOOKS": f"team={rec.url}/hook", "CAESER_WEBHOOK_PRIVATE_NETS": "127.0.0.1/32", "CAESER_DATA_DIR": str(tmp_path / "no-data")}

        def start() -> subprocess.Popen:
            return subprocess.Popen([sys.executable, "-m", "bots.watcher", "--no-evaluate"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        procs = [start(), start()]
        try:
            deadline = time.monotonic() + 100
            while len(set(rec.raw)) < 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            procs[0].send_signal(signal.SIGKILL)
            procs[0].wait()
            procs[0] = start()
            while len(set(rec.raw)) < 2 and time.monotonic() < deadline + 70:
                time.sleep(0.2)
            time.sleep(3)  # let a copy, if any, arrive
        finally:
            for p in procs:
                p.kill()
                p.wait()
        runs = [r for r in mine(alert_settings, made.id) if r.status == "sent"]
        assert len(runs) >= 2 and len({r.due_at for r in runs}) == len(runs)
        assert len(rec.raw) == len(set(rec.raw)), "a due minute was sent twice"
        assert {r.run_key for r in runs} <= set(rec.raw)  # (a run in flight when the test stopped may have arrived unmarked: never twice)
    forget(alert_settings, CREATED)


def test_a_trending_digest_entry_is_labelled_as_the_ranking_not_its_leader() -> None:
    from bots.digest import label

    assert label("hype_score", {}, {"subject": "American", "ranking": [{"subject": "American"}]}) == "What's trending"
    assert label("hype_score", {"subject": "Delta"}, {"subject": "Delta", "ranking": []}) == "Delta"
