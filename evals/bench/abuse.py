"""Abuse benchmark: each front door probed as an attacker or a busy workspace would, all on loopback.

One function per front door returns its checks (name, passed, figures); each prints as one line and
the last line counts them: `abuse: N checks, M failed` (exit status 1 if any failed).
- `slack`: the HTTP app with a slow stand-in agent (`--agent-s`) and the Web API a recorder on
  127.0.0.1 — 30 concurrent signed slash commands and 100 within 10 s (acked < 3 s? answered exactly
  once?), malformed requests (4xx in < 1 s?), a 200 MB body three ways (bytes the app read, resident
  memory growth), 50 half-sent requests (do they hold up a good one?).
- `webhooks`: watch destinations on 127.0.0.1, 10.x, 169.254.169.254, names resolving to them (a
  resolver stand-in), a name rebinding after the watch was set, redirects to internal addresses —
  refused when set and when sent? — and whether a receiver's answer reaches users.
Run: `python -m evals.bench.abuse [--only slack,webhooks]`.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import httpx

from agent.service import AgentReply
from memory.settings import Settings
from tests.bots.slack.recorder import SlackRecorder
from tests.bots.test_delivery import Receiver

SECRET = "abuse-bench-secret"
MB = 1024 * 1024
TRANSPORT_READ = 256 * 1024  # uvicorn hands the app what one socket read brought, which may cross the limit


class Check(NamedTuple):
    name: str
    passed: bool
    figures: str


# --- Slack ------------------------------------------------------------------------------------------

class SlowAgent:
    """Stands in for the agent: answers after `delay` seconds, naming the request."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.asked: Counter[str] = Counter()

    def ask(self, thread_id: str, text: str, *_args: Any, **_kwargs: Any) -> AgentReply:
        with self.lock:
            self.asked[text] += 1
        time.sleep(self.delay)
        return AgentReply(text=f"Answer to “{text}”: hype is 72/100.")


def sign(body: bytes, ts: str | None = None) -> dict[str, str]:
    ts = ts or str(int(time.time()))
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()}


def slash_body(recorder: SlackRecorder, text: str) -> bytes:
    return urlencode({"team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": "/caeser", "text": text, "response_url": recorder.url + "response_url"}).encode()


@contextmanager
def slack_app(agent: SlowAgent, home: Path, capacity: int = 100) -> Iterator[tuple[str, Any, Any, SlackRecorder]]:
    """(base URL, front door, work queue, recorder) of the Slack app as `caeser serve slack` runs it
    (`capacity`: places in the queue's line; past them requests are parked and told we're busy)."""
    from bots.slack.app import WORKERS, build_app
    from bots.slack.server import SlackFrontDoor, serving
    from bots.slack.work import WorkQueue

    with SlackRecorder() as recorder:
        settings = Settings(CAESER_HOME=home, SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=recorder.url, _env_file=None)
        work = WorkQueue(workers=WORKERS, capacity=capacity, retry_every_s=0.2)
        door = SlackFrontDoor(build_app(settings, agent, work), SECRET)
        try:
            with serving(door) as base:
                yield base, door, work, recorder
        finally:
            work.close()


def answers_per_request(recorder: SlackRecorder, texts: list[str]) -> Counter[int]:
    """How many final answers each request got (0, 1, 2…), counted on the Web API stand-in."""
    per_text = Counter(u["text"].split("“", 1)[1].split("”", 1)[0] for u in recorder.of("chat.update") if u["text"].startswith("Answer to"))
    return Counter(per_text.get(t.replace("'", "&#x27;"), per_text.get(t, 0)) for t in texts)


def slack_burst(count: int, spread_s: float, agent_s: float, home: Path, capacity: int = 100) -> list[Check]:
    agent = SlowAgent(agent_s)
    with slack_app(agent, home, capacity) as (base, _door, work, recorder), httpx.Client(timeout=10) as client:
        texts = [f"hype on burst item {i:03d}" for i in range(count)]
        gate = threading.Barrier(count) if spread_s == 0 else None

        def one(i: int) -> tuple[float, int, str]:
            body = slash_body(recorder, texts[i])
            headers = {**sign(body), "Content-Type": "application/x-www-form-urlencoded"}
            gate.wait() if gate else time.sleep(i * spread_s / count)
            t0 = time.monotonic()
            response = client.post(base + "/slack/events", content=body, headers=headers)
            return time.monotonic() - t0, response.status_code, response.text

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(one, range(count)))
        sent_s = time.monotonic() - started
        work.drain(timeout=count * agent_s + 120)
        answered = answers_per_request(recorder, texts)
        told_busy = sum(bool(text) for _s, _status, text in results)
    acks = sorted(s for s, _status, _text in results)
    ok = sum(status == 200 for _s, status, _text in results)
    label = (f"{count} concurrent" if spread_s == 0 else f"{count} within {spread_s:g} s") + (f" ({capacity}-place line)" if capacity < count else "")
    return [
        Check(f"slack: {label} slash commands acked < 3 s", ok == count and acks[-1] < 3.0,
              f"{ok}/{count} acked 200 in {sent_s:.1f} s; ack p50 {statistics.median(acks):.3f} s, max {acks[-1]:.3f} s; {told_busy} told 'busy, retrying'"),
        Check(f"slack: {label} answered exactly once", answered[1] == count,
              f"{answered[1]} once, {answered[0]} never, {sum(v for k, v in answered.items() if k > 1)} more than once (agent {agent_s:g} s each)"),
    ]


def raw_exchange(base: str, data: bytes, timeout: float = 10.0) -> tuple[int, float]:
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        t0 = time.monotonic()
        sock.sendall(data)
        answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1]), time.monotonic() - t0


def http_request(body: bytes = b"", headers: dict[str, str] | None = None, length: str | None = None) -> bytes:
    head = {"Host": "slack.bench", "Content-Type": "application/x-www-form-urlencoded", **({"Content-Length": length if length is not None else str(len(body))}), **(headers or {})}
    return b"POST /slack/events HTTP/1.1\r\n" + b"".join(f"{k}: {v}\r\n".encode() for k, v in head.items()) + b"\r\n" + body


def malformed_cases(recorder: SlackRecorder) -> dict[str, bytes]:
    body = slash_body(recorder, "help")
    return {
        "non-numeric timestamp": http_request(body, {**sign(body), "X-Slack-Request-Timestamp": "soon"}),
        "unsigned": http_request(body),
        "stale signature": http_request(body, sign(body, str(int(time.time()) - 3600))),
        "forged signature": http_request(body, {**sign(body), "X-Slack-Signature": "v0=" + "0" * 64}),
        "invalid JSON": http_request(b"{nope", {**sign(b"{nope"), "Content-Type": "application/json"}),
        "invalid JSON in payload=": http_request(b"payload=%7Bnope", sign(b"payload=%7Bnope")),
        "JSON array": http_request(b"[1]", {**sign(b"[1]"), "Content-Type": "application/json"}),
        "invalid UTF-8": http_request(b"text=\xff\xfe", sign(b"text=\xff\xfe")),
        "non-numeric Content-Length": http_request(body, sign(body), length="many"),
        "negative Content-Length": http_request(body, sign(body), length="-1"),
        "two Content-Lengths": http_request(body, {**sign(body), "Content-length": "3"}),
        "Content-Length 200 MB": http_request(b"", sign(b""), length=str(200 * MB)),
    }


def slack_malformed(home: Path) -> list[Check]:
    with slack_app(SlowAgent(0.0), home) as (base, _door, _work, recorder):
        results = {name: raw_exchange(base, data) for name, data in malformed_cases(recorder).items()}
    four = sum(400 <= status < 500 for status, _s in results.values())
    slowest = max(s for _status, s in results.values())
    detail = ", ".join(f"{name} {status}" for name, (status, _s) in results.items())
    return [Check("slack: malformed requests get a 4xx in < 1 s", four == len(results) and slowest < 1.0, f"{four}/{len(results)} 4xx, slowest {slowest:.3f} s ({detail})")]


def send_huge(base: str, head: bytes, total: int, chunked: bool) -> tuple[int | None, int]:
    """Write `head`, then body bytes in 64 KiB pieces until `total`, the server closing, or it no
    longer reading for 2 s; then read its answer. Returns (status, body bytes written)."""
    url = urlsplit(base)
    block = b"x" * 65536
    frame = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=2) as sock:
        sock.sendall(head)
        try:
            while sent < total:
                sock.sendall(frame)
                sent += len(block)
        except OSError:  # refused: the server answered and closed, or stopped reading
            pass
        sock.settimeout(5)
        try:
            answer = sock.recv(4096)
        except OSError:
            answer = b""
    return (int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None), sent


def resident_mb() -> float:
    """This process's resident memory, from Linux's /proc (no extra dependency)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def slack_huge_body(home: Path) -> list[Check]:
    checks = []
    with slack_app(SlowAgent(0.0), home) as (base, door, _work, _recorder):
        limit = door.limits.max_body
        ways = {
            "Content-Length, unsigned": (http_request(length=str(200 * MB)), False, 413),
            "chunked, unsigned": (http_request(headers={"Transfer-Encoding": "chunked"}).replace(b"Content-Length: 0\r\n", b""), True, 401),
            "chunked, forged signature": (http_request(headers={"Transfer-Encoding": "chunked", "X-Slack-Request-Timestamp": str(int(time.time())),
                                                                 "X-Slack-Signature": "v0=forged"}).replace(b"Content-Length: 0\r\n", b""), True, 413),
        }
        for name, (head, chunked, expected) in ways.items():
            rss0, read0 = resident_mb(), door.body_bytes_read
            status, sent = send_huge(base, head, 200 * MB, chunked)
            read = door.body_bytes_read - read0
            grew = resident_mb() - rss0
            checks.append(Check(f"slack: 200 MB body ({name}) refused after ≤ the limit", status == expected and read <= limit + TRANSPORT_READ,
                                f"answered {status}; app read {read:,} bytes (limit {limit:,}, stopping at the first read past it); "
                                f"client got {sent / MB:.1f} MB onto the socket before the server closed; resident memory +{grew:.1f} MB"))
    return checks


def slack_half_sent(home: Path) -> list[Check]:
    with slack_app(SlowAgent(0.0), home) as (base, door, _work, recorder):
        body = slash_body(recorder, "help")
        url = urlsplit(base)
        stalled = [socket.create_connection((url.hostname, url.port)) for _ in range(50)]
        try:
            for i, sock in enumerate(stalled):
                sock.sendall(http_request(body, sign(body), length=str(len(body) + 100)) if i % 2 else b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Sl")
            status, seconds = raw_exchange(base, http_request(body, sign(body)))
            t0 = time.monotonic()
            late = [raw_exchange_reply(sock) for sock in stalled]
            waited = time.monotonic() - t0
        finally:
            for sock in stalled:
                sock.close()
    timeouts = sum(code == 408 for code in late)
    return [Check("slack: 50 half-sent requests hold up no other and get 408", status == 200 and seconds < 1.0 and timeouts == len(stalled),
                  f"a good request meanwhile: {status} in {seconds:.3f} s; half-sent ones: {timeouts}/{len(stalled)} got 408 within {waited:.1f} s "
                  f"(body {door.limits.body_timeout_s:g} s, headers {door.limits.headers_timeout_s:g} s deadlines)")]


def raw_exchange_reply(sock: socket.socket) -> int | None:
    sock.settimeout(15)
    answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None


def slack(args: argparse.Namespace) -> list[Check]:
    with tempfile.TemporaryDirectory(prefix="caeser-abuse-") as tmp:
        home = Path(tmp)
        return [*slack_burst(30, 0, args.agent_s, home), *slack_burst(30, 0, args.agent_s, home, capacity=10), *slack_burst(100, 10.0, args.agent_s, home),
                *slack_malformed(home),
                *slack_huge_body(home), *slack_half_sent(home)]


# --- Webhooks ---------------------------------------------------------------------------------------

def webhooks(_args: argparse.Namespace) -> list[Check]:
    from bots.delivery import Sender
    from memory.tables import HypeAlert
    from tools import webhooks as policy
    from tools.base import ToolContext, ToolError
    from tools.hype.watch import WatchHypeInput, watch_hype

    internal = {"loopback.bench.test": "127.0.0.1", "private.bench.test": "10.20.30.40", "metadata.bench.test": "169.254.169.254"}
    lookups: Counter[str] = Counter()

    def resolve(host: str, port: int) -> list[str]:
        lookups[host] += 1
        if host == "rebind.bench.test":  # public when the watch is set, internal when it is sent
            return ["93.184.216.34"] if lookups[host] == 1 else ["169.254.169.254"]
        return [internal.get(host, host)]

    targets = ["https://127.0.0.1/admin", "https://10.0.0.1/x", "https://169.254.169.254/latest/meta-data/",
               *(f"https://{name}/x" for name in internal), "http://127.0.0.1:8080/admin"]
    with tempfile.TemporaryDirectory(prefix="caeser-abuse-") as tmp, Receiver("127.0.0.2") as inside, Receiver() as redirector, Receiver() as talker:
        redirector.reply = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, {})
        talker.reply = (403, {}, {"secret": "internal-admin-password"})
        hosts = ",".join(["127.0.0.1", "10.0.0.1", "169.254.169.254", *internal, "rebind.bench.test"])
        named = f"redirect={redirector.base_url}/hook,talker={talker.base_url}/hook,inside={inside.base_url}/hook"
        settings = Settings(CAESER_HOME=Path(tmp), CAESER_WEBHOOK_HOSTS=hosts, CAESER_ALERT_WEBHOOKS=named, _env_file=None)
        original, policy.system_resolve = policy.system_resolve, resolve
        try:
            set_refused = 0
            for target in [*targets, "inside"]:
                try:
                    watch_hype(WatchHypeInput(subject="Stanley", threshold=70, channel=f"webhook:{target}"), ToolContext(settings=settings))
                except ToolError as exc:
                    set_refused += exc.info.field == "channel"
            policy.check_destination("https://rebind.bench.test/x", settings)  # the watch is set while the name looks public
        finally:
            policy.system_resolve = original
        sender = Sender(settings, httpx.Client(timeout=5), resolve)
        exempt = Sender(settings.model_copy(update={"webhook_private_nets": "127.0.0.1/32"}), httpx.Client(timeout=5), resolve)

        def send(target: str, via: Sender = sender) -> Any:
            return via.send(HypeAlert(id=1, watch_id=1, crossing=1, alert_key="bench-key", subject="Stanley", channel=f"webhook:{target}", score=80.0, text="x", attempts=1))

        sent = [send(t) for t in [*targets, "inside", "https://rebind.bench.test/x"]]
        sent_refused = sum(o.status == "failed" and o.error.startswith("webhook refused") for o in sent)
        redirect, answer = send("redirect", exempt), send("talker", exempt)
    count_set, count_sent = len(targets) + 1, len(targets) + 2
    return [
        Check("webhooks: internal destinations refused when a watch is set", set_refused == count_set, f"{set_refused}/{count_set} refused ({', '.join(targets)}, 127.0.0.2 by name)"),
        Check("webhooks: refused again when sent (incl. DNS rebinding)", sent_refused == count_sent and not inside.seen,
              f"{sent_refused}/{count_sent} refused; requests reaching an internal receiver: {len(inside.seen)}"),
        Check("webhooks: redirects not followed", redirect.status == "failed" and len(redirector.seen) == 1, f"{len(redirector.seen)} request, outcome: {redirect.error}"),
        Check("webhooks: a receiver's answer never shown", "internal-admin-password" not in (answer.error or ""), f"stored error: {answer.error}"),
    ]


def mcp(args: argparse.Namespace) -> list[Check]:
    """MCP over HTTP and stdio: `--cases` hostile messages each (evals/bench/mcp_abuse.py)."""
    from evals.bench.mcp_abuse import run

    with tempfile.TemporaryDirectory(prefix="caeser-abuse-mcp-") as scratch:
        return [Check(*check) for check in run(args.cases, args.seed, Path(scratch))]


PROBES: dict[str, Callable[[argparse.Namespace], list[Check]]] = {"slack": slack, "webhooks": webhooks, "mcp": mcp}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench.abuse", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(PROBES), help=f"comma-separated front doors (default: all of {', '.join(PROBES)})")
    parser.add_argument("--agent-s", type=float, default=1.0, help="seconds the stand-in agent takes per Slack request (default 1)")
    parser.add_argument("--cases", type=int, default=700, help="hostile MCP messages per transport (default 700)")
    parser.add_argument("--seed", type=int, default=16, help="seed of the MCP cases")
    args = parser.parse_args()
    checks: list[Check] = []
    for name in args.only.split(","):
        for check in PROBES[name.strip()](args):
            print(f"{'ok  ' if check.passed else 'FAIL'} {check.name}: {check.figures}", flush=True)
            checks.append(check)
    failed = sum(not c.passed for c in checks)
    print(f"abuse: {len(checks)} checks, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
