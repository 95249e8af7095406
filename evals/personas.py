"""Persona eval: do synthetic buyers accept offers at the rates real customer segments do?

Protocol (`engines.persona.calibration`): the six offer campaigns of `marketing_campaign.csv`;
customers split in half by a seeded permutation; the acceptance model and every segment's trait
distribution are fitted on the fitting half; synthetic buyers drawn per segment are shown each
campaign through the adoption engine; predicted and actual mean acceptance are compared on the
scoring half per segment (income quartile × age band × children, ≥ 10 scoring customers), by MAE
weighted by segment size. Baselines: the fitting half's global rate for everyone, and each
segment's own rate on the fitting half. The headline averages `--splits` seeded splits (seeds
`--seed`, `--seed`+1, …), because one split of ~1,100 scoring customers moves the MAE by ±0.004.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from engines.persona.calibration import SegmentScore, calibrate, customer_traits, weighted_mae
from memory.datadir import DataFileMissing, load_marketing_campaign
from memory.settings import get_settings

FIELDS = {"engine": "engine", "baseline": "baseline", "segment": "segment_rate"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory holding personas/marketing_campaign.csv (default: CAESER_DATA_DIR)")
    parser.add_argument("--splits", type=int, default=5, help="seeded fitting/scoring splits averaged in the headline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--buyers", type=int, default=2000, help="synthetic buyers per segment")


def evaluate(data_dir: Path, *, splits: int, seed: int, buyers: int) -> tuple[dict[str, float], float, list[list[SegmentScore]]]:
    """Mean weighted MAE per predictor over the splits, mean segments per split, and the rows."""
    traits = customer_traits(load_marketing_campaign(data_dir))
    runs = [calibrate(traits, seed=seed + s, buyers_per_segment=buyers) for s in range(splits)]
    scores = {name: float(np.mean([weighted_mae(rows, field) for rows in runs])) for name, field in FIELDS.items()}
    return scores, float(np.mean([len(rows) for rows in runs])), runs


def run(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or get_settings().data_dir
    try:
        scores, n, runs = evaluate(Path(data_dir), splits=args.splits, seed=args.seed, buyers=args.buyers)
    except DataFileMissing as exc:
        print(exc)
        return 2
    print(f"{'segment (first split)':<34}{'n':>5}{'actual':>8}{'engine':>8}{'global':>8}{'segment':>8}")
    for r in runs[0]:
        print(f"{r.segment:<34}{r.n:>5}{r.actual:>8.3f}{r.engine:>8.3f}{r.baseline:>8.3f}{r.segment_rate:>8.3f}")
    print(f"\n{'split':<8}{'segments':>9}" + "".join(f"{k:>10}" for k in FIELDS))
    for s, rows in enumerate(runs):
        print(f"{args.seed + s:<8}{len(rows):>9}" + "".join(f"{weighted_mae(rows, f):>10.4f}" for f in FIELDS.values()))
    print(f"persona calibration MAE engine={scores['engine']:.3f} baseline={scores['baseline']:.3f} segment={scores['segment']:.3f} (n={n:.0f} segments)")
    return 0
