"""Drinks by country (FiveThirtyEight / WHO 2010): beer, spirit and wine servings per person-year.

WHY a separate estimator: these are country averages, not respondents, so there are no loves to
count. For a set of countries C and drink d, with s_cd the servings per person in country c:
    servings_d = mean_{c∈C} s_cd,        population_d = mean over all 193 countries
    affinity_d = servings_d / Σ_d' servings_d'     (the drink's share of what C drinks)
    lift_d     = servings_d / population_d
The interval (|C| ≥ 2) is mean ± t_{0.95, |C|−1} · sd/√|C| across the countries, divided by the
population mean for lift (and by the segment's total servings for affinity); one country has none.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as t_dist

from engines.geo import UnknownRegion, ancestors, resolve_region

DRINKS = {"beer_servings": "Beer", "spirit_servings": "Spirits", "wine_servings": "Wine"}


def drinks_affinity(drinks: pd.DataFrame, countries: list[str], level: float = 0.9) -> pd.DataFrame:
    """One row per drink for the countries named (spelled as in the file's `country` column)."""
    chosen = drinks[drinks["country"].isin(countries)]
    cols = list(DRINKS)
    mean, population = chosen[cols].mean(), drinks[cols].mean()
    total = float(mean.sum()) or 1.0
    n = len(chosen)
    half = t_dist.ppf((1 + level) / 2, n - 1) * chosen[cols].std(ddof=1) / np.sqrt(n) if n >= 2 else pd.Series(np.nan, index=cols)
    return pd.DataFrame({
        "item": [DRINKS[c] for c in cols], "label": [DRINKS[c] for c in cols], "domain": "drinks",
        "respondents": n, "servings": mean.to_numpy(),
        "affinity": (mean / total).to_numpy(), "affinity_low": ((mean - half) / total).clip(lower=0).to_numpy(), "affinity_high": ((mean + half) / total).to_numpy(),
        "lift": (mean / population).to_numpy(), "lift_low": ((mean - half) / population).clip(lower=0).to_numpy(), "lift_high": ((mean + half) / population).to_numpy(),
    })


def countries_in(drinks: pd.DataFrame, region: str | None) -> list[str]:
    """The file's countries inside a canonical region (all of them for None or Global). Only countries
    `engines.geo` knows can be placed in a market, so "Europe" means the European countries it lists."""
    if region is None or region == "Global":
        return list(drinks["country"])
    placed = []
    for country in drinks["country"]:
        try:
            name = resolve_region(country).name
        except UnknownRegion:
            continue
        if region in ancestors(name):
            placed.append(country)
    return placed
