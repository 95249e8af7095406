"""A fresh install over MCP: `caeser serve mcp --transport http` on an empty CAESER_HOME (a small data
dir) starts the missing build when it starts; the official `mcp` SDK client's first `suggest_queries`
is answered at once from query popularity, and the same call later from the full index."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bots.test_mcp_http import TOKEN, connected
from tests.cadence_data import write_small_data
from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else proc.returncode
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the MCP server did not start listening")


@pytest.mark.slow
async def test_first_suggest_queries_call_is_answered_while_the_index_builds(tmp_path: Path) -> None:
    home, port = tmp_path / "home", _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAESER_")}
    env.update(CAESER_HOME=str(home), CAESER_DATA_DIR=str(write_small_data(tmp_path / "data", n_products=300)),
               CAESER_MCP_TOKENS=TOKEN, PYTHONPATH=str(REPO))
    server = subprocess.Popen([sys.executable, "-m", "bots.cli", "serve", "mcp", "--transport", "http", "--port", str(port)],
                              cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_port(port, server)
        status = json.loads((home / "build" / "status.json").read_text())
        assert status["steps"] == ["cadence"]  # the server started the build before any call
        async with connected(f"http://127.0.0.1:{port}/mcp") as client:
            first = await client.call_tool("suggest_queries", {"prefix": "wo", "k": 5})
            assert not first.is_error, first.content[0].text
            out = first.structured_content
            if out["source"].startswith("query popularity"):  # the usual case: the build is still running
                assert [s["text"] for s in out["data"]["suggestions"] if s["source"] == "log"] == ["wooden train", "wooden train set"]
                assert "Building the search and suggestion indexes" in out["summary"]
            deadline = time.monotonic() + 240
            while not out["source"].startswith("CADENCE prefix index"):
                assert time.monotonic() < deadline, out["summary"]
                time.sleep(1.0)
                later = await client.call_tool("suggest_queries", {"prefix": "wo", "k": 5})
                assert not later.is_error, later.content[0].text
                out = later.structured_content
            assert len(out["data"]["suggestions"]) == 5 and "Building" not in out["summary"]
    finally:
        server.terminate()
        server.wait(timeout=30)
