"""Deterministic assignment: the same user gets the same variant of an experiment on every request,
in every process, with no lookup.

WHY hashing: u = the first 64 bits of SHA-256("experiment:user") as a fraction of 2⁶⁴ is uniform and
independent across experiments, so a user's arm in one test says nothing about another. Enrolment
uses u (u < traffic); the arm uses the next 64 bits (v), cut by the cumulative weights, so changing
the traffic share never moves an enrolled user to another arm.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

SCALE = float(2**64)


def unit_draws(experiment_id: str, user_id: str) -> tuple[float, float]:
    """Two independent uniforms in [0, 1) for (experiment, user)."""
    digest = hashlib.sha256(f"{experiment_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / SCALE, int.from_bytes(digest[8:16], "big") / SCALE


def assign(experiment_id: str, user_id: str, variants: Sequence[tuple[str, float]], traffic: float = 1.0) -> str | None:
    """The user's variant, or None when the user is outside the experiment's traffic share.
    `variants` are (name, weight) with weights summing to 1 (normalised here anyway)."""
    u, v = unit_draws(experiment_id, user_id)
    if u >= traffic:
        return None
    total = sum(w for _, w in variants)
    edge = 0.0
    for name, weight in variants:
        edge += weight / total
        if v < edge:
            return name
    return variants[-1][0]
