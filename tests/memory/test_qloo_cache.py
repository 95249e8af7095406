"""The SQL cache of Qloo responses: a hit until it expires (SQLite here, Postgres in CI)."""
from __future__ import annotations

import uuid

from memory.qloo_cache import SqlQlooCache


def test_put_then_get_until_expiry(settings) -> None:
    cache = SqlQlooCache(settings)
    key = uuid.uuid4().hex  # shared DB in CI: a key of our own
    assert cache.get(key) is None
    cache.put(key, "/v2/insights", {"results": {"entities": [{"name": "Nike"}]}}, ttl_s=60)
    assert cache.get(key) == {"results": {"entities": [{"name": "Nike"}]}}
    cache.put(key, "/v2/insights", {"results": {}}, ttl_s=-1)  # overwritten and already expired
    assert cache.get(key) is None
