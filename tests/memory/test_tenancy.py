"""Tenancy in the stores: each owner reads only its own results, watches and engagement; admin scope
reads all; a database made before owners existed is upgraded in place with nothing lost.
Runs on SQLite and, with CAESER_TEST_DATABASE_URL set, on PostgreSQL (owners are unique per test)."""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect

from memory.db import dispose_engines, get_engine, session_scope
from memory.engagement import record_event, user_events
from memory.migrations import owner_of_thread
from memory.owner import LEGACY_KEY, Owner
from memory.results import get_result, latest_result, owned_results, save_result, thread_results
from memory.settings import Settings
from memory.tables import HypeWatch, StoredResult
from memory.watches import get_watches, remove_watch, upsert_watch


@pytest.fixture
def owners() -> tuple[Owner, Owner, Owner]:
    run = uuid.uuid4().hex[:8]  # Postgres is shared between runs: owners of this test only
    a, b = Owner.mcp(f"token-a-{run}"), Owner.slack(f"T-b-{run}")
    return a, b, Owner(kind="system", id=f"admin-{run}", admin=True)


def store(settings: Settings, owner: Owner, tool: str = "hype_score", thread: str | None = None) -> str:
    rid = f"{tool[:12]}-{uuid.uuid4().hex[:12]}"
    save_result(settings, owner=owner, result_id=rid, tool=tool, thread_id=thread, arguments={}, output={"summary": "s", "source": "t"}, summary="s")
    return rid


def test_results_are_read_only_by_their_owner_or_admin(settings: Settings, owners) -> None:
    a, b, admin = owners
    ra, rb = store(settings, a, thread="t"), store(settings, b, thread="t")
    assert get_result(settings, ra, a).result_id == ra and get_result(settings, ra, b) is None
    assert get_result(settings, rb, a) is None and get_result(settings, rb, admin).result_id == rb
    assert latest_result(settings, "t", a).result_id == ra and latest_result(settings, None, b).result_id == rb  # the same thread name, two tenants
    pa = store(settings, a, tool="build_personas")
    assert [r.result_id for r in owned_results(settings, a, "build_personas", 10)] == [pa]
    assert owned_results(settings, b, "build_personas", 10) == []


def test_a_threads_results_of_one_tool_are_its_owners_only(settings: Settings, owners) -> None:
    """What a follow-up reads of an earlier answer (simulate_launch's reference price): one thread,
    one tool, one tenant."""
    a, b, _ = owners
    first, other, second = store(settings, a, "simulate_launch", "t"), store(settings, a, "hype_score", "t"), store(settings, a, "simulate_launch", "t")
    store(settings, b, "simulate_launch", "t")
    store(settings, a, "simulate_launch", "elsewhere")
    assert {r.result_id for r in thread_results(settings, "t", a, "simulate_launch", 10)} == {first, second} and other


def test_watches_are_per_owner_even_on_the_same_subject_and_channel(settings: Settings, owners) -> None:
    a, b, admin = owners
    subject = f"stanley-{uuid.uuid4().hex[:6]}"
    for owner, threshold in ((a, 60.0), (b, 80.0)):
        upsert_watch(settings, owner=owner, subject=subject, display="Stanley", channel="slack:#alerts", threshold=threshold, direction="above", window_days=7, create=True)
    assert [w.threshold for w in get_watches(settings, a, subject)] == [60.0]
    assert [w.threshold for w in get_watches(settings, b, subject)] == [80.0]
    assert sorted(w.threshold for w in get_watches(settings, admin, subject)) == [60.0, 80.0]
    assert [w.owner for w in remove_watch(settings, b, subject, None)] == [b.key]
    assert [w.threshold for w in get_watches(settings, admin, subject)] == [60.0]  # A's watch survives B's removal


def test_engagement_of_the_same_user_id_is_kept_per_owner(settings: Settings, owners) -> None:
    a, b, _ = owners
    for owner, item in ((a, "fk:A"), (b, "fk:B")):
        record_event(settings, owner=owner, user_id="u1", session_id=None, action="click", item_id=item, item_kind="product", rank=1, query=None)
    assert [e.item_id for e in user_events(settings, a, "u1")] == ["fk:A"]
    assert [e.item_id for e in user_events(settings, b, "u1")] == ["fk:B"]


def test_owner_keys_fit_and_do_not_collide() -> None:
    long_a, long_b = "x" * 500 + "a", "x" * 500 + "b"
    assert Owner.mcp(long_a).key != Owner.mcp(long_b).key and len(Owner.mcp(long_a).key) <= 200
    assert Owner.slack("T1").key == "slack:T1" and Owner.discord(None).key == "discord:dm"
    assert "/" not in Owner.mcp("../../etc").slug and Owner.mcp("a").slug != Owner.mcp("b").slug
    assert owner_of_thread("slack:T9:C1:123.4") == "slack:T9" and owner_of_thread("discord:42:7:9") == "discord:42"
    assert owner_of_thread("mcp:token-abc/launch") == "mcp:token-abc" and owner_of_thread("cli-1234") is None


OLD_SCHEMA = """
CREATE TABLE tool_results (result_id VARCHAR(40) PRIMARY KEY, tool VARCHAR(64) NOT NULL, thread_id VARCHAR(255), created_at DATETIME NOT NULL,
                           arguments JSON NOT NULL, output JSON NOT NULL, summary TEXT NOT NULL);
CREATE TABLE hype_watches (id INTEGER PRIMARY KEY, subject VARCHAR(200) NOT NULL, display VARCHAR(200) NOT NULL, threshold FLOAT NOT NULL,
                           direction VARCHAR(5) NOT NULL, channel VARCHAR(300) NOT NULL, window_days INTEGER NOT NULL, armed BOOLEAN NOT NULL,
                           crossings INTEGER NOT NULL, last_score FLOAT, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
                           CONSTRAINT uq_watch_subject_channel UNIQUE (subject, channel));
INSERT INTO tool_results VALUES ('hype_score-old1', 'hype_score', 'slack:T7:C1:1.2', '2026-01-01 00:00:00', '{}', '{"summary": "old"}', 'old');
INSERT INTO tool_results VALUES ('hype_score-old2', 'hype_score', 'cli-abcd', '2026-01-01 00:00:00', '{}', '{"summary": "old"}', 'old');
INSERT INTO hype_watches VALUES (1, 'delta', 'Delta', 70, 'above', 'slack:#a', 7, 1, 0, NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00');
"""


def test_a_database_from_before_owners_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    home = tmp_path / "old-home"
    home.mkdir()
    with sqlite3.connect(home / "caeser.sqlite") as conn:
        conn.executescript(OLD_SCHEMA)
    settings = Settings(CAESER_HOME=home, CAESER_DATABASE_URL=None, _env_file=None)
    try:
        engine = get_engine(settings)
        assert "owner" in {c["name"] for c in inspect(engine).get_columns("tool_results")}
        with session_scope(settings) as s:
            owners = {r.result_id: r.owner for r in s.query(StoredResult).all()}
            watches = s.query(HypeWatch).all()
        assert owners == {"hype_score-old1": "slack:T7", "hype_score-old2": LEGACY_KEY}  # the thread named its workspace; the CLI's did not
        assert [(w.subject, w.owner, w.threshold) for w in watches] == [("delta", LEGACY_KEY, 70.0)]
        assert get_result(settings, "hype_score-old1", Owner.slack("T7")).summary == "old"
        # the old (subject, channel) uniqueness is now per owner: a tenant can watch what a legacy row watches
        upsert_watch(settings, owner=Owner.slack("T7"), subject="delta", display="Delta", channel="slack:#a", threshold=50, direction="above", window_days=7, create=True)
        assert len(get_watches(settings, Owner.system(), "delta")) == 2
    finally:
        dispose_engines()
