"""Every SQL table of the product. Engine issues add their tables here (posts, sales, watches…)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class StoredResult(SQLModel, table=True):
    """A tool's output, kept so that follow-ups and `export_report` can refer to it by `result_id`."""

    __tablename__ = "tool_results"

    result_id: str = Field(primary_key=True, max_length=40)
    tool: str = Field(index=True, max_length=64)
    thread_id: str | None = Field(default=None, index=True, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    arguments: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    output: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
