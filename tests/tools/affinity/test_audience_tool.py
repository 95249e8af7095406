"""The affinity tools end to end on the real surveys, their bad-input answers, and the Qloo fallback."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from engines.affinity.qloo import CircuitBreaker, QlooClient
from memory.qloo_cache import SqlQlooCache
from tools.affinity import qloo as affinity_qloo
from tools.base import ToolError
from tools.registry import run_tool


@pytest.fixture
def real(ctx, data_dir: Path):
    """The tool context, for tests that read the shared surveys (skipped without them)."""
    return ctx


@pytest.mark.realdata
def test_audience_affinity_ranks_with_lift_interval_and_source(real) -> None:
    out = run_tool("audience_affinity", {"audience": {"gender": "male", "age_max": 20}, "domain": "music", "take": 5}, real)
    items = out.data.items
    assert len(items) == 5 and [i.affinity for i in items] == sorted((i.affinity for i in items), reverse=True)
    assert all(i.domain == "music" and i.source == "young_people" and i.affinity_low <= i.affinity <= i.affinity_high for i in items)
    assert "local taste model" in out.source and "Young People Survey" in out.source and out.result_id
    metal = run_tool("audience_affinity", {"audience": {"gender": "male"}, "domain": "music", "take": 30}, real).data.items
    women = run_tool("audience_affinity", {"audience": {"gender": "female"}, "domain": "music", "take": 30}, real).data.items
    lift = lambda rows, name: next(i.lift for i in rows if i.item == name)  # noqa: E731
    assert lift(metal, "Metal or Hardrock") > 1 > lift(women, "Metal or Hardrock")


@pytest.mark.realdata
def test_seeds_rank_what_their_fans_also_love(real) -> None:
    out = run_tool("audience_affinity", {"domain": "film", "seeds": ["metal"]}, real)
    assert out.data.seeds_matched == {"metal": "Metal or Hardrock"} and "love Metal or Hardrock" in out.summary


@pytest.mark.realdata
def test_a_seed_only_a_non_answering_survey_asks_answers_from_the_survey_that_asked(real) -> None:
    """Dancing is a Young People Survey item (Slovakia): the US surveys cannot know who loves dancing,
    so they do not answer for dancing fans (their shares would be everyone's); the answer comes from
    the survey that asked, and says it is not the US."""
    out = run_tool("audience_affinity", {"audience": {"region": "United States", "gender": "female"}, "seeds": ["dancing"]}, real)
    assert out.summary.startswith("No survey that asks about Dancing has respondents in United States") and "not United States" in out.summary
    assert {i.source for i in out.data.items} == {"young_people"} and "no item matching the seeds" in out.summary


@pytest.mark.realdata
def test_fans_of_a_seed_are_ranked_only_by_surveys_that_asked_about_it(real) -> None:
    """Hip hop fans do not "love mashed potatoes": the food survey never asked who loves hip hop."""
    out = run_tool("audience_affinity", {"seeds": ["hip hop"]}, real)
    assert {i.source for i in out.data.items} == {"young_people"}


@pytest.mark.realdata
def test_region_picks_the_sources_that_cover_it(real) -> None:
    out = run_tool("audience_affinity", {"audience": {"region": "Pacific"}}, real)
    assert {i.source for i in out.data.items} <= {"food_world_cup", "star_wars", "steak", "thanksgiving", "drinks"}
    assert any(note.startswith("young_people:") for note in out.data.not_answered_by)
    drinks = run_tool("audience_affinity", {"audience": {"region": "Europe"}, "domain": "drinks"}, real)
    assert {i.item for i in drinks.data.items} == {"Beer", "Spirits", "Wine"}


@pytest.mark.realdata
def test_a_region_no_survey_covers_is_answered_from_elsewhere_and_says_so(real) -> None:
    """"What music do women under 35 in the UK love?": no UK respondents, so the same audience in
    the surveys' own countries answers, with the region's absence the answer's first words."""
    out = run_tool("audience_affinity", {"audience": {"region": "United Kingdom", "gender": "female", "age_max": 34}, "domain": "music"}, real)
    assert out.summary.startswith("No respondents in United Kingdom in the local surveys, so this is women under 35 in Young People Survey")
    everyone = run_tool("audience_affinity", {"audience": {"region": "West South Central"}, "domain": "music"}, real).summary
    assert "What everyone loves in music" in everyone and "Most distinctive" not in everyone  # everyone's lift is 1: nothing stands out
    assert "QLOO_API_KEY" in out.summary and out.data.audience == "women under 35" and out.data.items


@pytest.mark.realdata
def test_the_domains_own_item_is_said_as_interest_in_it_not_ranked_as_a_choice(real) -> None:
    out = run_tool("audience_affinity", {"audience": {"gender": "male", "age_min": 25}, "domain": "music"}, real)
    assert "love music at all)" in out.summary and ": Music (" not in out.summary and "Music" in {i.item for i in out.data.items}


@pytest.mark.realdata
def test_a_shared_region_no_survey_covers_is_compared_elsewhere_and_says_so(real) -> None:
    us = {"region": "United States", "age_min": 25, "age_max": 34}
    out = run_tool("compare_audiences", {"items": ["pop", "rock"], "audiences": [{**us, "gender": "male"}, {**us, "gender": "female"}]}, real)
    assert out.summary.startswith("No survey holding these items has respondents in United States, so this compares them in Young People Survey")
    assert out.data.audiences == ["men aged 25–34", "women aged 25–34"] and all(v is not None for row in out.data.affinity for v in row)


@pytest.mark.realdata
def test_brands_without_qloo_answer_from_spending_habits_and_say_so(real) -> None:
    out = run_tool("audience_affinity", {"audience": {"gender": "female", "age_min": 18, "age_max": 34}, "domain": "brands", "seeds": ["beauty"]}, real)
    assert out.summary.startswith("Affinity to named brands needs Qloo (set QLOO_API_KEY); the local surveys ask about spending habits instead")
    assert "'beauty'" in out.summary and out.data.domain == "spending" and out.data.items


@pytest.mark.parametrize(("args", "code", "text"), [
    ({"domain": "knitting"}, "invalid_argument", "music"),
    ({"domain": "podcasts"}, "invalid_argument", "QLOO_API_KEY"),
    ({"audience": {"region": "Narnia"}}, "invalid_argument", "Pacific"),
    ({"audience": {"age_min": 40, "age_max": 20}}, "invalid_argument", "above age_max"),
    ({"audience": {"age_min": 90}, "domain": "music"}, "not_found", "ages 15–30"),
    ({"audience": {"gender": "female"}, "domain": "drinks"}, "not_found", "cannot be split by age or gender"),
])
@pytest.mark.realdata
def test_bad_input_gets_a_clear_answer(real, args, code, text) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("audience_affinity", args, real)
    assert err.value.code == code and text in err.value.readable()


@pytest.mark.realdata
def test_compare_audiences_matrix_heatmap_and_words(real) -> None:
    out = run_tool("compare_audiences", {"items": ["rock", "hip hop", "shopping"], "audiences": [{"gender": "male"}, {"gender": "female"}]}, real)
    data = out.data
    assert data.items == ["Rock", "Hiphop, Rap", "Shopping"] and data.audiences == ["men", "women"]
    assert len(data.affinity) == 3 and all(len(row) == 2 for row in data.affinity)
    assert data.differences[0].startswith("Shopping: ") and "women love it" in data.differences[0]
    chart = Path(out.charts[0].path)
    assert chart.exists() and chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(("args", "text"), [
    ({"items": ["rock"], "audiences": [{"gender": "male"}, {"gender": "male"}]}, "must differ"),
    ({"items": ["rock"], "audiences": [{"gender": "male"}, {"region": "Japan"}]}, "people in Japan"),
    ({"items": ["rock"], "audiences": [{"gender": "male"}]}, "audiences"),
])
@pytest.mark.realdata
def test_compare_bad_input(real, args, text) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("compare_audiences", args, real)
    assert text in err.value.readable()


def _qloo(settings, monkeypatch, handler) -> list[httpx.Request]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    async def no_sleep(_: float) -> None:
        return None

    settings.qloo_api_key = SecretStr("k")
    settings.qloo_base_url = f"https://qloo.test/{uuid.uuid4().hex}"  # the SQL cache may be shared (Postgres in CI)
    client = QlooClient(settings.qloo_base_url, "k", cache=SqlQlooCache(settings), transport=httpx.MockTransport(record), sleep=no_sleep,
                        max_retries=0, breaker=CircuitBreaker(failure_threshold=1))
    monkeypatch.setitem(affinity_qloo._CLIENTS, settings.qloo_base_url, client)
    return seen


def test_qloo_answers_when_a_key_is_set(ctx, monkeypatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/v2/tags"):
            found = [{"id": "urn:tag:keyword:qloo:sneakers", "name": "Sneakers"}] if request.url.params["filter.query"] == "sneakers" else []
            return httpx.Response(200, json={"results": {"tags": found}})
        if request.url.path.endswith("/search"):
            return httpx.Response(200, json={"results": [{"entity_id": "ADIDAS-ID", "name": "Adidas"}]})
        return httpx.Response(200, json={"success": True, "results": {"entities": [{"entity_id": "E", "name": "Nike", "popularity": 0.9, "query": {"affinity": 0.7}}]}})

    seen = _qloo(ctx.settings, monkeypatch, handler)
    out = run_tool("audience_affinity", {"audience": {"age_max": 30, "region": "Germany"}, "domain": "brands", "seeds": ["sneakers", "Adidas"]}, ctx)
    assert out.data.items[0].item == "Nike" and out.source.startswith("Qloo")
    params = dict(seen[-1].url.params)
    assert params["filter.type"] == "urn:entity:brand" and params["signal.demographics.age"] == "35_and_younger"
    assert params["signal.location.query"] == "Germany" and params["signal.interests.tags"] == "urn:tag:keyword:qloo:sneakers"
    assert params["signal.interests.entities"] == "ADIDAS-ID" and [r.url.path.split("/", 2)[2] for r in seen] == ["v2/tags", "v2/tags", "search", "v2/insights"]
    assert all(r.headers["X-Api-Key"] == "k" for r in seen)
    again = run_tool("audience_affinity", {"audience": {"age_max": 30, "region": "Germany"}, "domain": "brands", "seeds": ["sneakers", "Adidas"]}, ctx)
    assert again.data.items == out.data.items and len(seen) == 4  # every call answered from the SQL cache


@pytest.mark.realdata
def test_qloo_failure_opens_the_breaker_and_the_local_model_answers(real, monkeypatch) -> None:
    seen = _qloo(real.settings, monkeypatch, lambda request: httpx.Response(503, json={"error": "down"}))
    first = run_tool("audience_affinity", {"domain": "music", "audience": {"gender": "female"}}, real)
    assert "Qloo unavailable" in first.source and "local taste model" in first.summary
    calls = len(seen)
    second = run_tool("audience_affinity", {"domain": "music", "audience": {"gender": "female"}}, real)
    assert len(seen) == calls and "circuit open" in second.summary  # breaker open: Qloo not even called
    with pytest.raises(ToolError) as err:  # a domain only Qloo has: said plainly, not "set a key"
        run_tool("audience_affinity", {"domain": "podcasts"}, real)
    assert err.value.code == "upstream_error" and "circuit open" in err.value.message and "music" in err.value.readable()


def test_unknown_place_at_qloo_is_a_readable_error(ctx, monkeypatch) -> None:
    _qloo(ctx.settings, monkeypatch, lambda request: httpx.Response(400, content=json.dumps({"error": "bad location"})))
    with pytest.raises(ToolError) as err:
        run_tool("audience_affinity", {"domain": "brands", "audience": {"region": "Mexico"}}, ctx)
    assert err.value.code == "invalid_argument" and "Mexico" in err.value.message


@pytest.mark.realdata
def test_free_text_is_matched_by_meaning_and_the_reading_is_said(real) -> None:
    out = run_tool("compare_audiences", {"items": ["horror films", "rock"], "audiences": [{"age_max": 19}, {"age_min": 25}]}, real)
    assert out.data.items_matched == {"horror films": "Horror", "rock": "Rock"}
    assert "Read 'horror films' as Horror" in out.summary


@pytest.mark.realdata
def test_an_audience_the_survey_covers_only_in_part_is_said_with_its_respondents(real) -> None:
    """Millennials (30–45) in a survey of 15–30-year-olds are its 30-year-olds alone: the answer says so."""
    out = run_tool("compare_audiences", {"items": ["rock"], "audiences": [{"age_min": 18, "age_max": 29}, {"age_min": 30, "age_max": 45}]}, real)
    few = out.data.respondents[1]
    assert 0 < few < out.data.respondents[0] and f"people aged 30–45: only ages 30–30 ({few} respondents)" in out.summary
    assert "Only part" not in run_tool("compare_audiences", {"items": ["rock"], "audiences": [{"gender": "male"}, {"gender": "female"}]}, real).summary


@pytest.mark.realdata
def test_a_drink_asked_about_in_a_country_ranks_the_countrys_servings(real) -> None:
    out = run_tool("audience_affinity", {"audience": {"region": "Germany"}, "domain": "drinks", "seeds": ["beer"]}, real)
    assert [i.item for i in out.data.items][:1] == ["Beer"] and "not used to find fans" in out.summary


@pytest.mark.realdata
def test_one_item_across_many_audiences_ranks_every_audience(real) -> None:
    bands = [{"age_min": lo, "age_max": hi, "region": "United States"} for lo, hi in ((18, 24), (25, 34), (35, 44), (45, 54))]
    out = run_tool("compare_audiences", {"items": ["steak"], "audiences": bands}, real)
    line = out.data.differences[0]
    assert line.startswith("Eating steak, share who love it: ") and all(label in line for label in out.data.audiences)
    shares = [float(part.rsplit(" ", 1)[1].rstrip("%.")) for part in line.split(": ", 1)[1].split(", ")]
    assert shares == sorted(shares, reverse=True) and "Compared 1 item across 4 audiences" in out.summary


@pytest.mark.realdata
def test_age_bands_no_survey_holds_are_left_out_and_named(real) -> None:
    bands = [{"age_min": lo, "age_max": hi} for lo, hi in ((18, 24), (25, 34), (35, 44), (45, 54))]
    out = run_tool("compare_audiences", {"items": ["rock"], "audiences": bands}, real)
    assert out.data.audiences == ["people aged 18–24", "people aged 25–34"]
    assert "Left out, no respondents in Young People Survey" in out.summary and "people aged 35–44, people aged 45–54" in out.summary


@pytest.mark.realdata
def test_countries_are_compared_on_drinks_by_their_servings(real) -> None:
    out = run_tool("compare_audiences", {"items": ["wine"], "audiences": [{"region": "France"}, {"region": "Germany"}]}, real)
    assert out.data.items == ["Wine"] and out.data.audiences == ["people in France", "people in Germany"]
    assert out.summary.startswith("Compared wine by country") and "servings per person a year in France" in out.summary
    assert out.data.lift[0][0] > out.data.lift[0][1]  # France drinks more wine than Germany (370 vs 175 servings)


@pytest.mark.realdata
def test_drinks_for_an_age_band_answer_with_the_countrys_averages_and_say_so(real) -> None:
    out = run_tool("audience_affinity", {"audience": {"region": "United Kingdom", "age_min": 18, "age_max": 34}, "domain": "drinks", "seeds": ["tea"]}, real)
    assert out.summary.startswith("Drinks are country averages (servings per person), so this is everyone in United Kingdom, not only people aged 18–34")
    assert {i.item for i in out.data.items} == {"Beer", "Wine", "Spirits"} and "holds beer, wine and spirits only: nothing on tea" in out.summary
