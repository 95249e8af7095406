"""Calibration of synthetic buyers against real ones: the offer campaigns of `marketing_campaign.csv`.

WHY: a synthetic population is only worth simulating if, shown an offer, its segments respond as
real segments do. The customer file records, for 2,240 customers of one retailer, whether each
accepted six offer campaigns (`AcceptedCmp1..5`, `Response`). The protocol (`evals.personas`):

1. Customers with a known income and a plausible birth year (age ≤ 100 at the file's last
   enrolment year) are split in half by a seeded permutation: *fitting* and *scoring*.
2. Traits of a customer (`TRAITS`): log income and its square, age, children and teenagers at
   home, shares of web / catalogue / deal purchases, recency, log total spend and its square, web
   visits a month (the squares, centred at fixed points, let acceptance bend with income and spend).
3. Acceptance model, fitted on the fitting half only: one logistic regression per campaign c on
   the standardised traits (L2, C = 1): P(accept_ic) = σ(β_c0 + β_cᵀ x_i). One model per campaign
   because the campaigns targeted different people (campaign 2 reached almost no one, the last
   one the young and single), which a shared slope would blur.
4. Segments: income quartile (cut points from the fitting half) × age band (< 40, 40–49, 50–59,
   60+) × children (any child or teenager at home).
5. Synthetic buyers of a segment are drawn from the fitting half's trait distribution in that
   segment — a Gaussian kernel density estimate: resample a fitting customer of the segment and
   add N(0, h²) noise to each standardised trait, h = 0.1 — and each campaign is simulated as a
   one-week offer through `simulate.simulate_adoption` (innovation 1, no imitation, no hype:
   every buyer sees the offer once and accepts when u < P(accept)).
6. Predicted segment rate = mean acceptance of its synthetic buyers over the six campaigns.

Scored on the scoring half, segments with ≥ `MIN_SEGMENT` customers, by MAE weighted by the
segment's scoring customers, against two baselines: the fitting half's global rate, and each
segment's own rate on the fitting half.

`fit_propensity` fits the shipped path's purchase propensity (`simulate.Propensity`) by simulated
moments: synthetic buyers are grouped into the segments above, and the coefficients θ (intercept
first) maximise the binomial log-likelihood of the fitting customers' acceptances per segment,
    Σ_g A_g ln P_g(θ) + (N_g − A_g) ln(1 − P_g(θ)),   P_g(θ) = mean_{i ∈ g} σ(b_i + θ · x_i),
A_g the acceptances of segment g's fitting customers over N_g = 6 n_g offers, b_i the rest of
buyer i's purchase logit (affinity and price terms at the offer's price), x_i = (1, propensity
features). WHY moments of segments, not each customer's own income: the synthetic population's
incomes reach far beyond the customer file's (a US top quartile runs to millions), so a slope fitted
customer by customer would be extrapolated; matched on segment rates, the fit sees the
population the tool simulates. L-BFGS with the analytic gradient from θ = (−3, 0, …): deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from engines.persona.simulate import Diffusion, simulate_adoption

CAMPAIGNS = ("AcceptedCmp1", "AcceptedCmp2", "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5", "Response")
TRAITS = ("log_income", "log_income_sq", "age", "kids", "teens", "web_share", "catalogue_share", "deals_share", "recency", "log_spend",
          "log_spend_sq", "web_visits")
INCOME_CENTRE = float(np.log(50_000))  # where the squared terms are centred (fixed, not fitted)
SPEND_CENTRE = float(np.log1p(250))
AGE_EDGES = np.array([40, 50, 60])
AGE_LABELS = ("<40", "40–49", "50–59", "60+")
MIN_SEGMENT = 10
MAX_AGE = 100
BANDWIDTH = 0.1
SPEND = ("MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds")
OFFER = Diffusion(base_logit=0.0, innovation=1.0, imitation=0.0, hype_gain=0.0, hype_decay=1.0)


def customer_traits(customers: pd.DataFrame) -> pd.DataFrame:
    """One row per usable customer: `TRAITS`, `income`, `children` (bool), `accepted` (mean of the
    six campaigns) and the six campaign columns."""
    df = customers.dropna(subset=["Income"]).copy()
    year = int(df["Dt_Customer"].dt.year.max())
    df["age"] = year - df["Year_Birth"]
    df = df[df["age"] <= MAX_AGE]
    purchases = df[["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]].sum(axis=1).clip(lower=1)
    out = pd.DataFrame({
        "log_income": np.log(df["Income"]), "age": df["age"].astype(float), "kids": df["Kidhome"].astype(float), "teens": df["Teenhome"].astype(float),
        "web_share": df["NumWebPurchases"] / purchases, "catalogue_share": df["NumCatalogPurchases"] / purchases,
        "deals_share": df["NumDealsPurchases"] / (purchases + df["NumDealsPurchases"]).clip(lower=1),
        "recency": df["Recency"] / 100.0, "log_spend": np.log1p(df[list(SPEND)].sum(axis=1)), "web_visits": df["NumWebVisitsMonth"] / 10.0,
    }, index=df.index)
    out["log_income_sq"] = (out["log_income"] - INCOME_CENTRE) ** 2
    out["log_spend_sq"] = (out["log_spend"] - SPEND_CENTRE) ** 2
    out["income"] = df["Income"]
    out["children"] = (df["Kidhome"] + df["Teenhome"]) > 0
    for c in CAMPAIGNS:
        out[c] = df[c].astype(float)
    out["accepted"] = df[list(CAMPAIGNS)].mean(axis=1)
    return out.reset_index(drop=True)


def segment_keys(traits: pd.DataFrame, income_cuts: np.ndarray) -> pd.Series:
    """"Q2 · 40–49 · children" style keys: income quartile × age band × children."""
    q = np.searchsorted(income_cuts, traits["income"].to_numpy(), side="right")
    band = np.searchsorted(AGE_EDGES, traits["age"].to_numpy(), side="right")
    kids = np.where(traits["children"].to_numpy(), "children", "no children")
    return pd.Series([f"Q{a + 1} · {AGE_LABELS[b]} · {k}" for a, b, k in zip(q, band, kids, strict=True)], index=traits.index)


@dataclass(frozen=True)
class AcceptanceModel:
    """Step 3: standardisation and one fitted logistic regression per campaign."""

    mean: np.ndarray
    scale: np.ndarray
    models: tuple[LogisticRegression, ...]

    @classmethod
    def fit(cls, fitting: pd.DataFrame) -> "AcceptanceModel":
        x = fitting[list(TRAITS)].to_numpy(float)
        mean, scale = x.mean(0), x.std(0) + 1e-9
        z = (x - mean) / scale
        return cls(mean, scale, tuple(LogisticRegression(C=1.0, max_iter=2000).fit(z, fitting[c].to_numpy()) for c in CAMPAIGNS))

    def standardise(self, traits: pd.DataFrame) -> np.ndarray:
        return (traits[list(TRAITS)].to_numpy(float) - self.mean) / self.scale

    def probabilities(self, z: np.ndarray) -> np.ndarray:
        """(n, campaigns) P(accept) for standardised traits `z`."""
        return np.column_stack([m.predict_proba(z)[:, 1] for m in self.models])


def synthetic_buyers(fitting_z: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Step 5: n draws from the Gaussian KDE of a segment's standardised fitting traits."""
    rows = fitting_z[rng.integers(0, len(fitting_z), n)]
    return rows + BANDWIDTH * rng.standard_normal(rows.shape)


def simulate_campaigns(probabilities: np.ndarray, seed: int) -> np.ndarray:
    """Step 5's offers: per campaign c a one-week run of the adoption engine; returns (n, campaigns) 0/1."""
    n = len(probabilities)
    quiet = np.zeros(n, dtype=np.float32)
    segment = np.zeros(n, dtype=np.int8)
    out = np.zeros(probabilities.shape)
    for c in range(probabilities.shape[1]):
        fit = probabilities[:, c].astype(np.float32)
        adoption = simulate_adoption(fit, quiet, quiet, segment, hype=0.0, season=np.ones(1, dtype=np.float32), params=OFFER,
                                     entropy=[seed, c], keep_buyers=True)
        out[:, c] = adoption.week_bought == 0
    return out


@dataclass(frozen=True)
class SegmentScore:
    segment: str
    n: int  # scoring customers
    actual: float
    engine: float
    baseline: float
    segment_rate: float
    shipped: float = float("nan")  # simulate_launch's own path, filled by `evals.personas`


def calibrate(traits: pd.DataFrame, *, seed: int, buyers_per_segment: int = 2000) -> list[SegmentScore]:
    """Steps 1–6 for one seeded split; one row per scored segment."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(traits))
    fitting, scoring = traits.iloc[perm[: len(traits) // 2]], traits.iloc[perm[len(traits) // 2:]]
    cuts = np.quantile(fitting["income"], [0.25, 0.5, 0.75])
    model = AcceptanceModel.fit(fitting)
    fit_keys, score_keys = segment_keys(fitting, cuts), segment_keys(scoring, cuts)
    z_fit = model.standardise(fitting)
    global_rate = float(fitting["accepted"].mean())
    rows = []
    for i, (key, group) in enumerate(scoring.groupby(score_keys, sort=True)):
        if len(group) < MIN_SEGMENT:
            continue
        mine = (fit_keys == key).to_numpy()
        if not mine.any():
            continue  # no fitting customer to draw from: the segment cannot be built honestly
        z = synthetic_buyers(z_fit[mine], buyers_per_segment, np.random.default_rng([seed, i]))
        accepted = simulate_campaigns(model.probabilities(z), seed=seed * 1000 + i)
        rows.append(SegmentScore(str(key), len(group), float(group["accepted"].mean()), float(accepted.mean()), global_rate,
                                 float(fitting.loc[mine, "accepted"].mean())))
    return rows


def weighted_mae(rows: list[SegmentScore], field: str) -> float:
    """Σ n_g |pred_g − actual_g| / Σ n_g."""
    n = np.array([r.n for r in rows], dtype=float)
    err = np.array([abs(getattr(r, field) - r.actual) for r in rows])
    return float((n * err).sum() / n.sum())


def fit_propensity(base: np.ndarray, features: np.ndarray, groups: np.ndarray, accepted: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """θ (intercept, then one slope per column of `features`) maximising the segment likelihood of the
    module docstring. `groups[i]` ∈ 0..G−1 is buyer i's segment; `accepted`, `trials`: (G,) counts."""
    x = np.column_stack([np.ones(len(base)), np.asarray(features, dtype=float)])
    base = np.asarray(base, dtype=float)
    size = np.bincount(groups, minlength=len(trials)).astype(float)
    a, n = np.asarray(accepted, dtype=float), np.asarray(trials, dtype=float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p = expit(base + x @ theta)
        rate = np.clip(np.bincount(groups, p, len(n)) / size, 1e-12, 1 - 1e-12)
        slope = np.column_stack([np.bincount(groups, p * (1 - p) * x[:, j], len(n)) for j in range(x.shape[1])]) / size[:, None]
        weight = a / rate - (n - a) / (1 - rate)
        return -float(a @ np.log(rate) + (n - a) @ np.log(1 - rate)), -(weight @ slope)

    start = np.zeros(x.shape[1])
    start[0] = -3.0
    return minimize(loss, start, jac=True, method="L-BFGS-B").x
