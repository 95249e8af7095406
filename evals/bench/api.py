"""Benchmark: the storefront API over loopback HTTP, as a shop would call it.

Starts `caeser serve api` in a child process (uvicorn, the real CLI) on 127.0.0.1 with the shipped
query logs as its index (the built CADENCE index when CAESER_HOME has one, else the popularity
index a fresh install serves from), and a running experiment, so every suggestion also goes through
assignment and exposure logging. Then, from one keep-alive client:
- suggest: `--requests` POST /v1/suggest, prefixes of 1–8 characters cut from logged queries, for
  500 shoppers of whom half have engagement (so the personalised arm reranks); client-side latency
  per request, p50 and p99 (target p99 ≤ 20 ms);
- events: batches of `--batch` events to POST /v1/events, then one batch replayed (must store 0);
  events per second = events stored / wall time (target ≥ 2,000/s).
Run: `python -m evals.bench.api [--requests 2000 --events 20000 --batch 500 --home DIR]`.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

from memory.build.cadence_index import shipped_queries
from memory.owner import Owner
from memory.settings import Settings, get_settings
from tools.base import ToolContext
from tools.registry import run_tool

KEY = "bench-" + uuid.uuid4().hex
TARGET_P99_MS, TARGET_EVENTS_S = 20.0, 2000.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"caeser serve api exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("caeser serve api did not answer /v1/health")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--home", type=Path, default=None, help="CAESER_HOME to serve from (default: a fresh temporary one)")
    args = ap.parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="caeser-bench-api-"))
    settings = Settings(CAESER_HOME=home, CAESER_DATA_DIR=get_settings().data_dir, CAESER_AUTOBUILD=False, _env_file=None)
    owner = Owner.cli(f"bench-{uuid.uuid4().hex[:6]}")
    run_tool("start_experiment", {"name": "bench", "variants": ["plain", "personalised"], "traffic": 0.5}, ToolContext(settings=settings, owner=owner))
    rng = random.Random(7)
    retail, _ = shipped_queries(settings)
    port = free_port()
    env = os.environ | {"CAESER_HOME": str(home), "CAESER_DATA_DIR": str(settings.data_dir), "CAESER_AUTOBUILD": "0", "CAESER_API_KEYS": f"{KEY}={owner.key}",
                        "CAESER_API_RATE": "100000", "CAESER_API_BURST": "100000"}
    proc = subprocess.Popen([sys.executable, "-m", "bots.cli", "serve", "api", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=30) as client:
            users = [f"shopper-{i}" for i in range(500)]
            seed_events = [{"event_id": f"seed-{u}-{j}", "action": "click", "user_id": u, "item_id": rng.choice(retail), "item_kind": "suggestion", "rank": 1}
                           for u in users[:250] for j in range(4)]
            client.post("/v1/events", json={"events": seed_events}).raise_for_status()
            t0 = time.perf_counter()
            client.post("/v1/suggest", json={"prefix": "wa"}).raise_for_status()  # the index loads on first use
            print(f"first suggest (index load): {time.perf_counter() - t0:.2f} s")
            for _ in range(50):
                client.post("/v1/suggest", json={"prefix": rng.choice(retail)[:3], "user_id": rng.choice(users)})
            latencies, served, errors = [], {"plain": 0, "personalised": 0, None: 0}, 0
            for _ in range(args.requests):
                query = rng.choice(retail)
                body = {"prefix": query[: rng.randint(1, min(8, len(query)))], "user_id": rng.choice(users), "k": 10}
                t = time.perf_counter()
                res = client.post("/v1/suggest", json=body)
                latencies.append((time.perf_counter() - t) * 1000)
                if res.status_code != 200:
                    errors += 1
                    continue
                exp = res.json()["experiment"]
                served[exp["variant"] if exp else None] += 1
            lat = np.array(latencies)
            p50, p99 = float(np.percentile(lat, 50)), float(np.percentile(lat, 99))
            print(f"suggest: {args.requests:,} requests, p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {lat.max():.1f} ms, errors {errors}; "
                  f"served plain {served['plain']:,}, personalised {served['personalised']:,}, outside the experiment {served[None]:,}")
            tag = uuid.uuid4().hex[:8]
            events = [{"event_id": f"{tag}-{i}", "action": rng.choice(["view", "view", "click", "add_to_cart", "purchase"]), "user_id": rng.choice(users),
                       "session_id": f"s{i // 20}", "item_id": f"or:{rng.randint(10000, 99999)}", "rank": rng.randint(1, 10), "query": rng.choice(retail)}
                      for i in range(args.events)]
            t = time.perf_counter()
            stored = 0
            for start in range(0, len(events), args.batch):
                res = client.post("/v1/events", json={"events": events[start:start + args.batch]})
                res.raise_for_status()
                stored += res.json()["stored"]
            events_s = stored / (time.perf_counter() - t)
            replay = client.post("/v1/events", json={"events": events[: args.batch]}).json()
            t = time.perf_counter()
            for e in events[:200]:
                client.post("/v1/events", json=e | {"event_id": e["event_id"] + "-single"})
            single_s = 200 / (time.perf_counter() - t)
            print(f"events: {stored:,} stored in batches of {args.batch} at {events_s:,.0f}/s; one event per request {single_s:,.0f}/s; "
                  f"a replayed batch stored {replay['stored']} of {replay['received']}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    ok = p99 <= TARGET_P99_MS and events_s >= TARGET_EVENTS_S and replay["stored"] == 0
    print(f"targets: p99 ≤ {TARGET_P99_MS:g} ms, ≥ {TARGET_EVENTS_S:,.0f} events/s, replays stored once: {'OK' if ok else 'MISSED'} (load average {os.getloadavg()[0]:.1f})")
    print(f"api suggest_p99_ms={p99:.1f} events_per_s={events_s:.0f} (n={args.requests} requests)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
