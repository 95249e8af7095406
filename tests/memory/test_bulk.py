"""Driver-level bulk inserts store exactly what the ORM stores, and refuse incomplete columns."""
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from memory.bulk import insert_columns
from memory.db import session_scope
from memory.tables import PostRow


def columns(source: str, ids: list[str], created: list[datetime | None]) -> dict[str, list]:
    n = len(ids)
    return {"source": [source] * n, "external_id": ids, "text": [f"post {i}" for i in ids], "text_key": [f"k{i}" for i in ids],
            "author": ["a"] * n, "created_at": created, "region": [None] * n, "likes": [1] * n, "reposts": [0] * n, "replies": [0] * n,
            "sentiment": [None] * n, "label": [None] * n}


def test_bulk_rows_read_back_like_orm_rows(settings):
    source = f"bulk-{uuid.uuid4().hex[:8]}"
    when = datetime(2015, 2, 24, 11, 53, 37, 500000, tzinfo=timezone.utc)
    with session_scope(settings) as s:
        assert insert_columns(s.connection(), PostRow.__table__, columns(source, ["1", "2"], [when, None])) == 2
        s.add(PostRow(**{k: v[0] for k, v in columns(source, ["3"], [when]).items()}))
    with session_scope(settings) as s:
        rows = {r.external_id: r for r in s.execute(select(PostRow).where(PostRow.source == source)).scalars()}
        assert rows["1"].created_at == rows["3"].created_at and rows["1"].created_at.replace(tzinfo=timezone.utc) == when
        assert rows["2"].created_at is None and rows["1"].text == "post 1" and rows["1"].likes == 1
        # range queries compare the stored values: bulk and ORM rows must sort together
        later = s.execute(select(PostRow.external_id).where(PostRow.source == source, PostRow.created_at >= when)).scalars().all()
        assert sorted(later) == ["1", "3"]


def test_bulk_insert_refuses_missing_or_ragged_columns(settings):
    cols = columns("bulk-bad", ["1"], [None])
    with session_scope(settings) as s:
        with pytest.raises(ValueError, match="author"):
            insert_columns(s.connection(), PostRow.__table__, {k: v for k, v in cols.items() if k != "author"})
        with pytest.raises(ValueError, match="unequal length"):
            insert_columns(s.connection(), PostRow.__table__, cols | {"text": ["a", "b"]})
        assert insert_columns(s.connection(), PostRow.__table__, {k: [] for k in cols}) == 0
