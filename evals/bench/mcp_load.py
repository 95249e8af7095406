"""Benchmark: N concurrent MCP clients × M `suggest_queries` calls over streamable HTTP on loopback.

Starts `caeser serve mcp --transport http` as its own process (one bearer token per client, as N
separate users would have), makes one untimed warm-up call, connects N official-SDK clients at once
and times every tool call.
Prints p50/p99 latency, throughput and three outcome counts: results, tool errors (the server
answered with an MCP tool error — a served response, e.g. while the autosuggest index is not built,
in which case the figures are the error path's latency and the line says so) and transport errors
(no answer: refused connection, timeout, HTTP error, protocol error). Exit status 1 on any transport
error. Run: `python -m evals.bench.mcp_load [--clients 100 --calls 20]`.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

PREFIXES = ("wa", "chri", "tea", "bag", "lig", "can", "hea", "vin", "pai", "box", "jum", "retr", "set o", "wood", "gla", "st", "mug", "pa", "lun", "kid")
START_TIMEOUT_S = 180.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    tool_errors: Counter = field(default_factory=Counter)  # first sentence of each tool error, counted
    transport_errors: Counter = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, tokens: list[str]) -> subprocess.Popen:
    env = {**os.environ, "CAESER_MCP_TOKENS": ",".join(tokens)}
    return subprocess.Popen([sys.executable, "-m", "bots.cli", "serve", "mcp", "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_until_listening(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the MCP server exited before listening:\n{server.stderr.read()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"the MCP server did not listen on port {port} within {START_TIMEOUT_S:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class StartGate:
    """Opens when every client has connected (or given up), so the calls start together."""

    def __init__(self, clients: int):
        self.left, self.open, self.opened_at = clients, asyncio.Event(), 0.0

    def arrive(self) -> None:
        self.left -= 1
        if self.left == 0:
            self.opened_at = time.perf_counter()
            self.open.set()


async def one_client(url: str, token: str, calls: int, seed: int, tally: Tally, gate: StartGate) -> None:
    """One user's session. Calls it could not make after a transport failure count as transport errors."""
    rng = random.Random(seed)
    made, arrived = 0, False
    try:
        async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http, \
                streamable_http_client(url, http_client=http) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            await session.list_tools()  # as clients do on connect (the SDK would otherwise list on the first call)
            arrived = True
            gate.arrive()
            await gate.open.wait()
            for made in range(calls):
                began = time.perf_counter()
                result = await session.call_tool("suggest_queries", {"prefix": rng.choice(PREFIXES), "user_id": f"bench-{seed}", "k": 10})
                tally.latencies_ms.append((time.perf_counter() - began) * 1000)
                if result.is_error:
                    tally.outcomes["tool_error"] += 1
                    tally.tool_errors[result.content[0].text[:120]] += 1
                else:
                    tally.outcomes["ok"] += 1
            made = calls
    except Exception as exc:  # noqa: BLE001 - any failure to get an answer is a transport error here
        tally.transport_errors[f"{type(exc).__name__}: {str(exc)[:100]}"] += calls - made
    finally:
        if not arrived:
            gate.arrive()


async def run_clients(url: str, tokens: list[str], calls: int, tally: Tally) -> float:
    """All clients at once; returns the seconds from the start signal to the last answer."""
    gate = StartGate(len(tokens))
    await asyncio.gather(*(one_client(url, token, calls, seed, tally, gate) for seed, token in enumerate(tokens)))
    return time.perf_counter() - gate.opened_at


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU of a process so far (Linux /proc), to tell server cost from client cost on a shared box."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


def report(tally: Tally, clients: int, calls: int, elapsed: float, server_cpu_s: float | None, client_cpu_s: float | None) -> str:
    lat = tally.latencies_ms
    answered = tally.outcomes["ok"] + tally.outcomes["tool_error"]
    line = (f"mcp load: {clients} clients × {calls} suggest_queries calls over streamable HTTP (loopback): {answered}/{clients * calls} answered in "
            f"{elapsed:.1f} s ({answered / max(elapsed, 1e-9):.0f} calls/s); latency p50 {percentile(lat, 0.5):.1f} ms, p99 {percentile(lat, 0.99):.1f} ms, "
            f"max {max(lat, default=float('nan')):.1f} ms, mean {statistics.fmean(lat) if lat else float('nan'):.1f} ms; "
            f"results={tally.outcomes['ok']} tool_errors={tally.outcomes['tool_error']} transport_errors={sum(tally.transport_errors.values())}")
    notes = [] if server_cpu_s is None or client_cpu_s is None else [
        f"  CPU during the run: server {server_cpu_s:.1f} s ({server_cpu_s * 1000 / max(answered, 1):.1f} ms per call, sessions included: "
        f"≈ {answered / max(server_cpu_s, 1e-9):.0f} calls/s per core), clients {client_cpu_s:.1f} s, over {elapsed:.1f} s of wall time "
        f"on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f})"]
    if tally.outcomes["tool_error"] and not tally.outcomes["ok"]:
        notes.append("NOTE: every call was answered with a tool error, so this measured the error path's latency, not the autosuggest engine")
    notes += [f"  tool error ×{n}: {text}" for text, n in tally.tool_errors.most_common(3)]
    notes += [f"  transport error ×{n}: {text}" for text, n in tally.transport_errors.most_common(5)]
    return "\n".join([line, *notes])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--calls", type=int, default=20, help="calls per client")
    args = parser.parse_args(argv)
    tokens = [secrets.token_urlsafe(24) for _ in range(args.clients)]
    port = free_port()
    server = start_server(port, tokens)
    try:
        wait_until_listening(server, port)
        url = f"http://127.0.0.1:{port}/mcp"
        warm_up, tally = Tally(), Tally()
        asyncio.run(run_clients(url, tokens[:1], 1, warm_up))  # the first call loads the index: not a serving figure
        cpu_before, client_before = cpu_seconds(server.pid), cpu_seconds(os.getpid())
        elapsed = asyncio.run(run_clients(url, tokens, args.calls, tally))
        cpu_after, client_after = cpu_seconds(server.pid), cpu_seconds(os.getpid())
    finally:
        stop_server(server)
    server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    client_cpu = client_after - client_before if client_before is not None and client_after is not None else None
    print(f"warm-up call (loads what the tool needs): {warm_up.latencies_ms[0] if warm_up.latencies_ms else float('nan'):.0f} ms")
    print(report(tally, args.clients, args.calls, elapsed, server_cpu, client_cpu))
    return 1 if tally.transport_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
