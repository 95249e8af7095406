"""Bulk inserts handed straight to the DB-API driver, for imports of many rows.

WHY: SQLAlchemy's executemany builds and type-processes one parameter dict per row in Python; for
100,000 posts that cost more than SQLite's own inserting. Here each column is converted once, as a
list, with the column type's own bind processor (so values are stored exactly as SQLAlchemy would
store them), and one statement compiled for the connection's dialect goes to the driver's
executemany. No RETURNING: callers that need the new ids look them up by a unique key.
`dialect_insert` gives the ON CONFLICT forms (insert-ignore for appends a sender may replay,
upserts), which SQLite and Postgres both speak.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(conn: Connection, table: Table) -> Insert:
    """The connection's dialect's own INSERT, which takes `on_conflict_do_nothing()` (an
    insert-ignore) and `on_conflict_do_update(…)` (an upsert) on SQLite and Postgres alike."""
    dialects = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    if conn.dialect.name not in dialects:
        raise ValueError(f"ON CONFLICT is not implemented for {conn.dialect.name}")
    return dialects[conn.dialect.name](table)


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[object]], statement: Insert | None = None) -> int:
    """Insert rows given column-wise (name → equal-length values; None for NULL). Every column the
    statement needs a value for (those with Python-side defaults included) must be given, so that
    nothing is silently left to a default the driver never sees. `statement` replaces the plain
    INSERT (an upsert or insert-ignore from `dialect_insert`). Returns the number of rows written
    (for an insert-ignore, the new ones)."""
    names = list(columns)
    lengths = {len(columns[name]) for name in names}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal length {sorted(lengths)} for {table.name}")
    if not names or lengths == {0}:
        return 0
    compiled = (statement if statement is not None else table.insert()).inline().compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    missing = sorted(set(order) - set(names))
    if missing:
        raise ValueError(f"no values for {table.name} column(s) {missing}")
    converted = {}
    for name in order:
        process = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        values = list(columns[name])
        converted[name] = [process(v) for v in values] if process is not None else values
    rows = list(zip(*converted.values()))
    params = rows if compiled.positional else [dict(zip(order, row)) for row in rows]
    result = conn.exec_driver_sql(str(compiled), params)
    return len(rows) if statement is None else result.rowcount
