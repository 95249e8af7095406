"""An OpenAI-compatible Chat Completions stand-in on 127.0.0.1 whose "model" is the offline planner.

WHY: the chat has two brains — the offline planner and any OpenAI-compatible LLM — and the graph
must treat them alike. Pointing the LLM path at this stand-in sends every turn through the real LLM
plumbing (the tool schemas, OpenAI message format in and out, tool calls parsed back, results fed
to the model, the final answer), while the decisions themselves are the planner's: any score
difference against the planner path is then a loss in that plumbing, not a difference in models.
`caeser eval conversation --standin` uses it; a real endpoint is `--llm` with CAESER_LLM_BASE_URL.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.planner.model import OfflinePlanner


def to_messages(body: dict[str, Any]) -> list[BaseMessage]:
    """OpenAI chat messages as LangChain messages (system prompts are the LLM's, not the planner's)."""
    out: list[BaseMessage] = []
    for m in body.get("messages", []):
        role, content = m.get("role"), m.get("content") or ""
        if role == "user":
            out.append(HumanMessage(content if isinstance(content, str) else " ".join(p.get("text", "") for p in content)))
        elif role == "assistant":
            calls = [{"name": c["function"]["name"], "args": json.loads(c["function"]["arguments"] or "{}"), "id": c["id"], "type": "tool_call"} for c in m.get("tool_calls") or []]
            out.append(AIMessage(content=content or "", tool_calls=calls))
        elif role == "tool":
            out.append(ToolMessage(content=content, tool_call_id=m.get("tool_call_id", ""), name=m.get("name")))
    return out


def completion(planner: OfflinePlanner, body: dict[str, Any]) -> dict[str, Any]:
    reply = planner.respond(to_messages(body))
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.tool_calls:
        message["tool_calls"] = [{"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": json.dumps(c["args"])}} for c in reply.tool_calls]
    return {"id": "chatcmpl-standin", "object": "chat.completion", "created": 0, "model": "caeser-planner-standin",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}


@contextmanager
def planner_standin(planner: OfflinePlanner) -> Iterator[str]:
    """Serve the stand-in on a free loopback port for the life of the block; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            payload = json.dumps(completion(planner, body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:  # quiet: the eval prints its own report
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
