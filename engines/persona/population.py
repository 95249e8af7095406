"""Synthetic adults of a region, sampled from published marginals (sources: `docs/persona.md`).

WHY marginals: a launch simulation is only as credible as the people in it, and the public
statistics marketers trust (US Census ACS/CPS, Eurostat, UN and World Bank tables) publish one-way
distributions — age, sex, household income, household type, urbanity — not joint microdata. Each
buyer is drawn from those marginals with the few dependencies that matter for buying and are
documented below; every other pair is independent.

Per buyer (all draws from one seeded generator, always in the same order, so two regions sampled
with the same seed are coupled draw for draw — the common random numbers of `scenarios`):
- age band ~ Categorical(`age_shares`), age ~ Uniform within the band (65+ runs to 85);
- female ~ Bernoulli(`female_share`);
- household income = median · a_b · exp(σ·z), z ~ N(0, 1): log-normal, with σ from the Gini
  coefficient G of a log-normal, G = 2Φ(σ/√2) − 1 ⇒ σ = √2 · Φ⁻¹((1 + G)/2), and a_b the
  age-of-householder profile (`AGE_INCOME_FACTOR`, CPS, normalised to keep the median);
  its within-region quartile is read off z (cut points Φ⁻¹(¼, ½, ¾));
- household ∈ {alone, couple/other adults, with children}: P(children | age band b) =
  min(1 − a, λ · w_b) (a = `alone_share`, w = `CHILDREN_AGE_WEIGHT`), with λ solved by bisection
  so that Σ_b s_b P(children | b) = `children_share` (s = age shares); P(alone) = a in every band;
- urban ~ Bernoulli(`urban_share`).

Incomes are in US dollars at purchasing-power parity, so one price can be compared across
regions: non-US medians are the US median scaled by the region's GNI per capita (PPP) over the
US figure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from engines.geo import ancestors

AGE_BANDS: tuple[tuple[int, int], ...] = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 85))
AGE_BAND_LABELS = tuple(f"{lo}–{hi}" if hi < 85 else f"{lo}+" for lo, hi in AGE_BANDS)
INCOME_QUARTILE_LABELS = ("lowest income quartile", "second income quartile", "third income quartile", "top income quartile")
HOUSEHOLDS = ("alone", "couple", "children")
ALONE, COUPLE, CHILDREN = 0, 1, 2
QUARTILE_CUTS = ndtri(np.array([0.25, 0.5, 0.75]))

#: Median household income by age of householder over the all-households median (US Census,
#: "Income in the United States: 2022", P60-279, Table A-2, rounded): under 25, 25–34, … 65+.
AGE_INCOME_FACTOR = np.array([0.65, 1.10, 1.32, 1.35, 1.15, 0.68])
#: Relative chance of children under 18 in the household by age band (shape of US CPS 2023
#: "America's Families and Living Arrangements" Table H2; scaled per region to `children_share`).
CHILDREN_AGE_WEIGHT = np.array([0.25, 1.3, 2.0, 1.3, 0.35, 0.05])
US_MEDIAN_INCOME = 74_580.0  # CPS ASEC 2023, median household income in 2022 (P60-279)


@dataclass(frozen=True)
class RegionStats:
    """One region's marginals. `median_income` is household income in PPP US dollars."""

    name: str
    age_shares: tuple[float, float, float, float, float, float]  # adults 18+ over AGE_BANDS
    female_share: float
    median_income: float
    gini: float
    alone_share: float  # one-person households
    children_share: float  # households with children under 18
    urban_share: float
    source: str

    @property
    def income_sigma(self) -> float:
        """σ of the log-normal whose Gini is `gini`: √2 · Φ⁻¹((1 + G)/2)."""
        return float(np.sqrt(2.0) * ndtri((1.0 + self.gini) / 2.0))


def _gni_scaled(ratio: float) -> float:
    """Median household income of a region whose GNI per capita (PPP) is `ratio` × the US one."""
    return round(US_MEDIAN_INCOME * ratio, -2)


# Every constant below is cited, table by table, in docs/persona.md ("Population tables").
REGION_STATS: dict[str, RegionStats] = {s.name: s for s in (
    RegionStats("United States", (0.117, 0.174, 0.168, 0.155, 0.163, 0.223), 0.510, US_MEDIAN_INCOME, 0.488, 0.29, 0.25, 0.827,
                "US Census ACS 2022 (S0101) ages, CPS ASEC 2023 (P60-279) income and Gini, CPS 2023 households, UN WUP 2018 urban share"),
    RegionStats("North America", (0.117, 0.174, 0.168, 0.155, 0.163, 0.223), 0.510, US_MEDIAN_INCOME, 0.488, 0.29, 0.25, 0.826,
                "US Census tables as for the United States (Canada's 2021 census profile is within 2 points), UN WUP 2018 urban share"),
    RegionStats("Europe", (0.094, 0.146, 0.161, 0.174, 0.167, 0.258), 0.515, _gni_scaled(0.73), 0.296, 0.36, 0.25, 0.749,
                "Eurostat demo_pjangroup 2023 ages and sex, ilc_di12 Gini 2022, lfst_hhnhtych households 2022; World Bank GNI p.c. PPP 2022; UN WUP 2018"),
    RegionStats("Latin America", (0.160, 0.215, 0.195, 0.160, 0.140, 0.130), 0.510, _gni_scaled(0.24), 0.450, 0.12, 0.45, 0.812,
                "UN WPP 2022 ages and sex, World Bank GNI p.c. PPP 2022 and Gini (SI.POV.GINI, regional average), UN DESA households 2022, UN WUP 2018"),
    RegionStats("Asia Pacific", (0.120, 0.190, 0.190, 0.180, 0.160, 0.160), 0.490, _gni_scaled(0.27), 0.370, 0.14, 0.38, 0.520,
                "UN WPP 2022 ages and sex, World Bank GNI p.c. PPP 2022 and Gini (regional average), UN DESA households 2022, UN WUP 2018"),
    RegionStats("Middle East & Africa", (0.220, 0.260, 0.200, 0.140, 0.100, 0.080), 0.500, _gni_scaled(0.116), 0.420, 0.08, 0.55, 0.470,
                "UN WPP 2022 ages and sex, World Bank GNI p.c. PPP 2022 and Gini (regional average), UN DESA households 2022, UN WUP 2018"),
    RegionStats("Global", (0.150, 0.210, 0.190, 0.165, 0.135, 0.150), 0.500, _gni_scaled(0.273), 0.380, 0.15, 0.38, 0.562,
                "UN WPP 2022 world ages and sex, World Bank GNI p.c. PPP 2022 (world) and mean within-country Gini, UN DESA households 2022, UN WUP 2018"),
)}


def stats_for(region: str | None) -> RegionStats:
    """The nearest region with its own table: a country or US census region uses its own, else its
    parent's (Pacific → United States, Germany → Europe); None is Global."""
    for name in ancestors(region) if region else ["Global"]:
        if name in REGION_STATS:
            return REGION_STATS[name]
    return REGION_STATS["Global"]


@dataclass(frozen=True)
class Population:
    """Column arrays, one entry per synthetic adult."""

    age: np.ndarray  # float32 years
    age_band: np.ndarray  # int8 index into AGE_BANDS
    female: np.ndarray  # bool
    income: np.ndarray  # float32, PPP US dollars a year
    income_quartile: np.ndarray  # int8 0..3 within the region
    household: np.ndarray  # int8: ALONE, COUPLE, CHILDREN
    urban: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.age)


def children_by_band(stats: RegionStats) -> np.ndarray:
    """P(children | age band) = min(1 − alone, λ · w_b), λ bisected so the population share is
    `children_share` (the cap binds in young, family-heavy regions)."""
    shares, cap = np.asarray(stats.age_shares), 1.0 - stats.alone_share
    lo, hi = 0.0, 1.0 / float(CHILDREN_AGE_WEIGHT.min())
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if float(shares @ np.minimum(cap, mid * CHILDREN_AGE_WEIGHT)) < stats.children_share else (lo, mid)
    return np.minimum(cap, hi * CHILDREN_AGE_WEIGHT)


def sample_population(stats: RegionStats, n: int, rng: np.random.Generator) -> Population:
    """`n` adults of the region (formulas in the module docstring). Draw order is fixed."""
    u_band, u_age, u_sex, u_house, u_urban = rng.random((5, n), dtype=np.float32)
    z_income = rng.standard_normal(n, dtype=np.float32)
    cum = np.cumsum(stats.age_shares) / np.sum(stats.age_shares)
    band = np.minimum(np.searchsorted(cum, u_band, side="right"), len(AGE_BANDS) - 1).astype(np.int8)
    lo = np.array([b[0] for b in AGE_BANDS], dtype=np.float32)
    width = np.array([b[1] - b[0] + 1 for b in AGE_BANDS], dtype=np.float32)
    age = lo[band] + u_age * width[band]
    factor = AGE_INCOME_FACTOR / np.exp(float(np.asarray(stats.age_shares) @ np.log(AGE_INCOME_FACTOR)))
    income = (stats.median_income * factor[band] * np.exp(stats.income_sigma * z_income)).astype(np.float32)
    quartile = np.searchsorted(QUARTILE_CUTS, z_income).astype(np.int8)
    p_children = children_by_band(stats)[band]
    household = np.where(u_house < p_children, CHILDREN, np.where(u_house < p_children + stats.alone_share, ALONE, COUPLE)).astype(np.int8)
    return Population(age=age.astype(np.float32), age_band=band, female=u_sex < stats.female_share, income=income,
                      income_quartile=quartile, household=household, urban=u_urban < stats.urban_share)


def mix_weights(population: Population, target: np.ndarray) -> np.ndarray:
    """Importance weights that give `population` the (age band × sex) mix `target` (a 6 × 2 array of
    shares, columns male, female): w_i = target[b_i, s_i] / observed[b_i, s_i], where observed is the
    population's own share of that cell (0 weight for a cell the population does not hold). Used to
    draw personas from a team's own customers' mix instead of the region's census mix."""
    cell = population.age_band.astype(int) * 2 + population.female.astype(int)
    observed = np.bincount(cell, minlength=len(AGE_BANDS) * 2) / max(len(cell), 1)
    wanted = np.asarray(target, dtype=float).reshape(-1)
    wanted = wanted / wanted.sum()
    ratio = np.divide(wanted, observed, out=np.zeros_like(wanted), where=observed > 0)
    return ratio[cell]
