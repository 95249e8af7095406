"""`caeser chat --once` holds a thread across invocations and prints chart/file paths."""
from __future__ import annotations

from pathlib import Path

import pytest

from bots.cli import main
from memory.settings import get_settings


@pytest.fixture
def chat_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CAESER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CAESER_DATA_DIR", str(tmp_path / "no-data"))
    monkeypatch.delenv("CAESER_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("CAESER_LLM_API_KEY", raising=False)
    monkeypatch.delenv("CAESER_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_once_with_a_thread_continues_the_conversation(chat_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "--once", "what's the hype on Virgin America over the last 30 days?", "--thread", "cli-t"]) == 0
    assert main(["chat", "--once", "now Delta", "--thread", "cli-t"]) == 0
    out = capsys.readouterr().out
    assert '→ hype_score {"subject": "Delta", "window_days": 30}' in out


def test_empty_message_gets_a_reply_not_a_crash(chat_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "--once", "", "--thread", "cli-empty"]) == 0
    assert "empty" in capsys.readouterr().out
