"""The taste model's formulas on a small synthetic survey whose answers are known."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engines.affinity.audience import local_affinity, resolve_domain
from engines.affinity.surveys import Survey, parse_age_bucket
from engines.affinity.tags import CatalogItem, match_tags
from engines.affinity.taste import GaussianTaste, Segment, TasteParams, seeded_affinity, segment_affinity, segment_mask


def toy_survey() -> Survey:
    """40 young women love item A (and B when they love A); 40 older men love C; nobody loves D."""
    rng = np.random.default_rng(0)
    n = 80
    young_f = np.arange(n) < 40
    ratings = np.full((n, 4), 2.0)
    ratings[young_f, 0] = 5
    ratings[young_f & (rng.random(n) < 0.8), 1] = 5
    ratings[~young_f, 2] = 5
    ratings[0, 3] = np.nan
    people = pd.DataFrame({"region": np.where(young_f, "Pacific", "New England"), "age_min": np.where(young_f, 18.0, 45.0),
                           "age_max": np.where(young_f, 29.0, 60.0), "gender": np.where(young_f, "female", "male")})
    items = pd.DataFrame({"item": list("ABCD"), "label": ["Alpha", "Beta", "Gamma", "Delta"], "domain": ["music", "music", "film", "film"], "text": list("ABCD")})
    return Survey("toy", "Toy survey", items, people, ratings, np.full(4, 5.0))


def test_segment_filters_by_region_ancestry_age_overlap_and_gender() -> None:
    survey = toy_survey()
    assert segment_mask(survey, Segment(region="United States")).all()
    assert segment_mask(survey, Segment(region="Pacific")).sum() == 40
    assert segment_mask(survey, Segment(region="Europe")).sum() == 0
    assert segment_mask(survey, Segment(age_min=25, age_max=35)).sum() == 40  # overlaps 18–29 only
    assert segment_mask(survey, Segment(gender="male", region="Pacific")).sum() == 0


def test_segment_lift_is_smoothed_with_an_interval_around_it() -> None:
    survey = toy_survey()
    table = segment_affinity(survey, segment_mask(survey, Segment(gender="female")), prior_strength=10)
    p_a = (40 + 1) / (80 + 2)
    expected = (40 + 10 * p_a) / (40 + 10)  # formula 1: shrunk towards the population share
    assert table.loc[0, "affinity"] == pytest.approx(expected)
    assert table.loc[0, "lift"] == pytest.approx(expected / p_a)
    assert table.loc[0, "affinity_low"] < expected < table.loc[0, "affinity_high"]
    assert table.loc[2, "lift"] < 0.5 < 1.5 < table.loc[0, "lift"]
    tiny = segment_affinity(survey, np.arange(80) == 0, prior_strength=10)
    assert tiny.loc[0, "lift"] < table.loc[0, "lift"]  # one respondent cannot claim the full lift
    width = lambda t: t.loc[0, "affinity_high"] - t.loc[0, "affinity_low"]  # noqa: E731
    assert width(tiny) > 2 * width(table)  # fewer respondents, wider interval


def test_seeded_affinity_ranks_what_fans_of_a_seed_also_love() -> None:
    survey = toy_survey()
    table = seeded_affinity(survey, np.ones(80, bool), [0], TasteParams(ridge=0.1, shrink=0.0))
    assert 0 not in table.index and table["affinity"].between(0, 1).all()
    assert table["lift"].idxmax() == 1  # fans of Alpha love Beta
    assert table.loc[1, "affinity"] > segment_affinity(survey, np.ones(80, bool)).loc[1, "affinity"]  # more than everyone does
    assert table["affinity_low"].isna().all()  # a model probability, no counting interval


def test_local_affinity_ranks_seeded_requests_through_seeded_affinity() -> None:
    rows, notes = local_affinity([toy_survey()], Segment(), None, {"toy": [0]})
    assert rows.iloc[0]["label"] == "Beta" and "Alpha" not in set(rows["label"])
    assert "40 of whom love a seed item" in notes[0].reason


def test_gaussian_taste_uses_revealed_answers() -> None:
    survey = toy_survey()
    ratings = np.nan_to_num(survey.ratings, nan=2.0)
    model = GaussianTaste(ratings, np.zeros(80, int), survey.loved_at, TasteParams(ridge=0.1, shrink=0.0))
    likes_a = model.score(0, np.array([0]), np.array([5.0]), np.array([1, 2]))
    hates_a = model.score(0, np.array([0]), np.array([2.0]), np.array([1, 2]))
    assert likes_a[0] > hates_a[0] and likes_a[1] < hates_a[1]


def test_local_affinity_names_the_sources_that_cannot_answer() -> None:
    rows, notes = local_affinity([toy_survey()], Segment(region="Japan"), None, {})
    assert rows.empty and not notes[0].answered and "0 respondents" in notes[0].reason
    rows, notes = local_affinity([toy_survey()], Segment(gender="female"), "music", {})
    assert list(rows["label"]) == ["Alpha", "Beta"] and notes[0].answered
    assert resolve_domain("Movies", ["film", "music"]) == "film" and resolve_domain("knitting", ["film"]) is None


def test_age_buckets_parse() -> None:
    assert parse_age_bucket("18-29") == (18, 29) and parse_age_bucket("> 60") == (60, 120) and parse_age_bucket("60+") == (60, 120)
    assert np.isnan(parse_age_bucket(None)[0])


def test_tags_prefer_names_then_meaning_and_refuse_weak_matches() -> None:
    catalog = [CatalogItem("s", 0, "Metal or Hardrock", "music", "Metal, Hard rock (music)"), CatalogItem("s", 1, "Shopping", "hobbies", "Shopping")]
    vectors = {"headbanging": [1.0, 0.0], "quantum": [0.0, -1.0], "Metal, Hard rock (music)": [0.9, 0.436], "Shopping": [0.0, 1.0]}
    embed = lambda texts: np.array([vectors[t] for t in texts])  # noqa: E731
    matches, unmatched = match_tags(["metal", "headbanging", "quantum"], catalog, embed)
    assert [(m.tag, m.item.label, m.how) for m in matches] == [("metal", "Metal or Hardrock", "name"), ("headbanging", "Metal or Hardrock", "meaning")]
    assert unmatched == {"quantum": ["Metal or Hardrock", "Shopping"]}
