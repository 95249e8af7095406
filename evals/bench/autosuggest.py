"""Benchmark: the online autosuggest path with N entries indexed (default 1,000,000).

Target: `suggest_queries`' engine call — prefix index top-k plus the personal rerank — p99 ≤ 1 ms.
Reference: succinct autocompletion indexes answer top-k in 5–33 µs (Pibiri & Venturini, SIGIR 2020).
Run: `python -m evals.bench.autosuggest [--n 1000000 --queries 20000]`.

Entries are word sequences drawn from the vocabulary of the shipped query logs (WANDS, ESCI, TREC)
with Zipf-distributed weights, 30% of them in one of 50 categories: what matters for timing is the
number of entries, their lengths and how prefixes branch, not their meaning. Prefixes are cut from
random entries at 1–12 characters, so short (heavy) and long (light) prefixes are both measured.
The rerank uses a profile of 40 engaged items, as a well-engaged user would have. The served path is
`engines.cadence.suggest.Suggester` (what `suggest_queries` calls): the index, then its completion
tiers whenever the index returns fewer than the pool asked for — timed on the same prefixes, with
the personal rerank over a pool of 50 (the target), and on the one-edit prefixes, which mostly reach
the completion tiers.
Each call is timed twice: wall clock, and the thread's CPU time (`time.thread_time`), which leaves
out the time the OS gave to other processes. On a shared, oversubscribed machine the wall-clock
tail is the scheduler's (10–30 ms time slices of other jobs), not the index's; both are printed,
and the target is judged on CPU time, with the load average shown.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import time

import numpy as np

from engines.cadence.index import Entry, PrefixIndex
from engines.cadence.personalize import Engagement, build_profile, rerank
from engines.cadence.suggest import Suggester
from memory.build.cadence_index import shipped_queries
from memory.settings import get_settings

TARGET_P99_MS = 1.0


def synthetic_entries(n: int, seed: int) -> dict[str, Entry]:
    rng = random.Random(seed)
    words = sorted({w for log in shipped_queries(get_settings()) for q in log for w in q.split()})
    zipf = np.random.default_rng(seed).zipf(1.3, size=4 * n)
    entries: dict[str, Entry] = {}
    i = 0
    while len(entries) < n:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        entries[text] = Entry(float(min(zipf[i % len(zipf)], 10**6)), "log" if rng.random() < 0.5 else "generated", rng.randrange(50) if rng.random() < 0.3 else -1)
        i += 1
    return entries


def resident_mib() -> float:
    """Current resident set size (Linux /proc), so the index's own footprint shows as a difference."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(call, prefixes: list[str]) -> tuple[list[float], list[float]]:
    """Per-call (wall seconds, thread CPU seconds)."""
    wall, cpu = [], []
    for p in prefixes:
        w, c = time.perf_counter(), time.thread_time()
        call(p)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return wall, cpu


def pct(xs: list[float]) -> str:
    a = np.asarray(xs) * 1e6
    return f"p50 {np.percentile(a, 50):.0f} µs p99 {np.percentile(a, 99):.0f} µs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    entries = synthetic_entries(args.n, args.seed)
    texts = list(entries)

    rss_before = resident_mib()
    t0 = time.perf_counter()
    index = PrefixIndex(entries)
    build_s = time.perf_counter() - t0
    rss_growth = resident_mib() - rss_before
    t0 = time.perf_counter()
    suggester = Suggester(index).warm()
    tables_s = time.perf_counter() - t0
    gc.freeze()  # as the server does after loading: the static index leaves the GC's generations

    rng = random.Random(args.seed + 1)
    prefixes = [t[: rng.randint(1, 12)] for t in rng.choices(texts, k=args.queries)]
    engaged = rng.sample(texts, 40)
    profile = build_profile([Engagement(t, rng.choice(["view", "click", "purchase"]), rng.uniform(0, 60), rng.randrange(50)) for t in engaged])
    for p in prefixes[:1000]:  # warm caches
        index.search(p, args.k)
    def personal_call(p: str) -> None:
        hits = index.search(p, index.k_max)
        rerank([(h.text, h.weight, h.category) for h in hits], profile)[: args.k]

    def served_call(p: str) -> None:
        hits = suggester.suggest(p, index.k_max)
        rerank([(h.text, h.weight, h.category) for h in hits], profile)[: args.k]

    edited = [p[:-2] + "z" + p[-1] for p in prefixes[:2000] if len(p) >= 4]
    plain = timed(lambda p: index.search(p, args.k), prefixes)
    personal = timed(personal_call, prefixes)
    typo_t = timed(lambda p: index.search(p, args.k), edited)
    served_plain = timed(lambda p: suggester.suggest(p, args.k), prefixes)
    served = timed(served_call, prefixes)
    served_edited = timed(served_call, edited)

    print(f"index: {len(index):,} entries, {index.heavy_nodes:,} precomputed heavy nodes, built in {build_s:.1f}s, resident memory +{rss_growth:.0f} MiB; Suggester tables {tables_s:.1f}s")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rows = {f"top-{args.k} exact prefix": plain, f"top-{args.k} + personal rerank": personal, "typo path (one edit)": typo_t,
            f"Suggester top-{args.k}": served_plain, "Suggester pool 50 + rerank": served, "Suggester + rerank, one-edit": served_edited}
    for name, (wall, cpu) in rows.items():
        print(f"{name:<30} wall {pct(wall)} | cpu {pct(cpu)}  (n={len(wall):,})")
    p99_cpu, p99_wall = (float(np.percentile(np.asarray(x) * 1e3, 99)) for x in (served[1], served[0]))
    print(f"autosuggest engine p99 {p99_cpu:.3f} ms CPU ({p99_wall:.3f} ms wall) served (Suggester pool 50 + rerank), target ≤ {TARGET_P99_MS} ms: {'met' if p99_cpu <= TARGET_P99_MS else 'missed'} (n={len(index):,} entries)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
