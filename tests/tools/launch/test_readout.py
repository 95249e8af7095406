"""The readout document: the verdict's rules, the numbers on page 1, gaps said once, dates with years."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from tools.base import ToolOutput
from tools.launch.engines import Outcome, Section
from tools.launch.plan import SegmentRank
from tools.launch.readout import HOLD_ADOPTION, build_readout, gaps


def _scenario(price: float, revenue: float, adoption: float = 0.013, channel: str = "store", start: date = date(2027, 4, 1), peak_week: int = 6) -> SimpleNamespace:
    units = revenue / price
    return SimpleNamespace(label=f"${price:.0f} · {start:%b %Y} · {channel}", price=price, region="North America", start=start, channel=channel, units=units,
                           units_low=units * 0.9, units_high=units * 1.1, revenue=revenue, revenue_low=revenue * 0.9, revenue_high=revenue * 1.1, adoption=adoption, peak_week=peak_week)


def _ok(key: str, data: object, engine: str = "test") -> Outcome:
    return Outcome(Section(key=key, engine=engine, tool=key, status="ok", arguments={}, result_id=f"{key}-1", seconds=0.1), ToolOutput.model_construct(summary="", data=data, charts=[], source="t"))


def _missing(key: str, engine: str, reason: str) -> Outcome:
    return Outcome(Section(key=key, engine=engine, tool=key, status="missing", arguments={}, seconds=0.1, reason=reason), None)


def _outcomes(scenarios: list[SimpleNamespace] | None) -> dict[str, Outcome]:
    o = {k: _missing(k, e, "No stored post mentions “Cyberpunk Sneakers”, so there is nothing to score.") if k == "hype" else _missing(k, e, "not built")
         for k, e in (("affinity", "affinity"), ("hype", "hype"), ("forecast", "forecast"), ("search", "cadence"), ("suggest", "cadence"))}
    if scenarios is None:
        o["persona"] = _missing("persona", "persona", "persona engine down")
    else:
        best = max(scenarios, key=lambda s: s.revenue)
        o["persona"] = _ok("persona", SimpleNamespace(scenarios=scenarios, best=best.label, population=100_000, weeks=12, reference_price=120.0, currency="USD"), "persona")
    return o


def test_a_better_price_than_the_asked_one_is_go_with_changes(tmp_path: Path) -> None:
    o = _outcomes([_scenario(96, 128_384), _scenario(120, 106_200), _scenario(144, 90_576)])
    r = build_readout("Cyberpunk Sneakers", 120.0, o, [], [], tmp_path)
    assert r.verdict == "go with changes" and "$96 earns 21% more than the asked $120" in r.verdict_text
    numbers = {k.label: k for k in r.key_numbers}
    assert numbers["Revenue"].value == "$128,384" and numbers["Revenue"].range == "$115,546–$141,222" and numbers["Best price"].value == "$96"
    assert numbers["Channel and timing"].value == "Store, Apr 2027" and numbers["Hype"].value == "not measured"
    assert r.actions[0].startswith("Launch at $96 in stores from Apr 2027") and r.hero is not None and Path(r.hero.path).is_file()


def test_the_asked_price_being_best_is_go_and_a_tiny_market_is_hold(tmp_path: Path) -> None:
    go = build_readout("X", 120.0, _outcomes([_scenario(96, 90_000), _scenario(120, 106_200), _scenario(144, 100_000)]), [], [], tmp_path)
    assert go.verdict == "go" and "the asked $120 is the best price tested" in go.verdict_text
    unasked = build_readout("X", None, _outcomes([_scenario(96, 90_000), _scenario(120, 106_200)]), [], [], tmp_path)
    assert "no price was given, so a typical $120 was assumed" in next(k.basis for k in unasked.key_numbers if k.label == "Best price")
    tiny = build_readout("X", 120.0, _outcomes([_scenario(120, 1_000, adoption=HOLD_ADOPTION / 2)]), [], [], tmp_path)
    assert tiny.verdict == "hold"
    none = build_readout("X", 120.0, _outcomes(None), [], [], tmp_path)
    assert none.verdict == "hold" and none.hero is None and "no demand estimate" in none.verdict_text
    assert none.actions and set(none.actions) <= {g.fix for g in none.gaps}  # nothing to act on yet: what would complete the readout


def test_a_risk_found_in_the_posts_changes_go_into_go_with_changes(tmp_path: Path) -> None:
    from tools.launch.plan import Recommendation

    risk = Recommendation(topic="risks", text="United: 45% of posts are negative — address their complaints in launch messaging.", evidence=[])
    r = build_readout("X", 120.0, _outcomes([_scenario(120, 106_200)]), [risk], [], tmp_path)
    assert r.verdict == "go with changes" and r.main_risk == risk.text


def test_the_leading_audience_and_its_action_come_from_the_ranked_segments(tmp_path: Path) -> None:
    ranked = [SegmentRank(segment="age 25–34", affinity_lift=1.08, adoption=0.0164, score=0.0177), SegmentRank(segment="age 18–24", affinity_lift=0.94, adoption=0.011, score=0.0103)]
    r = build_readout("X", 120.0, _outcomes([_scenario(120, 106_200)]), [], ranked, tmp_path)
    assert next(k for k in r.key_numbers if k.label == "Leading audience").value == "Ages 25–34"
    assert any(a.startswith("Aim first at ages 25–34 (1.6% bought") and "then ages 18–24" in a for a in r.actions)
    audience = next(s for s in r.sections if s.key == "audience")
    assert audience.chart is not None and [row.cells[0] for row in audience.rows] == ["25–34", "18–24"]


def test_alike_reasons_are_one_gap_with_what_would_fix_it() -> None:
    o = {f"segment:age {band}": _missing(f"segment:age {band}", "affinity", f"No survey holding these items has respondents who are people aged {band} (audience 1).")
         for band in ("35–44", "45–54", "55–64")}
    o["hype"] = _missing("hype", "hype", "No stored post mentions “Cyberpunk Sneakers”, so there is nothing to score.")
    o["comparable:Cyberpunk"] = _missing("comparable:Cyberpunk", "hype", "No stored post mentions “Cyberpunk”, so there is nothing to score.")
    found = gaps(o)
    assert len(found) == 2
    ages = next(g for g in found if g.engine == "Audience comparison")
    assert ages.what.startswith("age 35–44, age 45–54, age 55–64: No survey") and ages.fix
    hype = next(g for g in found if g.engine == "Hype")
    assert "comparable “Cyberpunk”" in hype.what and "caeser posts import" in hype.fix


def test_engines_out_of_time_are_one_gap() -> None:
    late = "no answer within the 12 s time budget; it goes on in the background, so asking again shortly includes it"
    o = {k: _missing(k, e, late) for k, e in (("forecast", "forecast"), ("persona", "persona"), ("search", "cadence"))}
    (gap,) = gaps(o)
    assert gap.engine == "Not in time" and gap.what == "the demand forecast, the launch simulation, catalog search: no answer within the 12 s time budget."
    assert "Ask again shortly" in gap.fix


def test_the_asked_audience_gets_its_own_buyers_and_adoption(tmp_path: Path) -> None:
    """"What about women 55+?" must not read like the under-35 answer: the audience's age bands
    carry their own buyers (share × units) and adoption (over share × units / adoption people)."""
    from tools.launch.readout import AskedAudience

    o = _outcomes([_scenario(120, 120_000, adoption=0.01)])  # 1,000 buyers, 1% of 100,000
    segments = [SimpleNamespace(segment="age 18–24", share=0.5, adoption=0.025), SimpleNamespace(segment="age 55–64", share=0.3, adoption=0.006),
                SimpleNamespace(segment="age 65+", share=0.2, adoption=0.004), SimpleNamespace(segment="lowest income quartile", share=0.25, adoption=0.01)]
    o["persona"].output.data.segments = segments
    older = AskedAudience(label="women aged 55+", bands=["age 55–64", "age 65+"], gender=True)
    number = {k.label: k for k in build_readout("X", 120.0, o, [], [], tmp_path, older).key_numbers}["Asked audience"]
    # 500 buyers among 300/0.006 + 200/0.004 = 100,000 people
    assert number.value == "women aged 55+: 500 buyers, 0.5% of them, both genders: the simulation splits buyers by age only"
    assert number.basis == "ages 55–64, 65+ in the best scenario, against 1.0% of everyone"
    everyone = AskedAudience(label="everyone", bands=["age 18–24", "age 55–64", "age 65+"], gender=False)
    assert "Asked audience" not in {k.label for k in build_readout("X", 120.0, o, [], [], tmp_path, everyone).key_numbers}


def test_search_terms_leave_out_completions_that_are_not_the_products_words() -> None:
    from tools.cadence.suggest import Suggestion, SuggestionsData
    from tools.launch.plan import search_rec

    typed = SuggestionsData(prefix="matcha", personalised=False, suggestions=[Suggestion(text="match attax", score=0.9, source="log", typo=True),
                                                                             Suggestion(text="matcha kit", score=0.5, source="log")])
    rec = search_rec(["matcha", "kit"], _missing("search", "cadence", "not built"), _ok("suggest", typed, "cadence"))
    assert rec is not None and "matcha kit" in rec.text and "match attax" not in rec.text


def test_a_long_completion_of_one_product_word_is_not_a_search_term_for_it() -> None:
    from tools.launch.plan import about_product

    assert about_product("matcha tea kit", ["matcha kit"]) and about_product("scented votive candle", ["scented candle subscription"])
    assert about_product("ring sizer", ["smart ring"]) and not about_product("smart guru", ["smart ring"])
    assert not about_product("vitamins sleeveless embellished baby", ["vitamin c serum"]) and not about_product("nimbus printed round", ["Nimbus e-bike"])
