"""The graph through the LLM path (a scripted OpenAI-compatible server) and the fallback to the planner."""
from __future__ import annotations

import socket

from tests.agent.conftest import IsolatedAgent as Agent
from memory.settings import Settings
from tests.agent.fake_openai import fake_openai, tool_call


def llm_settings(settings: Settings, base_url: str) -> Settings:
    return settings.model_copy(update={"llm_base_url": base_url, "llm_model": "fake-model", "llm_timeout_s": 5.0})


def test_llm_path_calls_registry_tools_and_answers_from_results(settings: Settings) -> None:
    def script(body: dict) -> dict:
        if not any(m["role"] == "tool" for m in body["messages"]):
            return tool_call("export_report", '{"format": "json"}')
        return {"content": "Nothing to export yet — ask for an analysis first."}

    with fake_openai(script) as (url, seen):
        with Agent(llm_settings(settings, url)) as agent:
            reply = agent.ask("llm-1", "export the last result as json")
    assert [c.tool for c in reply.tool_calls] == ["export_report"]
    assert reply.tool_calls[0].args == {"format": "json"}
    assert reply.text == "Nothing to export yet — ask for an analysis first."
    assert len(seen) == 2
    first = seen[0]["body"]
    assert first["model"] == "fake-model"
    assert {t["function"]["name"] for t in first["tools"]} >= {"hype_score", "analyze_launch", "export_report"}
    tool_messages = [m for m in seen[1]["body"]["messages"] if m["role"] == "tool"]
    assert "no earlier result" in tool_messages[0]["content"]


def test_malformed_llm_arguments_become_a_readable_tool_error(settings: Settings) -> None:
    def script(body: dict) -> dict:
        tool_msgs = [m for m in body["messages"] if m["role"] == "tool"]
        if not tool_msgs:
            return tool_call("hype_score", '{"subject": ')  # truncated JSON
        return {"content": "Sorry: " + tool_msgs[-1]["content"][:200]}

    with fake_openai(script) as (url, _seen):
        with Agent(llm_settings(settings, url)) as agent:
            reply = agent.ask("llm-2", "hype on delta")
    assert "malformed arguments" in reply.text
    assert reply.tool_calls and not reply.tool_calls[0].ok


def test_schema_violating_llm_arguments_are_refused_by_name(settings: Settings) -> None:
    def script(body: dict) -> dict:
        tool_msgs = [m for m in body["messages"] if m["role"] == "tool"]
        if not tool_msgs:
            return tool_call("hype_score", '{"subject": "Delta", "window_days": -3}')
        return {"content": tool_msgs[-1]["content"]}

    with fake_openai(script) as (url, _seen):
        with Agent(llm_settings(settings, url)) as agent:
            reply = agent.ask("llm-3", "hype on delta")
    assert "window_days" in reply.text


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_endpoint_down_falls_back_to_offline_planner_and_says_so(settings: Settings) -> None:
    down = llm_settings(settings, f"http://127.0.0.1:{_closed_port()}/v1")
    with Agent(down) as agent:
        reply = agent.ask("llm-4", "forecast SKU 85123A for 12 weeks")
    assert reply.notes and "offline planner" in reply.notes[0]
    assert "127.0.0.1" in reply.notes[0]
    assert reply.tool_calls[0].tool == "forecast_demand"
    assert reply.tool_calls[0].args["sku"] == "85123A"


def test_api_key_is_sent_but_never_shown(settings: Settings) -> None:
    secret = "sk-test-SECRET-123"
    with fake_openai(lambda body: {"content": "hello"}) as (url, seen):
        keyed = llm_settings(settings, url).model_copy(update={"llm_api_key": __import__("pydantic").SecretStr(secret)})
        with Agent(keyed) as agent:
            reply = agent.ask("llm-5", "hi")
    assert seen[0]["auth"] == f"Bearer {secret}"
    assert secret not in reply.text and secret not in repr(keyed)
