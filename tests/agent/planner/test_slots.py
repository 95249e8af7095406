"""Argument extraction from the way marketers write."""
from __future__ import annotations

from datetime import date

import pytest

from agent.planner.slots import extract, residue

TODAY = date(2026, 11, 23)


def test_audience_region_age_gender() -> None:
    s = extract("how will Cyberpunk Sneakers do with under-35s in North America?", TODAY)
    assert (s.region, s.age_min, s.age_max, s.gender) == ("North America", None, 34, None)
    s = extract("what about women 55+?", TODAY)
    assert (s.age_min, s.age_max, s.gender) == (55, None, "female")
    s = extract("men aged 18-24 in the UK", TODAY)
    assert (s.region, s.age_min, s.age_max, s.gender) == ("United Kingdom", 18, 24, "male")


def test_short_region_aliases_need_capitals_or_a_preposition() -> None:
    assert extract("tell us about the hype", TODAY).region is None
    assert extract("hype in the US", TODAY).region == "United States"
    assert extract("NA launch plan", TODAY).region == "North America"


def test_generations_become_audiences_to_compare() -> None:
    s = extract("gen z vs boomers on vinyl, sneakers, coffee", TODAY)
    assert s.audiences == [{"age_min": 18, "age_max": 28}, {"age_min": 61, "age_max": None}]


def test_prices_months_and_channels() -> None:
    s = extract("simulate a $129 launch in Europe in March vs May, online only", TODAY)
    assert s.prices == [129.0]
    assert s.starts == [date(2027, 3, 1), date(2027, 5, 1)]
    assert s.region == "Europe" and s.channels == ["web"]
    assert extract("try it at £79", TODAY).prices == [79.0]
    assert extract("wooden train sets under £20", TODAY).max_price == 20.0
    s = extract("christmas decorations between £5 and £15", TODAY)
    assert (s.min_price, s.max_price) == (5.0, 15.0)


def test_may_the_verb_is_not_a_month() -> None:
    assert extract("we may launch soon", TODAY).starts == []


@pytest.mark.parametrize(("text", "horizon", "frequency"), [
    ("forecast SKU 85123A for 12 weeks", 12, "W"),
    ("next 6 months, monthly", 6, "M"),
    ("predict sales for next quarter", 13, "W"),
    ("daily demand for the next 30 days", 30, "D"),
    ("fcst 84879 h=12 freq W", 12, "W"),
    ("forecast for -4 weeks", -4, "W"),
])
def test_horizons(text: str, horizon: int, frequency: str) -> None:
    s = extract(text, TODAY)
    assert (s.horizon, s.frequency) == (horizon, frequency)


def test_windows_skus_and_ids() -> None:
    assert extract("hype on delta over the last 30 days", TODAY).window_days == 30
    assert extract("what's the hype on Stanley cups this week", TODAY).window_days == 7
    assert extract("forecast SKU 85123a", TODAY).sku == "85123A"
    s = extract("u42 clicked product B00123 at rank 3", TODAY)
    assert (s.user_id, s.action, s.item_id, s.rank) == ("u42", "click", "B00123", 3)


def test_watch_thresholds_and_channels() -> None:
    s = extract("alert me in #launches if Stanley goes over 80", TODAY)
    assert (s.threshold, s.direction, s.post_channel) == (80.0, "above", "slack:#launches")
    s = extract("tell discord channel 998877 if crocs dips under 40", TODAY)
    assert (s.threshold, s.direction, s.post_channel) == (40.0, "below", "discord:998877")
    assert extract("stop watching United", TODAY).remove


def test_prefix_and_export_format() -> None:
    assert extract("what should the search box suggest after 'wa'?", TODAY).prefix == "wa"
    assert extract("autocomplete for wat", TODAY).prefix == "wat"
    assert extract("export that as a pdf", TODAY).export_format == "pdf"


def test_residue_is_the_subject() -> None:
    assert residue(extract("what's the hype on Stanley cups this week?", TODAY)) == "Stanley cups"
    assert residue(extract("now Delta", TODAY)) == "Delta"
    assert residue(extract("and for Europe?", TODAY)) == ""
