"""The score: calm on a quiet stream, moved by evidence, its interval, references and the emoji state."""
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from engines.hype.bootstrap import weighted_metrics
from engines.hype.metrics import compute_metrics
from engines.hype.score import HISTORY_WINDOWS, OWN, PEERS, WEIGHTS, combine, reference_ends, score_subject, state

END = datetime(2025, 3, 1)


def stream(seed: int, days: int = 56, rate: float = 30, burst: float = 1.0, shift: float = 0.0, tail: int = 7, first_day: int = 0) -> pd.DataFrame:
    """Poisson posts per day (×`burst` over the last `tail` days, with `shift` more positive posts
    there), labels drawn 30 % positive / 30 % negative, authors from a pool, engagement counts."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson([rate * (burst if d >= days - tail else 1.0) if d >= first_day else 0 for d in range(days)])
    day = np.repeat(np.arange(days), counts)
    n = len(day)
    late = day >= days - tail
    r = rng.random(n)
    p_pos = 0.3 + shift * late
    label = np.where(r < p_pos, "positive", np.where(r < p_pos + 0.3, "negative", "neutral"))
    return pd.DataFrame({
        "created_at": [END - timedelta(days=int(days - d)) + timedelta(seconds=int(s)) for d, s in zip(day, rng.integers(0, 86400, n))],
        "author": [f"u{a}" for a in rng.integers(0, 2000, n)], "text": [f"post {seed} {i}" for i in range(n)], "text_key": [f"k{seed}-{i}" for i in range(n)],
        "sentiment": np.select([label == "positive", label == "negative"], [0.6, -0.6], 0.0), "label": label.astype(object),
        "likes": rng.poisson(2, n), "reposts": rng.poisson(0.5, n), "replies": rng.poisson(0.3, n),
    })


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_reference_windows_do_not_overlap():
    ends = reference_ends(END, 7)
    assert len(ends) == HISTORY_WINDOWS and ends[0] == END - timedelta(days=7)
    assert all(a - b == timedelta(days=7) for a, b in zip(ends, ends[1:]))  # each window ends where the later one starts


def test_a_quiet_stream_sits_at_neutral_and_a_burst_moves_it():
    quiet = [score_subject(stream(seed), END, 7, {}, seed=seed) for seed in range(8)]
    assert all(r.reference == OWN and r.references == HISTORY_WINDOWS for r in quiet)
    assert all(44 <= r.score <= 56 and r.low <= r.score <= r.high for r in quiet)
    assert all(r.low < 60 for r in quiet)  # an alert on "above 60" stays silent
    burst = score_subject(stream(3, burst=5, shift=0.2), END, 7, {}, seed=3)
    assert burst.score >= 70 and burst.low >= 65
    top = sorted(burst.components, key=lambda c: -c.points)[:2]
    assert {c.metric for c in top} <= {"velocity", "growth", "net_sentiment", "reach_proxy"} and all(c.z > 3 for c in top)
    assert sum(c.points for c in burst.components) == pytest.approx(burst.score, abs=0.2)


def test_interval_narrows_with_more_posts():
    """The same real change (1.6× volume, a few points more positive) seen through more posts."""
    def width(rate: float) -> float:
        results = [score_subject(stream(seed, rate=rate, burst=1.6, shift=0.08), END, 7, {}, seed=seed) for seed in range(4)]
        return float(np.mean([r.high - r.low for r in results]))

    few, many = width(10), width(160)
    assert many < few * 0.6, (few, many)


def test_a_launch_without_history_is_measured_against_comparable_subjects():
    peers = {f"p{k}": stream(20 + k, rate=25) for k in range(4)}
    launch = stream(9, rate=150, first_day=53)  # three days of posts, nothing before
    result = score_subject(launch, END, 7, peers)
    assert result.reference == PEERS and result.references >= 8
    assert result.score >= 70 and result.low >= 60
    alone = score_subject(launch, END, 7, {})
    assert alone.score == 50.0 and alone.reference == "none"  # nothing to compare with: neutral, said so


def test_without_references_every_metric_is_neutral():
    score, components = combine({k: 1.0 for k in WEIGHTS}, {})
    assert score == 50.0 and all(c.normalised == 0.5 and c.z is None for c in components)


def test_bootstrap_with_unit_weights_reproduces_the_metrics():
    frame = stream(5)
    n = int(((frame["created_at"] >= END - timedelta(days=7)) & (frame["created_at"] < END)).sum())
    n_prev = int(((frame["created_at"] >= END - timedelta(days=14)) & (frame["created_at"] < END - timedelta(days=7))).sum())
    exact = compute_metrics(frame, END, 7, 5000, ngrams=False)
    replicated = weighted_metrics(frame, END, 7, 5000, np.ones((1, n)), np.array([float(n_prev)]))
    for name in WEIGHTS:
        assert replicated[name][0] == pytest.approx(exact[name]), name


@pytest.mark.parametrize(("score", "previous", "emoji"), [(80, 75, "🔥"), (80, None, "🔥"), (80, 90, "📉"), (20, 25, "🧊"), (20, 10, "📈"), (50, 40, "📈"), (50, 58, "📉"), (50, 52, "😐")])
def test_state(score, previous, emoji):
    assert state(score, previous) == emoji
