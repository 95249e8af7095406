"""The checkpointer keeps threads apart and across re-opening."""
from __future__ import annotations

from langgraph.checkpoint.base import empty_checkpoint

from memory.checkpoints import open_checkpointer, postgres_dsn


def test_sqlalchemy_urls_become_libpq_dsns() -> None:
    assert postgres_dsn("postgresql+psycopg://u@h:5432/db") == "postgresql://u@h:5432/db"
    assert postgres_dsn("postgres://u@h/db") == "postgresql://u@h/db"


def test_checkpoints_survive_reopening(settings) -> None:
    config = {"configurable": {"thread_id": f"ckpt-{settings.home.name}-{id(settings)}", "checkpoint_ns": ""}}
    with open_checkpointer(settings) as saver:
        saved = saver.put(config, empty_checkpoint(), {"source": "input", "step": 0}, {})
    with open_checkpointer(settings) as saver:
        assert saver.get_tuple(saved) is not None
        other = {"configurable": {"thread_id": "another-thread", "checkpoint_ns": ""}}
        assert saver.get_tuple(other) is None or saver.get_tuple(other).config["configurable"]["thread_id"] == "another-thread"
