"""Crossing rules with hysteresis, channels and alert text."""
import pytest

from engines.hype.anomalies import detect
from engines.hype.metrics import DEFINITIONS
from engines.hype.watch import alert_text, decide, parse_channel


def run(scores, threshold=70, direction="above"):
    armed, fired = True, []
    for s in scores:
        d = decide(s, threshold, direction, armed)
        armed = d.armed
        fired.append(d.fire)
    return fired


def test_hovering_score_fires_once():
    assert run([60, 70, 69, 71, 68, 70.5, 69.9]) == [False, True, False, False, False, False, False]


def test_rearms_after_falling_past_the_margin():
    assert run([75, 64, 72, 50, 71]) == [True, False, True, False, True]


def test_below_direction():
    assert run([50, 30, 32, 29, 40, 28], threshold=30, direction="below") == [False, True, False, False, False, True]


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
    text = alert_text("Delta", 74.4, "🔥", 70, "above", "7-day window", [f.message for f in flags])
    assert text.startswith("🔥 Delta hype is 74/100 — above your threshold of 70") and "near-duplicate" in text
