"""One audience across every local source: which sources can answer, and their ranked items together.

WHY: each survey covers its own people (US census regions and adults for FiveThirtyEight, Slovaks
aged 15–30 for the Young People Survey, countries for drinks), so an audience is answered by the
sources that hold at least `min_respondents` of its members, and the others are named with the
reason, instead of an average over people who are not in the audience.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engines.affinity.drinks import countries_in, drinks_affinity
from engines.affinity.surveys import Survey
from engines.affinity.taste import (DEFAULT_PRIOR_STRENGTH, MAX_CO_LOVE_ITEMS, CoLove, Segment, TasteParams, seeded_affinity, segment_affinity,
                                    segment_mask)

MIN_RESPONDENTS = 10
DRINKS = "drinks"
DOMAIN_ALIASES = {
    "movies": "film", "movie": "film", "films": "film", "cinema": "film", "tv": "film",
    "hobby": "hobbies", "interests": "hobbies", "activities": "hobbies",
    "cuisine": "food", "cuisines": "food", "foods": "food", "restaurants": "food",
    "drink": DRINKS, "alcohol": DRINKS, "beverages": DRINKS,
    "starwars": "star wars", "star-wars": "star wars",
    "spending habits": "spending", "shopping": "spending",
    "holiday food": "thanksgiving", "risk": "lifestyle", "habits": "lifestyle", "genres": "music",
}


@dataclass(frozen=True)
class SourceNote:
    source: str
    answered: bool
    reason: str


def known_domains(surveys: list[Survey], with_drinks: bool) -> list[str]:
    return sorted({d for s in surveys for d in s.domains} | ({DRINKS} if with_drinks else set()))


def resolve_domain(text: str, known: list[str]) -> str | None:
    """The known domain a word means, or None. A domain's own name wins over an alias, so 'movies' is
    MovieLens' film titles when the user fetched it and the survey's film genres otherwise."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    key = key if key in known else DOMAIN_ALIASES.get(key, key)
    return key if key in known else None


def coverage(survey: Survey) -> str:
    """Who a survey's respondents are, in words, after its title: "… (US, 2014): 9 US census regions, ages 18+"."""
    return f"{survey.title}: {respondents_held(survey)}"


def respondents_held(survey: Survey) -> str:
    """The regions and the age range a survey's respondents come from: "Slovakia, ages 15–30"."""
    people = survey.respondents
    regions = sorted(people["region"].dropna().unique())
    where = regions[0] if len(regions) == 1 else f"{len(regions)} US census regions" if regions else "unknown places"
    lo, hi = people["age_min"].min(), people["age_max"].max()
    return f"{where}, " + (f"ages {lo:.0f}–{hi:.0f}" if hi < 100 else f"ages {lo:.0f}+")


#: domains whose "loved" is a yes to "do you ever …?" (smoking, speeding, gambling): habits, not tastes. An open
#: question ("what do gen x women care about?") ranks tastes only; asked by name ("lifestyle") or through a seed
#: ("steak lovers"), they answer as before.
HABITS = ("lifestyle",)


def local_affinity(surveys: list[Survey], segment: Segment, domain: str | None, seeds: dict[str, list[int]], *,
                   drinks: pd.DataFrame | None = None, prior_strength: float = DEFAULT_PRIOR_STRENGTH,
                   min_respondents: int = MIN_RESPONDENTS, params: TasteParams = TasteParams(),
                   co_love: Callable[[Survey, TasteParams], CoLove] = CoLove.fit) -> tuple[pd.DataFrame, list[SourceNote]]:
    """Ranked rows (best affinity first) from every source that can answer, and a note per source.
    `seeds` maps a survey name to the item columns its seed tags matched: with seeds a survey ranks by
    formula 2 of `taste` (`params`), without by formula 1 (`prior_strength`). `co_love` gives a survey's
    formula 4 (default: fitted here, seconds; callers pass `memory.affinity_sources.co_love`, fitted
    once per survey and process). This is the local model's one front door: `audience_affinity` and
    `caeser eval affinity` both rank through it."""
    tables, notes = [], []
    seeded = any(seeds.values())
    for survey in surveys:
        keep = (np.ones(len(survey.items), dtype=bool) if seeded else ~survey.items["domain"].isin(HABITS).to_numpy()) if domain is None else (survey.items["domain"] == domain).to_numpy()
        if not keep.any():
            continue
        if seeded and not seeds.get(survey.name):
            # its respondents were never asked about the seeds: its shares would answer "what does
            # everyone love", listed as what the seeds' fans love (hip hop fans "love" mashed potatoes)
            notes.append(SourceNote(survey.name, False, "no item matching the seeds, so nothing about their fans"))
            continue
        mask = segment_mask(survey, segment)
        if mask.sum() < min_respondents:
            matched = f"only {int(mask.sum())} respondents match" if mask.sum() else "no respondents match"
            notes.append(SourceNote(survey.name, False, f"{matched}: it covers {respondents_held(survey)}"))
            continue
        seed_items = seeds.get(survey.name, [])
        if seed_items:
            blends = params.blend < 1 and len(survey.items) <= MAX_CO_LOVE_ITEMS
            table = seeded_affinity(survey, mask, seed_items, params, co_love(survey, params) if blends else None)
            fans = int((mask & survey.loved[:, seed_items].any(axis=1)).sum())
            reason = f"{int(mask.sum())} respondents, {fans} of whom love a seed item"
        else:
            table, reason = segment_affinity(survey, mask, prior_strength=prior_strength), f"{int(mask.sum())} respondents"
        table = table[keep[table.index]]
        tables.append(table.assign(source=survey.name))
        notes.append(SourceNote(survey.name, True, reason))
    if drinks is not None and domain in (None, DRINKS) and not seeded:
        tables_drinks, note = _drinks(drinks, segment)
        notes.append(note)
        if tables_drinks is not None:
            tables.append(tables_drinks)
    rows = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if not rows.empty:
        rows = rows.sort_values(["affinity", "lift"], ascending=False, kind="stable").reset_index(drop=True)
    return rows, notes


def _drinks(drinks: pd.DataFrame, segment: Segment) -> tuple[pd.DataFrame | None, SourceNote]:
    if segment.gender is not None or segment.age_min is not None or segment.age_max is not None:
        return None, SourceNote(DRINKS, False, "drinks are country averages: they cannot be split by age or gender")
    countries = countries_in(drinks, segment.region)
    if not countries:
        return None, SourceNote(DRINKS, False, f"no country of {segment.region} is in the drinks table")
    return drinks_affinity(drinks, countries).assign(source=DRINKS), SourceNote(DRINKS, True, f"{len(countries)} countries")
