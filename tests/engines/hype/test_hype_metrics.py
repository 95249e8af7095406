"""Metric formulas on posts whose answers are known by hand."""
from datetime import datetime, timedelta

import pandas as pd
import pytest

from engines.hype.metrics import DEFINITIONS, compute_metrics, describe
from engines.hype.posts import text_key

END = datetime(2015, 2, 25)


def posts(times, authors=None, texts=None, sentiment=None, reposts=None):
    n = len(times)
    texts = texts or [f"post number {i} about flights" for i in range(n)]
    sentiment = sentiment if sentiment is not None else [0.0] * n
    return pd.DataFrame({
        "created_at": pd.to_datetime(times), "author": authors or [f"a{i}" for i in range(n)], "text": texts, "text_key": [text_key(t) for t in texts],
        "sentiment": sentiment, "label": ["positive" if s > 0.1 else "negative" if s < -0.1 else "neutral" for s in sentiment],
        "likes": [1] * n, "reposts": reposts or [0] * n, "replies": [0] * n,
    })


def test_at_least_twenty_documented_metrics():
    assert len(DEFINITIONS) >= 20
    values = compute_metrics(posts([END - timedelta(hours=1)]), END, 7, 1)
    assert [m.name for m in describe(values)] == list(DEFINITIONS)


def test_volume_velocity_growth_acceleration():
    # previous window: 2 posts; window: 4 in first half, 10 in second half (7-day window, halves 3.5 d)
    prev = [END - timedelta(days=10)] * 2
    first = [END - timedelta(days=6, hours=i) for i in range(4)]
    second = [END - timedelta(days=1, hours=i) for i in range(10)]
    m = compute_metrics(posts(prev + first + second), END, 7, 28)
    assert m["volume"] == 14 and m["velocity"] == pytest.approx(2.0)
    assert m["growth"] == pytest.approx((14 - 2) / 2)
    assert m["acceleration"] == pytest.approx((10 / 3.5 - 4 / 3.5) / 3.5)
    assert m["share_of_voice"] == pytest.approx(0.5)


def test_sentiment_metrics():
    times = [END - timedelta(days=6), END - timedelta(days=5), END - timedelta(days=1), END - timedelta(hours=2)]
    m = compute_metrics(posts(times, sentiment=[-0.8, -0.6, 0.6, 0.8]), END, 7, 4)
    assert m["sentiment_mean"] == pytest.approx(0.0)
    assert m["positive_share"] == 0.5 and m["negative_share"] == 0.5 and m["net_sentiment"] == 0.0
    assert m["sentiment_velocity"] == pytest.approx((0.7 - -0.7) / 3.5)


def test_authors_duplicates_concentration_and_novelty():
    times = [END - timedelta(days=8)] + [END - timedelta(hours=i + 1) for i in range(4)]
    authors = ["old", "old", "bot", "bot", "new"]
    texts = ["hello there friends", "same spam text here", "same spam text here!", "Same spam text here", "fresh words appear"]
    m = compute_metrics(posts(times, authors=authors, texts=texts, reposts=[0, 0, 2, 2, 0]), END, 7, 4)
    assert m["unique_authors"] == 3
    assert m["new_author_share"] == pytest.approx(2 / 3)
    assert m["duplicate_share"] == pytest.approx(3 / 4)
    assert m["author_concentration"] == pytest.approx(0.25 ** 2 + 0.5 ** 2 + 0.25 ** 2)
    assert m["top_author_share"] == 0.5
    assert m["amplification_rate"] == 1.0 and m["reach_proxy"] == 3 + 4
    assert m["engagement_rate"] == pytest.approx((4 + 4) / 4)


def test_burstiness_and_half_life():
    regular = [END - timedelta(hours=10 * i + 1) for i in range(10)]
    assert compute_metrics(posts(regular), END, 7, 10)["burstiness"] == pytest.approx(-1.0)
    burst = [END - timedelta(days=3, minutes=i) for i in range(30)] + [END - timedelta(days=3) + timedelta(hours=2, minutes=i) for i in range(10)]
    m = compute_metrics(posts(burst), END, 7, 40)
    assert m["burstiness"] > 0.5
    assert m["attention_half_life"] == 1.0  # peak hour, then the next hour is empty
    assert m["peak_ratio"] > 10


def test_empty_window_is_all_zero_not_an_error():
    m = compute_metrics(posts([END - timedelta(days=20)]), END, 7, 0)
    assert m["volume"] == 0 and m["sentiment_mean"] == 0.0


def test_novelty_counts_new_bigrams_and_can_be_left_out_for_reference_windows():
    times = [END - timedelta(days=9), END - timedelta(days=2), END - timedelta(days=1), END + timedelta(hours=1)]
    texts = ["big sale today", "big sale today again", "fresh drop now", "big sale tomorrow never counted"]
    frame = posts(times, texts=texts)
    m = compute_metrics(frame, END, 7, 3)
    # B(W) = {big sale, sale today, today again, fresh drop, drop now}; B(P) = {big sale, sale today}; the post after END is ignored
    assert m["volume"] == 2 and m["new_ngram_share"] == pytest.approx(3 / 5)
    reference = compute_metrics(frame, END, 7, 3, ngrams=False)
    assert "new_ngram_share" not in reference and {k: v for k, v in m.items() if k != "new_ngram_share"} == reference
