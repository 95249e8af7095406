"""Agent tests score routing and conversation handling, not engines: they run with an empty data
directory so every tool answers fast (with a readable "no data" error where it needs data)."""
from __future__ import annotations

from pathlib import Path

import pytest

from memory.settings import Settings


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    empty = tmp_path / "no-data"
    empty.mkdir()
    return settings.model_copy(update={"data_dir": empty})
