"""The MCP front doors of `python -m evals.bench.abuse`: the hostile cases of `mcp_fuzz` over each transport.

- HTTP: `caeser serve mcp --transport http` as its own process on loopback, fed raw POSTs
  (malformed JSON-RPC, bad values, 1 MB strings, lone surrogates, misspelt nested keys).
- stdio: `caeser serve mcp` as its own process, the same cases one line each.
Both run on an empty data directory in a scratch CAESER_HOME: tools refuse or
answer in milliseconds, so the figures are about the front door, not the engines. Per transport the
counts that must be zero are internal errors and transport failures, and every misspelt key must be
refused by its name.
"""
from __future__ import annotations

import json
import os
import random
import select
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from evals.bench.mcp_fuzz import Case, generate, judge, rpc
from evals.bench.mcp_load import free_port, stop_server, wait_until_listening

ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
REPLY_TIMEOUT_S = 60.0


@dataclass
class Tally:
    cases: int = 0
    internal: int = 0
    transport: int = 0
    misspelt: int = 0
    misspelt_named: int = 0
    kinds: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the first few, for the reader

    def add(self, case: Case, reply: object) -> None:
        verdict = judge(case, reply)
        self.cases += 1
        self.kinds[case.kind] += 1
        self.internal += verdict.internal
        self.transport += verdict.transport
        if case.misspelt:
            self.misspelt += 1
            self.misspelt_named += bool(verdict.named)
        if (verdict.internal or verdict.transport or verdict.named is False) and len(self.failures) < 3:
            self.failures.append(f"{case.kind} {case.line[:60]!r} -> {str(reply)[:120]}")

    def checks(self, door: str, seconds: float) -> list[tuple[str, bool, str]]:
        figures = f"{self.cases} cases in {seconds:.0f} s ({', '.join(f'{k} {n}' for k, n in sorted(self.kinds.items()))})"
        worst = f"; e.g. {' | '.join(self.failures)}" if self.failures else ""
        return [(f"{door}: no internal errors", self.internal == 0, f"{self.internal} internal errors in {figures}{worst}"),
                (f"{door}: no transport failures", self.transport == 0, f"{self.transport} transport failures"),
                (f"{door}: every misspelt key refused by name", self.misspelt_named == self.misspelt, f"{self.misspelt_named}/{self.misspelt} refused naming the key")]


def decode(response: httpx.Response) -> object:
    """The JSON-RPC answer of an HTTP response (JSON or one SSE event), or its status when refused."""
    if response.status_code >= 400 or response.status_code == 202:
        return response.status_code
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line.removeprefix("data:").strip() for line in response.text.splitlines() if line.startswith("data:")]
        return json.loads(data[-1]) if data else None
    return response.json()


def over_http(cases: list[Case]) -> Tally:
    """One case per POST. The server's log goes to a file: a pipe nobody reads would fill up with
    the refusals it logs and stall the server (that would be the harness failing, not the server)."""
    tally, token, port = Tally(), "abuse-bench-token-0123456789", free_port()
    log = Path(os.environ["CAESER_HOME"]).parent / "mcp-http.log"
    with log.open("w") as sink:
        server = subprocess.Popen([sys.executable, "-m", "bots.cli", "serve", "mcp", "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
                                  env={**os.environ, "CAESER_MCP_TOKENS": token}, stdout=subprocess.DEVNULL, stderr=sink)
    try:
        wait_until_listening(server, port)
        url = f"http://127.0.0.1:{port}/mcp"
        with httpx.Client(headers={**ACCEPT, "Authorization": f"Bearer {token}"}, timeout=REPLY_TIMEOUT_S) as http:
            for case in cases:
                try:
                    reply = decode(http.post(url, content=case.line))
                except (httpx.HTTPError, ValueError) as exc:
                    reply = exc
                tally.add(case, reply)
    finally:
        stop_server(server)
    return tally


def over_stdio(cases: list[Case]) -> Tally:
    tally = Tally()
    server = subprocess.Popen([sys.executable, "-m", "bots.cli", "serve", "mcp", "--transport", "stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)

    def ask(line: bytes) -> object:
        server.stdin.write(line + b"\n")
        server.stdin.flush()
        ready, _, _ = select.select([server.stdout], [], [], REPLY_TIMEOUT_S)
        answer = server.stdout.readline() if ready else b""
        return json.loads(answer) if answer else None

    try:
        hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "abuse", "version": "1"}}
        if ask(json.dumps(rpc("initialize", hello, 0)).encode()) is None:
            raise SystemExit("the stdio MCP server did not answer initialize")
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode() + b"\n")
        for case in cases:
            try:
                reply = ask(case.line)
            except (OSError, ValueError) as exc:
                reply = exc
            tally.add(case, reply)
    finally:
        server.kill()
        server.wait()
    return tally


TRANSPORTS: dict[str, Callable[[list[Case]], Tally]] = {"mcp http": over_http, "mcp stdio": over_stdio}


def run(cases: int, seed: int, scratch: Path) -> list[tuple[str, bool, str]]:
    """(check name, passed, figures) for each transport, the same `cases` hostile cases each, with
    servers whose home and (empty) data directory are under `scratch`."""
    hostile = generate(random.Random(seed), cases)
    saved = dict(os.environ)
    # the servers inherit these; no background builds (nothing to build on an empty data dir), no rate limit
    os.environ.update({"CAESER_HOME": str(scratch / "home"), "CAESER_DATA_DIR": str(scratch / "no-data"), "CAESER_AUTOBUILD": "0",
                       "CAESER_MCP_RATE_LIMIT": "1000000", "CAESER_MCP_RATE_BURST": "100000"})
    try:
        checks: list[tuple[str, bool, str]] = []
        for door, transport in TRANSPORTS.items():
            began = time.perf_counter()
            checks += transport(hostile).checks(door, time.perf_counter() - began)
        return checks
    finally:
        os.environ.clear()
        os.environ.update(saved)
