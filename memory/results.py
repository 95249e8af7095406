"""Store and fetch tool results by id, so any answer can be exported or followed up later."""
from __future__ import annotations

import uuid

from sqlmodel import select

from memory.db import session_scope
from memory.settings import Settings
from memory.tables import StoredResult


def new_result_id(tool: str) -> str:
    return f"{tool[:12]}-{uuid.uuid4().hex[:12]}"


def save_result(settings: Settings, *, result_id: str, tool: str, thread_id: str | None, arguments: dict, output: dict, summary: str) -> None:
    with session_scope(settings) as session:
        session.add(StoredResult(result_id=result_id, tool=tool, thread_id=thread_id, arguments=arguments, output=output, summary=summary))


def get_result(settings: Settings, result_id: str) -> StoredResult | None:
    with session_scope(settings) as session:
        return session.get(StoredResult, result_id)


def latest_result(settings: Settings, thread_id: str | None, *, exclude_tools: tuple[str, ...] = ()) -> StoredResult | None:
    """The newest stored result of a thread ("export that"), skipping tools such as export_report itself."""
    with session_scope(settings) as session:
        query = select(StoredResult).order_by(StoredResult.created_at.desc())
        if thread_id is not None:
            query = query.where(StoredResult.thread_id == thread_id)
        if exclude_tools:
            query = query.where(StoredResult.tool.not_in(exclude_tools))
        return session.exec(query.limit(1)).first()
