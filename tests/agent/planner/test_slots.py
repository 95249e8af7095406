"""Argument extraction from the way marketers write."""
from __future__ import annotations

from datetime import date

import pytest

from agent.planner.slots import extract, residue, residue_runs

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
    assert s.audiences == [{"age_min": 18, "age_max": 29}, {"age_min": 62, "age_max": 80}]


@pytest.mark.parametrize(("text", "band"), [
    ("millennials", (30, 45)), ("gen x", (46, 61)), ("Gen Z", (18, 29)), ("baby boomers", (62, 80)),
    ("in their 30s", (30, 39)), ("30-somethings", (30, 39)), ("under-35s", (None, 34)), ("55+", (55, None)), ("18 to 24", (18, 24)), ("teens", (13, 19)),
])
def test_age_bands_and_generations_by_birth_year(text: str, band: tuple) -> None:
    s = extract(f"what do {text} like", TODAY)
    assert (s.age_min, s.age_max) == band


def test_generations_age_with_the_calendar() -> None:
    assert (extract("millennials", date(2030, 1, 1)).age_min, extract("millennials", date(2030, 1, 1)).age_max) == (34, 49)


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
    s = extract("alert #launches if Stanley stays above 70 for 3 days in a row", TODAY)
    assert (s.threshold, s.days_in_row, s.window_days) == (70.0, 3, None)
    assert extract("ping me when crocs is over 60 two straight days", TODAY).days_in_row == 2


def test_prefix_and_export_format() -> None:
    assert extract("what should the search box suggest after 'wa'?", TODAY).prefix == "wa"
    assert extract("autocomplete for wat", TODAY).prefix == "wat"
    assert extract("export that as a pdf", TODAY).export_format == "pdf"


def test_residue_is_the_subject() -> None:
    assert residue(extract("what's the hype on Stanley cups this week?", TODAY)) == "Stanley cups"
    assert residue(extract("now Delta", TODAY)) == "Delta"
    assert residue(extract("and for Europe?", TODAY)) == ""


@pytest.mark.parametrize(("text", "horizon", "frequency"), [
    ("forecast it through christmas", 5, "W"),  # 23 Nov → 25 Dec
    ("fcst 22423 next quarter monthly", 3, "M"),
    ("weekly forecast for 6 months", 26, "W"),
    ("next year", 12, "M"),
])
def test_horizon_phrases_count_from_today(text: str, horizon: int, frequency: str) -> None:
    s = extract(text, TODAY)
    assert (s.horizon, s.frequency) == (horizon, frequency)


def test_seasons_are_their_first_month_ahead() -> None:
    assert extract("launch our candle in spring vs autumn", TODAY).starts == [date(2027, 3, 1), date(2026, 9, 1).replace(year=2027)]
    assert extract("prices falls below 20", TODAY).starts == []


@pytest.mark.parametrize(("text", "regions"), [
    ("whats trending more right now, united or american?", []),
    ("hype on Virgin America", []),
    ("is american airlines getting more hype than united?", []),
    ("launch in Europe and Asia", ["Europe", "Asia Pacific"]),
    ("what do women in the UK like", ["United Kingdom"]),
    ("sales in the midwest", ["East North Central"]),
    ("US vs UK", ["United States", "United Kingdom"]),
])
def test_place_words_inside_brand_names_are_not_regions(text: str, regions: list[str]) -> None:
    assert extract(text, TODAY).regions == regions


def test_filler_and_possessives_never_become_subjects() -> None:
    assert residue(extract("ping me if United's hype drops below 20", TODAY)) == "United"
    assert residue(extract("what am I tracking right now?", TODAY)) == ""
    assert residue(extract("forget region - what is the hype for delta overall", TODAY)) == "delta"
    assert residue(extract("build 4 personas for a $1,499 gaming laptop aimed at men 18-24", TODAY)) == "gaming laptop"
    assert residue_runs(extract("whats trending more right now, united or american?", TODAY)) == ["united", "american"]


def test_cancels_positions_and_counts() -> None:
    assert extract("forget the region", TODAY).cancel == {"region"}
    assert extract("all ages, any gender", TODAY).cancel == {"age", "gender"}
    assert extract("u9 added the first one to cart", TODAY).position == 1
    assert extract("the last suggestion", TODAY).position == -1
    assert extract("u7 clicked the 2nd result", TODAY).rank == 2
    assert extract("ok and personas for them, 3 of them", TODAY).count == 3


def test_domain_words_stay_in_product_names() -> None:
    s = extract("will our matcha energy drink be a hit", TODAY)
    assert s.domain == "drinks" and residue(s) == "matcha energy drink"
    assert extract("what do women 55+ like to eat?", TODAY).domain == "food"
