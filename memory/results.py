"""Store and fetch tool results by id, so any answer can be exported or followed up later.

Every result carries its owner and every read is scoped to it (memory/owner.py): an id another
tenant made reads as "no such result", exactly like an id that was never made."""
from __future__ import annotations

import uuid

from sqlmodel import select

from memory.db import session_scope
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import StoredResult

PART_THREAD_SUFFIX = "/launch"  # the thread of a launch readout's parts (tools/launch/engines.py): lists of readouts skip them


def new_result_id(tool: str) -> str:
    return f"{tool[:12]}-{uuid.uuid4().hex[:12]}"


def save_result(settings: Settings, *, owner: Owner, result_id: str, tool: str, thread_id: str | None, arguments: dict, output: dict, summary: str) -> None:
    with session_scope(settings) as session:
        session.add(StoredResult(result_id=result_id, owner=owner.key, tool=tool, thread_id=thread_id, arguments=arguments, output=output, summary=summary))


def get_result(settings: Settings, result_id: str, owner: Owner) -> StoredResult | None:
    """The result `result_id` if `owner` may see it, else None."""
    with session_scope(settings) as session:
        return session.exec(select(StoredResult).where(StoredResult.result_id == result_id, visible_to(StoredResult.owner, owner))).first()


def owned_results(settings: Settings, owner: Owner, tool: str, limit: int) -> list[StoredResult]:
    """`owner`'s newest results of `tool` (e.g. the persona sets a client built)."""
    with session_scope(settings) as session:
        query = select(StoredResult).where(StoredResult.tool == tool, visible_to(StoredResult.owner, owner))
        return list(session.exec(query.order_by(StoredResult.created_at.desc()).limit(limit)).all())


def latest_result(settings: Settings, thread_id: str | None, owner: Owner, *, exclude_tools: tuple[str, ...] = ()) -> StoredResult | None:
    """The newest stored result of a thread ("export that"), skipping tools such as export_report itself."""
    with session_scope(settings) as session:
        query = select(StoredResult).where(visible_to(StoredResult.owner, owner)).order_by(StoredResult.created_at.desc())
        if thread_id is not None:
            query = query.where(StoredResult.thread_id == thread_id)
        if exclude_tools:
            query = query.where(StoredResult.tool.not_in(exclude_tools))
        return session.exec(query.limit(1)).first()


def thread_results(settings: Settings, thread_id: str, owner: Owner, tool: str, limit: int) -> list[StoredResult]:
    """The newest results of `tool` in one thread, newest first (a follow-up reading what an earlier answer assumed)."""
    with session_scope(settings) as session:
        query = select(StoredResult).where(StoredResult.thread_id == thread_id, StoredResult.tool == tool, visible_to(StoredResult.owner, owner))
        return list(session.exec(query.order_by(StoredResult.created_at.desc()).limit(limit)).all())
