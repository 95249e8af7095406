"""In-place upgrades of databases made by earlier versions: nothing stored is lost or rewritten.

`create_all` makes missing tables but never changes existing ones, so a column added later is
added here, on first use of the engine, with a default that keeps every old row valid. Each step
checks the live schema first, so it runs once per database and is safe when several processes
start together (a step another process just applied is skipped, not repeated).

Tenancy (memory/owner.py): `owner` on results, watches, alerts and engagement. Old rows get
`legacy:unowned` (admin scope sees them), except results whose thread id names its tenant (Slack
workspace, Discord guild, MCP client), which go to that tenant so its follow-ups keep working.
The watch uniqueness becomes (owner, subject, channel): two tenants may watch the same subject.
"""
from __future__ import annotations

import logging

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from memory.owner import LEGACY_KEY, OWNER_MAX, Owner

log = logging.getLogger(__name__)

OWNED_TABLES = ("tool_results", "hype_watches", "hype_alerts", "engagement_events")
OLD_WATCH_UNIQUE = "uq_watch_subject_channel"


def owner_of_thread(thread_id: str | None) -> str | None:
    """The tenant a pre-tenancy thread id names (front ends put it first), or None when it names none."""
    parts = (thread_id or "").split(":")
    if len(parts) >= 3 and parts[0] == "slack":
        return Owner.slack(parts[1]).key
    if len(parts) >= 3 and parts[0] == "discord":
        return Owner.discord(parts[1]).key
    if len(parts) == 2 and parts[0] == "mcp" and parts[1]:
        return Owner.mcp(parts[1].split("/")[0]).key
    return None


def upgrade(engine: Engine) -> None:
    """Bring an existing database up to the current tables (after `create_all`)."""
    for table in OWNED_TABLES:
        if _add_owner_column(engine, table) and table == "tool_results":
            _backfill_result_owners(engine)
    _add_column(engine, "hype_watches", "days_in_row", "INTEGER NOT NULL DEFAULT 1")  # before the rebuild below, which copies every model column
    _widen_watch_uniqueness(engine)
    _add_column(engine, "posts", "scored_by", "VARCHAR(40)")  # which sentiment model scored the post (memory/hype_transformer.py)
    for column, ddl in (("event_id", "VARCHAR(128)"), ("variant", "VARCHAR(64)"), ("value", "FLOAT")):  # storefront events (bots/api)
        _add_column(engine, "engagement_events", column, ddl)
    if "uq_engagement_owner_event" not in {i["name"] for i in inspect(engine).get_indexes("engagement_events")}:
        with engine.begin() as conn:  # replayed storefront events are ignored by this index (memory/engagement.py)
            conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS uq_engagement_owner_event ON engagement_events (owner, event_id)"))


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def _add_owner_column(engine: Engine, table: str) -> bool:
    """Add `owner` (indexed, NOT NULL, legacy default) where missing; True when this call added it."""
    if not inspect(engine).has_table(table) or "owner" in _columns(engine, table):
        return False
    try:
        with engine.begin() as conn:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN owner VARCHAR({OWNER_MAX}) NOT NULL DEFAULT '{LEGACY_KEY}'"))
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{table}_owner ON {table} (owner)"))
    except DBAPIError:
        if "owner" in _columns(engine, table):  # another process added it first
            return False
        raise
    log.info("added owner to %s (old rows: %s)", table, LEGACY_KEY)
    return True


def _add_column(engine: Engine, table: str, column: str, ddl: str) -> None:
    """Add a plain column with a default (old rows keep their meaning) where missing."""
    if not inspect(engine).has_table(table) or column in _columns(engine, table):
        return
    try:
        with engine.begin() as conn:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))
    except DBAPIError:
        if column not in _columns(engine, table):  # else another process added it first
            raise
    log.info("added %s to %s", column, table)


def _backfill_result_owners(engine: Engine) -> None:
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT result_id, thread_id FROM tool_results WHERE owner = :legacy AND thread_id IS NOT NULL"), {"legacy": LEGACY_KEY}).all()
        updates = [{"rid": rid, "owner": key} for rid, thread in rows if (key := owner_of_thread(thread)) is not None]
        if updates:
            conn.execute(text("UPDATE tool_results SET owner = :owner WHERE result_id = :rid"), updates)


def _widen_watch_uniqueness(engine: Engine) -> None:
    """Replace the (subject, channel) uniqueness of old databases by (owner, subject, channel)."""
    if not inspect(engine).has_table("hype_watches"):
        return
    names = {u["name"] for u in inspect(engine).get_unique_constraints("hype_watches")}
    if OLD_WATCH_UNIQUE not in names:
        return
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            _rebuild_sqlite_watches(conn)
        else:
            conn.execute(text(f"ALTER TABLE hype_watches DROP CONSTRAINT IF EXISTS {OLD_WATCH_UNIQUE}"))
            conn.execute(text("ALTER TABLE hype_watches ADD CONSTRAINT uq_watch_owner_subject_channel UNIQUE (owner, subject, channel)"))
    log.info("hype_watches: one watch per (owner, subject, channel)")


def _rebuild_sqlite_watches(conn: Connection) -> None:
    """SQLite cannot drop a constraint: copy the rows into a table made from the current model."""
    from memory.tables import HypeWatch

    old = {c["name"] for c in inspect(conn).get_columns("hype_watches")}
    columns = ", ".join(c.name for c in HypeWatch.__table__.columns if c.name in old)  # newer columns take their defaults
    conn.execute(text("ALTER TABLE hype_watches RENAME TO hype_watches_before_owner"))
    for index in inspect(conn).get_indexes("hype_watches_before_owner"):
        conn.execute(text(f"DROP INDEX IF EXISTS {index['name']}"))
    HypeWatch.__table__.create(conn)
    conn.execute(text(f"INSERT INTO hype_watches ({columns}) SELECT {columns} FROM hype_watches_before_owner"))
    conn.execute(text("DROP TABLE hype_watches_before_owner"))
