"""The taste model's formulas on a small synthetic survey whose answers are known."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from engines.affinity import audience
from engines.affinity.audience import local_affinity, resolve_domain
from engines.affinity.surveys import Survey, parse_age_bucket, thanksgiving
from engines.affinity.tags import CatalogItem, match_tags
from engines.affinity.taste import CoLove, GaussianTaste, NormalScores, Segment, TasteParams, blended, seeded_affinity, segment_affinity, segment_mask


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


def test_co_love_learns_what_fans_of_a_seed_love_and_blends_with_formula_3_in_logits() -> None:
    survey = toy_survey()
    model = CoLove.fit(survey, TasteParams(requests=5))
    assert model.weights.shape == (4, 4) and np.array_equal(model.weights, CoLove.fit(survey, TasteParams(requests=5)).weights)  # seeded
    beta, gamma = model.logit(np.array([0]), np.array([1, 2]))
    assert beta > 0 > gamma  # Alpha's fans love Beta, not Gamma
    gaussian = np.array([0.2, 0.5])
    assert np.array_equal(blended(gaussian, np.array([beta, gamma]), TasteParams(blend=1.0)), gaussian)
    assert np.array_equal(blended(gaussian, None, TasteParams(blend=0.7)), gaussian)
    mixed = blended(gaussian, np.array([beta, gamma]), TasteParams(blend=0.5))
    assert blended(gaussian, np.array([beta, gamma]) + 3.0, TasteParams(blend=0.5)) == pytest.approx(mixed)  # formula 4's level is not used
    assert np.mean(np.log(mixed / (1 - mixed))) == pytest.approx(np.mean(np.log(gaussian / (1 - gaussian))))  # formula 3's level is kept
    assert mixed[0] > gaussian[0] and mixed[1] < gaussian[1]  # the order moves towards formula 4's


def test_local_affinity_fits_co_love_only_for_a_seeded_survey_it_blends() -> None:
    fitted: list[str] = []

    def fit(survey: Survey, params: TasteParams) -> CoLove:
        fitted.append(survey.name)
        return CoLove.fit(survey, params)
    rows, _ = local_affinity([toy_survey()], Segment(), None, {"toy": [0]}, co_love=fit)
    assert rows.iloc[0]["label"] == "Beta" and fitted == ["toy"]
    local_affinity([toy_survey()], Segment(), None, {}, co_love=fit)  # no seeds: formula 1
    local_affinity([toy_survey()], Segment(), None, {"toy": [0]}, params=TasteParams(blend=1.0), co_love=fit)
    assert fitted == ["toy"]


def test_a_survey_with_too_many_items_ranks_by_formula_3_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audience, "MAX_CO_LOVE_ITEMS", 3)
    fit = lambda survey, params: pytest.fail("fitted formula 4 for a survey over the item limit")  # noqa: E731
    rows, _ = local_affinity([toy_survey()], Segment(), None, {"toy": [0]}, co_love=fit)
    assert rows.iloc[0]["label"] == "Beta"


def test_gaussian_taste_uses_revealed_answers() -> None:
    survey = toy_survey()
    ratings = np.nan_to_num(survey.ratings, nan=2.0)
    model = GaussianTaste(ratings, np.zeros(80, int), survey.loved_at, TasteParams(ridge=0.1, shrink=0.0))
    likes_a = model.score(0, np.array([0]), np.array([5.0]), np.array([1, 2]))
    hates_a = model.score(0, np.array([0]), np.array([2.0]), np.array([1, 2]))
    assert likes_a[0] > hates_a[0] and likes_a[1] < hates_a[1]


def test_normal_scores_are_slice_means_with_the_loved_boundary_at_the_loved_share() -> None:
    ratings = np.array([[1.0], [3], [3], [5], [5], [5], [5], [5], [np.nan], [3]])
    scores = NormalScores.fit(ratings, np.array([5.0]))
    assert list(scores.values[0]) == [1, 3, 5] and np.all(np.diff(scores.scores[0]) > 0)
    assert np.sum(scores.scores[0] * np.array([1, 3, 5])) / 9 == pytest.approx(0.0, abs=1e-12)  # slice means average to 0
    assert norm.sf(scores.threshold[0]) == pytest.approx(5 / 9)  # P(Z above the boundary) = share who love it
    assert scores.scores[0][-1] == pytest.approx(norm.pdf(scores.threshold[0]) / norm.sf(scores.threshold[0]))  # E[Z | loved]
    out = scores.transform(np.array([[np.nan], [3.0], [4.0]]), np.array([0]))
    assert np.isnan(out[0, 0]) and out[1, 0] == scores.scores[0][1] and scores.scores[0][1] < out[2, 0] < scores.scores[0][2]


def test_both_scales_rank_what_fans_of_a_seed_love_and_an_unknown_scale_is_refused() -> None:
    survey = toy_survey()
    for scale in ("latent", "ratings"):
        table = seeded_affinity(survey, np.ones(80, bool), [0], TasteParams(ridge=0.1, shrink=0.0, scale=scale))
        assert table["affinity"].idxmax() == 1 and table.loc[1, "affinity"] > 0.3 > table.loc[2, "affinity"]
    with pytest.raises(ValueError, match="unknown scale"):
        GaussianTaste(survey.ratings, np.zeros(80, int), survey.loved_at, TasteParams(scale="logit"))


def test_latent_scale_keeps_p_loved_at_the_loved_share_when_a_seed_says_little() -> None:
    """A 5 on an item nearly everyone loves says little about a rarely loved one: the latent scale
    then answers about the rare item's loved share, while a bell fitted to the 1-or-5 answers themselves
    puts almost nothing above 4.5 (one reason the latent scale ships); a 5 on a rare item says much on both."""
    rng = np.random.default_rng(1)
    n = 400
    taste = rng.normal(size=n)
    common = np.where(taste > -1.5, 5.0, 1.0)  # 93% love it
    rare = np.where(taste > 1.0, 5.0, 1.0)  # 16% love it
    target = np.where(taste + 0.3 * rng.normal(size=n) > 1.0, 5.0, 1.0)
    ratings = np.column_stack([common, rare, target])
    loved = (target == 5).mean()

    def p_target(scale: str, seed: int) -> float:
        model = GaussianTaste(ratings, np.zeros(n, int), np.full(3, 5.0), TasteParams(ridge=0.01, shrink=0.0, scale=scale))
        return float(model.score(0, np.array([seed]), np.array([5.0]), np.array([2]))[0])

    assert p_target("latent", 0) == pytest.approx(loved, abs=0.02) and p_target("ratings", 0) < loved / 5
    assert p_target("latent", 1) > 0.4 and p_target("ratings", 1) > 0.4


def test_local_affinity_names_the_sources_that_cannot_answer() -> None:
    rows, notes = local_affinity([toy_survey()], Segment(region="Japan"), None, {})
    assert rows.empty and not notes[0].answered and notes[0].reason == "no respondents match: it covers 2 US census regions, ages 18–60"
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


def test_a_weak_reading_never_lands_on_a_habit() -> None:
    """'spice' read as Smoking at cosine 0.35 (a launch readout's low floor for a product's words): no."""
    catalog = [CatalogItem("s", 0, "Smoking", "lifestyle", "Smoking"), CatalogItem("s", 1, "Indian cuisine", "food", "Indian cuisine"),
               CatalogItem("s", 2, "Drinking alcohol", "lifestyle", "Drinking alcohol")]
    vectors = {"spice": [0.35, 0.32, 0.0], "brew": [0.0, 0.0, 0.52], "cigars": [0.8, 0.0, 0.0], "Smoking": [1.0, 0.0, 0.0], "Indian cuisine": [0.0, 1.0, 0.0], "Drinking alcohol": [0.0, 0.0, 1.0]}
    embed = lambda texts: np.array([vectors[t] for t in texts])  # noqa: E731
    matches, _ = match_tags(["spice", "brew", "cigars"], catalog, embed, threshold=0.3, strict_domains=("lifestyle",))
    assert [(m.tag, m.item.label) for m in matches] == [("spice", "Indian cuisine"), ("brew", "Drinking alcohol"), ("cigars", "Smoking")]
    matches, _ = match_tags(["spice"], catalog, embed, threshold=0.3)
    assert matches[0].item.label == "Smoking"  # without the rule


def test_an_open_question_ranks_tastes_and_leaves_habits_to_be_asked_by_name() -> None:
    survey = toy_survey()
    items = survey.items.assign(domain=["music", "music", "lifestyle", "film"])  # "Gamma" is a yes to "do you ever …?"
    habits = Survey(survey.name, survey.title, items, survey.respondents, survey.ratings, survey.loved_at)
    rows, _ = local_affinity([habits], Segment(gender="male"), None, {})
    assert "Gamma" not in set(rows["label"])
    rows, _ = local_affinity([habits], Segment(gender="male"), "lifestyle", {})
    assert list(rows["label"]) == ["Gamma"]


def test_thanksgiving_ticks_keep_dishes_and_drop_none_and_write_ins() -> None:
    side = "Which of these side dishes aretypically served at your Thanksgiving dinner? Please select all that apply. - "
    pie = "Which type of pie is typically served at your Thanksgiving dinner? Please select all that apply. - "
    dessert = "Which of these desserts do you typically have at Thanksgiving dinner? Please select all that apply.   - "
    df = pd.DataFrame({"Do you celebrate Thanksgiving?": ["Yes", "Yes", "No"], f"{side}Corn": ["Corn", None, None], f"{pie}Apple": [None, "Apple", None],
                       f"{pie}None": [None, None, None], f"{pie}Other (please specify).1": ["rhubarb", None, None], f"{dessert}Fudge": ["Fudge", None, None],
                       "US Region": ["Pacific", "Mountain", "Pacific"], "Age": ["18 - 29", "30 - 44", "60+"], "What is your gender?": ["Female", "Male", "Male"]})
    survey = thanksgiving(df)
    assert list(survey.items["label"]) == ["Corn", "Apple pie", "Fudge"] and list(survey.items["item"]) == ["Corn (side dish)", "Apple (pie)", "Fudge (dessert)"]
    assert survey.ratings[0].tolist() == [1.0, 0.0, 1.0] and np.isnan(survey.ratings[2]).all()  # who doesn't celebrate answered nothing
