"""The score: normalisation, weights, confidence and the emoji state."""
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from engines.hype.posts import text_key
from engines.hype.score import WEIGHTS, combine, confidence, score_subject, state

END = datetime(2015, 3, 1)


def daily_posts(counts, seed, sentiment=0.0):
    rng = np.random.default_rng(seed)
    rows = []
    for day, n in enumerate(counts):
        for i in range(n):
            t = END - timedelta(days=len(counts) - day) + timedelta(seconds=int(rng.integers(0, 86400)))
            text = f"post {seed} {day} {i} word{rng.integers(0, 500)}"
            rows.append((t, f"u{rng.integers(0, 10 * n + 5)}", text, text_key(text), sentiment, "positive" if sentiment > 0 else "neutral", 1, 0, 0))
    return pd.DataFrame(rows, columns=["created_at", "author", "text", "text_key", "sentiment", "label", "likes", "reposts", "replies"])


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_rising_subject_outscores_flat_peers():
    rising = daily_posts([10] * 14 + [20, 30, 40, 60, 80, 100, 120], seed=1, sentiment=0.5)
    peers = {f"p{k}": daily_posts([30] * 21, seed=10 + k) for k in range(3)}
    hot = score_subject(rising, END, 7, peers)
    flat = score_subject(peers["p0"], END, 7, {"x": rising, **{k: v for k, v in peers.items() if k != "p0"}})
    assert hot.score > 70 > flat.score
    assert hot.state == "🔥"
    assert hot.posts == sum([20, 30, 40, 60, 80, 100, 120])
    assert len(hot.components) == len(WEIGHTS) and all(c.vs_peers is not None for c in hot.components)
    assert sum(c.points for c in hot.components) == pytest.approx(hot.score, abs=0.2)


def test_without_references_every_metric_is_neutral():
    score, components, coverage = combine({k: 1.0 for k in WEIGHTS}, [], [])
    assert score == 50.0 and coverage == 0.0 and all(c.normalised == 0.5 for c in components)


def test_confidence_grows_with_posts_and_coverage():
    assert confidence(0, 1.0) == 0.0
    assert confidence(30, 1.0) < confidence(300, 1.0) < confidence(3000, 1.0) < 1.0
    assert confidence(300, 0.0) == pytest.approx(confidence(300, 1.0) / 2, abs=1e-3)


@pytest.mark.parametrize(("score", "previous", "emoji"), [(80, 75, "🔥"), (80, None, "🔥"), (80, 90, "📉"), (20, 25, "🧊"), (20, 10, "📈"), (50, 40, "📈"), (50, 58, "📉"), (50, 52, "😐")])
def test_state(score, previous, emoji):
    assert state(score, previous) == emoji
