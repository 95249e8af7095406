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
offer at the reference price through `purchase_fit` and `simulate_adoption`. Fitted on the fitting
half, by `calibration.fit_propensity` (segment moments): the base logit α and the coefficients of the
shipped propensity terms (`simulate.Propensity`: log income, children, age …); every other constant is
the tool's. A synthetic buyer's segment uses the fitting half's income cut points, age band and children.
The same fit on every usable customer gives the shipped `PROPENSITY` (printed; a realdata test holds
them equal). The α fitted here is the level of a one-week offer and is not shipped: a launch keeps
`Diffusion.base_logit`, the propensity shifting it per household.

Which terms the propensity has was chosen on validation data only (`--select`): each fitting half is
split again in half by a seeded permutation, every candidate form in `FORMS` is fitted on one quarter
and scored (segment MAE of mean purchase fit, segments with ≥ MIN_SEGMENT customers) on the other; the
form with the lowest mean over the splits is shipped. The scoring halves never enter the choice.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from engines.persona.calibration import CAMPAIGNS, MIN_SEGMENT, OFFER, SegmentScore, calibrate, customer_traits, fit_propensity, segment_keys, weighted_mae
from engines.persona.population import CHILDREN
from engines.persona.scenarios import BuyerFactory
from engines.persona.simulate import PROPENSITY, PROPENSITY_TERMS, Propensity, propensity_features, purchase_fit, purchase_logit, simulate_adoption
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


#: Candidate propensity forms compared by `--select` (each a tuple of `PROPENSITY_TERMS`).
FORMS: tuple[tuple[str, ...], ...] = ((), ("income",), ("income", "children"), ("income", "children", "age"),
                                      ("income", "children", "income_children"), PROPENSITY_TERMS)
#: The form `--select` chose (docs/persona.md §7): the terms `PROPENSITY` fills.
SHIPPED_FORM = tuple(t for t in PROPENSITY_TERMS if getattr(PROPENSITY, t) != 0.0)


@dataclass(frozen=True)
class ShippedFit:
    """The shipped path fitted on some customers: α, the propensity, and the segments it was fitted on."""

    alpha: float
    propensity: Propensity
    cuts: np.ndarray  # income cut points of the customers it was fitted on
    keys: np.ndarray  # each synthetic buyer's segment key under those cuts
    segments: list[str]  # segments holding both customers and synthetic buyers


def fit_shipped(buyers: Buyers, customers: pd.DataFrame, terms: tuple[str, ...]) -> ShippedFit:
    """α and the coefficients of `terms` by `calibration.fit_propensity` on `customers` (an offer at REFERENCE)."""
    cuts = np.quantile(customers["income"], [0.25, 0.5, 0.75])
    pop = buyers.population
    keys = segment_keys(pd.DataFrame({"income": pop.income, "age": pop.age, "children": pop.household == CHILDREN}), cuts).to_numpy()
    customer_keys = segment_keys(customers, cuts)
    accepted = customers[list(CAMPAIGNS)].sum(axis=1).groupby(customer_keys).sum()
    trials = customer_keys.value_counts()[accepted.index] * len(CAMPAIGNS)
    present = [k for k in accepted.index if (keys == k).any()]
    code = pd.Series(np.arange(len(present)), index=present).reindex(keys).to_numpy()
    mine = ~np.isnan(code)
    columns = [PROPENSITY_TERMS.index(t) for t in terms]
    base = purchase_logit(buyers, REFERENCE, 0.0, Propensity()).astype(float)
    theta = fit_propensity(base[mine], propensity_features(pop)[mine][:, columns], code[mine].astype(int),
                           accepted[present].to_numpy(), trials[present].to_numpy())
    return ShippedFit(float(theta[0]), Propensity(**{t: float(v) for t, v in zip(terms, theta[1:], strict=True)}), cuts, keys, present)


def shipped_rates(buyers: Buyers, fitting: pd.DataFrame, seed: int) -> dict[str, float]:
    """Predicted acceptance per segment key from simulate_launch's buyers (module docstring)."""
    fitted = fit_shipped(buyers, fitting, SHIPPED_FORM)
    fit = purchase_fit(buyers, REFERENCE, None, fitted.alpha, fitted.propensity)
    quiet = np.zeros(len(fit), dtype=np.float32)
    offer = simulate_adoption(fit, quiet, quiet, np.zeros(len(fit), dtype=np.int8), hype=0.0, season=np.ones(1, dtype=np.float32),
                              params=OFFER, entropy=[seed, 99], keep_buyers=True)
    accepted = offer.week_bought == 0
    return {k: float(accepted[fitted.keys == k].mean()) for k in fitted.segments}


def validation_mae(traits: pd.DataFrame, buyers: Buyers, seed: int, terms: tuple[str, ...]) -> float:
    """`--select`'s score of one form on split `seed`: fitted on one half of the fitting half, scored on the other."""
    fitting, _ = _split(traits, seed)
    perm = np.random.default_rng([seed, 1]).permutation(len(fitting))
    inner, held = fitting.iloc[perm[: len(fitting) // 2]], fitting.iloc[perm[len(fitting) // 2:]]
    fitted = fit_shipped(buyers, inner, terms)
    predicted = pd.Series(purchase_fit(buyers, REFERENCE, None, fitted.alpha, fitted.propensity)).groupby(fitted.keys).mean()
    n, err = [], []
    for key, group in held.groupby(segment_keys(held, fitted.cuts)):
        if len(group) >= MIN_SEGMENT and key in fitted.segments:
            n.append(len(group))
            err.append(abs(float(predicted[key]) - float(group["accepted"].mean())))
    return float(np.dot(n, err) / np.sum(n))


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
    parser.add_argument("--select", action="store_true", help="compare the propensity forms on validation splits of the fitting halves instead")


def shipped_buyers(seed: int) -> Buyers:
    """The US buyers the shipped path is scored (and fitted) on."""
    return BuyerFactory(REFERENCE, default_channel_table(), None).build("United States", SHIPPED_BUYERS, [seed, 0])


def select(data_dir: Path, *, splits: int, seed: int) -> dict[tuple[str, ...], float]:
    """Mean validation MAE of every form in `FORMS` over the splits (module docstring)."""
    traits = customer_traits(load_marketing_campaign(data_dir))
    buyers = shipped_buyers(seed)
    return {form: float(np.mean([validation_mae(traits, buyers, seed + s, form) for s in range(splits)])) for form in FORMS}


def evaluate(data_dir: Path, *, splits: int, seed: int, buyers: int) -> tuple[dict[str, float], float, list[list[SegmentScore]]]:
    """Mean weighted MAE per predictor over the splits, mean segments per split, and the rows."""
    traits = customer_traits(load_marketing_campaign(data_dir))
    shipped = shipped_buyers(seed)
    runs = [with_shipped(calibrate(traits, seed=seed + s, buyers_per_segment=buyers), traits, shipped, seed + s) for s in range(splits)]
    scores = {name: float(np.mean([weighted_mae(rows, field) for rows in runs])) for name, field in FIELDS.items()}
    return scores, float(np.mean([len(rows) for rows in runs])), runs


def run(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or get_settings().data_dir
    if args.select:
        try:
            forms = select(Path(data_dir), splits=args.splits, seed=args.seed)
        except DataFileMissing as exc:
            print(exc)
            return 2
        for form, mae in forms.items():
            print(f"{' + '.join(('α',) + form):<50}{mae:>8.4f}")
        print(f"persona propensity form (validation) best={' + '.join(min(forms, key=forms.__getitem__)) or 'α only'} shipped={' + '.join(SHIPPED_FORM) or 'α only'}")
        return 0
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
    full = fit_shipped(shipped_buyers(args.seed), customer_traits(load_marketing_campaign(Path(data_dir))), SHIPPED_FORM)
    print("\npropensity fitted on every usable customer: " + ", ".join(f"{t}={getattr(full.propensity, t):+.3f}" for t in SHIPPED_FORM)
          + "; shipped PROPENSITY: " + ", ".join(f"{t}={getattr(PROPENSITY, t):+.3f}" for t in SHIPPED_FORM))
    print(f"persona calibration MAE (simulate_launch) shipped={scores['shipped']:.3f} engine={scores['engine']:.3f} baseline={scores['baseline']:.3f} "
          f"segment={scores['segment']:.3f} (n={n:.0f} segments)")
    return 0
