"""MCP over streamable HTTP against a live server on 127.0.0.1, through the official `mcp` SDK client:
every tool listed, calls answered, no token → 401, JWTs, rate and size limits, a few hundred
malformed or schema-violating messages answered one by one while the server keeps serving; and
the stdio transport as `caeser serve mcp` runs it."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx2
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from pydantic import BaseModel, Field, SecretStr
from starlette.applications import Starlette

from bots import mcp_server
from bots.mcp_auth import AuthNotConfigured, build_auth, token_label
from bots.mcp_http import MCP_PATH, HttpLimits, TokenBuckets, build_http_app
from bots.mcp_server import build_server
from memory.owner import Owner
from memory.results import save_result
from memory.settings import Settings
from tests.conftest import REPO
from tools.base import ToolContext, ToolOutput
from tools.registry import ToolSpec, load_tools

TOKEN = "test-token-0123456789"
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture
def offline(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"data_dir": tmp_path / "no-data", "mcp_tokens": SecretStr(f"{TOKEN},other-token")})


@contextmanager
def serving_in_thread(app: Starlette, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` on a free port of `host` in a background thread; yields the MCP URL and always
    stops the server on exit (tests leave nothing running)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="mcp-http", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the MCP HTTP server did not start")
            time.sleep(0.02)
        yield f"http://{host}:{sock.getsockname()[1]}{MCP_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def live(settings: Settings, limits: HttpLimits = HttpLimits(), environ: dict[str, str] | None = None):
    return serving_in_thread(build_http_app(build_server(settings, auth=build_auth(settings, environ or {})), limits))


@pytest.fixture
def url(offline: Settings) -> Iterator[str]:
    with live(offline) as address:
        yield address


@asynccontextmanager
async def connected(url: str, token: str | None = TOKEN) -> AsyncIterator[ClientSession]:
    """An initialized official-SDK client session over streamable HTTP."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with create_mcp_http_client(headers=headers) as http, streamable_http_client(url, http_client=http) as (read, write), \
            ClientSession(read, write) as client:
        await client.initialize()
        yield client


def rpc(method: str, params: dict | None = None, id: int = 1) -> dict:
    return {"jsonrpc": "2.0", "id": id, "method": method, **({"params": params} if params is not None else {})}


def answer(response: httpx2.Response) -> dict:
    """The JSON-RPC message of a response, whether it came as JSON or as one SSE event."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line.removeprefix("data:").strip() for line in response.text.splitlines() if line.startswith("data:")]
        return json.loads(data[-1])
    return response.json()


async def test_official_client_lists_every_tool_and_gets_answers(url: str, offline: Settings) -> None:
    save_result(offline, owner=Owner.mcp(token_label(TOKEN)), result_id="hype_score-live1", tool="hype_score", thread_id=None, arguments={}, output={"summary": "ok", "source": "t"}, summary="ok")
    async with connected(url) as client:
        tools = (await client.list_tools()).tools
        assert [t.name for t in tools] == list(load_tools()) and len(tools) == 19  # 15 + start_experiment, experiment_results, stop_experiment, shopper_analytics
        suggested = await client.call_tool("suggest_queries", {"prefix": "wa", "k": 5})
        assert suggested.content[0].text and (suggested.is_error or suggested.structured_content["summary"])
        exported = await client.call_tool("export_report", {"result_id": "hype_score-live1", "format": "json"})
        assert not exported.is_error and exported.structured_content["data"]["exported_result_id"] == "hype_score-live1"
        bad = await client.call_tool("suggest_queries", {"prefix": "", "k": 5})
        assert bad.is_error and "`prefix`" in bad.content[0].text


class StepsInput(BaseModel):
    steps: int = Field(default=3, ge=1, le=10)


def stepping_tool(inp: StepsInput, ctx: ToolContext) -> ToolOutput:
    for step in range(inp.steps):
        ctx.report(step / inp.steps, f"step {step + 1}")
    return ToolOutput(summary=f"{inp.steps} steps", source="test")


async def test_progress_notifications_reach_an_http_client(offline: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ToolSpec("stepping_tool", "Reports progress.", StepsInput, ToolOutput, stepping_tool, engine="test", store=False)
    monkeypatch.setitem(load_tools(), spec.name, spec)
    seen: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    with live(offline) as address:
        async with connected(address) as client:
            result = await client.call_tool("stepping_tool", {"steps": 3}, progress_callback=on_progress)
    assert result.structured_content["summary"] == "3 steps"
    assert [m for _, m in seen] == ["step 1", "step 2", "step 3"] and seen[0][0] == 0.0


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_a_client_without_a_valid_token_is_refused(url: str, token: str | None) -> None:
    with pytest.raises(BaseException):  # the SDK surfaces the 401 as an error (wrapped in an ExceptionGroup)
        async with connected(url, token):
            pass
    async with httpx2.AsyncClient() as http:
        headers = {**ACCEPT, **({"Authorization": f"Bearer {token}"} if token else {})}
        for response in (await http.post(url, json=rpc("tools/list"), headers=headers), await http.get(url.replace("/mcp", "/anything"))):
            assert response.status_code == 401 and "bearer token" in response.json()["error"]["message"]


async def test_jwt_verifier_accepts_signed_tokens_beside_static_ones(offline: Settings) -> None:
    from fastmcp.server.auth.providers.jwt import RSAKeyPair

    keys = RSAKeyPair.generate()
    environ = {"CAESER_MCP_JWT_PUBLIC_KEY": keys.public_key, "CAESER_MCP_JWT_ISSUER": "https://idp.test", "CAESER_MCP_JWT_AUDIENCE": "caeser"}
    good = keys.create_token(subject="ana", issuer="https://idp.test", audience="caeser")
    foreign = keys.create_token(subject="ana", issuer="https://idp.test", audience="someone-else")
    with live(offline, environ=environ) as address:
        async with httpx2.AsyncClient() as http:
            statuses = [(await http.post(address, json=rpc("tools/list"), headers={**ACCEPT, "Authorization": f"Bearer {t}"})).status_code
                        for t in (good, TOKEN, foreign)]
    assert statuses == [200, 200, 401]


CALL = rpc("tools/call", {"name": "export_report", "arguments": {"result_id": "nope", "format": "json"}})


async def test_rate_limit_per_token_counts_tool_calls_and_body_size_limit(offline: Settings) -> None:
    with live(offline, HttpLimits(max_body_bytes=4096, rate_per_minute=6, burst=3)) as address:
        async with httpx2.AsyncClient() as http:
            auth = {**ACCEPT, "Authorization": f"Bearer {TOKEN}"}
            handshakes = [(await http.post(address, json=rpc(m), headers=auth)).status_code for m in ("initialize", "tools/list") * 4]
            statuses = [(await http.post(address, json=CALL, headers=auth)).status_code for _ in range(4)]
            limited = await http.post(address, json=CALL, headers=auth)
            other = await http.post(address, json=CALL, headers={**ACCEPT, "Authorization": "Bearer other-token"})
            big = await http.post(address, content=b" " * 5000, headers={**ACCEPT, "Authorization": "Bearer other-token"})
    assert 429 not in handshakes  # connecting and listing spend nothing
    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1 and "Rate limit" in limited.json()["error"]["message"]
    assert other.status_code == 200  # limits are per token
    assert big.status_code == 413


def test_limits_come_from_the_environment_with_named_errors() -> None:
    assert HttpLimits.from_env({"CAESER_MCP_RATE_LIMIT": "120", "CAESER_MCP_MAX_BODY_BYTES": "2048"}) == HttpLimits(max_body_bytes=2048, rate_per_minute=120)
    with pytest.raises(ValueError, match="CAESER_MCP_RATE_BURST must be a number"):
        HttpLimits.from_env({"CAESER_MCP_RATE_BURST": "lots"})


def test_token_buckets_refill_at_the_steady_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(rate_per_minute=60, burst=2, clock=lambda: now[0])
    assert [buckets.allow("a"), buckets.allow("a")] == [0.0, 0.0]
    assert buckets.allow("a") == pytest.approx(1.0)
    now[0] = 1.0
    assert buckets.allow("a") == 0.0 and buckets.allow("b") == 0.0


JSON_TYPES = {type(None): {"null"}, bool: {"boolean"}, int: {"integer", "number"}, float: {"number"}, str: {"string"}, list: {"array"}, dict: {"object"}}
JUNK = [None, True, 7, 1.5, "x" * 300, [1, {"a": None}], {"$ref": "#"}]


def allowed_types(prop: dict) -> set[str]:
    """The JSON types a property accepts (`$ref`s are models, i.e. objects); empty when untyped."""
    options = prop.get("anyOf", [prop])
    return {o.get("type") or ("object" if "$ref" in o else "") for o in options} - {""}


def wrong_arguments(rng: random.Random, schema: dict) -> dict:
    """One typed property of the tool given a value of a JSON type it does not accept."""
    typed = [(name, allowed_types(prop)) for name, prop in schema["properties"].items() if allowed_types(prop)]
    name, types = rng.choice(typed)
    value = rng.choice([v for v in JUNK if not JSON_TYPES[type(v)] & types])
    return {name: value}


def fuzz_messages(rng: random.Random, n: int) -> list[bytes]:
    """Malformed JSON-RPC (broken JSON, wrong shapes, bad ids, unknown methods) and well-formed tool
    calls whose arguments violate the tool's schema — each must be answered with an error."""
    specs = list(load_tools().values())
    bad_ids = [None, True, 1.5, [], {"a": 1}]
    shapes = [
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64))),
        lambda: json.dumps(rpc("tools/call"))[: rng.randint(1, 30)].encode(),
        lambda: json.dumps(rng.choice(JUNK)).encode(),
        lambda: json.dumps({"jsonrpc": rng.choice(["1.0", 2, None]), "id": 1, "method": "tools/list"}).encode(),
        lambda: json.dumps({"jsonrpc": "2.0", "id": rng.choice(bad_ids), "method": "tools/list"}).encode(),
        lambda: json.dumps(rpc(rng.choice(["nope", "", "tools/nope", "tools/list/x"]))).encode(),
        lambda: json.dumps(rpc("tools/call", rng.choice([None, 7, "x", [1], {"arguments": {}}]))).encode(),
        lambda: json.dumps(rpc("tools/call", {"name": rng.choice(["missing", "", "x" * 300]), "arguments": {}})).encode(),
        lambda: json.dumps(rpc("tools/call", {"name": (spec := rng.choice(specs)).name, "arguments": rng.choice([[], "x", 7])})).encode(),
        lambda: json.dumps(rpc("tools/call", {"name": (spec := rng.choice(specs)).name, "arguments": wrong_arguments(rng, spec.input_model.model_json_schema())})).encode(),
        lambda: json.dumps(rpc("resources/read", {"uri": rng.choice(["caeser://results/" + "x" * 500, "file:///etc/passwd", "caeser://exports/../../x", 5])})).encode(),
        lambda: json.dumps(rpc("prompts/get", {"name": rng.choice(["launch_analysis", "nope"]), "arguments": {"product": rng.choice([None, 7, [1], {}])}})).encode(),
    ]
    return [rng.choice(shapes)() for _ in range(n)]


def is_error_answer(response: httpx2.Response) -> bool:
    """A refusal at the HTTP layer, a JSON-RPC error, or an MCP tool error (isError) — from the MCP
    layer itself, not the gate (no rate limiting) and not a crash (no 5xx)."""
    if response.status_code == 429 or response.status_code >= 500:
        return False
    if response.status_code in (400, 404, 405, 406, 413, 415, 422):
        return True
    if response.status_code == 202:  # a notification-shaped message: accepted, nothing to answer
        return True
    message = answer(response)
    return "error" in message or bool(message.get("result", {}).get("isError"))


async def test_fuzzed_messages_each_get_an_error_and_the_server_keeps_serving(offline: Settings) -> None:
    messages = fuzz_messages(random.Random(8), 300)
    with live(offline, HttpLimits(rate_per_minute=1e6, burst=10_000)) as url:
        async with httpx2.AsyncClient(headers={**ACCEPT, "Authorization": f"Bearer {TOKEN}"}, timeout=30) as http:
            unanswered = [(m, r.status_code, r.text[:200]) for m in messages if not is_error_answer(r := await http.post(url, content=m))]
            tools = answer(await http.post(url, json=rpc("tools/list")))
            call = answer(await http.post(url, json=rpc("tools/call", {"name": "export_report", "arguments": {"result_id": "nope", "format": "json"}})))
    assert unanswered == []
    assert len(tools["result"]["tools"]) == len(load_tools())
    assert call["result"]["isError"] and call["result"]["content"][0]["text"] == "No stored result has the id 'nope'."


def test_build_auth_refuses_to_serve_http_without_credentials(settings: Settings) -> None:
    with pytest.raises(AuthNotConfigured, match="CAESER_MCP_TOKENS"):
        build_auth(settings.model_copy(update={"mcp_tokens": None}), {})
    assert TOKEN not in token_label(TOKEN) and token_label(TOKEN) == token_label(TOKEN)


def test_serve_http_without_tokens_exits_with_a_sentence(monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(mcp_server, "get_settings", lambda: settings.model_copy(update={"mcp_tokens": None}))
    for name in ("CAESER_MCP_JWT_JWKS_URL", "CAESER_MCP_JWT_PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert mcp_server.run(argparse.Namespace(transport="http", host="127.0.0.1", port=0)) == 2
    assert "CAESER_MCP_TOKENS" in capsys.readouterr().err


def stdio_env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "CAESER_HOME": str(settings.home), "CAESER_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(REPO)}


@pytest.mark.slow  # the subprocess imports every engine (torch included): ~10 s of CPU
async def test_stdio_transport_as_the_cli_runs_it(offline: Settings) -> None:
    from fastmcp import Client
    from fastmcp.client.transports import StdioTransport

    transport = StdioTransport(command=sys.executable, args=["-m", "bots.cli", "serve", "mcp", "--transport", "stdio"], env=stdio_env(offline), cwd=str(REPO))
    async with Client(transport) as client:
        assert [t.name for t in await client.list_tools()] == list(load_tools())
        result = await client.call_tool("export_report", {"result_id": "nope", "format": "json"}, raise_on_error=False)
    assert result.is_error and result.content[0].text == "No stored result has the id 'nope'."


def node_major() -> int:
    try:
        return int(subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


@pytest.mark.skipif(shutil.which("npx") is None or node_major() < 22 or not os.environ.get("CAESER_TEST_INSPECTOR"),
                    reason="MCP Inspector CLI needs Node >= 22, npx and network (set CAESER_TEST_INSPECTOR=1)")
def test_mcp_inspector_cli_lists_the_stdio_tools(offline: Settings) -> None:
    done = subprocess.run(["npx", "-y", "@modelcontextprotocol/inspector", "--cli", sys.executable, "-m", "bots.cli", "serve", "mcp", "--method", "tools/list"],
                          capture_output=True, text=True, timeout=300, env=stdio_env(offline), cwd=str(REPO))
    assert done.returncode == 0, done.stderr[-2000:]
    assert {t["name"] for t in json.loads(done.stdout)["tools"]} == set(load_tools())
