"""The MCP front door under attack: tenants kept apart over HTTP (official SDK client, two tokens),
strict argument schemas, honest annotations, progress from any thread, DNS-rebinding guard and
stdio answering every line. Offline: the data directory is empty."""
from __future__ import annotations

import json
import select
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path

import httpx2
import pytest
from fastmcp import Client
from pydantic import BaseModel, Field, SecretStr

from bots.mcp_auth import token_label
from bots.mcp_server import build_server
from memory.owner import Owner
from memory.results import save_result
from memory.settings import Settings
from memory.watches import upsert_watch
from tests.bots.test_mcp_http import ACCEPT, connected, live, rpc, stdio_env
from tests.conftest import REPO
from tools.base import ToolContext, ToolOutput
from tools.registry import ToolSpec, load_tools

TOKEN_A, TOKEN_B = "tenant-a-token-0123456789", "tenant-b-token-9876543210"
OWNER_A = Owner.mcp(token_label(TOKEN_A))


@pytest.fixture
def offline(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"data_dir": tmp_path / "no-data", "mcp_tokens": SecretStr(f"{TOKEN_A},{TOKEN_B}")})


class NoteInput(BaseModel):
    text: str = Field(default="hello", max_length=100)


def note_tool(inp: NoteInput, ctx: ToolContext) -> ToolOutput:
    """A stored result with a table, so export_report has something of A's to export."""
    return ToolOutput(summary=f"noted {inp.text}", data={"rows": [{"text": inp.text}]}, source="test")


@pytest.fixture
def noted(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ToolSpec("note_tool", "Stores a note.", NoteInput, ToolOutput, note_tool, engine="test")
    monkeypatch.setitem(load_tools(), spec.name, spec)


def texts(result) -> str:
    return " ".join(getattr(b, "text", "") for b in result.content)


async def test_token_b_can_neither_list_read_nor_export_what_token_a_made(offline: Settings, noted) -> None:
    save_result(offline, owner=OWNER_A, result_id="build_person-a1", tool="build_personas", thread_id=None, arguments={"product": "shoe"},
                output={"summary": "A's personas", "source": "t"}, summary="A's personas")
    upsert_watch(offline, owner=OWNER_A, subject="stanley", display="Stanley", channel="slack:#a-team", threshold=70, direction="above", window_days=7, create=True)
    with live(offline) as url:
        async with connected(url, TOKEN_A) as a:
            made = await a.call_tool("note_tool", {"text": "secret plan"})
            result_id = made.structured_content["result_id"]
            exported = await a.call_tool("export_report", {"result_id": result_id, "format": "csv"})
            link = next(b for b in exported.content if b.type == "resource_link")
            own = {"result": (await a.read_resource(f"caeser://results/{result_id}")).contents[0].text,
                   "file": (await a.read_resource(str(link.uri))).contents[0].text,
                   "watches": (await a.call_tool("list_watches", {})).structured_content["data"],
                   "personas": json.loads((await a.read_resource("caeser://personas")).contents[0].text)["persona_sets"]}
        async with connected(url, TOKEN_B) as b:
            b_export = await b.call_tool("export_report", {"result_id": result_id, "format": "json"})
            b_latest = await b.call_tool("export_report", {"format": "json"})
            b_watches = await b.call_tool("list_watches", {})
            b_watch_resource = json.loads((await b.read_resource("caeser://watches")).contents[0].text)
            b_personas = json.loads((await b.read_resource("caeser://personas")).contents[0].text)
            refused = []
            for uri in (f"caeser://results/{result_id}", str(link.uri), "caeser://results/build_person-a1"):
                try:
                    await b.read_resource(uri)
                except Exception as exc:  # noqa: BLE001 - the SDK raises McpError
                    refused.append(str(exc))
    # A sees its own things (so B's empty answers are scoping, not failure)
    assert "secret plan" in own["result"] and "secret plan" in own["file"]
    assert [w["channel"] for w in own["watches"]] == ["slack:#a-team"] and [p["result_id"] for p in own["personas"]] == ["build_person-a1"]
    # B gets nothing of A's
    assert b_export.is_error and texts(b_export) == f"No stored result has the id {result_id!r}."
    assert b_latest.is_error and "no earlier result" in texts(b_latest)
    assert b_watches.structured_content["data"] == [] and b_watch_resource["data"] == []
    assert b_personas == {"persona_sets": []}
    assert len(refused) == 3 and not any("secret plan" in r for r in refused)
    # and no server path reaches a remote client
    assert str(offline.home) not in json.dumps(exported.structured_content) + own["result"]
    assert exported.structured_content["files"] == [str(link.uri)]


async def test_admin_scope_is_explicit(offline: Settings, noted) -> None:
    from bots.mcp_auth import build_auth

    settings = offline.model_copy(update={"mcp_tokens": SecretStr(TOKEN_A)})
    save_result(settings, owner=OWNER_A, result_id="hype_score-adm1", tool="hype_score", thread_id=None, arguments={}, output={"summary": "A", "source": "t"}, summary="A")
    auth = build_auth(settings, {"CAESER_MCP_ADMIN_TOKENS": "admin-token-0123456789"})
    from bots.mcp_http import HttpLimits, build_http_app
    from tests.bots.test_mcp_http import serving_in_thread

    with serving_in_thread(build_http_app(build_server(settings, auth=auth), HttpLimits())) as url:
        async with connected(url, "admin-token-0123456789") as admin:
            text = (await admin.read_resource("caeser://results/hype_score-adm1")).contents[0].text
    assert json.loads(text)["output"]["summary"] == "A"


MISSPELT = [
    ("audience_affinity", {"audience": {"regoin": "UK"}}, "audience.regoin"),
    ("search_products", {"query": "toy", "filters": {"max_prise": 5}}, "filters.max_prise"),
    ("simulate_launch", {"product": "x", "scenarios": [{"prise": 5}]}, "scenarios.0.prise"),
    ("analyze_launch", {"product": "x", "audience": {"age_mni": 20}}, "audience.age_mni"),
    ("hype_score", {"subjetc": "x"}, "subjetc"),
]
REFUSED = [
    ("audience_affinity", {"take": True}, "take"),  # true is not a number
    ("build_personas", {"product": "x", "seed": -1}, "seed"),
    ("simulate_launch", {"product": "x", "seed": 2**40}, "seed"),
    ("list_watches", {"include_alerts": "yes"}, "include_alerts"),  # nor "yes" a boolean
    ("search_products", {"query": "toy", "filters": {"max_price": 1e12}}, "filters.max_price"),
    ("hype_score", {"subject": "x" * 1_000_000}, "subject"),
    ("forecast_demand", {"description": "y" * 5000}, "description"),
]


@pytest.mark.parametrize("tool,arguments,key", MISSPELT + REFUSED, ids=[f"{t}:{k}" for t, _, k in MISSPELT + REFUSED])
async def test_bad_arguments_are_refused_naming_the_key(offline: Settings, tool: str, arguments: dict, key: str) -> None:
    async with Client(build_server(offline)) as client:
        result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert result.is_error and result.meta["caeser/error"]["code"] == "invalid_argument"
    assert f"`{key}`" in texts(result) and len(texts(result)) < 1000  # named, and a huge value is not echoed back


def schema_properties(schema: dict, defs: dict, path: str):
    for name, prop in schema.get("properties", {}).items():
        yield f"{path}.{name}", prop
        for option in [prop, *prop.get("anyOf", []), prop.get("items") or {}]:
            ref = option.get("$ref") or (option.get("items") or {}).get("$ref")
            if ref:
                yield from schema_properties(defs[ref.split("/")[-1]], defs, f"{path}.{name}")


def test_every_parameter_is_described_exemplified_and_bounded() -> None:
    problems: list[str] = []
    for spec in load_tools().values():
        schema = spec.input_model.model_json_schema()
        defs = schema.get("$defs", {})
        problems += [f"{spec.name}: {d.get('title')} allows unknown keys" for d in [schema, *defs.values()] if d.get("additionalProperties") is not False]
        for path, prop in schema_properties(schema, defs, spec.name):
            problems += [f"{path}: no {k}" for k in ("description", "examples") if k not in prop]
            for option in [prop, *prop.get("anyOf", []), prop.get("items") or {}]:
                kind = option.get("type")
                if kind == "string" and "maxLength" not in option and "enum" not in option:
                    problems.append(f"{path}: string without maxLength")
                if kind in ("integer", "number") and not ({"minimum", "exclusiveMinimum"} & set(option) and {"maximum", "exclusiveMaximum"} & set(option)):
                    problems.append(f"{path}: unbounded number")
                if kind == "array" and "maxItems" not in option:
                    problems.append(f"{path}: array without maxItems")
    assert problems == []


async def test_annotations_and_server_version(offline: Settings) -> None:
    async with Client(build_server(offline)) as client:
        tools = {t.name: t.annotations for t in await client.list_tools()}
        info = client.server_info
    assert info.name == "caeser" and info.version == version("caeser")
    assert tools["hype_score"].read_only_hint is True and tools["list_watches"].read_only_hint is True
    for writer in ("build_personas", "analyze_launch", "export_report", "record_engagement", "watch_hype"):
        assert tools[writer].read_only_hint is False, writer
    assert tools["watch_hype"].destructive_hint is True and tools["build_personas"].destructive_hint is False


def threaded_tool(inp: NoteInput, ctx: ToolContext) -> ToolOutput:
    """Reports progress from a plain thread it starts, as analyze_launch does per engine."""
    errors: list[BaseException] = []

    def engine() -> None:
        try:
            for i in range(3):
                ctx.report(i / 3, f"engine step {i + 1}")
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            errors.append(exc)

    worker = threading.Thread(target=engine)
    worker.start()
    worker.join()
    return ToolOutput(summary=f"errors: {[type(e).__name__ for e in errors]}", source="test")


async def test_progress_works_from_any_thread(offline: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ToolSpec("threaded_tool", "Progress from a thread.", NoteInput, ToolOutput, threaded_tool, engine="test", store=False)
    monkeypatch.setitem(load_tools(), spec.name, spec)
    seen: list[str | None] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with Client(build_server(offline, specs=[spec])) as client:
        result = await client.call_tool("threaded_tool", {}, progress_handler=on_progress)
    assert result.structured_content["summary"] == "errors: []"
    assert seen == ["engine step 1", "engine step 2", "engine step 3"]


async def test_host_and_origin_are_checked_against_dns_rebinding(offline: Settings) -> None:
    with live(offline) as url:
        port = url.split(":")[2].split("/")[0]
        async with httpx2.AsyncClient(headers={**ACCEPT, "Authorization": f"Bearer {TOKEN_A}"}) as http:
            rebound = await http.post(url, json=rpc("tools/list"), headers={"Host": f"attacker.example:{port}"})
            foreign = await http.post(url, json=rpc("tools/list"), headers={"Origin": "https://attacker.example"})
            local = await http.post(url, json=rpc("tools/list"), headers={"Origin": f"http://localhost:{port}"})
    assert rebound.status_code == 421 and foreign.status_code == 403 and local.status_code == 200


@pytest.mark.slow  # a subprocess importing every engine: ~10 s of CPU
def test_stdio_answers_every_line(offline: Settings) -> None:
    server = subprocess.Popen([sys.executable, "-m", "bots.cli", "serve", "mcp", "--transport", "stdio"], cwd=str(REPO), env=stdio_env(offline),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def ask(line: bytes, timeout: float = 60) -> dict:
        server.stdin.write(line + b"\n")
        server.stdin.flush()
        ready, _, _ = select.select([server.stdout], [], [], timeout)
        assert ready, f"no answer to {line[:60]!r}"
        return json.loads(server.stdout.readline())

    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    bad = [b"not json", b"[1, 2]", b'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"hype_score","arguments":{"subject":"\\ud800"}}}', b"\xff\xfe"]
    try:
        hello = ask(json.dumps(init).encode())
        errors = [(a["id"], a["error"]["code"]) for a in map(ask, bad)]
        tools = ask(json.dumps(rpc("tools/list", id=9)).encode())
    finally:
        server.kill()
        server.wait(10)
    assert errors == [(None, -32700), (None, -32600), (7, -32700), (None, -32700)]  # each bad line answered, the surrogate's request by its id
    assert hello["result"]["serverInfo"]["version"] == version("caeser") and len(tools["result"]["tools"]) == len(load_tools())


@pytest.mark.slow  # two launch readouts (~10 s each)
async def test_analyze_launch_over_mcp_answers_with_every_engine_that_answers_in_process(settings: Settings, tmp_path: Path) -> None:
    """The persona engine reports progress from the readout's own worker threads: over MCP it must
    answer exactly as in-process (it used to die there with NoEventLoopError)."""
    import shutil

    from tests.tools.launch.test_analyze import REQUEST, SHARED
    from tools.registry import run_tool

    if not SHARED.is_dir():
        pytest.skip("the shared affinity surveys are not present")
    data = tmp_path / "data"
    shutil.copytree(SHARED, data / "affinity")
    local = settings.model_copy(update={"data_dir": data, "database_url": None})
    request = {**REQUEST, "budget_s": 120}  # a loaded test machine must not turn a slow engine into a missing one
    in_process = run_tool("analyze_launch", request, ToolContext(settings=local, progress=lambda _f, _m: None))
    seen: list[str | None] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with Client(build_server(local)) as client:
        over_mcp = await client.call_tool("analyze_launch", request, progress_handler=on_progress)
    answered = {s.key for s in in_process.data.sections if s.status == "ok"}
    assert "persona" in answered, [(s.key, s.reason) for s in in_process.data.sections]
    assert {s["key"] for s in over_mcp.structured_content["data"]["sections"] if s["status"] == "ok"} == answered
    assert not any("EventLoop" in (s["reason"] or "") for s in over_mcp.structured_content["data"]["sections"])
    assert seen  # progress reached the client
