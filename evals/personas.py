"""Persona eval: do synthetic buyers accept offers at the rates real customer segments do?

Protocol (`engines.persona.calibration`): the six offer campaigns of `marketing_campaign.csv`;
customers split in half by a seeded permutation; the acceptance model and every segment's trait
distribution are fitted on the fitting half; synthetic buyers drawn per segment are shown each
campaign through the adoption engine; predicted and actual mean acceptance are compared on the
scoring half per segment (income quartile × age band × children, ≥ 10 scoring customers), by MAE
weighted by segment size. Baselines: the fitting half's global rate for everyone, and each
segment's own rate on the fitting half. The headline averages `--splits` seeded splits (seeds
`--seed`, `--seed`+1, …), because one split of ~1,100 scoring customers moves the MAE by ±0.004.

*shipped* scores `simulate_launch`'s own path on the same splits: US adults from the population
tables (`BuyerFactory`, as the tool builds them), their trait formulas, and each campaign as a one-week
offer at the reference price through `purchase_fit` and `simulate_adoption`. The one parameter fitted
(on the fitting half) is the documented base logit α, set so that the synthetic segments, weighted as
the fitting customers are, accept at the fitting half's overall rate; every other constant is the
tool's. A synthetic buyer's segment uses the fitting half's income cut points, age band and children.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from engines.persona.calibration import OFFER, SegmentScore, calibrate, customer_traits, segment_keys, weighted_mae
from engines.persona.population import CHILDREN
from engines.persona.scenarios import BuyerFactory
from engines.persona.simulate import purchase_fit, simulate_adoption
from engines.persona.traits import Buyers, default_channel_table
from memory.datadir import DataFileMissing, load_marketing_campaign
from memory.settings import get_settings

FIELDS = {"engine": "engine", "baseline": "baseline", "segment": "segment_rate", "shipped": "shipped"}
SHIPPED_BUYERS = 200_000
REFERENCE = 50.0  # any price: the offer is made at the reference price, so only ratios to it matter


def _split(traits: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fitting and scoring halves exactly as `calibrate` draws them."""
    perm = np.random.default_rng(seed).permutation(len(traits))
    return traits.iloc[perm[: len(traits) // 2]], traits.iloc[perm[len(traits) // 2:]]


def shipped_rates(buyers: Buyers, fitting: pd.DataFrame, seed: int) -> dict[str, float]:
    """Predicted acceptance per segment key from simulate_launch's buyers (module docstring)."""
    cuts = np.quantile(fitting["income"], [0.25, 0.5, 0.75])
    pop = buyers.population
    synthetic = pd.DataFrame({"income": pop.income, "age": pop.age, "children": pop.household == CHILDREN})
    keys = segment_keys(synthetic, cuts).to_numpy()
    weights = segment_keys(fitting, cuts).value_counts(normalize=True)
    present = [k for k in weights.index if (keys == k).any()]

    def mean_rate(alpha: float) -> float:
        fit = purchase_fit(buyers, REFERENCE, None, alpha)
        return sum(weights[k] * float(fit[keys == k].mean()) for k in present) / weights[present].sum()
    alpha = brentq(lambda a: mean_rate(a) - float(fitting["accepted"].mean()), -15.0, 15.0)
    fit = purchase_fit(buyers, REFERENCE, None, alpha)
    quiet = np.zeros(len(fit), dtype=np.float32)
    offer = simulate_adoption(fit, quiet, quiet, np.zeros(len(fit), dtype=np.int8), hype=0.0, season=np.ones(1, dtype=np.float32),
                              params=OFFER, entropy=[seed, 99], keep_buyers=True)
    accepted = offer.week_bought == 0
    return {k: float(accepted[keys == k].mean()) for k in present}


def with_shipped(rows: list[SegmentScore], traits: pd.DataFrame, buyers: Buyers, seed: int) -> list[SegmentScore]:
    """The rows of one split with the shipped path's prediction (the global rate where no synthetic buyer falls)."""
    fitting, _ = _split(traits, seed)
    rates = shipped_rates(buyers, fitting, seed)
    return [replace(r, shipped=rates.get(r.segment, r.baseline)) for r in rows]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory holding personas/marketing_campaign.csv (default: CAESER_DATA_DIR)")
    parser.add_argument("--splits", type=int, default=5, help="seeded fitting/scoring splits averaged in the headline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--buyers", type=int, default=2000, help="synthetic buyers per segment")


def evaluate(data_dir: Path, *, splits: int, seed: int, buyers: int) -> tuple[dict[str, float], float, list[list[SegmentScore]]]:
    """Mean weighted MAE per predictor over the splits, mean segments per split, and the rows."""
    traits = customer_traits(load_marketing_campaign(data_dir))
    shipped = BuyerFactory(REFERENCE, default_channel_table(), None).build("United States", SHIPPED_BUYERS, [seed, 0])
    runs = [with_shipped(calibrate(traits, seed=seed + s, buyers_per_segment=buyers), traits, shipped, seed + s) for s in range(splits)]
    scores = {name: float(np.mean([weighted_mae(rows, field) for rows in runs])) for name, field in FIELDS.items()}
    return scores, float(np.mean([len(rows) for rows in runs])), runs


def run(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or get_settings().data_dir
    try:
        scores, n, runs = evaluate(Path(data_dir), splits=args.splits, seed=args.seed, buyers=args.buyers)
    except DataFileMissing as exc:
        print(exc)
        return 2
    print(f"{'segment (first split)':<34}{'n':>5}{'actual':>8}{'engine':>8}{'global':>8}{'segment':>8}{'shipped':>8}")
    for r in runs[0]:
        print(f"{r.segment:<34}{r.n:>5}{r.actual:>8.3f}{r.engine:>8.3f}{r.baseline:>8.3f}{r.segment_rate:>8.3f}{r.shipped:>8.3f}")
    print(f"\n{'split':<8}{'segments':>9}" + "".join(f"{k:>10}" for k in FIELDS))
    for s, rows in enumerate(runs):
        print(f"{args.seed + s:<8}{len(rows):>9}" + "".join(f"{weighted_mae(rows, f):>10.4f}" for f in FIELDS.values()))
    print(f"persona calibration MAE (simulate_launch) shipped={scores['shipped']:.3f} engine={scores['engine']:.3f} baseline={scores['baseline']:.3f} "
          f"segment={scores['segment']:.3f} (n={n:.0f} segments)")
    return 0
