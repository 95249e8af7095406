"""`caeser eval autosuggest --index`: what each part of the shipped index adds, on queries it has not seen.

Protocol: the distinct shipped queries (WANDS + ESCI retail, TREC 2005 web) in file order; the last
10% of each log are held out — in no variant's index and no language model — and one seeded prefix
per held-out query is typed (`sample_prefixes`). Three indexes are built with the build's own
weights (`memory.build.cadence_index`) from the same training queries and the built catalog:
- popularity: the logged queries alone — what `suggest_queries` serves before the build is done;
- default: + the catalog queries extracted from product phrases (build step "cadence");
- neural: + the neural generator's queries (step "cadence-generator"), its LMs retrained here on the
  training queries only (saved as `eval_*_lm`, never shipped), so held-out queries cannot leak in.
MRR@10 and success@10 are printed per log; the last line is the headline.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from engines.cadence.index import PrefixIndex
from evals.autosuggest import K, sample_prefixes, scores
from memory.build.cadence_index import catalog_queries, index_entries, shipped_queries
from memory.catalog import load_products
from memory.settings import get_settings


def split(queries: list[str]) -> tuple[list[str], list[str]]:
    """(training queries with repeats, held-out distinct queries): the last 10% of distinct texts held out."""
    distinct = list(dict.fromkeys(queries))
    held = set(distinct[int(len(distinct) * 0.9):])
    return [q for q in queries if q not in held], [q for q in distinct if q in held]


def run(args: argparse.Namespace) -> int:
    from memory.build.cadence import GeneratorConfig, neural_queries

    settings = get_settings()
    products = load_products(settings)
    if not products:
        print("autosuggest --index: no built catalog in CAESER_HOME; run `caeser build` (or any search tool, and wait for it) first")
        return 2
    started = time.perf_counter()
    phrases = [p.phrase or p.title.lower() for p in products]
    labels = [p.pseudo_category for p in products]
    retail, web = shipped_queries(settings)
    (retail_train, retail_test), (web_train, web_test) = split(retail), split(web)
    extracted = catalog_queries(phrases, labels)
    variants = {"popularity": {}, "default": extracted}
    if not args.no_neural:
        cfg = GeneratorConfig(max_steps=args.max_steps)
        neural = neural_queries(settings, retail_train, web_train, phrases, labels, cfg, lambda f, m: None, prefix="eval_")
        merged = dict(extracted)
        for text, (score, cat) in neural.items():
            if score > merged.get(text, (float("-inf"), -1))[0]:
                merged[text] = (score, cat)
        variants["neural"] = merged
        print(f"neural generator retrained on {len(set(retail_train + web_train)):,} training queries: {len(neural):,} queries ({time.perf_counter() - started:.0f}s)")
    tests = {"retail": sample_prefixes(retail_test, args.seed), "web": sample_prefixes(web_test, args.seed)}
    print(f"{'index':<11} {'entries':>8} " + " ".join(f"{f'MRR@10 {n}':>12} {f'succ@10 {n}':>12}" for n in tests) + f" {'MRR@10 all':>11}")
    headline: dict[str, float] = {}
    for name, generated in variants.items():
        index = PrefixIndex(index_entries(retail_train, web_train, generated))
        cells, all_rr = [], []
        for pairs in tests.values():
            rr = scores([[h.text for h in index.search(p, K)] for p, _ in pairs], [q for _, q in pairs])
            cells.append(f"{rr.mean() if rr.size else float('nan'):>12.3f} {(rr > 0).mean() if rr.size else float('nan'):>12.3f}")
            all_rr.append(rr)
        headline[name] = float(np.concatenate(all_rr).mean())
        print(f"{name:<11} {len(index):>8,} " + " ".join(cells) + f" {headline[name]:>11.3f}")
    n = {k: len(v) for k, v in tests.items()}
    print(f"held out: {n['retail']:,} retail and {n['web']:,} web queries; {len(products):,} catalog products; {time.perf_counter() - started:.0f}s")
    print("autosuggest index MRR@10 " + " ".join(f"{k}={v:.3f}" for k, v in headline.items()) + f" (n={sum(n.values())} unseen shipped queries)")
    return 0
