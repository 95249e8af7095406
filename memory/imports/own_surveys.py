"""The owner's imported surveys as `engines.affinity.surveys.Survey`s, for the affinity tools.

Built from the stored respondents (one JSON record each) once per process and again after a
re-import changes them; a 1,000-respondent survey takes well under a second.
"""
from __future__ import annotations

import threading

import pandas as pd

from engines.affinity import surveys
from memory.imports import store
from memory.owner import Owner
from memory.settings import Settings

ITEM = "item:"  # how validate.check_survey names the rated columns
_CACHE: dict[tuple[str, str], tuple[tuple, dict[str, surveys.Survey]]] = {}
_LOCK = threading.Lock()


def _survey(settings: Settings, dataset: store.DatasetInfo) -> surveys.Survey:
    rows = [data for _, _, data in store.records(settings, [dataset.id])]
    frame = pd.DataFrame(rows)
    items = [c for c in frame.columns if c.startswith(ITEM)]
    people = frame.reindex(columns=["region", "age_min", "age_max", "gender"])
    ratings = frame[items].apply(pd.to_numeric, errors="coerce").rename(columns=lambda c: c[len(ITEM):])
    title = f"your survey import '{dataset.name}' ({len(frame):,} respondents, {len(items)} items)"
    return surveys.imported(f"import:{dataset.name}", title, people, ratings, dataset.name)


def own_surveys(settings: Settings, owner: Owner) -> dict[str, surveys.Survey]:
    """Survey name → Survey for every survey the owner imported (empty when none)."""
    mine = [d for d in store.datasets(settings, owner, "survey") if d.owner == owner.key and d.rows]
    stamp = tuple((d.id, d.rows, d.updated_at) for d in mine)
    key = (settings.sql_url, owner.key)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None or hit[0] != stamp:
            built = {s.name: s for s in (_survey(settings, d) for d in mine)}
            hit = _CACHE[key] = (stamp, built)
        return hit[1]
