"""The owner's imported customers as the persona engine reads them: their age × sex mix.

Customers with a known age (or birth year) count; one without a gender counts half to each sex.
Fewer than MIN_CUSTOMERS with an age is no mix (too few to say who the customers are).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.persona.population import AGE_BANDS
from memory.imports import store
from memory.owner import Owner
from memory.settings import Settings

MIN_CUSTOMERS = 30


@dataclass(frozen=True)
class CustomerMix:
    shares: np.ndarray  # len(AGE_BANDS) × 2 (male, female), summing to 1
    customers: int  # with a known age
    names: list[str]

    @property
    def label(self) -> str:
        names = ", ".join(f"'{n}'" for n in self.names)
        return f"your customer import{'s' if len(self.names) > 1 else ''} {names} ({self.customers:,} customers with an age)"


def _band(age: float) -> int | None:
    for i, (lo, hi) in enumerate(AGE_BANDS):
        if lo <= age < hi + 1:
            return i
    return len(AGE_BANDS) - 1 if age >= AGE_BANDS[-1][0] else None


def customer_mix(settings: Settings, owner: Owner) -> CustomerMix | None:
    mine = [d for d in store.datasets(settings, owner, "customers") if d.owner == owner.key and d.rows]
    if not mine:
        return None
    counts = np.zeros((len(AGE_BANDS), 2))
    for _, _, data in store.records(settings, [d.id for d in mine]):
        low, high = data.get("age_min"), data.get("age_max")
        band = _band((low + high) / 2) if low is not None and high is not None else None
        if band is None:
            continue
        sex = {"male": [1.0, 0.0], "female": [0.0, 1.0]}.get(data.get("gender") or "", [0.5, 0.5])
        counts[band] += sex
    total = counts.sum()
    if total < MIN_CUSTOMERS:
        return None
    return CustomerMix(counts / total, int(total), [d.name for d in mine])
