"""The Slack app end to end in HTTP mode: signed requests to our server on 127.0.0.1, the Web API a
recorder on 127.0.0.1. The agent is a stand-in (the bot is a front-end; the agent has its own tests).
Bursts and malformed requests: test_burst.py, test_server.py."""
from __future__ import annotations

import json
from contextlib import contextmanager
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from agent.service import AgentReply, ToolCallRecord
from bots.permissions import Permissions, Policy
from bots.slack.app import build_app
from bots.slack.server import Limits, SlackFrontDoor, serving
from bots.slack.work import WorkQueue
from memory.settings import Settings
from tests.bots.slack.recorder import SlackRecorder

SECRET = "test-signing-secret"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class FakeAgent:
    """Answers like the agent after `delay` seconds, with a chart; records what it was asked."""

    def __init__(self, chart: Path, delay: float = 1.2) -> None:
        self.chart, self.delay = chart, delay
        self.asked: list[tuple[str, str]] = []
        self.origins: list[str | None] = []
        self.fail = False

    def ask(self, thread_id: str, text: str, progress: Any = None, deny_tools: frozenset[str] = frozenset(), owner: Any = None,
            origin_channel: str | None = None) -> AgentReply:
        self.asked.append((thread_id, text))
        self.origins.append(origin_channel)
        if progress:
            progress(0.0, "running hype_score")
        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("boom")
        payload = {"summary": "Stanley hype is 72/100.", "data": {"subject": "Stanley", "score": 72.4, "previous_score": 55.0, "posts": 120},
                   "charts": [{"path": str(self.chart), "title": "hype"}], "result_id": "r-hype-1", "source": "posts; hype engine"}
        return AgentReply(text="Stanley hype is 72/100, up from 55.", tool_calls=[ToolCallRecord(tool="hype_score", args={"subject": "Stanley"}, ok=True, result_id="r-hype-1")],
                          charts=[str(self.chart)], data=[payload])


@pytest.fixture
def chart(tmp_path: Path) -> Path:
    path = tmp_path / "hype_stanley.png"
    path.write_bytes(PNG)
    return path


@pytest.fixture
def recorder():
    with SlackRecorder() as rec:
        yield rec


@pytest.fixture
def agent(chart: Path) -> FakeAgent:
    return FakeAgent(chart)


PERMS = Permissions({"slack:T1": Policy(watch=["UBOSS"], export=["UBOSS"], alert_channels=["C1", "#launches"])})


@contextmanager
def slack_server(settings: Settings, recorder: SlackRecorder, agent: Any, work: WorkQueue, limits: Limits = Limits()) -> Iterator[tuple[str, SlackFrontDoor]]:
    """The app over HTTP on 127.0.0.1, its Web API the recorder; yields the base URL and the front
    door. On exit queued answers finish while the recorder still listens."""
    s = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-test"), "slack_signing_secret": SecretStr(SECRET), "slack_api_url": recorder.url})
    door = SlackFrontDoor(build_app(s, agent, work, PERMS), SECRET, limits)
    try:
        with serving(door) as base:
            yield base, door
    finally:
        work.close()


@pytest.fixture
def server(settings: Settings, recorder: SlackRecorder, agent: FakeAgent) -> Iterator[str]:
    with slack_server(settings, recorder, agent, WorkQueue(workers=4)) as (base, _door):
        yield base


def signed(body: str, *, secret: str = SECRET, ts: int | None = None, content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=str(ts), body=body),
            "Content-Type": content_type}


def slash(base: str, recorder: SlackRecorder, text: str, user: str = "U1", client: httpx.Client | None = None, **sign: Any) -> httpx.Response:
    """A signed `/caeser text`; pass `client` to reuse one (a new one per call costs more than the ack)."""
    body = urlencode({"token": "x", "team_id": "T1", "channel_id": "C1", "user_id": user, "command": "/caeser", "text": text,
                      "response_url": recorder.url + "response_url", "trigger_id": "tr"})
    return (client or httpx).post(f"{base}/slack/events", content=body, headers=signed(body, **sign), timeout=5)


def event(base: str, event_id: str, text: str, retry: int | None = None, dm: bool = False) -> httpx.Response:
    inner = ({"type": "message", "channel_type": "im", "user": "U1", "text": text, "ts": f"1700000200.{event_id[-3:]}", "channel": "D1"} if dm else
             {"type": "app_mention", "user": "U1", "text": f"<@UBOT> {text}", "ts": "1700000100.000100", "channel": "C1", "event_ts": "1700000100.000100"})
    body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event_time": int(time.time()), "event": inner})
    headers = signed(body, content_type="application/json")
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return httpx.post(f"{base}/slack/events", content=body, headers=headers, timeout=5)


def test_slash_command_is_acked_at_once_and_the_answer_reaches_the_thread(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    start = time.monotonic()
    response = slash(server, recorder, "what's the hype on Stanley this week?")
    assert response.status_code == 200
    assert time.monotonic() - start < 1.0  # the agent takes 1.2 s: the ack did not wait for it
    working = recorder.wait_for("chat.postMessage")[0]
    assert working["channel"] == "C1" and "Working" in working["text"]
    update = recorder.wait_for("chat.update")[-1]
    completed = recorder.wait_for("files.completeUploadExternal")[0]
    answer = next(u for u in recorder.of("chat.update") if "72/100" in u["text"])
    blocks = answer["blocks"] if isinstance(answer["blocks"], list) else json.loads(answer["blocks"])
    assert any(b["type"] == "section" and "fields" in b and any("72.4" in f["text"] for f in b["fields"]) for b in blocks)
    actions = next(b for b in blocks if b["type"] == "actions")
    assert {e["value"] for e in actions["elements"]} >= {"r-hype-1:csv", "r-hype-1:pdf"}
    assert completed["channel_id"] == "C1" and completed["thread_ts"] == update["ts"]
    assert list(recorder.uploads.values()) == [PNG]
    assert agent.asked == [(f"slack:T1:C1:{update['ts']}", "what's the hype on Stanley this week?")]
    assert agent.origins == ["slack:C1"]  # a watch asked here posts here


@pytest.mark.parametrize("kind", ["forged", "stale"])
def test_bad_signatures_get_401(server: str, recorder: SlackRecorder, agent: FakeAgent, kind: str) -> None:
    sign = {"secret": "not-the-secret"} if kind == "forged" else {"ts": int(time.time()) - 600}
    assert slash(server, recorder, "hype on Stanley", **sign).status_code == 401
    time.sleep(0.2)
    assert agent.asked == [] and recorder.of("chat.postMessage") == []


def test_a_retried_event_is_processed_once(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    assert event(server, "Ev1", "hype on Stanley").status_code == 200
    assert event(server, "Ev1", "hype on Stanley", retry=1).status_code == 200
    assert event(server, "Ev1", "hype on Stanley", retry=2).status_code == 200
    recorder.wait_for("files.completeUploadExternal")
    time.sleep(0.3)
    assert len(agent.asked) == 1 and agent.asked[0] == ("slack:T1:C1:1700000100.000100", "hype on Stanley")
    assert recorder.of("chat.postMessage")[0]["thread_ts"] == "1700000100.000100"  # answered in the mention's thread


def test_rate_limits_are_waited_out(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    recorder.rate_limit["chat.postMessage"] = 1
    assert slash(server, recorder, "hype on Stanley please").status_code == 200
    recorder.wait_for("files.completeUploadExternal")
    assert len(recorder.of("chat.postMessage#429")) == 1 and len(recorder.of("chat.postMessage")) == 1


@pytest.mark.parametrize(("text", "user", "expected"), [
    ("", "U1", "empty"),
    ("x" * 4000 + "y", "U1", "4,001 characters"),
    ("frobnicate", "U1", "don't know the subcommand `frobnicate`"),
    ("watch Stanley above 70", "U1", "don't have permission to create hype watches"),
    ("export r-hype-1 csv", "U1", "don't have permission to export reports"),
    ("watch Stanley above 170", "UBOSS", "between 0 and 100"),
    ("watch Stanley sideways", "UBOSS", "couldn't read that watch"),
    ("watch Stanley above 70 in <#C9|random>", "UBOSS", "not on this workspace's alert channel allow-list"),
    ("help", "U1", "How to use /caeser"),
])
def test_bad_input_gets_a_helpful_ephemeral_reply(server: str, recorder: SlackRecorder, agent: FakeAgent, text: str, user: str, expected: str) -> None:
    response = slash(server, recorder, text, user=user)
    assert response.status_code == 200
    assert expected in response.text  # a plain-text ack body is shown to the user only
    assert agent.asked == []


def test_an_agent_failure_becomes_a_readable_message(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    agent.fail, agent.delay = True, 0.0
    assert slash(server, recorder, "hype on Stanley").status_code == 200
    deadline = time.monotonic() + 10
    while not any("went wrong" in u["text"] for u in recorder.of("chat.update")) and time.monotonic() < deadline:
        time.sleep(0.02)  # progress updates may come first: wait for the failure message itself
    update = next(u for u in recorder.of("chat.update") if "went wrong" in u["text"])
    assert "RuntimeError" in update["text"] and "Traceback" not in update["text"]
    agent.fail = False
    assert slash(server, recorder, "hype on Stanley again").status_code == 200  # the app lives on
    recorder.wait_for("files.completeUploadExternal")


def test_not_in_channel_is_explained_to_the_user(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    recorder.errors["chat.postMessage"] = "not_in_channel"
    assert slash(server, recorder, "hype on Stanley").status_code == 200
    reply = recorder.wait_for("response_url")[0]
    assert "/invite @caeser" in reply["text"] and reply["response_type"] == "ephemeral"
    assert agent.asked == []


def click(base: str, action_id: str, value: str) -> httpx.Response:
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "channel": {"id": "C1"}, "api_app_id": "A1", "token": "x",
               "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": "C1"},
               "message": {"ts": "1700000000.000001", "text": "answer"}, "trigger_id": "tr",
               "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button", "action_ts": "1"}]}
    body = urlencode({"payload": json.dumps(payload)})
    return httpx.post(f"{base}/slack/events", content=body, headers=signed(body), timeout=5)


def test_export_button_refuses_users_without_permission(server: str, recorder: SlackRecorder) -> None:
    assert click(server, "caeser_export_csv", "r-hype-1:csv").status_code == 200
    refusal = recorder.wait_for("chat.postEphemeral")[0]
    assert refusal["user"] == "U1" and "permission to export" in refusal["text"]


def test_a_follow_up_button_continues_the_answer_thread(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    agent.delay = 0.0
    assert click(server, "caeser_followup_0", "what's the hype on Stanley over the last 30 days?").status_code == 200
    recorder.wait_for("files.completeUploadExternal")
    assert agent.asked == [("slack:T1:C1:1700000000.000001", "what's the hype on Stanley over the last 30 days?")]
    assert recorder.of("chat.postMessage")[0]["thread_ts"] == "1700000000.000001"


def test_a_permitted_watch_runs_the_tool_and_reports_in_the_thread(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    response = slash(server, recorder, "watch Nonexistent Gizmo above 70", user="UBOSS")
    assert response.status_code == 200 and response.text == ""
    answer = next(u for u in recorder.wait_for("chat.update", timeout=60) if "Gizmo" in u["text"])  # the real watch_hype answered, in the thread
    assert "Watching Nonexistent Gizmo" in answer["blocks"][0]["text"]["text"] and agent.asked == []  # no posts yet: the watch waits for them


def test_direct_messages_are_one_running_conversation(server: str, recorder: SlackRecorder, agent: FakeAgent) -> None:
    agent.delay = 0.0
    assert event(server, "EvDM1", "hype on Stanley", dm=True).status_code == 200
    recorder.wait_for("files.completeUploadExternal")
    assert event(server, "EvDM2", "now Delta", dm=True).status_code == 200
    recorder.wait_for("files.completeUploadExternal", 2)
    assert agent.asked == [("slack:T1:D1:dm", "hype on Stanley"), ("slack:T1:D1:dm", "now Delta")]
    assert all(p.get("thread_ts") is None for p in recorder.of("chat.postMessage"))  # answered at the DM's top level


class EchoingAgent(FakeAgent):
    """Repeats the request in its answer, as a real answer naming the subject would."""

    def ask(self, thread_id: str, text: str, *args: Any, **kwargs: Any) -> AgentReply:
        reply = super().ask(thread_id, text, *args, **kwargs)
        return reply.model_copy(update={"text": f"About “{text}”: hype is 72/100."})


def test_mentions_in_user_text_never_reach_slack_unescaped(settings: Settings, recorder: SlackRecorder, chart: Path) -> None:
    with slack_server(settings, recorder, EchoingAgent(chart, delay=0.0), WorkQueue(workers=1)) as (base, _door):
        assert slash(base, recorder, "<!channel> <!here> <!subteam^S1> hype on <@U999> please").status_code == 200
        recorder.wait_for("files.completeUploadExternal")
    posted = [json.dumps({k: v for k, v in params.items() if k in ("text", "blocks")}) for method, params in recorder.calls if method.startswith("chat.")]
    assert len(posted) >= 2 and any("72/100" in p for p in posted)
    assert not [p for p in posted if "<!" in p or "<@" in p]  # fallback text and blocks alike
    assert any("&lt;!channel&gt;" in p for p in posted)
