"""Offline effect of the personal rerank on held-out engagement (Online Retail, country as the user).

The shared data hold no per-person engagement log, so the finest real one is used: Online Retail
purchases by (day, stock code, country), each country a "user". Purchases before 2011-11-01 build
the profiles (one purchase event per row, 30-day half-life measured back from the cut) and the
popularity weights of an index over the stock descriptions; each country's first purchase of a
stock code from the cut on is a held-out event. For each (up to --n, seeded) a prefix of 2–5
characters of the description is typed; MRR@10 and success@10 of the purchased description are
compared with and without the rerank. Run: `python -m evals.personalization [--n 3000]`.
"""
from __future__ import annotations

import argparse
import random

import numpy as np
import pandas as pd

from engines.cadence.completion import reciprocal_rank
from engines.cadence.index import Entry, PrefixIndex
from engines.cadence.personalize import Engagement, Profile, build_profile, rerank
from engines.cadence.text import normalize_query
from memory.datadir import load_online_retail_daily
from memory.settings import get_settings

CUT = pd.Timestamp("2011-11-01")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    daily = load_online_retail_daily(get_settings().data_dir)
    daily = daily[(daily["quantity"] > 0) & daily["description"].notna()].copy()
    daily["text"] = daily["description"].map(normalize_query)
    past, future = daily[daily["date"] < CUT], daily[daily["date"] >= CUT]
    popularity = past.groupby("text")["quantity"].sum()
    index = PrefixIndex({t: Entry(float(np.log1p(q))) for t, q in popularity.items() if t})
    profiles: dict[str, Profile] = {}
    for country, rows in past.groupby("country"):
        ages = (CUT - rows["date"]).dt.days.to_numpy()
        profiles[country] = build_profile([Engagement(t, "purchase", float(a)) for t, a in zip(rows["text"], ages)])
    bought_before = set(zip(past["country"], past["text"]))
    held = future.sort_values("date").drop_duplicates(["country", "text"])
    held = [(c, t) for c, t in zip(held["country"], held["text"]) if (c, t) not in bought_before and index.contains(t) and len(t) > 5]
    rng = random.Random(args.seed)
    sample = rng.sample(held, min(args.n, len(held)))
    plain, personal = [], []
    for country, target in sample:
        prefix = target[: rng.randint(2, 5)]
        hits = index.search(prefix, index.k_max)
        items = [(h.text, h.weight, h.category) for h in hits]
        plain.append(reciprocal_rank([t for t, _, _ in items], target))
        personal.append(reciprocal_rank([t for t, _, _ in rerank(items, profiles.get(country, Profile()))], target))
    p, q = np.asarray(plain), np.asarray(personal)
    print(f"held-out first purchases: {len(held):,} (sampled {len(sample):,}); {len(profiles)} countries as users; index of {len(index):,} descriptions")
    print(f"{'ranking':<12} {'MRR@10':>7} {'success@10':>11}")
    print(f"{'popularity':<12} {p.mean():>7.3f} {(p > 0).mean():>11.3f}")
    print(f"{'personal':<12} {q.mean():>7.3f} {(q > 0).mean():>11.3f}")
    print(f"personalization MRR@10 personal={q.mean():.3f} popularity={p.mean():.3f} (n={len(sample)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
