"""What the offline planner reads back from the thread's messages."""
from __future__ import annotations

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
