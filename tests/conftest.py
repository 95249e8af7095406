"""Shared fixtures: every test gets its own CAESER_HOME; real data is used only where present."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from memory.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def real_data_dir() -> Path | None:
    """The shared datasets: CAESER_DATA_DIR if set, else ../shared/data beside the checkout."""
    candidate = Path(os.environ.get("CAESER_DATA_DIR") or REPO.parent / "shared" / "data")
    return candidate if (candidate / "README.md").exists() or any(candidate.glob("*/*")) else None


@pytest.fixture
def data_dir() -> Path:
    path = real_data_dir()
    if path is None:
        pytest.skip("shared datasets not present (set CAESER_DATA_DIR)")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Isolated settings: SQLite and Chroma under a temp home, no LLM, no keys.
    With CAESER_TEST_DATABASE_URL set (CI sets it to the local Postgres) SQL goes there instead."""
    url = os.environ.get("CAESER_TEST_DATABASE_URL")
    return Settings(
        CAESER_HOME=tmp_path / "home",
        CAESER_DATA_DIR=real_data_dir() or tmp_path / "data",
        CAESER_DATABASE_URL=url,
        CAESER_LLM_BASE_URL=None,
        CAESER_LLM_API_KEY=None,
        CAESER_AUTOBUILD=False,  # no background builds from unit tests; tests that want one turn it on
        _env_file=None,
    )


@pytest.fixture
def ctx(settings: Settings):
    from tools.base import ToolContext

    return ToolContext(settings=settings, thread_id=f"test-{uuid.uuid4().hex[:12]}")  # unique: Postgres is shared
