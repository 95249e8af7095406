"""Agent tests score routing and conversation handling, not engines: they run with an empty data
directory so every tool answers fast (with a readable "no data" error where it needs data)."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from agent.service import Agent, AgentReply
from memory.settings import Settings


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    empty = tmp_path / "no-data"
    empty.mkdir()
    return settings.model_copy(update={"data_dir": empty})


RUN = uuid.uuid4().hex[:8]


class IsolatedAgent(Agent):
    """Thread ids made unique per run and per test: runs against one shared Postgres (CI's second
    pass, or a developer's repeated runs) never meet each other's conversations."""

    def ask(self, thread_id: str, text: str, *args: Any, **kwargs: Any) -> AgentReply:
        return super().ask(f"{RUN}:{self.settings.home.parent.name}:{thread_id}", text, *args, **kwargs)
