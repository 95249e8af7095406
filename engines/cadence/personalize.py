"""Personalisation from engagement: a decayed interest profile and a rerank of suggestions or products.

Event weight:  w(e) = A(action) · 2^(−age_days / 30) · (s if the event is in the current session else 1)
with A = view 1, click 2, wishlist 3, add_to_cart 5, purchase 10, a 30-day half-life (an event a month
old counts half) and a session boost s (default 2: what the user is doing now says most).
Items close to an engaged one in embedding space (its neighbours) count with weight ν·w(e) (ν = 0.5):
a user who bought a wooden train is probably interested in wooden track too.

Profile: u_t = Σ_e w(e) · [t ∈ tokens(e)] over words t of the engaged texts, and u_c likewise for
categories c; both are divided by their maximum, so they lie in [0, 1].

Rerank:  s'(x) = s(x) · (1 + β · (mean_{t ∈ tokens(x)} u_t + u_{c(x)}) / 2)
so a suggestion or product that matches nothing keeps its score, a full match gains up to ×(1 + β).
The rerank is multiplicative so it reorders close candidates and never lifts a near-zero one to the top.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

ACTION_WEIGHTS: dict[str, float] = {"view": 1.0, "click": 2.0, "wishlist": 3.0, "add_to_cart": 5.0, "purchase": 10.0}
HALF_LIFE_DAYS = 30.0


@dataclass(frozen=True)
class Engagement:
    text: str  # the product title or the suggestion text engaged with
    action: str
    age_days: float
    category: int = -1
    in_session: bool = False
    neighbour: bool = False


@dataclass
class Profile:
    terms: dict[str, float] = field(default_factory=dict)
    categories: dict[int, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.categories

    def affinity(self, text: str, category: int = -1) -> float:
        """(mean_t u_t + u_c) / 2 in [0, 1] (module docstring)."""
        tokens = text.split()
        term = sum(self.terms.get(t, 0.0) for t in tokens) / len(tokens) if tokens else 0.0
        return (term + self.categories.get(category, 0.0)) / 2


def event_weight(e: Engagement, session_boost: float = 2.0, neighbour_weight: float = 0.5) -> float:
    w = ACTION_WEIGHTS[e.action] * 2.0 ** (-max(e.age_days, 0.0) / HALF_LIFE_DAYS)
    if e.in_session:
        w *= session_boost
    if e.neighbour:
        w *= neighbour_weight
    return w


def build_profile(events: Sequence[Engagement], session_boost: float = 2.0, neighbour_weight: float = 0.5) -> Profile:
    terms: dict[str, float] = defaultdict(float)
    cats: dict[int, float] = defaultdict(float)
    for e in events:
        w = event_weight(e, session_boost, neighbour_weight)
        for t in set(e.text.lower().split()):
            terms[t] += w
        if e.category >= 0:
            cats[e.category] += w
    return Profile(_scaled(terms), _scaled(cats))


def _scaled(d: dict) -> dict:
    top = max(d.values(), default=0.0)
    return {k: v / top for k, v in d.items()} if top > 0 else {}


def rescore(items: Sequence[tuple[str, float, int]], profile: Profile, beta: float = 1.0) -> list[float]:
    """s' = s · (1 + β · affinity) for each (text, score, category), in input order."""
    return [s * (1.0 + beta * profile.affinity(t, c)) if not profile.empty else s for t, s, c in items]


def rerank(items: Sequence[tuple[str, float, int]], profile: Profile, beta: float = 1.0) -> list[tuple[str, float, int]]:
    """(text, rescored score, category), best first (stable on ties)."""
    rescored = [(t, s2, c) for (t, _, c), s2 in zip(items, rescore(items, profile, beta))]
    return sorted(rescored, key=lambda x: -x[1])
