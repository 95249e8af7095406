"""Buying traits of synthetic adults: what the launch simulation and the archetypes read.

WHY these traits: each one is a lever a marketer pulls in a launch plan — price (willingness to pay,
price sensitivity), buzz (novelty seeking), heritage (nostalgia), reviews and word of mouth
(susceptibility to social proof), where to sell (channel preference) and what the product is
(category affinity). The formulas are modelling choices, written here and in `docs/persona.md`,
except the channel mix, which is read from real customers (`marketing_campaign.csv`), and the
category affinity, which can be scaled by the affinity engine's segment lift.

Per buyer, with r = income / US median, k = 1 if children in the household, z_j ~ N(0, 1):
- willingness to pay    wtp = ref_price · r^0.5 · 0.9^k · exp(0.35 · z_1)
  (an income elasticity of ½ for discretionary goods; families pay 10% less);
- price sensitivity     s = clip(exp(ln |ε| − 0.25 ln r + 0.15 k + 0.3 z_2), 0.05, 8)
  (the slope of the purchase logit on ln(price / wtp); |ε| at the median, ε = `PRICE_ELASTICITY`
  fitted on Online Retail (`pricing.price_elasticity`): with a purchase fit well below 1 the
  elasticity of a buyer's purchase probability is −s (1 − fit) ≈ −s, so the median buyer responds
  to price as the shop's buyers did; the income and children terms are judgements);
- novelty seeking       σ(0.8 − 0.04 (age − 40) + 0.3 urban + 0.8 z_3);
- nostalgia             σ(−1 + 0.05 (age − 40) + 0.8 z_4);
- social proof          σ(−0.2 − 0.02 (age − 40) + 0.3 urban + 0.8 z_5);
- channel mix (web, catalogue, store) ~ Dirichlet(κ · m_cell), m_cell the mean purchase shares of
  real customers in the buyer's cell (income quartile × age band × children), κ fitted on them
  (`channel_table`);
- category affinity     a = min(0.95, Beta(2, 6) · lift[age band, gender]) (lift = 1 without a
  category; the affinity engine's segment lift otherwise).
σ is the logistic function. Draw order is fixed, so equal seeds give equal traits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from engines.persona.population import CHILDREN, US_MEDIAN_INCOME, Population

CHANNELS = ("web", "catalogue", "store")
#: Age bands of the channel table (the customer file has few under 30s, so bands are coarse).
CHANNEL_AGE_EDGES = np.array([40, 50, 60])
#: Overall mean purchase shares (web, catalogue, store) of the 2,234 customers of
#: `marketing_campaign.csv` with at least one purchase: the table used when the file is absent.
DEFAULT_CHANNEL_MIX = (0.330, 0.165, 0.505)
DEFAULT_CONCENTRATION = 6.0
CELL_PRIOR = 20.0  # pseudo-customers pulling a cell's mean mix to its income × children mean
#: Elasticity of weekly buyers (invoices) to price, UCI Online Retail Dec 2010 – Aug 2011, product and
#: week fixed effects (`pricing.price_elasticity`: −0.477 ± 0.012, 63,088 product-weeks); Sep – Dec
#: 2011 is held out for the price check of `caeser eval personas`.
PRICE_ELASTICITY = -0.477


@dataclass(frozen=True)
class ChannelTable:
    """Mean (web, catalogue, store) shares per (income quartile, age band, children) and κ."""

    mean: np.ndarray  # (4, 4, 2, 3)
    concentration: float
    source: str


def default_channel_table() -> ChannelTable:
    mean = np.broadcast_to(np.asarray(DEFAULT_CHANNEL_MIX), (4, 4, 2, 3)).copy()
    return ChannelTable(mean, DEFAULT_CONCENTRATION, "overall channel mix of marketing_campaign.csv (built in)")


def channel_table(customers: pd.DataFrame, reference_year: int) -> ChannelTable:
    """Fit the table on the customer file: shares x = purchases per channel / all purchases.

    Cell mean m_cell = (Σ x + P · m_ic) / (n + P), P = `CELL_PRIOR`, m_ic the mean of the cell's
    income quartile × children group (a cell of 3 customers cannot stand alone). κ is the method-
    of-moments Dirichlet concentration, κ = mean_k[m_k (1 − m_k) / Var(x_k)] − 1, over everyone
    (deviations taken from each customer's cell mean).
    """
    df = customers.dropna(subset=["Income"])
    counts = df[["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]].to_numpy(float)
    total = counts.sum(1)
    keep = total > 0
    df, shares = df[keep], counts[keep] / total[keep, None]
    quartile = pd.qcut(df["Income"], 4, labels=False).to_numpy()
    band = np.searchsorted(CHANNEL_AGE_EDGES, reference_year - df["Year_Birth"].to_numpy(), side="right")
    kids = ((df["Kidhome"] + df["Teenhome"]) > 0).to_numpy().astype(int)
    mean = np.zeros((4, 4, 2, 3))
    fitted = np.zeros_like(shares)
    for q in range(4):
        for c in range(2):
            group = (quartile == q) & (kids == c)
            group_mean = shares[group].mean(0) if group.any() else np.asarray(DEFAULT_CHANNEL_MIX)
            for b in range(4):
                cell = group & (band == b)
                mean[q, b, c] = (shares[cell].sum(0) + CELL_PRIOR * group_mean) / (cell.sum() + CELL_PRIOR)
                fitted[cell] = mean[q, b, c]
    var = ((shares - fitted) ** 2).mean(0)
    m = fitted.mean(0)
    kappa = float(np.mean(m * (1 - m) / np.maximum(var, 1e-9)) - 1.0)
    return ChannelTable(mean, max(kappa, 1.0), f"channel mix of {len(df):,} customers of marketing_campaign.csv")


@dataclass(frozen=True)
class Buyers:
    """A population with its traits; `segment` = age band × income quartile (24 groups), the peer
    group whose adoption is the buyer's social proof."""

    population: Population
    wtp: np.ndarray
    price_sensitivity: np.ndarray
    novelty: np.ndarray
    nostalgia: np.ndarray
    social_proof: np.ndarray
    channel_mix: np.ndarray  # (n, 3) web, catalogue, store
    affinity: np.ndarray
    segment: np.ndarray  # int8 0..23

    def __len__(self) -> int:
        return len(self.wtp)


N_SEGMENTS = 24


def sample_traits(population: Population, rng: np.random.Generator, *, ref_price: float, channels: ChannelTable,
                  affinity_lift: np.ndarray | None = None) -> Buyers:
    """Traits for every adult of `population` (formulas in the module docstring).
    `affinity_lift` is (6 age bands, 2 genders: male, female) or None for no category signal."""
    n = len(population)
    z = rng.standard_normal((5, n), dtype=np.float32)
    r = population.income / np.float32(US_MEDIAN_INCOME)
    kids = (population.household == CHILDREN).astype(np.float32)
    age = population.age - np.float32(40.0)
    urban = population.urban.astype(np.float32)
    wtp = np.float32(ref_price) * np.sqrt(r) * np.float32(0.9) ** kids * np.exp(np.float32(0.35) * z[0])
    sensitivity = np.clip(np.exp(np.float32(np.log(-PRICE_ELASTICITY)) - np.float32(0.25) * np.log(r) + np.float32(0.15) * kids + np.float32(0.3) * z[1]), 0.05, 8.0)
    novelty = expit(0.8 - 0.04 * age + 0.3 * urban + 0.8 * z[2]).astype(np.float32)
    nostalgia = expit(-1.0 + 0.05 * age + 0.8 * z[3]).astype(np.float32)
    social = expit(-0.2 - 0.02 * age + 0.3 * urban + 0.8 * z[4]).astype(np.float32)
    band4 = np.searchsorted(CHANNEL_AGE_EDGES, population.age, side="right")
    alpha = channels.concentration * channels.mean[population.income_quartile, band4, kids.astype(int)]
    gammas = rng.standard_gamma(alpha).astype(np.float32)
    mix = gammas / np.maximum(gammas.sum(1, keepdims=True), np.float32(1e-12))
    lift = np.ones(n, dtype=np.float32) if affinity_lift is None else np.asarray(affinity_lift, dtype=np.float32)[population.age_band, population.female.astype(int)]
    affinity = np.minimum(np.float32(0.95), rng.beta(2.0, 6.0, n).astype(np.float32) * lift)
    segment = (population.age_band.astype(np.int16) * 4 + population.income_quartile).astype(np.int8)
    return Buyers(population, wtp.astype(np.float32), sensitivity.astype(np.float32), novelty, nostalgia, social, mix, affinity, segment)


def subset(buyers: Buyers, rows: np.ndarray) -> Buyers:
    """The buyers at `rows` (an audience filter), every array sliced alike."""
    p = buyers.population
    population = Population(p.age[rows], p.age_band[rows], p.female[rows], p.income[rows], p.income_quartile[rows], p.household[rows], p.urban[rows])
    return Buyers(population, buyers.wtp[rows], buyers.price_sensitivity[rows], buyers.novelty[rows], buyers.nostalgia[rows], buyers.social_proof[rows],
                  buyers.channel_mix[rows], buyers.affinity[rows], buyers.segment[rows])
