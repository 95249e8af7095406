"""Crossing rules with hysteresis, channels and alert text."""
import pytest

from engines.hype.anomalies import detect
from engines.hype.metrics import DEFINITIONS
from engines.hype.watch import Reading, alert_text, decide, parse_channel


def point(score: float) -> Reading:
    return Reading(score=score, low=score, high=score)


def run(scores, threshold=70, direction="above"):
    armed, fired = True, []
    for s in scores:
        d = decide([point(s)], threshold, direction, armed)
        armed = d.armed
        fired.append(d.fire)
    return fired


def test_hovering_score_fires_once():
    assert run([60, 70, 69, 71, 68, 70.5, 69.9]) == [False, True, False, False, False, False, False]


def test_rearms_after_falling_past_the_margin():
    assert run([75, 64, 72, 50, 71]) == [True, False, True, False, True]


def test_below_direction():
    assert run([50, 30, 32, 29, 40, 28], threshold=30, direction="below") == [False, True, False, False, False, True]


def test_fires_on_the_interval_not_the_point():
    touching = Reading(score=72, low=58, high=80)  # the point is above 70, the range is not
    assert not decide([touching], 70, "above", True).fire
    assert decide([Reading(score=78, low=71, high=84)], 70, "above", True).fire
    assert not decide([Reading(score=25, low=18, high=33)], 30, "below", True).fire
    assert decide([Reading(score=22, low=15, high=29)], 30, "below", True).fire


def test_n_days_in_row():
    above, below = Reading(score=80, low=74, high=86), Reading(score=60, low=52, high=68)
    assert not decide([above, above], 70, "above", True, days_in_row=3).fire  # only two days known
    assert not decide([above, below, above], 70, "above", True, days_in_row=3).fire
    assert decide([above, above, above, below], 70, "above", True, days_in_row=3).fire


def test_channels():
    assert parse_channel("slack:#launches").target == "#launches"
    assert parse_channel("discord:123456789012345678").kind == "discord"
    assert parse_channel("webhook:http://127.0.0.1:9/x").target == "http://127.0.0.1:9/x"
    for bad in ("email:me@x.com", "discord:general", "webhook:ftp://x", "slack:"):
        with pytest.raises(ValueError, match="slack:#channel"):
            parse_channel(bad)


def metrics(**over):
    m = dict.fromkeys(DEFINITIONS, 0.0)
    m.update({"volume": 100, "peak_ratio": 2.0, **over})
    return m


def test_anomaly_flags_reach_the_alert_text():
    flags = detect(metrics(duplicate_share=0.5, top_author_share=0.4, sentiment_shift=-0.6))
    assert [f.kind for f in flags] == ["bot_burst", "sentiment_flip"]
    assert detect(metrics()) == [] and detect(metrics(volume=5, duplicate_share=0.9)) == []
    assert detect(metrics(net_sentiment=-0.4), metrics(net_sentiment=0.5))[0].kind == "sentiment_flip"
    text = alert_text("Delta", Reading(score=74.4, low=71, high=79), "🔥", 70, "above", "7-day window", [f.message for f in flags], previous=52.0, days_in_row=2, posts=412,
                      drivers=["velocity 58.86 vs usual 12.00 posts/day (+9.1 σ)"])
    assert text.startswith("🔥 Delta hype is 74/100 (90% range 71–79), +22 since the last check (52) — above your threshold of 70 on 2 days in a row (7-day window, 412 posts).")
    assert "Drivers: velocity 58.86" in text and "near-duplicate" in text
