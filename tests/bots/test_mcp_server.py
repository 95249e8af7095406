"""The MCP server through fastmcp's in-memory client: every registry tool (schema, a real call, an
error case), results as structured content plus text/images/links, progress, cancellation,
resources and prompts. Offline: the data directory is empty, so tools answer fast with either a
result or a readable error."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import jsonschema
import pytest
from fastmcp import Client
from pydantic import BaseModel, Field

from bots.mcp_server import build_server
from memory.owner import Owner
from memory.results import save_result
from memory.settings import Settings
from tools.base import Chart, ToolContext, ToolOutput
from tools.registry import ToolSpec, load_tools

# Valid arguments for every public tool; a new tool must be added here (see test_every_tool_is_sampled).
SAMPLE_ARGS: dict[str, dict] = {
    "audience_affinity": {"audience": {"region": "North America", "age_max": 34}, "domain": "music", "take": 5},
    "compare_audiences": {"items": ["sneakers", "vinyl"], "audiences": [{"age_max": 34}, {"age_min": 55}]},
    "hype_score": {"subject": "Virgin America", "window_days": 7},
    "watch_hype": {"subject": "Virgin America", "threshold": 60, "channel": "slack:#alerts"},
    "list_watches": {},
    "forecast_demand": {"sku": "85123A", "horizon": 8},
    "simulate_launch": {"product": "trail shoe", "scenarios": [{"price": 129, "region": "Europe"}], "population": 1000, "weeks": 8},
    "build_personas": {"product": "trail shoe", "count": 3},
    "suggest_queries": {"prefix": "wa", "k": 5},
    "search_products": {"query": "wooden toy train", "k": 5},
    "record_engagement": {"user_id": "u1", "action": "click", "item_id": "85123A", "rank": 1},
    "analyze_launch": {"product": "trail shoe", "horizon": 8},
    "export_report": {"format": "json"},
    "start_experiment": {"variants": ["plain", "personalised"], "traffic": 0.5},
    "experiment_results": {},
    "stop_experiment": {},
    "shopper_analytics": {"segment_by": "activity"},
}
SAMPLE_ARGS["manage_data"] = {"action": "list"}
SAMPLE_ARGS["schedule_report"] = {"action": "list"}

# One schema violation per tool, and the argument the error must name.
BAD_ARGS: dict[str, tuple[dict, str]] = {
    "audience_affinity": ({"take": 500}, "take"),
    "compare_audiences": ({"items": [], "audiences": [{}, {}]}, "items"),
    "hype_score": ({"subject": ""}, "subject"),
    "watch_hype": ({"subject": "x", "threshold": 250}, "threshold"),
    "list_watches": ({"subject": {"nested": True}}, "subject"),
    "forecast_demand": ({"sku": "85123A", "horizon": 0}, "horizon"),
    "simulate_launch": ({"product": "x", "population": -5}, "population"),
    "build_personas": ({"product": "x", "count": "many"}, "count"),
    "suggest_queries": ({"prefix": "wa", "k": 1000}, "k"),
    "search_products": ({"k": 5}, "query"),
    "record_engagement": ({"user_id": "u1", "action": "teleport", "item_id": "1"}, "action"),
    "analyze_launch": ({"product": "x", "price": -1}, "price"),
    "export_report": ({"format": "docx"}, "format"),
    "start_experiment": ({"traffic": 2}, "traffic"),
    "experiment_results": ({"experiment_id": 7}, "experiment_id"),
    "stop_experiment": ({"reason": ["x"]}, "reason"),
    "shopper_analytics": ({"since": "yesterday-ish"}, "since"),
}
BAD_ARGS["manage_data"] = ({"action": "teleport"}, "action")
BAD_ARGS["schedule_report"] = ({"action": "explode"}, "action")
ERROR_CODES = {"not_available", "invalid_argument", "not_found", "upstream_error", "permission_denied", "internal"}


@pytest.fixture
def offline(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with an empty data directory: every tool answers in milliseconds."""
    return settings.model_copy(update={"data_dir": tmp_path / "no-data"})


def assert_readable(text: str) -> None:
    assert text and "Traceback" not in text and 'File "' not in text and "Error calling tool" not in text, text


def test_every_tool_is_sampled() -> None:
    assert set(SAMPLE_ARGS) == set(load_tools()) == set(BAD_ARGS)


async def test_lists_every_registry_tool_with_its_schemas(offline: Settings) -> None:
    async with Client(build_server(offline)) as client:
        listed = {t.name: t for t in await client.list_tools()}
    specs = load_tools()
    assert list(listed) == list(specs)
    for name, spec in specs.items():
        tool = listed[name]
        assert tool.description == spec.description
        generated = spec.input_model.model_json_schema()  # fastmcp inlines its $refs when listing
        assert set(tool.input_schema["properties"]) == set(generated["properties"])
        assert tool.input_schema.get("required", []) == generated.get("required", [])
        assert tool.output_schema["type"] == "object" and {"summary", "source"} <= set(tool.output_schema["properties"])
        jsonschema.validate(SAMPLE_ARGS[name], tool.input_schema)


@pytest.mark.parametrize("name", list(SAMPLE_ARGS))
async def test_a_valid_call_gets_a_result_or_a_readable_tool_error(offline: Settings, name: str) -> None:
    async with Client(build_server(offline)) as client:
        output_schema = next(t for t in await client.list_tools() if t.name == name).output_schema
        result = await client.call_tool(name, SAMPLE_ARGS[name], raise_on_error=False)
    assert_readable(result.content[0].text)
    if result.is_error:
        assert result.meta["caeser/error"]["code"] in ERROR_CODES
        assert result.meta["caeser/error"]["tool"] == name
    else:
        jsonschema.validate(result.structured_content, output_schema)
        assert result.content[0].text.startswith(result.structured_content["summary"])


@pytest.mark.parametrize("name", list(BAD_ARGS))
async def test_schema_violations_are_readable_tool_errors(offline: Settings, name: str) -> None:
    arguments, field = BAD_ARGS[name]
    async with Client(build_server(offline)) as client:
        result = await client.call_tool(name, arguments, raise_on_error=False)
    assert result.is_error
    assert_readable(result.content[0].text)
    assert f"`{field}`" in result.content[0].text
    assert result.meta["caeser/error"]["code"] == "invalid_argument"


async def test_export_report_succeeds_on_a_stored_result(offline: Settings) -> None:
    save_result(offline, owner=Owner.cli(), result_id="hype_score-abc123", tool="hype_score", thread_id="t", arguments={"subject": "X"},
                output={"summary": "X is hot.", "data": {"timeline": [{"date": "2015-02-01", "posts": 3}]}, "source": "test"}, summary="X is hot.")
    async with Client(build_server(offline)) as client:
        result = await client.call_tool("export_report", {"result_id": "hype_score-abc123", "format": "csv"})
        assert result.structured_content["data"]["exported_result_id"] == "hype_score-abc123"
        links = [b for b in result.content if b.type == "resource_link"]
        assert [str(link.uri) for link in links] == [f"caeser://exports/{Path(p).name}" for p in result.structured_content["files"]]
        exported = await client.read_resource(str(links[0].uri))
        assert exported[0].text.splitlines()[0] == "date,posts"
        stored = await client.read_resource("caeser://results/hype_score-abc123")
        assert '"X is hot."' in stored[0].text


async def test_unknown_tools_and_missing_results_are_readable(offline: Settings) -> None:
    async with Client(build_server(offline)) as client:
        unknown = await client.call_tool("no_such_tool", {}, raise_on_error=False)
        missing = await client.call_tool("export_report", {"result_id": "nope", "format": "json"}, raise_on_error=False)
        with pytest.raises(Exception, match="No stored result"):
            await client.read_resource("caeser://results/nope")
        with pytest.raises(Exception, match="no file"):
            await client.read_resource("caeser://exports/caeser.sqlite")
        for escape in ("..", "..%2Fcaeser.sqlite"):  # never resolved outside the exports directory
            with pytest.raises(Exception, match="not found"):
                await client.read_resource(f"caeser://exports/{escape}")
    assert unknown.is_error and "no_such_tool" in unknown.content[0].text
    assert missing.is_error and missing.content[0].text == "No stored result has the id 'nope'."


# --- a fake long tool: progress, cancellation, charts and files -----------------------------------

class SlowInput(BaseModel):
    steps: int = Field(default=5, ge=1, le=1000)
    delay: float = Field(default=0.01, ge=0, le=1)


class SlowTool:
    """Reports progress every step; records how far it got, so cancellation can be observed."""

    def __init__(self, tmp: Path):
        self.tmp, self.done_steps, self.stopped = tmp, 0, threading.Event()

    def __call__(self, inp: SlowInput, ctx: ToolContext) -> ToolOutput:
        try:
            for step in range(inp.steps):
                ctx.report(step / inp.steps, f"step {step + 1} of {inp.steps}")
                time.sleep(inp.delay)
                self.done_steps = step + 1
        finally:
            self.stopped.set()
        chart = self.tmp / "chart.png"
        chart.write_bytes(b"\x89PNG\r\n\x1a\nfake")
        export = self.tmp / "out.csv"
        export.write_text("a,b\n1,2\n")
        return ToolOutput(summary=f"Did {inp.steps} steps.", data={"steps": inp.steps}, charts=[Chart(path=str(chart), title="Steps")],
                          files=[str(export)], source="test")


@pytest.fixture
def slow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SlowTool, ToolSpec]:
    """A test tool in the registry for this test only (run_tool looks tools up there)."""
    tool = SlowTool(tmp_path)
    spec = ToolSpec("slow_tool", "A slow test tool.", SlowInput, ToolOutput, tool, engine="test", store=False)
    monkeypatch.setitem(load_tools(), spec.name, spec)
    return tool, spec


async def test_progress_is_reported_and_charts_come_back_as_images(offline: Settings, slow) -> None:
    tool, spec = slow
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(build_server(offline, specs=[spec])) as client:
        result = await client.call_tool("slow_tool", {"steps": 4}, progress_handler=on_progress)
    assert [m for _, _, m in seen] == [f"step {i} of 4" for i in range(1, 5)]
    assert [p for p, _, _ in seen] == [0.0, 0.25, 0.5, 0.75] and all(t == 1.0 for _, t, _ in seen)
    kinds = [b.type for b in result.content]
    assert kinds == ["text", "image", "resource_link"]
    assert result.content[1].mime_type == "image/png"
    assert result.structured_content["data"] == {"steps": 4}


async def test_a_cancelled_call_stops_the_worker(offline: Settings, slow) -> None:
    tool, spec = slow
    started = asyncio.Event()

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        started.set()

    async with Client(build_server(offline, specs=[spec])) as client:
        call = asyncio.create_task(client.call_tool("slow_tool", {"steps": 1000, "delay": 0.01}, progress_handler=on_progress))
        await asyncio.wait_for(started.wait(), 10)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert await asyncio.to_thread(tool.stopped.wait, 10)
        assert tool.done_steps < 1000
        # the server keeps serving after a cancellation
        assert (await client.call_tool("slow_tool", {"steps": 1})).structured_content["summary"] == "Did 1 steps."


async def test_resources_answer_even_where_engines_have_not_landed(offline: Settings) -> None:
    save_result(offline, owner=Owner.cli(), result_id="build_person-p1", tool="build_personas", thread_id=None, arguments={"product": "shoe"},
                output={"summary": "4 personas.", "source": "test"}, summary="4 personas.")
    async with Client(build_server(offline)) as client:
        uris = {str(r.uri) for r in await client.list_resources()}
        templates = {t.uri_template for t in await client.list_resource_templates()}
        read = {uri: json.loads((await client.read_resource(uri))[0].text) for uri in ("caeser://watches", "caeser://personas", "caeser://catalog/categories")}
    assert {"caeser://watches", "caeser://personas", "caeser://catalog/categories"} <= uris
    assert {"caeser://results/{result_id}", "caeser://exports/{name}", "caeser://charts/{name}"} <= templates
    assert "summary" in read["caeser://watches"] or read["caeser://watches"]["available"] is False
    assert [s["uri"] for s in read["caeser://personas"]["persona_sets"]] == ["caeser://results/build_person-p1"]
    assert read["caeser://catalog/categories"] == {"available": False, "message": "The catalog categories are made by `caeser build`, which has not been run yet."}


async def test_prompts(offline: Settings) -> None:
    async with Client(build_server(offline)) as client:
        names = {p.name for p in await client.list_prompts()}
        assert names == {"launch_analysis", "weekly_hype_review", "audience_deep_dive"}
        launch = await client.get_prompt("launch_analysis", {"product": "Trail shoe", "audience": "women 25-34 in the UK"})
        review = await client.get_prompt("weekly_hype_review", {"subjects": "Delta, United"})
        dive = await client.get_prompt("audience_deep_dive", {"audience": "Gen Z", "domain": "music"})
    assert "analyze_launch" in launch.messages[0].content.text and "Trail shoe" in launch.messages[0].content.text
    assert "hype_score" in review.messages[0].content.text and "Delta, United" in review.messages[0].content.text
    assert "audience_affinity" in dive.messages[0].content.text
