"""Affinity eval: NDCG@10 of the taste model for held-out survey respondents.

Protocol (per survey, all randomness from `--seed`):
- respondents split 70/30 by a seeded permutation; every fitted number comes from the 70%;
- for each held-out respondent, a seeded half (rounded down) of the items they answered is
  *revealed* (as Qloo takes `signal.interests`), along with their demographics (`signal.demographics`);
  the other half is ranked, and the relevant items are the hidden ones they loved (rating at the top
  of the scale: 5 for the Likert surveys). Respondents who loved no hidden item are skipped (NDCG
  is undefined for them);
- NDCG@10 = DCG@10 / ideal DCG@10 with binary gains, DCG = Σ_i rel_i / log2(i + 1) over ranks i;
- rankers: *engine* = `GaussianTaste` (segment mean + conditional on the revealed answers) with
  ridge, shrinkage and prior strength chosen by 3-fold CV on the training respondents only;
  *popularity* = the training population's loved share; *segment* = the smoothed loved share of the
  respondent's (region ×) age band × gender segment alone.
The headline is the Young People Survey's 63 music, film and hobby items.
"""
from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engines.affinity.surveys import Survey
from engines.affinity.taste import GaussianTaste, TasteParams, population_share, segment_affinity, segment_codes
from memory.affinity_sources import load_affinity_sources
from memory.settings import get_settings

K = 10


@dataclass(frozen=True)
class EvalSpec:
    """How one survey is scored: its item domains, its age bands and whether region segments it."""

    survey: str
    domains: tuple[str, ...]
    age_bands: tuple[tuple[float, float], ...]
    use_region: bool


YPS_BANDS = ((15, 17), (18, 20), (21, 24), (25, 30))
US_BANDS = ((18, 29), (30, 44), (45, 60), (61, 120))
SPECS = {
    "young_people": EvalSpec("young_people", ("music", "film", "hobbies"), YPS_BANDS, False),
    "food_world_cup": EvalSpec("food_world_cup", ("food",), US_BANDS, True),
    "star_wars": EvalSpec("star_wars", ("star wars",), US_BANDS, True),
    "thanksgiving": EvalSpec("thanksgiving", ("thanksgiving",), US_BANDS, True),
    "movielens": EvalSpec("movielens", ("movies",), ((0, 17), *US_BANDS), False),  # scored only when fetched
}
HEADLINE = "young_people"
GRID = {"ridge": (0.1, 0.3, 1.0), "shrink": (0.0, 0.1), "prior_strength": (10.0, 30.0)}


@dataclass(frozen=True)
class Case:
    respondent: int
    revealed: np.ndarray
    hidden: np.ndarray
    relevant: np.ndarray  # bool over `hidden`


def ndcg_at_k(scores: np.ndarray, relevant: np.ndarray, k: int = K) -> float:
    """Binary-gain NDCG@k of ranking items by descending score (ties broken by item order)."""
    order = np.argsort(-scores, kind="stable")[:k]
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float((relevant[order] * discounts[: len(order)]).sum())
    ideal = float(discounts[: min(k, int(relevant.sum()))].sum())
    return dcg / ideal


def make_cases(survey: Survey, rows: np.ndarray, rng: np.random.Generator) -> list[Case]:
    """The reveal/hide split of each respondent in `rows`, skipping those with no loved hidden item."""
    cases = []
    answered, loved = survey.answered, survey.loved
    for r in rows:
        items = rng.permutation(np.flatnonzero(answered[r]))
        half = len(items) // 2
        revealed, hidden = np.sort(items[:half]), np.sort(items[half:])
        relevant = loved[r, hidden]
        if half > 0 and relevant.any():
            cases.append(Case(int(r), revealed, hidden, relevant))
    return cases


def mean_ndcg(rank: Callable[[Case], np.ndarray], cases: list[Case]) -> float:
    """Mean NDCG@10 of a ranker (case → a score per hidden item) over the cases."""
    return float(np.mean([ndcg_at_k(rank(case), case.relevant) for case in cases])) if cases else float("nan")


def engine_ranker(survey: Survey, train: np.ndarray, codes: np.ndarray, params: TasteParams) -> Callable[[Case], np.ndarray]:
    model = GaussianTaste(survey.ratings[train], codes[train], survey.loved_at, params)
    return lambda case: model.score(int(codes[case.respondent]), case.revealed, survey.ratings[case.respondent, case.revealed], case.hidden)


def score_rankers(survey: Survey, train: np.ndarray, cases: list[Case], codes: np.ndarray, params: TasteParams) -> dict[str, float]:
    """Mean NDCG@10 over `cases` of the engine, popularity and segment rankers fitted on `train`."""
    train_survey = survey.select_respondents(train)
    popularity = population_share(train_survey)
    share = {int(c): segment_affinity(train_survey, codes[train] == c, prior_strength=params.prior_strength)["affinity"].to_numpy() for c in np.unique(codes)}
    return {
        "engine": mean_ndcg(engine_ranker(survey, train, codes, params), cases),
        "popularity": mean_ndcg(lambda case: popularity[case.hidden], cases),
        "segment": mean_ndcg(lambda case: share[int(codes[case.respondent])][case.hidden], cases),
    }


def tune(survey: Survey, train: np.ndarray, codes: np.ndarray, seed: int, folds: int = 3, grid: dict[str, tuple[float, ...]] = GRID) -> TasteParams:
    """The grid point with the best mean engine NDCG@10 over `folds` CV folds of the training respondents."""
    rng = np.random.default_rng(seed)
    parts = np.array_split(rng.permutation(train), folds)
    splits = [(np.concatenate(parts[:i] + parts[i + 1:]), make_cases(survey, part, rng)) for i, part in enumerate(parts)]
    candidates = [TasteParams(**dict(zip(grid, values, strict=True))) for values in itertools.product(*grid.values())]
    return max(candidates, key=lambda p: np.mean([mean_ndcg(engine_ranker(survey, fit, codes, p), cases) for fit, cases in splits]))


def evaluate(survey: Survey, spec: EvalSpec, *, seed: int, test_fraction: float, grid: dict[str, tuple[float, ...]] = GRID) -> tuple[dict[str, float], int, TasteParams]:
    """(NDCG@10 per ranker, number of scored held-out respondents, tuned parameters)."""
    survey = survey.select_items(list(spec.domains))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(survey.respondents))
    n_test = int(round(test_fraction * len(order)))
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    codes = segment_codes(survey, list(spec.age_bands), spec.use_region)
    params = tune(survey, train, codes, seed + 1, grid=grid)
    cases = make_cases(survey, test, rng)
    return score_rankers(survey, train, cases, codes, params), len(cases), params


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None, help="datasets directory (default: CAESER_DATA_DIR)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-fraction", type=float, default=0.3)
    parser.add_argument("--surveys", nargs="+", choices=sorted(SPECS), default=list(SPECS), help="surveys to score (the headline is young_people)")


def run(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or get_settings().data_dir
    sources = load_affinity_sources(Path(data_dir))
    if HEADLINE not in sources.surveys:
        raise SystemExit("affinity eval needs the Young People Survey: " + " ".join(m for m in sources.missing if "young_people" in m))
    names = [HEADLINE, *[s for s in args.surveys if s != HEADLINE and s in sources.surveys]]
    print(f"{'survey':<16}{'items':>6}{'n':>6}{'engine':>9}{'popul.':>9}{'segment':>9}{'ratio':>7}  tuned (ridge, shrink, prior)")
    results = {}
    for name in names:
        spec = SPECS[name]
        scores, n, params = evaluate(sources.surveys[name], spec, seed=args.seed, test_fraction=args.test_fraction)
        results[name] = (scores, n)
        items = int(sources.surveys[name].items["domain"].isin(spec.domains).sum())
        ratio = scores["engine"] / scores["popularity"]
        print(f"{name:<16}{items:>6}{n:>6}{scores['engine']:>9.3f}{scores['popularity']:>9.3f}{scores['segment']:>9.3f}{ratio:>7.3f}  ({params.ridge:g}, {params.shrink:g}, {params.prior_strength:g})")
    scores, n = results[HEADLINE]
    print(f"affinity NDCG@10 engine={scores['engine']:.3f} popularity={scores['popularity']:.3f} segment={scores['segment']:.3f} (n={n} respondents)")
    return 0

