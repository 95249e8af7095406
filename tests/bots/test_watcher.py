"""The watcher: crossings → outbox → deliveries, exactly once through failures, retries, a crash
mid-delivery and two concurrent workers. Receivers are a recorder server on 127.0.0.1 that
dedupes like the real services."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bots.delivery import Sender
from bots.watcher import deliver_pending, evaluate_all
from engines.hype.anomalies import Anomaly
from memory.db import session_scope
from memory.owner import DEFAULT_OWNER
from memory.settings import Settings
from memory.tables import HypeAlert, HypeWatch
from memory.watches import upsert_watch
from tests.httpstub import LoopbackServer, QuietHandler
from tools.base import ToolContext, ToolError
from tools.hype.score import HypeScoreData, SentimentBreakdown
from tools.hype.watch import ListWatchesInput, list_watches


class Recorder(LoopbackServer):
    """Slack, Discord and a webhook in one server: dedupes by message metadata, nonce and
    Idempotency-Key like the real services, and can fail, rate-limit, refuse or hang on demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: dict[str, dict] = {}  # idempotency key -> first body
        self.raw: list[str] = []  # every POST's key, in arrival order
        self.uploads: dict[str, dict] = {}  # Slack file uploads by file id
        self.fail_next = 0  # answer 500 to this many POSTs
        self.rate_limit_next = 0  # answer 429 with Retry-After to this many POSTs
        self.refuse = False  # answer 404 to every POST
        self.hang_once = False  # accept the next POST, then never answer it
        self.delay = 0.0
        super().__init__(self._handler())

    @property
    def url(self) -> str:
        return self.base_url

    def _handler(self):  # noqa: ANN202 - a handler class bound to this recorder
        rec = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # Slack conversations.history
                with rec.lock:
                    messages = [{"text": b.get("text"), "metadata": b.get("metadata")} for b in rec.accepted.values() if "metadata" in b]
                self.reply_json(200, {"ok": True, "messages": messages})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = urlparse(self.path).path
                if self._file_upload(path, raw):
                    return
                body = self._multipart(raw) if self.headers.get("Content-Type", "").startswith("multipart/") else json.loads(raw or b"{}")
                if path.endswith("chat.postMessage"):
                    key = body["metadata"]["event_payload"]["alert_id"]
                elif "/channels/" in path:
                    key = body["nonce"] if body.get("enforce_nonce") else f"no-nonce-{time.time_ns()}"
                else:
                    key = self.headers.get("Idempotency-Key") or f"no-key-{time.time_ns()}"
                time.sleep(rec.delay)
                with rec.lock:
                    if rec.refuse:
                        return self.reply_json(404, {"message": "Unknown Webhook"})
                    if rec.fail_next > 0:
                        rec.fail_next -= 1
                        return self.reply_json(500, {"ok": False})
                    if rec.rate_limit_next > 0:
                        rec.rate_limit_next -= 1
                        return self.reply_json(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
                    rec.raw.append(key)
                    rec.accepted.setdefault(key, body)
                    hang, rec.hang_once = rec.hang_once, False
                if hang:
                    time.sleep(60)
                with contextlib.suppress(OSError):  # after a hang the killed watcher has gone: no traceback for the broken pipe
                    self.reply_json(200, {"ok": True, "id": key, "ts": f"{len(rec.raw)}.000100", "channel": "C0BRAND"})

            def _multipart(self, raw: bytes) -> dict:
                """A Discord message with attachments: `payload_json` plus `files[n]` parts (their names under `_files`)."""
                form = message_from_bytes(f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + raw, policy=policy.default)
                parts = {p.get_param("name", header="content-disposition"): p for p in form.iter_parts()}
                return {**json.loads(parts["payload_json"].get_content()), "_files": [p.get_filename() for n, p in parts.items() if n.startswith("files[")]}

            def _file_upload(self, path: str, raw: bytes) -> bool:
                """Slack's external upload: get an upload URL, send the bytes there, complete into a channel/thread."""
                if path.endswith("files.getUploadURLExternal"):
                    form = dict(parse_qsl(raw.decode()))
                    file_id = f"F{len(rec.uploads)}"
                    rec.uploads[file_id] = {"filename": form["filename"], "length": int(form["length"])}
                    self.reply_json(200, {"ok": True, "upload_url": f"{rec.url}/upload/{file_id}", "file_id": file_id})
                elif path.startswith("/upload/"):
                    rec.uploads[path.rsplit("/", 1)[1]]["bytes"] = raw
                    self.reply_json(200, {"ok": True})
                elif path.endswith("files.completeUploadExternal"):
                    body = json.loads(raw)
                    for f in body["files"]:
                        rec.uploads[f["id"]].update(channel_id=body["channel_id"], thread_ts=body.get("thread_ts"))
                    self.reply_json(200, {"ok": True})
                else:
                    return False
                return True

        return Handler


# --- the tests ------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def data(score: float, subject: str) -> HypeScoreData:
    return HypeScoreData(subject=subject, window_start="2015-02-17T00:00:00", window_end="2015-02-24T00:00:00", window_days=7, region=None, score=score, previous_score=None,
                         state="🔥" if score >= 70 else "😐", confidence=0.9, posts=100, reason=None, components=[], metrics=[],
                         sentiment=SentimentBreakdown(mean=0.1, positive_share=0.3, neutral_share=0.4, negative_share=0.3, method="test"),
                         top_posts=[], timeline=[], anomalies=[Anomaly(kind="bot_burst", message="possible bot activity")] if score > 90 else [], peers=[])


class Script:
    """A scorer that replays scores per watch id; other watches (other tests') are skipped."""

    def __init__(self, scores: dict[int, list[float]]) -> None:
        self.scores = {k: list(v) for k, v in scores.items()}

    def __call__(self, watch: HypeWatch) -> HypeScoreData:
        if watch.id not in self.scores or not self.scores[watch.id]:
            raise ToolError("not_found", "not this test's watch")
        return data(self.scores[watch.id].pop(0), watch.display)


def make_watch(settings: Settings, channel: str, threshold: float = 70) -> HypeWatch:
    name = f"Brand-{uuid.uuid4().hex[:8]}"
    return upsert_watch(settings, owner=DEFAULT_OWNER, subject=name.casefold(), display=name, channel=channel, threshold=threshold, direction="above", window_days=7, create=True)


def statuses(settings: Settings, watch_ids: list[int]) -> list[str]:
    with session_scope(settings) as s:
        return [a.status for a in s.exec(select(HypeAlert).where(HypeAlert.watch_id.in_(watch_ids)).order_by(HypeAlert.id)).all()]


@pytest.fixture
def alert_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-test"), "discord_bot_token": SecretStr("discord-test")})


@pytest.fixture
def cleanup(alert_settings):
    ids: list[int] = []
    yield ids
    with session_scope(alert_settings) as s:
        for alert in s.exec(select(HypeAlert).where(HypeAlert.watch_id.in_(ids))).all():
            s.delete(alert)
        for watch in s.exec(select(HypeWatch).where(HypeWatch.id.in_(ids))).all():
            s.delete(watch)


def sender_for(settings: Settings, rec: Recorder) -> Sender:
    # the stand-in webhooks are listed by the operator, and their loopback network let through on purpose
    allowed = {"alert_webhooks": f"{rec.url}/hook,{rec.url}/gone,http://127.0.0.1:9/hook", "webhook_private_nets": "127.0.0.1/32"}
    return Sender(settings.model_copy(update={"slack_api_url": rec.url + "/slack", "discord_api_url": rec.url + "/discord", **allowed}), httpx.Client(timeout=5))


def test_n_crossings_give_n_deliveries_through_failures_and_retries(alert_settings, cleanup, monkeypatch):
    with Recorder() as rec:
        watches = [make_watch(alert_settings, f"webhook:{rec.url}/hook"), make_watch(alert_settings, "slack:C0TEST"), make_watch(alert_settings, "discord:123456789012")]
        cleanup.extend(w.id for w in watches)
        # 75 crosses, 72/71 hover (no re-fire), 60 re-arms, 95 crosses again (with a bot flag)
        script = Script({w.id: [50, 75, 72, 71, 60, 95] for w in watches})
        fired = sum(evaluate_all(alert_settings, script) for _ in range(6))
        assert fired == 6
        rec.fail_next, rec.rate_limit_next = 2, 1
        sender = sender_for(alert_settings, rec)
        delivered = deliver_pending(alert_settings, sender, "w1", lease_s=30, retry_base=0.0, max_attempts=5)
        assert delivered == 6
        assert len(rec.accepted) == 6 and len(rec.raw) == 6
        assert statuses(alert_settings, cleanup) == ["delivered"] * 6
        texts = [b.get("text") or b["embeds"][0]["fields"][0]["value"] for b in rec.accepted.values()]  # Discord: the embed's "Why it fired"
        assert sum("possible bot activity" in t for t in texts) == 3
        assert deliver_pending(alert_settings, sender, "w1", lease_s=30, retry_base=0.0, max_attempts=5) == 0


def test_refusing_webhook_is_reported_and_nothing_is_lost(alert_settings, cleanup, monkeypatch):
    with Recorder() as rec:
        dead = make_watch(alert_settings, "webhook:http://127.0.0.1:9/hook")  # port 9: connection refused
        gone = make_watch(alert_settings, f"webhook:{rec.url}/gone")
        cleanup.extend([dead.id, gone.id])
        rec.refuse = True
        assert evaluate_all(alert_settings, Script({dead.id: [80], gone.id: [80]})) == 2
        sender = sender_for(alert_settings, rec)
        assert deliver_pending(alert_settings, sender, "w1", lease_s=30, retry_base=0.0, max_attempts=3) == 0
        listed = list_watches(ListWatchesInput(), ToolContext(settings=alert_settings))
        errors = {w.channel: w.alerts[0] for w in listed.data if w.watch_id in cleanup}
        assert errors[dead.channel].status == "failed" and errors[dead.channel].attempts == 3 and "could not reach webhook" in errors[dead.channel].last_error
        assert errors[gone.channel].status == "failed" and "HTTP 404" in errors[gone.channel].last_error
        assert "failed" in listed.summary


def watcher_process(settings: Settings, rec: Recorder, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "CAESER_HOME": str(settings.home), "CAESER_DATABASE_URL": settings.sql_url, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": rec.url + "/slack",
           "DISCORD_BOT_TOKEN": "d", "DISCORD_API_URL": rec.url + "/discord", "PYTHONPATH": str(REPO),
           "CAESER_ALERT_WEBHOOKS": f"{rec.url}/hook", "CAESER_WEBHOOK_PRIVATE_NETS": "127.0.0.1/32"}
    return subprocess.Popen([sys.executable, "-m", "bots.watcher", "--once", "--no-evaluate", "--retry-base", "0", *extra], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.parametrize("channel", ["webhook", "slack"])
def test_killed_mid_delivery_then_restarted_delivers_once(alert_settings, cleanup, monkeypatch, tmp_path, channel):
    with Recorder() as rec:
        watch = make_watch(alert_settings, f"webhook:{rec.url}/hook" if channel == "webhook" else "slack:C0KILL")
        cleanup.append(watch.id)
        assert evaluate_all(alert_settings, Script({watch.id: [90]})) == 1
        rec.hang_once = True
        proc = watcher_process(alert_settings, rec, tmp_path, "--lease", "1")
        deadline = time.time() + 60
        while not rec.raw and time.time() < deadline:
            time.sleep(0.05)
        assert rec.raw, proc.stderr.read().decode() if proc.poll() is not None else "no POST arrived"
        proc.kill()  # after the POST reached the receiver, before the worker marked it delivered
        proc.wait()
        assert statuses(alert_settings, [watch.id]) == ["pending"]
        time.sleep(1.1)  # the dead worker's lease runs out
        restarted = watcher_process(alert_settings, rec, tmp_path, "--lease", "30")
        assert restarted.wait(timeout=60) == 0, restarted.stderr.read().decode()
        assert statuses(alert_settings, [watch.id]) == ["delivered"]
        assert len(rec.accepted) == 1
        # webhook: re-sent with the same Idempotency-Key and deduped; Slack: found in history, not re-posted
        assert len(rec.raw) == (2 if channel == "webhook" else 1)


@pytest.mark.slow
@pytest.mark.postgres
def test_two_watcher_processes_on_postgres_never_double_post(tmp_path, monkeypatch):
    url = os.environ.get("CAESER_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        pytest.skip("needs CAESER_TEST_DATABASE_URL pointing at Postgres")
    settings = Settings(CAESER_HOME=tmp_path / "home", CAESER_DATABASE_URL=url, _env_file=None)
    with Recorder() as rec:
        watch = make_watch(settings, f"webhook:{rec.url}/hook")
        try:
            script = Script({watch.id: [80, 60] * 12})
            assert sum(evaluate_all(settings, script) for _ in range(24)) == 12
            rec.delay = 0.05
            procs = [watcher_process(settings, rec, tmp_path, "--lease", "30") for _ in range(2)]
            assert [p.wait(timeout=90) for p in procs] == [0, 0]
            assert statuses(settings, [watch.id]) == ["delivered"] * 12
            assert len(rec.raw) == 12 and len(rec.accepted) == 12
        finally:
            with session_scope(settings) as s:
                for alert in s.exec(select(HypeAlert).where(HypeAlert.watch_id == watch.id)).all():
                    s.delete(alert)
                s.delete(s.get(HypeWatch, watch.id))
