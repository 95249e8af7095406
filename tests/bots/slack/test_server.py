"""The Slack HTTP front door refuses what Slack would never send, with a 4xx and before reading more
than it must: malformed framing, unsigned or stale requests, bodies over the limit, bodies and
headers that never finish, payloads that are not JSON objects. Requests are written on raw sockets
(an HTTP client would refuse to send most of them)."""
from __future__ import annotations

import hashlib
import hmac
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bots.slack.server import Limits, SlackFrontDoor
from bots.slack.work import WorkQueue
from memory.settings import Settings
from tests.bots.slack.recorder import SlackRecorder
from tests.bots.slack.test_slack_app import SECRET, FakeAgent, slack_server

LIMITS = Limits(max_body=64 * 1024, body_timeout_s=0.5, headers_timeout_s=0.5)


@pytest.fixture
def door(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, SlackFrontDoor]]:
    with SlackRecorder() as recorder, slack_server(settings, recorder, FakeAgent(tmp_path / "c.png", delay=0.0), WorkQueue(workers=1), LIMITS) as served:
        yield served


def sign(body: bytes, ts: str | None = None) -> dict[str, str]:
    ts = ts or str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def request(body: bytes = b"", headers: dict[str, str] | None = None, *, path: str = "/slack/events", method: str = "POST", length: str | None = None) -> bytes:
    head = {"Host": "slack.test", "Content-Type": "application/x-www-form-urlencoded", "Content-Length": length if length is not None else str(len(body)), **(headers or {})}
    return f"{method} {path} HTTP/1.1\r\n".encode() + b"".join(f"{k}: {v}\r\n".encode() for k, v in head.items()) + b"\r\n" + body


def exchange(base: str, data: bytes, then: bytes = b"", timeout: float = 5.0) -> int:
    """Write `data` (and `then`, if the server has not answered yet) and return the status code."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(data)
        if then:
            try:
                sock.sendall(then)
            except OSError:  # the server already answered and closed: that is the point
                pass
        answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1])


SLASH = urlencode({"team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/caeser", "text": "help", "response_url": "http://127.0.0.1:9/r"}).encode()


@pytest.mark.parametrize(("case", "data", "status"), [
    ("signed help command", request(SLASH, sign(SLASH)), 200),
    ("non-numeric timestamp", request(SLASH, {**sign(SLASH), "X-Slack-Request-Timestamp": "soon"}), 401),
    ("no signature", request(SLASH), 401),
    ("stale timestamp", request(SLASH, sign(SLASH, str(int(time.time()) - 3600))), 401),
    ("forged signature", request(SLASH, {**sign(SLASH), "X-Slack-Signature": "v0=" + "0" * 64}), 401),
    ("invalid JSON", request(b"{not json", {**sign(b"{not json"), "Content-Type": "application/json"}), 400),
    ("invalid JSON in payload", request(b"payload=%7Bnope", sign(b"payload=%7Bnope")), 400),
    ("JSON that is not an object", request(b"[1, 2]", {**sign(b"[1, 2]"), "Content-Type": "application/json"}), 400),
    ("invalid UTF-8", request(b"text=\xff\xfe", sign(b"text=\xff\xfe")), 400),
    ("non-numeric Content-Length", request(SLASH, sign(SLASH), length="many"), 400),
    ("negative Content-Length", request(SLASH, sign(SLASH), length="-5"), 400),
    ("two Content-Lengths", request(SLASH, {**sign(SLASH), "Content-length": "3"}), 400),
    ("Content-Length over the limit", request(b"", sign(b""), length=str(200 * 1024 * 1024)), 413),
    ("another path", request(SLASH, sign(SLASH), path="/admin"), 404),
    ("GET", request(method="GET", path="/slack/events"), 404),
])
def test_every_malformed_request_gets_its_4xx(door: tuple[str, SlackFrontDoor], case: str, data: bytes, status: int) -> None:
    base, _ = door
    assert exchange(base, data) == status, case


def test_health_check(door: tuple[str, SlackFrontDoor]) -> None:
    assert exchange(door[0], request(method="GET", path="/healthz")) == 200


@pytest.mark.parametrize("signed", [False, True])
def test_a_huge_body_is_refused_after_reading_at_most_the_limit(door: tuple[str, SlackFrontDoor], signed: bool) -> None:
    """Chunked, so no Content-Length gives it away: unsigned it is refused before any of the body
    is read; with a (forged) signature, as soon as it passes the limit."""
    base, front = door
    chunk = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64))  # 4 MiB
    headers = {"Transfer-Encoding": "chunked", **({"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=forged"} if signed else {})}
    head = request(headers=headers).replace(b"Content-Length: 0\r\n", b"")
    assert exchange(base, head, chunks) == (413 if signed else 401)
    assert front.body_bytes_read <= LIMITS.max_body + 256 * 1024  # stops at the first socket read past the limit


def test_a_half_sent_body_gets_408(door: tuple[str, SlackFrontDoor]) -> None:
    assert exchange(door[0], request(SLASH, sign(SLASH), length=str(len(SLASH) + 100))) == 408


def test_half_sent_headers_get_408(door: tuple[str, SlackFrontDoor]) -> None:
    assert exchange(door[0], b"POST /slack/events HTTP/1.1\r\nHost: slack.test\r\nX-Slack-Sig") == 408


def test_a_slow_request_holds_up_no_other(door: tuple[str, SlackFrontDoor]) -> None:
    base, _ = door
    url = urlsplit(base)
    stalled = [socket.create_connection((url.hostname, url.port)) for _ in range(50)]
    try:
        for sock in stalled:
            sock.sendall(request(SLASH, sign(SLASH), length=str(len(SLASH) + 100)))
        assert exchange(base, request(SLASH, sign(SLASH)), timeout=0.4) == 200  # answered well within the stalled ones' deadline
    finally:
        for sock in stalled:
            sock.close()


def test_a_silent_connection_is_closed_without_an_answer(door: tuple[str, SlackFrontDoor]) -> None:
    url = urlsplit(door[0])
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        assert sock.recv(4096) == b""  # closed after the headers deadline, nothing written
