"""The events store: a storefront batch is appended in one go, a replayed event id is stored once
(per owner: two shops may use the same ids), the chat's events and the storefront's land in one
table that personalisation reads, and an old database gains the new columns and index."""
from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import timedelta

from memory.db import dispose_engines, get_engine
from memory.engagement import NewEvent, append_events, events_between, record_event, user_events
from memory.owner import Owner
from memory.settings import Settings
from memory.tables import utcnow


def batch(tag: str, n: int, user: str = "u1") -> list[NewEvent]:
    return [NewEvent(event_id=f"{tag}-{i}", user_id=user, action="click", item_id=f"item{i % 7}", rank=1 + i % 5, query="red", value=None) for i in range(n)]


def test_replayed_event_ids_are_stored_once_per_owner(settings: Settings) -> None:
    shop, other = Owner.api(f"shop-{uuid.uuid4().hex[:6]}"), Owner.api(f"shop-{uuid.uuid4().hex[:6]}")
    tag = uuid.uuid4().hex[:8]
    assert append_events(settings, shop, batch(tag, 50)) == 50
    assert append_events(settings, shop, batch(tag, 60)) == 10  # the first 50 are replays
    assert append_events(settings, other, batch(tag, 50)) == 50  # same ids, another tenant
    assert len(user_events(settings, shop, "u1")) == 60


def test_chat_and_storefront_events_are_read_together(settings: Settings) -> None:
    shop = Owner.api(f"shop-{uuid.uuid4().hex[:6]}")
    record_event(settings, owner=shop, user_id="u9", session_id="s", action="view", item_id="a", item_kind="product", rank=None, query=None)
    record_event(settings, owner=shop, user_id="u9", session_id="s", action="view", item_id="b", item_kind="product", rank=None, query=None)  # no event id: never collides
    append_events(settings, shop, [NewEvent(event_id="e1", user_id="u9", action="purchase", item_id="a", value=12.5)])
    assert {e.action for e in user_events(settings, shop, "u9")} == {"view", "purchase"}
    rows = events_between(settings, shop, utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1), "u9")
    assert [r[2] for r in rows].count("view") == 2 and any(r[6] == 12.5 for r in rows)


def test_bulk_append_is_fast(settings: Settings) -> None:
    """A smoke check of the bulk path (the figure itself comes from evals/bench/api.py)."""
    shop = Owner.api(f"shop-{uuid.uuid4().hex[:6]}")
    get_engine(settings)
    t0 = time.perf_counter()
    assert append_events(settings, shop, batch(uuid.uuid4().hex[:8], 5000)) == 5000
    assert time.perf_counter() - t0 < 10


def test_old_database_gains_event_columns(settings: Settings) -> None:
    if settings.is_postgres:
        return  # the upgrade path is SQLite's (a fresh Postgres schema is made by create_all)
    settings.ensure_home()
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("CREATE TABLE engagement_events (id INTEGER PRIMARY KEY, owner VARCHAR(200) NOT NULL DEFAULT 'legacy:unowned', user_id VARCHAR(128), session_id VARCHAR(128), "
                     "action VARCHAR(16), item_id VARCHAR(128), item_kind VARCHAR(16), rank INTEGER, query VARCHAR(500), created_at DATETIME)")
        conn.execute("INSERT INTO engagement_events (user_id, action, item_id, item_kind, created_at) VALUES ('old', 'click', 'x', 'product', '2026-01-01 00:00:00')")
    dispose_engines()
    shop = Owner(kind="legacy", id="unowned")
    assert append_events(settings, shop, batch("t", 3, user="old")) == 3
    assert append_events(settings, shop, batch("t", 3, user="old")) == 0
    with sqlite3.connect(settings.sqlite_path) as conn:
        assert conn.execute("SELECT count(*) FROM engagement_events").fetchone()[0] == 4
