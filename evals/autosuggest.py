"""autosuggest: MRR@10 and success@10 of what `suggest_queries` serves, against MPC and MPC+LW, on a query log.

Protocol (DESIGN.md): the log in order; the first 90% is train, the last 10% test (or `--test F`).
One prefix per test query of at least 3 characters: its length drawn uniformly in [2, len − 1] with
the seed. "Seen" = the test query occurs in train.
- *shipped*: the index built by the build's own weights (`memory.build.cadence_index.index_entries`, the
  training queries as the retail log) answered through `engines.cadence.suggest.Suggester`, the
  function `suggest_queries` calls; the tiers it fills were chosen on the last 10% of train
  (`--validate` prints that comparison), never on the test part;
- *mpc*, *mpc_lw*: the baselines, built from the same training queries;
- `--lm` adds the experiment *lm*: a query LM trained on the first 90% of train whose beam merges
  with MPC by log p_LM + α·ln(1 + n), α fitted on the last 10% of train. It is slower (~25 ms a
  prefix) and is not shipped; the model trained here on the log being scored is never saved.
"""
from __future__ import annotations

import argparse
import gzip
import random
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from engines.cadence.completion import MPC, EngineSuggester, MPCLastWord, fit_alpha, reciprocal_rank
from engines.cadence.index import PrefixIndex
from engines.cadence.lm import LMConfig, TrainConfig, train_lm
from engines.cadence.suggest import Suggester
from engines.cadence.text import normalize_query
from engines.cadence.vocab import CharVocab
from memory.build.cadence_index import index_entries
from memory.settings import get_settings

K = 10


def read_log(path: Path) -> list[str]:
    """One query a line (gzip allowed), normalised; blank lines dropped, and a first line that is
    just the column name `query` (as in the AOL sample) is a header, not a query."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        lines = [normalize_query(line) for line in fh]
    if lines and lines[0] == "query":
        lines = lines[1:]
    return [q for q in lines if q]


def sample_prefixes(queries: Sequence[str], seed: int) -> list[tuple[str, str]]:
    """(prefix, query) for every query of ≥ 3 characters, prefix length uniform in [2, len − 1]."""
    rng = random.Random(seed)
    return [(q[: rng.randint(2, len(q) - 1)], q) for q in queries if len(q) >= 3]


def _mean(x: np.ndarray) -> float:
    """Mean, or NaN for an empty group (a log with no seen test query) without a warning."""
    return float(x.mean()) if x.size else float("nan")


def scores(suggestions: list[list[str]], targets: Sequence[str]) -> np.ndarray:
    return np.array([reciprocal_rank(s, t, K) for s, t in zip(suggestions, targets)])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, help="query log, one query a line (.gz allowed); default: the AOL 100k sample in the data dir")
    parser.add_argument("--test", type=Path, help="separate test log (then all of --file is train)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden", type=int, default=256, help="query LM hidden size")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--max-steps", type=int, default=700, help="cap on LM updates (time budget)")
    parser.add_argument("--max-train", type=int, default=200_000, help="cap on distinct training queries for the LM (most recent kept)")
    parser.add_argument("--beam", type=int, default=8)
    parser.add_argument("--limit", type=int, help="score only the first N test prefixes")
    parser.add_argument("--lm", action="store_true", help="also train and score the query-LM experiment (~10 min on AOL 100k)")
    parser.add_argument("--validate", action="store_true", help="score the shipped tiers on the last 10%% of train instead of the test part")
    parser.add_argument("--index", action="store_true", help="score the shipped index's parts instead (popularity, + catalog queries, + neural generator) on held-out shipped queries (evals/autosuggest_index.py)")
    parser.add_argument("--no-neural", action="store_true", help="with --index: skip retraining the neural generator")


def lm_experiment(train: list[str], prefixes: list[str], targets: list[str], mpc_lw: MPCLastWord, args: argparse.Namespace) -> np.ndarray:
    """Reciprocal ranks of the query-LM experiment (module docstring); α validated on the last 10% of train."""
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)  # deterministic and, on a shared 2-core box, faster than oversubscribing
    vcut = int(len(train) * 0.9)
    fit_part, val_part = train[:vcut], train[vcut:]
    val_pairs = sample_prefixes(val_part, args.seed + 1)[:5000]
    started = time.perf_counter()
    vocab = CharVocab.build(fit_part)
    distinct = list(dict.fromkeys(reversed(fit_part)))[: args.max_train]
    config = LMConfig(vocab_size=vocab.size, hidden=args.hidden)
    lm = train_lm(distinct, vocab, config, TrainConfig(epochs=args.epochs, max_steps=args.max_steps, seed=args.seed), log=print)
    print(f"query LM: {sum(p.numel() for p in lm.parameters()):,} parameters, trained on {len(distinct):,} distinct queries in {time.perf_counter() - started:.0f}s")
    val_engine = EngineSuggester(MPCLastWord(fit_part), lm, vocab, beam=args.beam)
    alpha, curve = fit_alpha(val_engine.candidates([p for p, _ in val_pairs]), [q for _, q in val_pairs])
    print("validation MRR@10 by alpha: " + " ".join(f"{a:g}={m:.3f}" for a, m in curve.items()) + f" -> alpha={alpha:g}")
    return scores(EngineSuggester(mpc_lw, lm, vocab, alpha=alpha, beam=args.beam).suggest_many(prefixes, K), targets)


def run(args: argparse.Namespace) -> int:
    if args.index:
        from evals.autosuggest_index import run as run_index

        return run_index(args)
    path = args.file or get_settings().data_dir / "queries" / "aol_100k.txt.gz"
    for f in (path, args.test):
        if f is not None and not Path(f).is_file():
            print(f"autosuggest: query log {f} not found (give --file, or set CAESER_DATA_DIR to the shared datasets)")
            return 2
    log = read_log(path)
    if len(log) < 20:
        print(f"autosuggest: {path} holds {len(log)} queries; at least 20 are needed for a train/validation/test split")
        return 2
    if args.test:
        train, test = log, read_log(args.test)
    else:
        cut = int(len(log) * 0.9)
        train, test = log[:cut], log[cut:]
    if args.validate:  # the tiers were chosen here: index the first 90% of train, score its last 10%
        vcut = int(len(train) * 0.9)
        train, test = train[:vcut], train[vcut:]
    test_pairs = sample_prefixes(test, args.seed)[: args.limit]
    started = time.perf_counter()
    prefixes, targets = [p for p, _ in test_pairs], [q for _, q in test_pairs]
    mpc_lw = MPCLastWord(train)
    t0 = time.perf_counter()
    results = {
        "shipped": scores(Suggester(PrefixIndex(index_entries(train, [], {}))).suggest_many(prefixes, K), targets),
        "mpc": scores(MPC(train).suggest_many(prefixes, K), targets),
        "mpc_lw": scores(mpc_lw.suggest_many(prefixes, K), targets),
    }
    if args.lm:
        results["lm"] = lm_experiment(train, prefixes, targets, mpc_lw, args)
    print(f"scored {len(prefixes):,} prefixes in {time.perf_counter() - t0:.0f}s")
    seen = np.array([q in mpc_lw.counts for q in targets])
    print(f"{'method':<8} {'MRR@10 seen':>12} {'unseen':>8} {'all':>8} {'succ@10 seen':>13} {'unseen':>8} {'all':>8}")
    for name, rr in results.items():
        mrr = [_mean(rr[seen]), _mean(rr[~seen]), _mean(rr)]
        succ = [_mean(rr[seen] > 0), _mean(rr[~seen] > 0), _mean(rr > 0)]
        print(f"{name:<8} {mrr[0]:>12.3f} {mrr[1]:>8.3f} {mrr[2]:>8.3f} {succ[0]:>13.3f} {succ[1]:>8.3f} {succ[2]:>8.3f}")
    print(f"n={len(targets)} seen={int(seen.sum())} unseen={int((~seen).sum())} train={len(train):,} total {time.perf_counter() - started:.0f}s")
    unseen_success = _mean(results["shipped"][~seen] > 0)
    print(f"autosuggest (suggest_queries) MRR@10 shipped={results['shipped'].mean():.3f} mpc={results['mpc'].mean():.3f} mpc_lw={results['mpc_lw'].mean():.3f} unseen-success@10={unseen_success:.3f} (n={len(targets)})")
    return 0
