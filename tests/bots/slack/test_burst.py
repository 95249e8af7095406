"""Bursts of signed slash commands: every one is acked within Slack's 3 s and answered exactly once,
even with the agent slow and the queue full (then the ack says we're busy and the request waits its
turn). Answers go to the Slack recorder on 127.0.0.1; the agent is a slow stand-in."""
from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bots.slack.work import BUSY, WorkQueue
from memory.settings import Settings
from tests.bots.slack.recorder import SlackRecorder
from tests.bots.slack.test_slack_app import FakeAgent, slack_server, slash

ACK_LIMIT_S = 3.0  # Slack shows the user an error when an ack takes longer


def burst(settings: Settings, tmp_path: Path, count: int, spread_s: float, work: WorkQueue, delay: float) -> tuple[list[tuple[float, httpx.Response]], SlackRecorder, FakeAgent]:
    """`count` signed slash commands sent over `spread_s` seconds, each on its own thread; returns
    (ack seconds, response) per request once every answer has arrived."""
    agent = FakeAgent(tmp_path / "c.png", delay=delay)
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with SlackRecorder() as recorder, slack_server(settings, recorder, agent, work) as (base, _door), httpx.Client(timeout=10) as client:
        start_gate = threading.Barrier(count) if spread_s == 0 else None

        def one(i: int) -> tuple[float, httpx.Response]:
            if start_gate:
                start_gate.wait()
            else:
                time.sleep(i * spread_s / count)
            t0 = time.monotonic()
            response = slash(base, recorder, f"what's the hype on burst item {i:03d}?", client=client)
            return time.monotonic() - t0, response

        with ThreadPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(one, range(count)))
        assert work.drain(timeout=120)
    return results, recorder, agent


def answered_once(recorder: SlackRecorder, agent: FakeAgent, count: int) -> None:
    asked = Counter(text for _thread, text in agent.asked)
    assert len(asked) == count and set(asked.values()) == {1}
    posts = [p for p in recorder.of("chat.postMessage") if "burst item" in p["text"]]
    assert len(posts) == count and len({p["text"] for p in posts}) == count  # one working message per request
    finals = Counter(u["ts"] for u in recorder.of("chat.update") if "72/100" in u["text"])
    assert len(finals) == count and set(finals.values()) == {1}  # one answer in each, never two
    assert recorder.of("response_url") == []  # nobody was told to ask again


def test_30_concurrent_commands_are_all_acked_in_time_and_answered_once(settings: Settings, tmp_path: Path) -> None:
    work = WorkQueue(workers=4, capacity=10, retry_every_s=0.2)  # 20 of the 30 wait parked: the busy path runs too
    results, recorder, agent = burst(settings, tmp_path, 30, 0, work, delay=0.3)
    assert all(r.status_code == 200 for _s, r in results)
    assert max(s for s, _r in results) < ACK_LIMIT_S
    assert sum(r.text == BUSY for _s, r in results) >= 10  # told, not dropped
    answered_once(recorder, agent, 30)


@pytest.mark.slow
def test_100_commands_within_10_seconds_are_all_acked_in_time_and_answered_once(settings: Settings, tmp_path: Path) -> None:
    results, recorder, agent = burst(settings, tmp_path, 100, 10.0, WorkQueue(workers=4, capacity=20, retry_every_s=0.2), delay=0.4)
    assert all(r.status_code == 200 for _s, r in results)
    assert max(s for s, _r in results) < ACK_LIMIT_S
    answered_once(recorder, agent, 100)
