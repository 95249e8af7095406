"""The calibration protocol's pieces (the headline target is in tests/evals/test_personas_eval.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from engines.persona.calibration import AGE_LABELS, CAMPAIGNS, SegmentScore, fit_propensity, segment_keys, simulate_campaigns, weighted_mae


def test_segment_keys() -> None:
    df = pd.DataFrame({"income": [10_000.0, 90_000.0], "age": [30.0, 65.0], "children": [True, False]})
    keys = segment_keys(df, np.array([30_000.0, 50_000.0, 70_000.0]))
    assert keys.tolist() == [f"Q1 · {AGE_LABELS[0]} · children", f"Q4 · {AGE_LABELS[3]} · no children"]


def test_offers_accept_at_their_probability() -> None:
    p = np.tile(np.linspace(0.0, 0.5, len(CAMPAIGNS)), (40_000, 1))
    accepted = simulate_campaigns(p, seed=0)
    np.testing.assert_allclose(accepted.mean(0), p[0], atol=0.01)
    assert accepted[:, 0].sum() == 0


def test_weighted_mae() -> None:
    rows = [SegmentScore("a", 10, 0.1, 0.2, 0.0, 0.1), SegmentScore("b", 30, 0.3, 0.3, 0.0, 0.2)]
    assert weighted_mae(rows, "engine") == (10 * 0.1) / 40
    assert abs(weighted_mae(rows, "segment_rate") - 30 * 0.1 / 40) < 1e-12


def _grouped(theta: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Buyers with a random rest-of-logit b and one feature x, grouped into 20 bins of x (the segments)."""
    rng = np.random.default_rng(seed)
    base, x = rng.normal(0, 1, 50_000), rng.normal(0, 1, 50_000)
    groups = np.searchsorted(np.quantile(x, np.linspace(0, 1, 21)[1:-1]), x)
    p = 1 / (1 + np.exp(-(base + theta[0] + theta[1] * x)))
    return base, x, groups, np.bincount(groups, p) / np.bincount(groups)


def test_fit_propensity_recovers_a_known_slope() -> None:
    """Segment rates made by a known θ give back that θ (the likelihood peaks where every P_g matches)."""
    theta = np.array([-2.0, 1.2])
    base, x, groups, rate = _grouped(theta)
    trials = np.full(20, 6_000.0)
    np.testing.assert_allclose(fit_propensity(base, x[:, None], groups, rate * trials, trials), theta, atol=0.01)


def test_fit_propensity_finds_the_slope_through_binomial_noise() -> None:
    base, x, groups, rate = _grouped(np.array([-2.5, 0.8]), seed=1)
    trials = np.full(20, 600.0)
    accepted = np.random.default_rng(2).binomial(600, rate).astype(float)
    fitted = fit_propensity(base, x[:, None], groups, accepted, trials)
    assert 0.5 < fitted[1] < 1.1
    flat = fit_propensity(base, x[:, None], groups, np.full(20, accepted.mean()), trials)
    assert abs(flat[1]) < 0.05  # equal rates everywhere: no slope
