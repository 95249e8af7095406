"""What the offline planner reads back from the thread's messages."""
from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.planner.model import previous_call


def _affinity_turn(n: int, audience: dict, items: list[str]) -> list:
    call = {"name": "audience_affinity", "args": {"audience": audience, "domain": "music"}, "id": f"call_{n}", "type": "tool_call"}
    rows = [{"item": i, "affinity": 0.3} for i in items]
    return [HumanMessage(f"turn {n}"), AIMessage(content="", tool_calls=[call]),
            ToolMessage(content="{}", tool_call_id=f"call_{n}", name="audience_affinity", artifact={"data": {"items": rows}})]


def test_the_previous_call_knows_the_threads_audiences_and_the_last_items_shown() -> None:
    men, women = {"gender": "male", "age_min": 25}, {"gender": "female", "age_min": 25}
    messages = [*_affinity_turn(1, men, ["Rock", "Metal"]), *_affinity_turn(2, women, ["Pop", "Latino"]), *_affinity_turn(3, men, ["Rock"]),
                HumanMessage("what's different between the two")]
    prev = previous_call(messages)
    assert prev is not None and prev.tool == "audience_affinity" and prev.args["audience"] == men
    assert prev.audiences == [women, men]  # distinct, the newest last
    assert prev.shown_items == ["Rock"]


def _forecast(sku: str, total: float, year_before: float | None) -> dict:
    return {"summary": f"SKU {sku}: about {total:,.0f} units.", "data": {"target": f"SKU {sku}", "total": total, "year_before": year_before, "horizon": 13, "frequency": "W"}}


def test_several_skus_in_one_turn_are_forecast_each_and_set_side_by_side() -> None:
    from agent.planner.model import OfflinePlanner
    from tools.registry import load_tools

    planner = OfflinePlanner(tool_names=list(load_tools()))
    asked = planner.respond([HumanMessage("forecast 84879 and 22423 for next quarter")])
    assert [c["args"]["sku"] for c in asked.tool_calls] == ["84879", "22423"]
    results = [ToolMessage(content=json.dumps(_forecast(c["args"]["sku"], total, before)), tool_call_id=c["id"], name="forecast_demand")
               for c, total, before in zip(asked.tool_calls, (12231.0, 2830.0), (5098.0, 3490.0))]
    answer = planner.respond([HumanMessage("forecast 84879 and 22423 for next quarter"), asked, *results]).content
    assert answer.startswith("Side by side over the next 13 weeks: SKU 84879 about 12,231 units (+140% on the same weeks a year earlier); SKU 22423 about 2,830 units (-19%")
    assert "Most units: SKU 84879." in answer and "Growing most against last year: SKU 84879." in answer
    assert answer.count("→ forecast_demand") == 2
    prev = previous_call([HumanMessage("forecast 84879 and 22423"), asked, *results, HumanMessage("which one grows more?")])
    assert prev is not None and prev.args["sku"] == "22423" and [a["sku"] for a in prev.also] == ["84879"]


def test_one_forecast_or_a_failed_one_gets_no_side_by_side_line() -> None:
    from agent.planner.compose import forecasts_side_by_side

    assert forecasts_side_by_side([_forecast("1", 10.0, None)]) == ""
    assert forecasts_side_by_side([_forecast("1", 10.0, None), {"error": {"message": "unknown SKU"}}]) == ""
    line = forecasts_side_by_side([_forecast("1", 10.0, None), _forecast("2", 30.0, None)])
    assert line == "Side by side over the next 13 weeks: SKU 1 about 10 units; SKU 2 about 30 units. Most units: SKU 2."


def test_where_the_data_comes_from_names_each_engines_sources() -> None:
    from agent.planner.model import OfflinePlanner
    from tools.registry import load_tools

    text = OfflinePlanner(tool_names=list(load_tools())).respond([HumanMessage("where does your data come from?")]).content
    for source in ("FiveThirtyEight", "UCI Online Retail", "US Census", "SXSW", "caeser data list"):
        assert source in text


def test_a_trending_ranking_is_the_list_the_top_one_points_at_but_one_score_is_not() -> None:
    def hype(n: int, data: dict) -> list:
        call = {"name": "hype_score", "args": {}, "id": f"h{n}", "type": "tool_call"}
        return [HumanMessage(f"turn {n}"), AIMessage(content="", tool_calls=[call]), ToolMessage(content="{}", tool_call_id=f"h{n}", name="hype_score", artifact={"data": data})]

    ranked = hype(1, {"ranking": [{"subject": "American"}, {"subject": "JetBlue"}]})
    prev = previous_call([*ranked, HumanMessage("tell me more about the top one")])
    assert prev is not None and [x.label for x in prev.listed] == ["American", "JetBlue"]
    prev = previous_call([*ranked, *hype(2, {"ranking": []}), HumanMessage("and the second one?")])
    assert prev is not None and [x.label for x in prev.listed] == ["American", "JetBlue"]  # one subject's score lists nothing


def test_those_people_after_a_simulation_are_its_buyers() -> None:
    """"What do those people love?" after a simulation answered for everyone; its buyers lean 45–54 in France."""
    from agent.planner.decide import decide
    from tools.registry import load_tools

    call = {"name": "simulate_launch", "args": {"product": "yuzu soda", "scenarios": [{"price": 3.0, "region": "France"}]}, "id": "call_1", "type": "tool_call"}
    segments = [{"segment": "age 18–24", "share": 0.1, "adoption": 0.0, "population_share": 0.2}, {"segment": "age 45–54", "share": 0.3, "adoption": 0.0, "population_share": 0.17},
                {"segment": "age 65+", "share": 0.6, "adoption": 0.0, "population_share": 0.63}]
    data = {"product": "yuzu soda", "population": 100000, "simulated_per_seed": 100000, "seeds": 5, "weeks": 26, "objective": "revenue", "reference_price": 3.0,
            "scenarios": [{"label": "€3 · France", "price": 3.0, "region": "France", "start": "2027-01-01", "channel": "mixed", "hype": 50.0, "units": 1215.0, "units_low": 1172.0,
                           "units_high": 1286.0, "revenue": 3646.0, "revenue_low": 3500.0, "revenue_high": 3800.0, "adoption": 0.012, "peak_week": 26, "weekly": [46.7] * 26}],
            "best": "€3 · France", "best_reason": "only one", "segments": segments, "assumptions": []}
    messages = [HumanMessage("simulate a €3 yuzu soda in France"), AIMessage(content="", tool_calls=[call]),
                ToolMessage(content="{}", tool_call_id="call_1", artifact={"data": data}), HumanMessage("what do those people love?")]
    prev = previous_call(messages)
    assert prev is not None and prev.buyers == {"region": "France", "age_min": 45, "age_max": 54}
    d = decide("what do those people love?", prev, None, set(load_tools()))
    assert d.tool == "audience_affinity" and d.args["audience"] == prev.buyers
    assert decide("what do gen z love?", prev, None, set(load_tools())).args["audience"] == {"age_min": 18, "age_max": 29}
