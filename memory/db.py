"""The SQL engine and sessions: SQLite in CAESER_HOME by default, any SQLAlchemy URL (Postgres) by setting.

Engines are cached per URL because creating one per call would defeat connection pooling and, on
SQLite, re-run the pragmas; `create_all` and `upgrade` run once per engine so new tables and columns appear on first use.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from memory.settings import Settings

# How long a write waits for another process's transaction: a background first-use build (catalog,
# index) and a first sales load each hold the write lock for seconds, longer still on a loaded
# machine; a turn that waits is slower, one that gives up after 10 s fails.
SQLITE_BUSY_MS = 60_000
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def get_engine(settings: Settings) -> Engine:
    """The engine for `settings.sql_url`, with every table created."""
    url = settings.sql_url
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is not None:
            return engine
        if url.startswith("sqlite"):
            settings.ensure_home()
            # a launch readout's engines run in threads that may outlive their time budget: a larger
            # pool than the default 5 + 10 keeps a burst of them from starving the next turn
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}, pool_size=10, max_overflow=40)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        import memory.tables  # noqa: F401  - registers the tables on SQLModel.metadata

        from memory.migrations import upgrade

        SQLModel.metadata.create_all(engine)
        upgrade(engine)  # columns added since a database was made (owner…)
        _ENGINES[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and processes that fork)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error, so a failed write leaves nothing half-done."""
    with Session(get_engine(settings), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
