"""Benchmark: ingest + score N posts (default 100,000), and a warm `hype_score`.

Targets: ingest + score 100k posts ≤ 10 s; a warm `hype_score` (same subject, no new posts) ≤ 50 ms.
Run: `python -m evals.bench.hype [--n 100000 --subjects 20 --days 30]` (uses a fresh temporary
CAESER_HOME unless CAESER_DATABASE_URL is set).

Posts are the airline tweets' texts resampled with a random tag word each (so near-duplicate
detection keeps them), spread over `--days` days and `--subjects` subjects with random authors and
engagement; what matters for timing is the count, the text lengths and the subject fan-out.
"Score" is a cold `hype_score` of one subject: sentiment for every post it reads (the subject and
its peers; VADER, since no classifier is built in a fresh home), the metrics, the score, the
history and peer normalisation, the chart and the snapshot.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from engines.hype.posts import POST_COLUMNS
from memory.datadir import load_airline_tweets
from memory.posts import store_posts
from memory.settings import Settings, get_settings
from tools.base import ToolContext
from tools.hype.score import HypeScoreInput, hype_score

TARGET_TOTAL_S, TARGET_WARM_MS = 10.0, 50.0


def synthetic_posts(texts: list[str], n: int, subjects: int, days: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    end = datetime(2025, 1, 1)
    picks = rng.integers(0, len(texts), n)
    return pd.DataFrame({
        "source": "bench", "external_id": [f"b{i}" for i in range(n)], "subject": [f"Brand {k:02d}" for k in rng.integers(0, subjects, n)],
        "text": [f"{texts[j]} tag{i}" for i, j in enumerate(picks)], "author": [f"user{a}" for a in rng.integers(0, n // 5, n)],
        "created_at": [end - timedelta(seconds=int(s)) for s in rng.integers(0, days * 86400, n)], "region": "United States",
        "likes": rng.poisson(2, n), "reposts": rng.poisson(0.5, n), "replies": rng.poisson(0.3, n), "sentiment": None, "label": None,
    }, columns=list(POST_COLUMNS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--subjects", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warm-calls", type=int, default=50)
    args = parser.parse_args()
    base = get_settings()
    texts = load_airline_tweets(base.data_dir)["text"].astype(str).tolist()
    posts = synthetic_posts(texts, args.n, args.subjects, args.days, args.seed)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(CAESER_HOME=Path(home), CAESER_DATA_DIR=base.data_dir, CAESER_DATABASE_URL=base.database_url, _env_file=None)
        ctx = ToolContext(settings=settings)
        t0 = time.perf_counter()
        report = store_posts(settings, posts, source="bench", aliases={})
        t1 = time.perf_counter()
        cold = hype_score(HypeScoreInput(subject="Brand 00"), ctx)
        t2 = time.perf_counter()
        warm = []
        for _ in range(args.warm_calls):
            s = time.perf_counter()
            hype_score(HypeScoreInput(subject="Brand 00"), ctx)
            warm.append((time.perf_counter() - s) * 1000)
    total = t2 - t0
    print(f"ingest {report.imported} posts: {t1 - t0:.2f} s; cold hype_score (reads {cold.data.posts} window posts of {len(cold.data.peers) + 1} subjects): {t2 - t1:.2f} s")
    print(f"warm hype_score over {args.warm_calls} calls: median {np.median(warm):.1f} ms, p95 {np.percentile(warm, 95):.1f} ms")
    print(f"hype bench: ingest+score {args.n} posts {total:.2f} s (target ≤ {TARGET_TOTAL_S:.0f} s) · warm hype_score {np.median(warm):.1f} ms (target ≤ {TARGET_WARM_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
