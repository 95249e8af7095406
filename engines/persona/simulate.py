"""Week-by-week adoption of a launch by synthetic buyers, vectorised over buyers.

WHY this form: the Bass diffusion model (Bass 1969) — hazard p + q·F(t), innovators plus imitators —
is the standard shape of new-product adoption. Here it is written per buyer, so that price, hype,
channel and peers act on each person's own traits, and the aggregate curve comes out Bass-like.

Weekly hazard of buyer i in week t (only for buyers who have not bought yet; one unit each):
    fit_i    = σ(α + π_i + logit(a_i) − s_i · ln(price / wtp_i)) · c_i
    π_i      = β_r · ln r_i + β_k · k_i + β_a · (age_i − 40)/10 + β_rk · k_i · ln r_i
    h_it     = season_t · fit_i · ( p · (1 + H · novelty_i · hype/100 · d^t) + q · social_i · A_g(i)(t−1) )
with π_i the household's purchase propensity (r_i = income / US median, k_i = 1 with children at
home; coefficients `PROPENSITY`, fitted on real customers' acceptance of offers — `Propensity`),
a_i category affinity, s_i price sensitivity, wtp_i willingness to pay, c_i channel fit
(= mix_i[channel] / max_k mix_i[k]: 1 for the buyer's favourite channel, 1 for everyone when the
launch is in every channel), A_g(t−1) the share of the buyer's peer segment (age band × income
quartile) who had bought by the end of last week, season_t the retail month index, and the
constants p (innovation), q (imitation), H (hype gain), d (weekly decay of launch buzz) and α (base
logit) in `Diffusion`. Buyer i buys in week t when u_it < h_it, u_it ~ U(0, 1).

Monotonicity (tested with hypothesis): the uniforms u_it are drawn from one seeded stream in the
same order whatever the offer — common random numbers. fit_i falls with price, so h_i0 falls with
price for every buyer, so week 0's buyers at a higher price are a subset of those at a lower
price; then A_g(0) is no larger, so h_i1 is no larger, and by induction over weeks the set of
buyers at a higher price is always a subset: higher price never raises adoption. Hype enters h
with a non-negative coefficient, so the same argument shows more hype never lowers it.

Cost: one pass over the buyers per week (draw, gather, fused multiply-add, compare), float32; a
buyer loop never appears. Large populations run in chunks (`simulate_chunked`), each chunk its
own exchangeable sample of the population whose peer shares A_g stand in for the population's
(at 1M buyers per chunk a segment holds ~40k, so A_g is within ±0.5 percentage points).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engines.persona.population import CHILDREN, US_MEDIAN_INCOME, Population
from engines.persona.traits import CHANNELS, N_SEGMENTS, Buyers

CHUNK = 1_000_000


@dataclass(frozen=True)
class Diffusion:
    """The constants of the hazard (module docstring). Defaults are a consumer-goods launch:
    ~1% of well-fitting buyers try it in a week unprompted, and word of mouth dominates later."""

    base_logit: float = -2.5
    innovation: float = 0.01
    imitation: float = 3.0
    hype_gain: float = 3.0
    hype_decay: float = 0.85


#: The propensity's terms, in `propensity_features` column order.
PROPENSITY_TERMS = ("income", "children", "age", "income_children")


@dataclass(frozen=True)
class Propensity:
    """π_i = β · x_i over `PROPENSITY_TERMS`: x = (ln(income / US median), children at home, (age − 40)/10,
    children × ln(income / US median)). 0 at a childless 40-year-old on the US median income.

    WHY: real customers' acceptance of offers rises far more steeply with income, and falls more with
    children at home, than willingness to pay ∝ income^½ alone gives (`docs/persona.md` §7). The
    coefficients are fitted by `calibration.fit_propensity` — the form and the fit in `evals.personas`."""

    income: float = 0.0
    children: float = 0.0
    age: float = 0.0
    income_children: float = 0.0

    def logit(self, population: Population) -> np.ndarray:
        return propensity_features(population) @ np.array([getattr(self, t) for t in PROPENSITY_TERMS], dtype=np.float32)


def propensity_features(population: Population) -> np.ndarray:
    """(n, 4) float32 x_i of `Propensity`, columns in `PROPENSITY_TERMS` order."""
    log_r = np.log(population.income / np.float32(US_MEDIAN_INCOME))
    kids = (population.household == CHILDREN).astype(np.float32)
    return np.column_stack([log_r, kids, (population.age - np.float32(40.0)) / np.float32(10.0), kids * log_r]).astype(np.float32)


#: Shipped coefficients: `calibration.fit_propensity` on all 2,213 usable customers of
#: `marketing_campaign.csv` against 200,000 US buyers (`evals.personas.shipped_propensity`, which
#: `caeser eval personas` prints); the terms kept were chosen on validation splits of fitting halves.
PROPENSITY = Propensity(income=0.818, children=-0.596, age=-0.049, income_children=-0.487)


#: Buyer profiles counted beside the peer segments: favourite channel (CHANNELS) × urban, code = 2·channel + urban.
N_PROFILES = 2 * len(CHANNELS)


def buyer_profile(buyers: Buyers) -> np.ndarray:
    """Each buyer's profile code, 2 · favourite channel (largest share of the channel mix) + urban."""
    return (np.argmax(buyers.channel_mix, axis=1) * 2 + buyers.population.urban.astype(np.int64)).astype(np.int8)


@dataclass(frozen=True)
class Adoption:
    """What a run produced: new buyers per week, buyers per peer segment and, when profiles were
    given, buyers and people per profile (`buyer_profile`)."""

    weekly: np.ndarray  # (weeks,) int64
    by_segment: np.ndarray  # (N_SEGMENTS,) int64
    n: int
    week_bought: np.ndarray | None = None  # (n,) int16 week of purchase, −1 = never; only when asked for
    by_profile: np.ndarray | None = None  # (N_PROFILES,) int64 buyers
    profile_size: np.ndarray | None = None  # (N_PROFILES,) int64 people simulated

    @property
    def total(self) -> int:
        return int(self.weekly.sum())

    def __add__(self, other: "Adoption") -> "Adoption":
        both = self.by_profile is not None and other.by_profile is not None
        return Adoption(self.weekly + other.weekly, self.by_segment + other.by_segment, self.n + other.n,  # per-buyer weeks are not kept across chunks
                        by_profile=self.by_profile + other.by_profile if both else None, profile_size=self.profile_size + other.profile_size if both else None)


def channel_index(channel: str | None) -> int | None:
    """Index into CHANNELS; social and marketplace launches are web purchases."""
    if channel is None:
        return None
    return CHANNELS.index({"social": "web", "marketplace": "web"}.get(channel, channel))


def purchase_fit(buyers: Buyers, price: float, channel: int | None, base_logit: float, propensity: Propensity = PROPENSITY) -> np.ndarray:
    """fit_i = σ(α + π_i + logit(a_i) − s_i · ln(price / wtp_i)) · c_i, float32."""
    fit = np.float32(1.0) / (np.float32(1.0) + np.exp(-purchase_logit(buyers, price, base_logit, propensity)))
    if channel is not None:
        mix = buyers.channel_mix
        fit *= mix[:, channel] / np.maximum(favourite_share(mix), np.float32(1e-12))
    return fit


def purchase_logit(buyers: Buyers, price: float, base_logit: float, propensity: Propensity = PROPENSITY) -> np.ndarray:
    """α + π_i + logit(a_i) − s_i · ln(price / wtp_i): fit_i before the logistic and the channel, float32."""
    a = buyers.affinity
    return (np.float32(base_logit) + propensity.logit(buyers.population) + np.log(a / (np.float32(1.0) - a))
            - buyers.price_sensitivity * (np.float32(np.log(price)) - np.log(buyers.wtp)))


def favourite_share(mix: np.ndarray) -> np.ndarray:
    """Each row's largest share, `mix.max(1)` exactly (a maximum does not round), taken column by
    column: numpy reduces a row of a few channels element by element, ~25× slower on 100k buyers."""
    return functools.reduce(np.maximum, mix.T)


def weekly_uniforms(entropy: list[int], n: int, weeks: int) -> np.ndarray:
    """The (weeks, n) uniforms u_it that `simulate_adoption` draws from `entropy`, in its order. Every
    offer run with the same entropy reads these same draws, so a caller comparing offers on one set of
    buyers may draw them once and pass them to each run."""
    rng = np.random.default_rng(entropy)
    draws = np.empty((weeks, n), dtype=np.float32)
    for t in range(weeks):
        rng.random(n, dtype=np.float32, out=draws[t])
    return draws


def simulate_adoption(fit: np.ndarray, novelty: np.ndarray, social: np.ndarray, segment: np.ndarray, *, hype: float,
                      season: np.ndarray, params: Diffusion, entropy: list[int], keep_buyers: bool = False,
                      uniforms: np.ndarray | None = None, profile: np.ndarray | None = None) -> Adoption:
    """Run the weekly hazard for `len(season)` weeks. `entropy` seeds the uniforms: equal entropy,
    equal draws, whatever the offer (the common random numbers); `uniforms`, when given, are those
    draws already made (`weekly_uniforms(entropy, len(fit), len(season))`). `keep_buyers` also returns
    each buyer's purchase week; `profile` (codes < N_PROFILES) also counts buyers per profile."""
    n = len(fit)
    rng = np.random.default_rng(entropy) if uniforms is None else None
    p_base = fit * np.float32(params.innovation)
    p_hype = p_base * np.float32(params.hype_gain * hype / 100.0) * novelty
    q = fit * np.float32(params.imitation) * social
    size = np.maximum(np.bincount(segment, minlength=N_SEGMENTS), 1).astype(np.float32)
    bought = np.zeros(N_SEGMENTS, dtype=np.int64)
    adopted = np.zeros(n, dtype=bool)
    weekly = np.zeros(len(season), dtype=np.int64)
    week_bought = np.full(n if keep_buyers else 0, -1, dtype=np.int16)
    by_profile = np.zeros(N_PROFILES, dtype=np.int64)
    for t, month_index in enumerate(season):  # weeks, not buyers
        u = rng.random(n, dtype=np.float32) if rng is not None else uniforms[t]
        share = (bought / size).astype(np.float32)
        h = np.float32(month_index) * (p_base + np.float32(params.hype_decay ** t) * p_hype + q * share[segment])
        new = np.flatnonzero((u < h) & ~adopted)
        adopted[new] = True
        if keep_buyers:
            week_bought[new] = t
        weekly[t] = len(new)
        bought += np.bincount(segment[new], minlength=N_SEGMENTS)
        if profile is not None:
            by_profile += np.bincount(profile[new], minlength=N_PROFILES)
    sizes = None if profile is None else np.bincount(profile, minlength=N_PROFILES).astype(np.int64)
    return Adoption(weekly, bought, n, week_bought if keep_buyers else None, by_profile=None if profile is None else by_profile, profile_size=sizes)


def simulate_buyers(buyers: Buyers, *, price: float, channel: str | None, hype: float, season: np.ndarray,
                    params: Diffusion, entropy: list[int], uniforms: np.ndarray | None = None) -> Adoption:
    """One offer to one set of buyers (`uniforms`: as for `simulate_adoption`), counting buyers per
    profile (`buyer_profile`) as well as per peer segment."""
    fit = purchase_fit(buyers, price, channel_index(channel), params.base_logit)
    return simulate_adoption(fit, buyers.novelty, buyers.social_proof, buyers.segment, hype=hype, season=season, params=params, entropy=entropy,
                             uniforms=uniforms, profile=buyer_profile(buyers))


def simulate_chunked(make_buyers: Callable[[int, int], Buyers], n: int, *, price: float, channel: str | None, hype: float,
                     season: np.ndarray, params: Diffusion, seed: int, chunk: int = CHUNK) -> Adoption:
    """`n` buyers in chunks of at most `chunk`: `make_buyers(chunk_index, size)` builds each chunk,
    whose uniforms are seeded by (seed, chunk_index). Memory is bounded by the chunk, not by n."""
    total: Adoption | None = None
    for index, start in enumerate(range(0, n, chunk)):
        size = min(chunk, n - start)
        part = simulate_buyers(make_buyers(index, size), price=price, channel=channel, hype=hype, season=season,
                               params=params, entropy=[seed, index, 1])
        total = part if total is None else total + part
    assert total is not None
    return total
