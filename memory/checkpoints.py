"""The LangGraph checkpointer: per-thread conversation memory that survives restarts.

SQLite file in CAESER_HOME by default; the Postgres saver when the database is Postgres, so
several bot processes share threads. Both are the sync savers: the graph is invoked synchronously
(bots move it off their event loops), and mixing sync and async savers is not supported.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver

from memory.settings import Settings


def postgres_dsn(url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://` URL as the plain libpq DSN psycopg wants."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


@contextmanager
def open_checkpointer(settings: Settings) -> Iterator[BaseCheckpointSaver]:
    if settings.is_postgres:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg import Connection
        from psycopg.rows import dict_row

        with Connection.connect(postgres_dsn(settings.sql_url), autocommit=True, prepare_threshold=0, row_factory=dict_row) as conn:
            saver = PostgresSaver(conn)
            saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    settings.ensure_home()
    conn = sqlite3.connect(settings.home / "checkpoints.sqlite", check_same_thread=False)
    try:
        saver = SqliteSaver(conn)
        saver.setup()
        yield saver
    finally:
        conn.close()
