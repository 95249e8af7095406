"""Which variant a storefront request gets: the running experiment on that surface, the user's
hashed arm, and the exposure to log (the first serving of each user only).

WHY cached: a keystroke must not cost a SQL read; the running experiments are re-read at most every
`REFRESH_S` seconds (a start or stop from the chat reaches the storefront within that), and a user
already logged in this process is not written again (the unique index makes a repeat a no-op anyway).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from engines.experiments.assignment import assign
from memory.experiments import list_experiments, log_exposure
from memory.owner import Owner
from memory.settings import Settings

REFRESH_S = 5.0
SEEN_MAX = 200_000  # users remembered as logged, per process


@dataclass(frozen=True)
class Arm:
    experiment_id: str
    variant: str
    personalise: bool


_LOCK = threading.Lock()
_RUNNING: dict[tuple[str, str, str], tuple[float, list[tuple[str, list[tuple[str, float]], float]]]] = {}
_SEEN: set[tuple[str, str]] = set()


def _running(settings: Settings, owner: Owner, surface: str) -> list[tuple[str, list[tuple[str, float]], float]]:
    key = (settings.sql_url, owner.key, surface)
    with _LOCK:
        cached = _RUNNING.get(key)
    if cached is not None and time.monotonic() - cached[0] < REFRESH_S:
        return cached[1]
    rows = [(r.id, [(v["name"], float(v["weight"])) for v in r.variants], r.traffic) for r in list_experiments(settings, owner, status="running", surface=surface)]
    with _LOCK:
        _RUNNING[key] = (time.monotonic(), rows)
    return rows


def forget_cache() -> None:
    """Drop what this process remembers (tests; a start or stop wants to be seen at once)."""
    with _LOCK:
        _RUNNING.clear()
        _SEEN.clear()


def arm_for(settings: Settings, owner: Owner, surface: str, user_id: str | None) -> Arm | None:
    """The user's arm in the owner's running experiment on `surface`, or None (no experiment, no
    user id, or the user is outside its traffic share: they get the usual, personalised, ranking)."""
    if not user_id:
        return None
    for experiment_id, variants, traffic in _running(settings, owner, surface):
        variant = assign(experiment_id, user_id, variants, traffic)
        if variant is not None:
            return Arm(experiment_id, variant, personalise=variant != "plain")
    return None


def log_serving(settings: Settings, owner: Owner, arm: Arm, user_id: str) -> None:
    """Write the exposure unless this process already did (call after the response is sent)."""
    key = (arm.experiment_id, user_id)
    with _LOCK:
        if key in _SEEN:
            return
    log_exposure(settings, owner, arm.experiment_id, user_id, arm.variant)
    with _LOCK:
        if len(_SEEN) >= SEEN_MAX:
            _SEEN.clear()
        _SEEN.add(key)
