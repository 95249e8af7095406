"""The calibration protocol's pieces (the headline target is in tests/evals/test_personas_eval.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from engines.persona.calibration import AGE_LABELS, CAMPAIGNS, SegmentScore, segment_keys, simulate_campaigns, weighted_mae


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
