"""The SQL cache behind the Qloo client: responses by (path, parameters) hash, until they expire.

WHY SQL: the cache must survive restarts and be shared by every worker (Slack, Discord, MCP) of a
deployment; an expired row is overwritten on the next fetch, so the table stays small.
"""
from __future__ import annotations

from datetime import timedelta

from memory.db import session_scope
from memory.settings import Settings
from memory.tables import QlooCacheEntry, utcnow


class SqlQlooCache:
    """Implements `engines.affinity.qloo.ResponseCache` over the `qloo_cache` table."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def get(self, key: str) -> dict | None:
        with session_scope(self.settings) as session:
            row = session.get(QlooCacheEntry, key)
            return dict(row.response) if row is not None and row.expires_at > utcnow() else None

    def put(self, key: str, path: str, value: dict, ttl_s: float) -> None:
        now = utcnow()
        with session_scope(self.settings) as session:
            row = session.get(QlooCacheEntry, key) or QlooCacheEntry(key=key, path=path, expires_at=now)
            row.path, row.response, row.fetched_at, row.expires_at = path, value, now, now + timedelta(seconds=ttl_s)
            session.add(row)
