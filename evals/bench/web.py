"""Benchmark: the web dashboard's pages with 1,000 stored results.

Target: every page renders in ≤ 300 ms (p95) with 1,000 results of the signed-in owner (and as many
of another owner's, which must cost nothing). Run: `python -m evals.bench.web [--results 1000
--requests 100]` (a fresh temporary CAESER_HOME unless CAESER_DATABASE_URL is set).

Each result is shaped like a real one: a summary, a 52-row weekly table, arguments and a chart
reference; 20 watches carry 8 scored snapshots each and 50 alerts. Requests go through the whole
app in-process (Starlette's test client: routing, the owner lookup, SQL, templates), signed in with
a bearer token: the overview, the results browser (random pages, half of them filtered by tool
and a date range) and a random result's page (summary, tables, downloads links).
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import SecretStr
from sqlmodel import delete, select
from starlette.testclient import TestClient

from bots.web.app import build_app
from memory.db import session_scope
from memory.owner import Owner
from memory.settings import Settings, get_settings
from memory.tables import HypeAlert, HypeSnapshot, HypeWatch, StoredResult

TARGET_MS = 300.0
TOOLS = ("hype_score", "forecast_demand", "audience_affinity", "simulate_launch", "analyze_launch")
TOKEN = "bench-token-" + "0" * 20


def seed(settings: Settings, owner: Owner, n: int, rng: random.Random, watches: int = 20) -> list[str]:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    ids = [f"{TOOLS[i % len(TOOLS)][:12]}-{owner.id}{i:07d}" for i in range(n)]
    with session_scope(settings) as s:
        for i, result_id in enumerate(ids):
            tool = TOOLS[i % len(TOOLS)]
            weeks = [{"week": (start + timedelta(weeks=w)).date().isoformat(), "units": rng.randint(50, 900), "low": 40, "high": 1000} for w in range(52)]
            output = {"summary": f"Readout {i}: demand for product {i % 37} peaks in week {rng.randint(1, 52)} at {rng.randint(100, 900):,} units.",
                      "data": {"product": f"Product {i % 37}", "weeks": weeks}, "charts": [{"path": f"/nonexistent/{result_id}.png", "title": "forecast"}],
                      "files": [], "result_id": result_id, "source": "bench"}
            s.add(StoredResult(result_id=result_id, owner=owner.key, tool=tool, arguments={"product": f"Product {i % 37}"}, output=output,
                               summary=output["summary"], created_at=start + timedelta(hours=7 * i)))
        for w in range(watches):
            watch = HypeWatch(owner=owner.key, subject=f"{owner.id}-brand {w}", display=f"Brand {w}", threshold=70, direction="above", channel="slack:#launches",
                              last_score=rng.uniform(20, 90))
            s.add(watch)
            s.flush()
            for k in range(8):
                s.add(HypeSnapshot(subject=watch.subject, window_days=7, score=rng.uniform(20, 90), state="ok", confidence=0.9, posts=100,
                                   fingerprint=f"{owner.id}-{w}-{k}", created_at=start + timedelta(days=k)))
            for k in range(50 // watches + 1):
                s.add(HypeAlert(owner=owner.key, watch_id=watch.id, crossing=k + 1, alert_key=f"{owner.id}-{w}-{k}", subject=watch.display, channel=watch.channel,
                                score=75, text="crossed", status="delivered"))
    return ids


def forget(settings: Settings, owners: list[Owner]) -> None:
    """Delete what the benchmark stored: on a shared database (CAESER_DATABASE_URL) nothing stays
    behind for the watcher, or for the next run, to find."""
    keys = [o.key for o in owners]
    with session_scope(settings) as s:
        subjects = list(s.exec(select(HypeWatch.subject).where(HypeWatch.owner.in_(keys))).all())
        for table, column in ((StoredResult, StoredResult.owner), (HypeAlert, HypeAlert.owner), (HypeWatch, HypeWatch.owner)):
            s.execute(delete(table).where(column.in_(keys)))
        s.execute(delete(HypeSnapshot).where(HypeSnapshot.subject.in_(subjects)))


def timed(call: Callable[[], object], n: int) -> list[float]:
    call()  # warm: templates compiled, connections pooled
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(settings: Settings, ids: list[str], args: argparse.Namespace, rng: random.Random) -> dict[str, list[float]]:
    with TestClient(build_app(settings), headers={"authorization": f"Bearer {TOKEN}"}) as client:
        def get(path: str) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        pages = max(1, args.results // 20)
        return {
            "overview": timed(lambda: get("/"), args.requests),
            "results": timed(lambda: get(f"/results?page={rng.randint(1, pages)}" if rng.random() < 0.5 else
                                         f"/results?tool={rng.choice(TOOLS)}&since=2026-02-01&until=2026-06-30"), args.requests),
            "result": timed(lambda: get(f"/results/{rng.choice(ids)}"), args.requests),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = get_settings()
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(CAESER_HOME=Path(home), CAESER_DATA_DIR=base.data_dir, CAESER_DATABASE_URL=base.database_url, _env_file=None)
        run = uuid.uuid4().hex[:6]  # a shared database may hold an earlier run's rows
        owner, other = Owner.cli(f"bench{run}"), Owner.cli(f"other{run}")
        settings = settings.model_copy(update={"web_tokens": SecretStr(f"{TOKEN}={owner.key}")})
        try:
            t0 = time.perf_counter()
            ids = seed(settings, owner, args.results, rng)
            seed(settings, other, args.results, rng)
            print(f"seeded {2 * args.results:,} results (half another owner's), 40 watches in {time.perf_counter() - t0:.1f} s")
            figures = measure(settings, ids, args, rng)
        finally:
            forget(settings, [owner, other])
    print(f"{'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in figures.items():
        print(f"{name:<10} {statistics.median(values):8.1f} {p95(values):8.1f} {max(values):8.1f}")
    worst = max(p95(v) for v in figures.values())
    print(f"target p95 ≤ {TARGET_MS:.0f} ms: {'met' if worst <= TARGET_MS else 'MISSED'}")
    print(f"web overview_p95_ms={p95(figures['overview']):.1f} results_p95_ms={p95(figures['results']):.1f} result_p95_ms={p95(figures['result']):.1f} "
          f"(n={args.results} results)")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
