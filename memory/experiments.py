"""Experiments, their exposures and the outcomes of exposed users, in SQL (scoped to the owner).

An exposure is written once per (experiment, user): the first serving. Outcomes are read by joining
a user's events to their exposure and keeping those at or after it, so what a user did before they
saw a variant never counts for it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import select as core_select
from sqlmodel import select

from memory.bulk import dialect_insert, insert_columns
from memory.db import get_engine, session_scope
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import EngagementEvent, ExperimentExposure, ExperimentRow, utcnow


def save_experiment(settings: Settings, row: ExperimentRow) -> ExperimentRow:
    with session_scope(settings) as session:
        session.add(row)
    return row


def get_experiment(settings: Settings, owner: Owner, experiment_id: str) -> ExperimentRow | None:
    with session_scope(settings) as session:
        return session.exec(select(ExperimentRow).where(ExperimentRow.id == experiment_id, visible_to(ExperimentRow.owner, owner))).first()


def list_experiments(settings: Settings, owner: Owner, *, status: str | None = None, surface: str | None = None) -> list[ExperimentRow]:
    """The owner's experiments, newest first."""
    with session_scope(settings) as session:
        query = select(ExperimentRow).where(visible_to(ExperimentRow.owner, owner))
        if status is not None:
            query = query.where(ExperimentRow.status == status)
        if surface is not None:
            query = query.where(ExperimentRow.surface == surface)
        return list(session.exec(query.order_by(ExperimentRow.started_at.desc())))


def stop_experiment_row(settings: Settings, owner: Owner, experiment_id: str, reason: str) -> ExperimentRow | None:
    with session_scope(settings) as session:
        row = session.exec(select(ExperimentRow).where(ExperimentRow.id == experiment_id, visible_to(ExperimentRow.owner, owner))).first()
        if row is not None and row.status == "running":
            row.status, row.stopped_at, row.stop_reason = "stopped", utcnow(), reason[:500]
            session.add(row)
        return row


def log_exposure(settings: Settings, owner: Owner, experiment_id: str, user_id: str, variant: str) -> bool:
    """Record a user's first serving; True when it was new (a later serving is ignored)."""
    table = ExperimentExposure.__table__
    row = {"owner": [owner.key], "experiment_id": [experiment_id], "user_id": [user_id], "variant": [variant], "first_at": [utcnow()]}
    with get_engine(settings).begin() as conn:
        return insert_columns(conn, table, row, dialect_insert(conn, table).on_conflict_do_nothing()) > 0


def exposures(settings: Settings, owner: Owner, experiment_id: str) -> list[tuple[str, str, datetime]]:
    """(user_id, variant, first_at) of every exposed user."""
    t = ExperimentExposure.__table__.c
    query = core_select(t.user_id, t.variant, t.first_at).where(t.experiment_id == experiment_id, visible_to(t.owner, owner))
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def exposed_outcomes(settings: Settings, owner: Owner, experiment_id: str, until: datetime | None) -> list[tuple[str, str, float | None, datetime]]:
    """(user_id, action, value, at) of exposed users' events at or after their exposure (and before
    `until`, the experiment's stop), from the exposure's owner only."""
    e, x = EngagementEvent.__table__.c, ExperimentExposure.__table__.c
    join = and_(e.user_id == x.user_id, e.owner == x.owner, e.created_at >= x.first_at)
    query = core_select(e.user_id, e.action, e.value, e.created_at).select_from(ExperimentExposure.__table__.join(EngagementEvent.__table__, join)).where(
        x.experiment_id == experiment_id, visible_to(x.owner, owner))
    if until is not None:
        query = query.where(e.created_at < until)
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(query)]
