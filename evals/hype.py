"""`caeser eval hype`: is the hype score calm when nothing happens, and does a real burst fire once?

Two checks, both on synthetic streams whose truth is known (no labelled hype data exists):
1. The engine over many seeds (`--seeds`, default 200, like the report in issue 25): one quiet,
   stationary stream per seed — Poisson posts per day, labels 30 % positive / 30 % negative,
   authors from a pool, engagement counts — scored by `engines.hype.score.score_subject`. Printed:
   the score's median and 5–95 % spread, how many score ≥ 60, how many a watch "above 60" would
   fire on (interval's lower end ≥ 60), and the mean interval width.
2. The shipped path: `--subjects` (20) quiet subjects imported together through
   `memory.posts.store_posts` (texts carry sentiment words, read by the shipped sentiment), each
   scored by the `hype_score` tool; then a burst (5× volume over the last three days, the added
   posts 60 % positive) is imported for one of them, which a watch "above 70" (created before the
   burst, silent on the quiet stream) must fire on exactly once (`bots.watcher.evaluate_all`).
Targets (issue 25): at most 1 of 20 quiet subjects ≥ 60; the burst scores ≥ 70 and fires once.
The last line states the headline figures.
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
from engines.hype.score import score_subject

END = datetime(2026, 11, 30)
POSITIVE = "love great amazing awesome happy excellent best".split()
NEGATIVE = "hate awful terrible worst broken angry bad".split()
NEUTRAL = "store price queue colour size box shipping order".split()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, default=200, help="quiet streams scored by the engine")
    parser.add_argument("--subjects", type=int, default=20, help="quiet subjects imported together for the shipped-path check")
    parser.add_argument("--rate", type=float, default=30.0, help="posts per day of a quiet subject")
    parser.add_argument("--days", type=int, default=56)


def engine_stream(seed: int, days: int, rate: float) -> pd.DataFrame:
    """A quiet stream as the engine reads it (labels and sentiment given)."""
    rng = np.random.default_rng(seed)
    day = np.repeat(np.arange(days), rng.poisson(rate, days))
    n = len(day)
    r = rng.random(n)
    label = np.where(r < 0.3, "positive", np.where(r < 0.6, "negative", "neutral"))
    return pd.DataFrame({
        "created_at": [END - timedelta(days=int(days - d), seconds=-int(s)) for d, s in zip(day, rng.integers(0, 86400, n))],
        "author": [f"u{a}" for a in rng.integers(0, 2000, n)], "text": [f"post {i}" for i in range(n)], "text_key": [f"{seed}-{i}" for i in range(n)],
        "sentiment": np.select([label == "positive", label == "negative"], [0.6, -0.6], 0.0), "label": label.astype(object),
        "likes": rng.poisson(2, n), "reposts": rng.poisson(0.5, n), "replies": rng.poisson(0.3, n),
    })


def imported_posts(subject: str, seed: int, daily: list[float], positive: float = 0.3) -> pd.DataFrame:
    """Posts for `store_posts`: one day per entry of `daily` (expected posts), ending at END; each
    text names the subject and carries a positive, negative or no sentiment word."""
    rng = np.random.default_rng(seed)
    rows = []
    for day, rate in enumerate(daily):
        for i in range(rng.poisson(rate)):
            r = rng.random()
            mood = POSITIVE if r < positive else NEGATIVE if r < positive + 0.3 else NEUTRAL
            text = f"{subject} {rng.choice(mood)} " + " ".join(rng.choice(NEUTRAL, 4)) + f" #{seed}d{day}p{i}"
            rows.append({"source": "eval-hype", "external_id": f"{subject}-{seed}-{day}-{i}", "subject": subject, "text": text, "author": f"{subject[:4]}{rng.integers(0, 800)}",
                         "created_at": END - timedelta(days=len(daily) - day, seconds=-int(rng.integers(0, 86400))), "region": "United States",
                         "likes": int(rng.poisson(2)), "reposts": int(rng.poisson(0.5)), "replies": int(rng.poisson(0.3)), "sentiment": None, "label": None})
    return pd.DataFrame(rows, columns=list(POST_COLUMNS))


def engine_check(seeds: int, days: int, rate: float) -> dict[str, float]:
    results = [score_subject(engine_stream(seed, days, rate), END, 7, {}, seed=seed) for seed in range(seeds)]
    scores = np.array([r.score for r in results])
    return {"median": float(np.median(scores)), "p5": float(np.percentile(scores, 5)), "p95": float(np.percentile(scores, 95)), "max": float(scores.max()),
            "at_least_60": int((scores >= 60).sum()), "fire_60": int(sum(r.low >= 60 for r in results)), "hot": int(sum(r.state == "🔥" for r in results)),
            "width": float(np.mean([r.high - r.low for r in results]))}


def shipped_check(home: Path, subjects: int, days: int, rate: float) -> dict[str, object]:
    """Quiet subjects through store_posts + hype_score; then a burst on the first, under a watch."""
    from bots.watcher import default_scorer, evaluate_all
    from memory.owner import Owner
    from memory.posts import store_posts
    from memory.settings import Settings
    from memory.watches import upsert_watch
    from tools.base import ToolContext
    from tools.hype.score import HypeScoreInput, hype_score

    settings = Settings(CAESER_HOME=home, CAESER_DATA_DIR=home / "no-data", CAESER_DATABASE_URL=None, _env_file=None)
    ctx = ToolContext(settings=settings, owner=Owner.system())
    names = [f"Quietbrand{k:02d}" for k in range(subjects)]
    store_posts(settings, pd.concat([imported_posts(name, k, [rate] * days) for k, name in enumerate(names)], ignore_index=True), source="eval-hype", aliases={})
    quiet = [hype_score(HypeScoreInput(subject=name), ctx).data for name in names]
    watch = upsert_watch(settings, owner=Owner.system(), subject=names[0].casefold(), display=names[0], channel="slack:C0EVAL", threshold=70, direction="above", window_days=7,
                         create=True)
    scorer = default_scorer(ctx)
    fired = [evaluate_all(settings, scorer)]
    # a burst on the first subject over the last three days: 4× its rate more (5× in all), mostly positive
    store_posts(settings, imported_posts(names[0], 1000, [0] * (days - 3) + [4 * rate] * 3, positive=0.6), source="eval-hype", aliases={})
    burst = hype_score(HypeScoreInput(subject=names[0]), ctx).data
    fired += [evaluate_all(settings, scorer), evaluate_all(settings, scorer)]
    return {"quiet": quiet, "burst": burst, "fired": fired, "watch": watch.id}


def run(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    engine = engine_check(args.seeds, args.days, args.rate)
    print(f"engine, {args.seeds} quiet streams ({args.rate:.0f} posts/day, {args.days} days, 7-day window): median {engine['median']:.1f}, "
          f"5–95% {engine['p5']:.1f}–{engine['p95']:.1f}, max {engine['max']:.1f}; ≥ 60: {engine['at_least_60']}; a watch 'above 60' fires on {engine['fire_60']}; "
          f"🔥 {engine['hot']}; mean 90% interval width {engine['width']:.1f} points ({time.perf_counter() - t0:.0f} s)")
    with tempfile.TemporaryDirectory() as home:
        shipped = shipped_check(Path(home), args.subjects, args.days, args.rate)
    quiet, burst, fired = shipped["quiet"], shipped["burst"], shipped["fired"]
    high = sum(d.score is not None and d.score >= 60 for d in quiet)  # all of them, before the burst
    scores = sorted(d.score for d in quiet if d.score is not None)
    print(f"shipped path, {args.subjects} quiet subjects imported together score {scores[0]:.0f}–{scores[-1]:.0f} (median {np.median(scores):.0f}); "
          f"≥ 60: {high}")
    print(f"burst subject (5× volume over the last 3 days, the added posts 60% positive): {burst.score:.0f} (90% range {burst.score_low:.0f}–{burst.score_high:.0f}); drivers: {'; '.join(burst.drivers)}")
    print(f"watch 'above 70' on it: alerts queued before the burst {fired[0]}, on the burst {fired[1]}, on the next evaluation {fired[2]}")
    ok = high <= 1 and burst.score >= 70 and fired == [0, 1, 0]
    print(f"hype eval: {high}/{len(quiet)} quiet subjects ≥ 60 (target ≤ 1) · burst {burst.score:.0f} (target ≥ 70) · fired {sum(fired)}× (target 1) · "
          f"engine quiet ≥ 60: {engine['at_least_60']}/{args.seeds} · {'met' if ok else 'NOT met'}")
    return 0 if ok else 1
