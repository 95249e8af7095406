"""The experiment acceptance over MCP: an LLM client starts the suggestion test, a storefront's
traffic arrives, the client asks how it is doing (a readout with a chart image) from a server
built again (a restart), and stops it."""
from __future__ import annotations

import uuid

from fastmcp import Client
from mcp_types import ImageContent

from bots.mcp_server import build_server
from memory.db import session_scope
from memory.engagement import NewEvent, append_events
from memory.experiments import log_exposure
from memory.owner import Owner
from memory.settings import Settings
from memory.tables import ExperimentRow
from tools.experiments.serving import arm_for, forget_cache


async def test_start_read_after_restart_and_stop_over_mcp(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        started = await client.call_tool("start_experiment", {"variants": ["plain", "personalised"], "traffic": 0.5})
    exp = started.structured_content["data"]["experiment"]
    assert exp["traffic"] == 0.5 and "50% of shoppers" in started.content[0].text
    owner = stored_owner(settings, exp["experiment_id"])  # the tenant the MCP caller is (bots/mcp_caller.py)
    forget_cache()
    tag = uuid.uuid4().hex[:6]
    events = []
    for i in range(120):
        user = f"{tag}-{i}"
        arm = arm_for(settings, owner, "suggest", user)
        if arm:
            log_exposure(settings, owner, exp["experiment_id"], user, arm.variant)
            events.append(NewEvent(event_id=f"{user}-c", user_id=user, action="click", item_id="wa", item_kind="suggestion"))
    append_events(settings, owner, events)
    async with Client(build_server(settings)) as client:
        result = await client.call_tool("experiment_results", {})
        assert result.structured_content["data"]["experiment"]["experiment_id"] == exp["experiment_id"]
        assert sum(v["users"] for v in result.structured_content["data"]["analysis"]["variants"]) == len(events)
        assert any(isinstance(block, ImageContent) for block in result.content)
        stopped = await client.call_tool("stop_experiment", {})
        assert stopped.structured_content["data"]["experiment"]["status"] == "stopped"
    forget_cache()


def stored_owner(settings: Settings, experiment_id: str) -> Owner:
    with session_scope(settings) as session:
        row = session.get(ExperimentRow, experiment_id)
    assert row is not None
    kind, _, ident = row.owner.partition(":")
    return Owner(kind=kind, id=ident)  # type: ignore[arg-type]
