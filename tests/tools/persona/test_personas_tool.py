"""The persona tools end to end: scenarios, grid, intervals, chart, bad input; personas stored and exported."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest

from memory.embeddings import own_model_dir, train_own_model
from memory.personas import search_archetypes
from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.persona.personas import buyers_audience
from tools.registry import run_tool

SMALL = {"population": 20_000, "weeks": 12, "seeds": 2}


def test_scenarios_compared_with_intervals_chart_and_reason(ctx: ToolContext) -> None:
    out = run_tool("simulate_launch", {"product": "trail shoe", **SMALL, "scenarios": [
        {"price": 129, "region": "Europe", "start": "2026-03-02"},
        {"price": 99, "region": "Europe", "start": "2026-03-02"},
        {"price": 99, "region": "us", "start": "2026-11-02", "channel": "web", "hype": 80},
    ]}, ctx)
    d = out.data
    assert [s.region for s in d.scenarios] == ["Europe", "Europe", "United States"]
    dear, cheap = d.scenarios[0], d.scenarios[1]
    assert dear.units <= cheap.units
    assert all(s.units_low <= s.units <= s.units_high and 1 <= s.peak_week <= 12 and len(s.weekly) == 12 for s in d.scenarios)
    assert d.best in {s.label for s in d.scenarios} and d.best_reason and d.lead is not None
    assert abs(sum(s.share for s in d.segments if s.segment.startswith("age")) - 1) < 1e-3
    assert Path(out.charts[0].path).stat().st_size > 5000
    assert "Why:" in out.summary and out.result_id


def test_a_higher_price_sells_to_strictly_fewer_buyers_all_else_equal(ctx: ToolContext) -> None:
    """One call per price in one conversation, as a follow-up question makes them ("try it at $129"):
    the follow-up keeps the reference the first answer took, so it changes the buyers, not only revenue."""
    runs = [run_tool("simulate_launch", {"product": "smartwatch", **SMALL, "scenarios": [{"price": p, "region": "Europe", "start": "2026-03-02"}]}, ctx).data
            for p in (99, 129)]
    assert runs[1].scenarios[0].units < runs[0].scenarios[0].units
    assert runs[0].reference_price == runs[1].reference_price == 99
    assert (runs[0].reference_source, runs[1].reference_source) == ("asked", "thread")


def test_with_no_priced_analog_the_asked_prices_set_the_reference(ctx: ToolContext) -> None:
    """A $3.99 drink judged against a $50 default sold as if nearly free: with no analog, the median of
    the asked prices is the category's typical price, said in plain words; the cheaper price still
    sells to more buyers. Another conversation does not inherit the reference."""
    out = run_tool("simulate_launch", {"product": "cold brew coffee can", **SMALL, "scenarios": [{"price": 2.49}, {"price": 3.99}, {"price": 4.49}]}, ctx)
    d = out.data
    assert d.reference_price == 3.99 and d.reference_source == "asked"
    assert "judged against $3.99, the median of the prices you asked" in out.summary and "give reference_price" in out.summary
    assert d.scenarios[0].units > d.scenarios[1].units > d.scenarios[2].units
    alone = run_tool("simulate_launch", {"product": "cold brew coffee can", **SMALL, "scenarios": [{"price": 2.49}]},
                     ToolContext(settings=ctx.settings, thread_id=f"another-thread-{uuid.uuid4().hex[:8]}"))  # a fresh one: a shared Postgres keeps old threads
    assert alone.data.reference_price == 2.49 and "your $2.49 is taken as the category's typical price" in alone.summary


def test_the_summary_says_who_buys_from_the_simulated_buyers(ctx: ToolContext) -> None:
    """"Who buys it?" is answered in the summary: the age band and income quartile most over-represented
    among the best scenario's buyers, with the shares its segments record."""
    out = run_tool("simulate_launch", {"product": "trail shoe", **SMALL, "scenarios": [{"price": 129, "region": "Europe"}]}, ctx)
    segs = out.data.segments
    ages = [s for s in segs if s.segment.startswith("age ")]
    lead = max(ages, key=lambda s: s.share / s.population_share)
    assert abs(sum(s.population_share for s in ages) - 1) < 1e-3
    assert f"Who buys: buyers lean {lead.segment.removeprefix('age ')} ({lead.share:.0%} of buyers vs {lead.population_share:.0%} of adults" in out.summary
    channels = [s for s in segs if s.segment.startswith("prefers ")]
    assert [s.segment for s in channels] == ["prefers web", "prefers catalogue", "prefers store"]
    assert abs(sum(s.share for s in channels) - 1) < 1e-3 and abs(sum(s.population_share for s in channels) - 1) < 1e-3
    places = {s.segment: s for s in segs if s.segment in ("urban", "rural")}
    assert abs(places["urban"].share + places["rural"].share - 1) < 1e-3
    low, high = (int(x) for x in lead.segment.removeprefix("age ").rstrip("+").split("–")) if "–" in lead.segment else (int(lead.segment[4:-1]), None)
    assert buyers_audience(out.data) == {"region": "Europe", "age_min": low, **({"age_max": high} if high else {})}  # what "those people" are next


def test_who_buys_names_each_leaning_axis_and_the_largest_group() -> None:
    from tools.persona.personas import SegmentShare, _who_buys, leaning_segment

    def seg(name: str, share: float, pop: float) -> SegmentShare:
        return SegmentShare(segment=name, share=share, adoption=0.0, population_share=pop)

    segs = [seg("age 18–24", 0.1, 0.1), seg("age 25–34", 0.3, 0.18), seg("age 35–44", 0.6, 0.72),
            *(seg(q, 0.25, 0.25) for q in ("lowest income quartile", "second income quartile", "third income quartile", "top income quartile")),
            seg("prefers web", 0.58, 0.33), seg("prefers catalogue", 0.1, 0.17), seg("prefers store", 0.32, 0.5)]
    assert _who_buys(segs) == (" Who buys: buyers lean 25–34 (30% of buyers vs 18% of adults; the largest group is 35–44, 60%) "
                               "and those who shop mostly online (58% vs 33%).")
    flat = [seg("age 18–24", 0.5, 0.5), seg("age 25–34", 0.5, 0.5)]
    assert "spread like the adults simulated" in _who_buys(flat)
    assert leaning_segment(flat) is None and leaning_segment([seg("age 65+", 0.4, 0.2), seg("age 18–24", 0.6, 0.8)]).segment == "age 65+"


@pytest.mark.realdata
def test_products_of_different_categories_have_different_buyers_and_personas(ctx: ToolContext, data_dir: Path) -> None:
    """Gaming laptop (read as the survey's 'PC': young men love it) vs scented candle (gift analogs,
    no survey category): buyers by age band differ by a total variation distance above 0.15, and
    so do the personas' ages and gender mixes."""
    shares, personas = [], []
    for product in ("gaming laptop", "scented candle"):
        d = run_tool("simulate_launch", {"product": product, **SMALL, "scenarios": [{"price": 60}]}, ctx).data
        shares.append([s.share for s in d.segments if s.segment.startswith("age")])
        personas.append(run_tool("build_personas", {"product": product, "count": 4}, ctx).data.personas)
    assert 0.5 * sum(abs(a - b) for a, b in zip(*shares)) > 0.15
    age = [sum(p.share * p.median_age for p in ps) for ps in personas]
    female = [sum(p.share * p.female for p in ps) for ps in personas]
    assert age[0] < age[1] - 5 and female[0] < female[1] - 0.1


def test_grid_expands_every_combination(ctx: ToolContext) -> None:
    out = run_tool("simulate_launch", {"product": "mug", **SMALL, "grid": {"prices": [12, 18], "regions": ["UK", "Japan"], "channels": ["web", "store"]}}, ctx)
    assert len(out.data.scenarios) == 8
    assert {s.region for s in out.data.scenarios} == {"United Kingdom", "Japan"}


def test_same_seed_same_answer(ctx: ToolContext) -> None:
    args = {"product": "mug", **SMALL, "scenarios": [{"price": 15, "start": "2026-05-04"}]}
    assert run_tool("simulate_launch", args, ctx).data.scenarios == run_tool("simulate_launch", args, ctx).data.scenarios


@pytest.mark.parametrize(("args", "field", "words"), [
    ({"scenarios": [{"price": 0}]}, "scenarios.0.price", "greater than 0"),
    ({"scenarios": [{"price": -5}]}, "scenarios.0.price", "greater than 0"),
    ({"scenarios": [{"region": "Atlantis"}]}, "scenarios.0.region", "unknown region 'Atlantis'"),
    ({"population": 0}, "population", "between 1 and 50,000,000"),
    ({"population": 10**9}, "population", "between 1 and 50,000,000"),
    ({"grid": {"prices": [1, 2, 3, 4, 5, 6, 7], "channels": ["web", "store", "catalogue", "social", "marketplace"], "regions": ["UK", "US"]}}, "arguments", "at most 48"),
])
def test_bad_input_is_a_clear_error(ctx: ToolContext, args: dict, field: str, words: str) -> None:
    with pytest.raises(ToolError) as exc:
        run_tool("simulate_launch", {"product": "x", **args}, ctx)
    assert exc.value.code == "invalid_argument" and words in exc.value.message
    assert exc.value.info.field == field


@pytest.fixture
def own(settings: Settings, tmp_path: Path) -> ToolContext:
    """Settings whose own embedding model is a tiny one trained here (no download, seconds)."""
    corpus = ["urban shoppers who buy online", "rural families buying in store", "young trend chasers", "bargain hunting families",
              "premium affluent buyers", "nostalgic mature shoppers", "crowd following young people"] * 3
    shutil.copytree(train_own_model(corpus, tmp_path / "model", dim=16, vocab_size=500), own_model_dir(settings))
    return ToolContext(settings=settings.model_copy(update={"embedding_model": "own", "chroma_url": None}))


def test_personas_are_named_stored_and_exported(own: ToolContext) -> None:
    out = run_tool("build_personas", {"product": "trail shoe", "audience": {"region": "UK", "age_min": 25, "age_max": 54}, "count": 4, "price": 120}, own)
    personas = out.data.personas
    assert 1 <= len(personas) <= 4 and abs(sum(p.share for p in personas) - 1) < 1e-3
    assert all(25 <= p.median_age <= 55 and p.resonates and p.puts_off and p.buy_chance is not None for p in personas)
    assert sorted(Path(f).suffix for f in out.files) == [".csv", ".json", ".parquet"]
    table = pd.read_parquet(next(f for f in out.files if f.endswith(".parquet")))
    assert table["name"].tolist() == [p.name for p in personas]
    hits = search_archetypes(own.settings, own.owner, personas[0].name, k=len(personas), product="trail shoe")
    assert {h.metadata["name"] for h in hits} == {p.name for p in personas}


def test_personas_for_an_empty_audience_are_refused(own: ToolContext) -> None:
    with pytest.raises(ToolError) as exc:
        run_tool("build_personas", {"product": "x", "audience": {"age_min": 95, "age_max": 99}}, own)
    assert "Too few adults" in exc.value.message


@pytest.mark.realdata
def test_a_price_in_another_tier_than_the_analogs_centres_willingness_to_pay_on_it(own: ToolContext, data_dir: Path) -> None:
    """A $45 scented candle's shared-catalog analogs (wholesale giftware) sell at about $2: personas
    'willing to pay $2' would be nonsense to its marketer, so the asked price anchors them, said aloud."""
    own = ToolContext(settings=own.settings.model_copy(update={"data_dir": data_dir}))
    out = run_tool("build_personas", {"product": "scented candle", "audience": {"region": "UK", "gender": "female"}, "price": 45}, own)
    assert out.data.reference_price == 45 and "Willingness to pay is centred on your $45" in out.summary
    assert "fewer than the default 5" in out.summary or len(out.data.personas) == 5


def test_personas_with_no_priced_analog_centre_on_the_asked_price(ctx: ToolContext) -> None:
    """Not on the $50 default, and not described as analogs "in another price tier"."""
    out = run_tool("build_personas", {"product": "quantum toaster", "price": 129, "count": 3}, ctx)
    assert out.data.reference_price == 129 and "no priced product in the shared catalog is like 'quantum toaster'" in out.summary
    assert "another price tier" not in out.summary


def test_a_weak_price_anchor_is_said_in_the_answer(ctx: ToolContext) -> None:
    """The buyer counts rest on the reference price: a single asked price taken as the reference (no
    analog) or the default (nothing priced) is named in the summary, and a reference given by the user
    needs no warning."""
    args = {"product": "quantum toaster", **SMALL, "scenarios": [{"price": 129}]}
    out = run_tool("simulate_launch", args, ctx)
    assert out.data.reference_price == 129 and "not whether $129 is cheap or dear" in out.summary
    unpriced = run_tool("simulate_launch", {"product": "quantum kettle", **SMALL}, ctx)
    assert unpriced.data.reference_price == 50 and "default $50 reference" in unpriced.summary
    assert "reference" not in run_tool("simulate_launch", args | {"reference_price": 120}, ctx).summary.split("Why:")[1]


@pytest.mark.realdata
def test_analogs_in_another_price_tier_are_said_in_the_answer(ctx: ToolContext, data_dir: Path) -> None:
    ctx = ToolContext(settings=ctx.settings.model_copy(update={"data_dir": data_dir}))
    out = run_tool("simulate_launch", {"product": "scented candle", **SMALL, "scenarios": [{"price": 45}]}, ctx)
    assert out.data.reference_price < 45 / 4 and "far below the prices simulated" in out.summary


def test_markets_without_their_own_tables_are_said_to_share_a_wider_ones(ctx: ToolContext) -> None:
    """UK vs Germany both use Europe's population tables: the answer must not pass the tie off as a finding."""
    out = run_tool("simulate_launch", {"product": "mug", **SMALL, "scenarios": [{"price": 12, "region": "UK"}, {"price": 12, "region": "Germany"}]}, ctx)
    assert "United Kingdom and Germany with Europe's population tables" in out.summary and "differ here only by season and channel" in out.summary
    alone = run_tool("simulate_launch", {"product": "mug", **SMALL, "scenarios": [{"price": 12, "region": "United States"}]}, ctx)
    assert "population tables" not in alone.summary


@pytest.mark.realdata
def test_prices_in_pounds_are_compared_with_the_analogs_in_pounds_and_shown_in_pounds(ctx: ToolContext, data_dir: Path) -> None:
    """The analogs' reference is in PPP dollars (their pounds converted once): a request in pounds
    gets it back in pounds (× PER_PPP_USD), and every price and revenue shows the asked currency."""
    from memory.personas import PER_PPP_USD

    ctx = ToolContext(settings=ctx.settings.model_copy(update={"data_dir": data_dir}))
    args = {"product": "regency cakestand", **SMALL, "scenarios": [{"price": 15, "region": "UK"}, {"price": 12, "region": "UK"}]}
    pounds = run_tool("simulate_launch", args | {"currency": "GBP"}, ctx)
    dollars = run_tool("simulate_launch", args, ctx)
    assert pounds.data.reference_price == pytest.approx(dollars.data.reference_price * PER_PPP_USD["GBP"], rel=1e-9)
    assert "£" in pounds.summary and "$" not in pounds.summary and pounds.data.currency == "GBP"
    assert "$" in dollars.summary and "£" not in dollars.summary.split("Why:")[0]
