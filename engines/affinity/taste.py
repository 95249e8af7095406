"""The local taste model: what a segment loves, with intervals, and a recommender for one person.

Three estimators, all over a `Survey` (respondent × item ratings with demographics):

1. **Segment affinity** (`segment_affinity`). For item j, let N_j respondents answer it and K_j love
   it. The population share is Laplace-smoothed, p_j = (K_j + 1) / (N_j + 2). In a segment with n_j
   answers and k_j loves the share is the mean of the Beta posterior whose prior is the population
   share worth `m` pseudo-respondents:
       α = k_j + m·p_j,  β = n_j − k_j + m·(1 − p_j),  share_j = α / (α + β)
   so a segment of 5 people cannot claim a lift of 3. The interval is the Beta(α, β) central
   `level` credible interval. Lift = share_j / p_j (1 = like everyone else), and its interval is
   the share interval divided by p_j (the population share is known far better than the segment's).
   *Affinity* is the share itself (the probability that a member loves the item), which is what
   the ranking uses; lift says how distinctive that is.

2. **Seeded affinity** ("people who like X also like Y"): formula 3 below for a member of the
   segment who loves every seed item — the conditional probability that they love each other item of
   the same survey (any domain: metal fans → war films) — blended with formula 4 in logits:
       P(loved_j) = expit(w·ℓ_j + (1 − w)·(z_j − z̄ + ℓ̄)),   ℓ_j = logit P₃(loved_j),  w = `TasteParams.blend`
   (bars: means over the request's ranked items; the centring keeps formula 3's level, see `blended`).
   It replaced the co-preference share (formula 1 among the members who love any seed), which
   held-out respondents showed no better than the plain segment share (`docs/affinity.md`, Eval).

3. **Personal ranking** (`GaussianTaste`, behind `seeded_affinity`): ratings are modelled as
   multivariate normal around the person's *segment mean* (the segment mean shrunk towards the
   population mean with `prior_strength` pseudo-respondents, the same idea as in 1) with a
   covariance Σ estimated on training respondents and shrunk towards its diagonal,
       Σ̂ = (1 − s)·S + s·diag(S).
   Given a person's revealed answers x_R, the hidden items' conditional distribution is
       m_H = μ_H + Σ_HR (Σ_RR + λI)⁻¹ (x_R − μ_R)
       v_H = diag(Σ_HH) − diag(Σ_HR (Σ_RR + λI)⁻¹ Σ_RH)
   and the score of item j is P(x_j ≥ c_j) = 1 − Φ((c_j − m_j) / √v_j), the probability of a
   "loved" answer. On the *latent* scale (shipped) x is not the answer itself but its normal score
   (`NormalScores`: a Likert answer is the slice of a standard normal its item's answers occupy,
   replaced by that slice's mean), c_j is the boundary below the loved slice and a loved seed is
   revealed as the loved slice's mean; so skewed items (everyone rates Music 5) are not treated as
   symmetric bells. On the *ratings* scale x is the answer and c_j = t_j − ½ (t_j = the loved
   threshold, ½ the continuity correction of an integer scale). The scale, λ (ridge), s (shrinkage)
   and m (prior) are chosen by cross-validation on training respondents only (`caeser eval affinity
   --validate`).

4. **Co-love logit** (`CoLove`): z_j = b_j + Σ_{k∈S} W_kj over the seeds S, a logistic regression
   fitted once per survey on simulated requests (each respondent reveals a random half of their
   answers; the loved ones are seeds, the hidden answered items targets), L2 penalty `l2` on W. It sees
   the loved answers as they are (a yes/no signal at the top of the scale), which the Gaussian's
   linear covariance over whole scales blurs; alone it ranks worse than formula 3, blended it ranks
   better (cross-validated figures in `docs/affinity.md`). Surveys with more than `MAX_CO_LOVE_ITEMS`
   items (items² weights) use formula 3 alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, logit, ndtr, ndtri
from scipy.stats import beta as beta_dist
from scipy.stats import norm

from engines.affinity.surveys import Survey
from engines.geo import ancestors

DEFAULT_PRIOR_STRENGTH = 10.0  # pseudo-respondents behind the population share (formula 1)
DEFAULT_LEVEL = 0.9


@dataclass(frozen=True)
class Segment:
    """A slice of respondents; every field optional (None = no filter)."""

    region: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    gender: str | None = None


def segment_mask(survey: Survey, segment: Segment) -> np.ndarray:
    """Respondents in the segment. A respondent matches a region when the region is theirs or
    contains theirs (Europe ⊃ Slovakia, United States ⊃ Pacific); matches an age range when their
    age bucket overlaps it; a filter on an unanswered demographic excludes the respondent."""
    people = survey.respondents
    mask = np.ones(len(people), dtype=bool)
    if segment.region is not None:
        mask &= np.array([isinstance(r, str) and segment.region in ancestors(r) for r in people["region"]])
    if segment.age_min is not None:
        mask &= (people["age_max"] >= segment.age_min).to_numpy()
    if segment.age_max is not None:
        mask &= (people["age_min"] <= segment.age_max).to_numpy()
    if segment.gender is not None:
        mask &= (people["gender"] == segment.gender).to_numpy()
    return mask


def population_share(survey: Survey, rows: np.ndarray | None = None) -> np.ndarray:
    """p_j = (K_j + 1) / (N_j + 2) over `rows` (default: everyone)."""
    answered, loved = survey.answered, survey.loved
    if rows is not None:
        answered, loved = answered[rows], loved[rows]
    return (loved.sum(0) + 1.0) / (answered.sum(0) + 2.0)


def segment_affinity(survey: Survey, mask: np.ndarray, *, prior_strength: float = DEFAULT_PRIOR_STRENGTH, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Formula 1 for every item of the survey, one row per item (same order as `survey.items`)."""
    p = population_share(survey)
    n = survey.answered[mask].sum(0).astype(float)
    k = survey.loved[mask].sum(0).astype(float)
    a = k + prior_strength * p
    b = n - k + prior_strength * (1.0 - p)
    share = a / (a + b)
    lo, hi = beta_dist.ppf((1 - level) / 2, a, b), beta_dist.ppf((1 + level) / 2, a, b)
    out = survey.items[["item", "label", "domain"]].copy()
    out["respondents"] = n.astype(int)
    out["loved"] = k.astype(int)
    out["population_share"] = p
    out["affinity"], out["affinity_low"], out["affinity_high"] = share, lo, hi
    out["lift"], out["lift_low"], out["lift_high"] = share / p, lo / p, hi / p
    return out


# --- formula 3: the personal recommender ------------------------------------------------------------

@dataclass(frozen=True)
class TasteParams:
    """Defaults = the grid point 3-fold cross-validation picks on the Young People Survey's training
    respondents, averaged over the eval's seeded splits (`caeser eval affinity --validate`; figures in
    `docs/affinity.md`), never on the held-out respondents."""

    prior_strength: float = 30.0  # pseudo-respondents pulling a segment mean to the population mean
    ridge: float = 0.03  # λ added to Σ_RR
    shrink: float = 0.0  # s: weight of diag(S) in Σ̂
    scale: str = "latent"  # "latent" (normal scores, `NormalScores`) or "ratings" (the answers as given)
    blend: float = 0.7  # w: weight of formula 3's logit against the co-love logit (formula 4); 1 = formula 3 alone
    requests: int = 20  # simulated requests per training respondent behind formula 4
    l2: float = 1e-3  # L2 penalty on formula 4's weights (per simulated request)


def _pdf(z: np.ndarray) -> np.ndarray:
    """Standard normal density, 0 at ±∞."""
    return np.exp(-0.5 * np.square(z)) / np.sqrt(2 * np.pi)


@dataclass(frozen=True)
class NormalScores:
    """Each item's answers mapped onto a standard normal: the answers of training respondents split
    the normal into consecutive slices by their cumulative shares (value v occupies the slice between
    Φ⁻¹(share of answers below v) and Φ⁻¹(share of answers up to v), shares clipped into
    [½/N, 1 − ½/N]), and an answer becomes its slice's mean E[Z | slice] = (φ(a) − φ(b)) / (Φ(b) − Φ(a)).
    `threshold[j]` is the boundary below item j's loved answers (a seed the person loves is revealed as
    its loved answer's score, the mean of the slice above that boundary on a scale whose top is loved).
    `within[j]` = 1 − Var(score) is the variance left inside the slices, added back to a predicted
    score's variance so that P(Z ≥ threshold) is the loved share when nothing is revealed (a yes/no
    item's two slice means vary far less than Z itself)."""

    values: tuple[np.ndarray, ...]  # per item, the distinct answers seen, ascending
    scores: tuple[np.ndarray, ...]  # per item, each answer's slice mean
    threshold: np.ndarray
    within: np.ndarray

    @classmethod
    def fit(cls, ratings: np.ndarray, loved_at: np.ndarray) -> "NormalScores":
        values, scores, threshold, within = [], [], np.zeros(len(loved_at)), np.zeros(len(loved_at))
        for j, column in enumerate(ratings.T):
            answers = np.sort(column[~np.isnan(column)])
            n = max(len(answers), 1)
            seen = np.unique(answers) if len(answers) else loved_at[j:j + 1]
            cuts = np.append(seen, loved_at[j])
            edges = ndtri(np.clip(np.searchsorted(answers, cuts, side="left") / n, 0.5 / n, 1 - 0.5 / n))  # Φ⁻¹(share below)
            lower, upper = np.append(-np.inf, edges[1:-1]), np.append(edges[1:-1], np.inf)
            width = ndtr(upper) - ndtr(lower)
            values.append(seen)
            scores.append((_pdf(lower) - _pdf(upper)) / width)
            threshold[j] = edges[-1]
            within[j] = 1.0 - float(np.sum(width * scores[-1] ** 2))
        return cls(tuple(values), tuple(scores), threshold, within)

    def transform(self, ratings: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Answers (respondents × `items`) → normal scores; NaN stays NaN, an answer between two seen
        values is interpolated."""
        out = np.full(ratings.shape, np.nan)
        for k, j in enumerate(items):
            ok = ~np.isnan(ratings[:, k])
            out[ok, k] = np.interp(ratings[ok, k], self.values[j], self.scores[j])
        return out


class GaussianTaste:
    """Formula 3, fitted on a training set of respondents with integer segment codes; answers go in
    and out on their own scale, the model works on `params.scale`."""

    def __init__(self, ratings: np.ndarray, segments: np.ndarray, loved_at: np.ndarray, params: TasteParams = TasteParams()):
        if params.scale not in ("latent", "ratings"):
            raise ValueError(f"unknown scale {params.scale!r}")
        self.params = params
        self.normal = NormalScores.fit(ratings, loved_at) if params.scale == "latent" else None
        self.cut = self.normal.threshold if self.normal else loved_at - 0.5  # x ≥ cut is loved
        self.within = self.normal.within if self.normal else np.zeros(len(loved_at))
        ratings = self._scaled(ratings, np.arange(len(loved_at)))
        answered = ~np.isnan(ratings)
        self.mean = np.where(answered, ratings, 0.0).sum(0) / np.maximum(answered.sum(0), 1)
        filled = np.where(answered, ratings, self.mean)
        self.segment_mean: dict[int, np.ndarray] = {}
        for code in np.unique(segments):
            rows = segments == code
            n = answered[rows].sum(0)
            total = np.where(answered[rows], ratings[rows], 0.0).sum(0)
            self.segment_mean[int(code)] = (total + params.prior_strength * self.mean) / (n + params.prior_strength)
        centred = filled - np.array([self.mean_for(int(c)) for c in segments])
        cov = np.cov(centred, rowvar=False)
        self.cov = (1 - params.shrink) * cov + params.shrink * np.diag(np.diag(cov))

    def _scaled(self, ratings: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self.normal.transform(ratings, items) if self.normal else ratings

    def mean_for(self, segment: int) -> np.ndarray:
        """The segment's shrunk mean; an unseen segment gets the population mean."""
        return self.segment_mean.get(segment, self.mean)

    def score(self, segment: int, revealed: np.ndarray, values: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """P(loved) for each target item given the revealed items' answers."""
        values = self._scaled(np.asarray(values, float)[None, :], revealed)[0]
        mu = self.mean_for(segment)
        s_rr = self.cov[np.ix_(revealed, revealed)] + self.params.ridge * np.eye(len(revealed))
        s_hr = self.cov[np.ix_(targets, revealed)]
        solved = np.linalg.solve(s_rr, np.column_stack([values - mu[revealed], s_hr.T]))
        m = mu[targets] + s_hr @ solved[:, 0]
        v = np.diag(self.cov)[targets] - np.einsum("ij,ji->i", s_hr, solved[:, 1:])
        return norm.sf((self.cut[targets] - m) / np.sqrt(np.maximum(v, 1e-3) + self.within[targets]))


MAX_CO_LOVE_ITEMS = 100  # formula 4 has items² weights: a survey with more items (MovieLens' 1,682 films) ranks by formula 3 alone


@dataclass(frozen=True)
class CoLove:
    """Formula 4, the co-love logit: logit P(loved_j | seeds S) = b_j + Σ_{k∈S} W_kj, fitted once per
    survey (it does not depend on the audience, which formula 3 carries) by L2-penalised logistic
    regression on simulated requests: each training respondent, `params.requests` times, reveals a
    random half (rounded down) of the items they answered; the loved ones are the seeds (x_k = 1) and
    every hidden item they answered is a target (y_j = loved). WHY simulated requests: a seed list
    names some of what a person loves, not everything, so the absence of an item from the seeds is
    only weak evidence against it, and the weights are learnt with that ambiguity in."""

    weights: np.ndarray  # W[k, j]: what loving seed k adds to item j's logit
    bias: np.ndarray  # b_j

    @classmethod
    def fit(cls, survey: Survey, params: TasteParams = TasteParams(), seed: int = 0) -> "CoLove":
        rng = np.random.default_rng(seed)
        answered, loved = survey.answered, survey.loved
        n, j = answered.shape
        xs, masks = [], []
        for _ in range(params.requests):
            keys = np.where(answered, rng.random((n, j)), np.inf)
            revealed = np.argsort(np.argsort(keys, axis=1), axis=1) < (answered.sum(1) // 2)[:, None]
            xs.append(revealed & loved)
            masks.append(answered & ~revealed)
        x, mask = (np.concatenate(a).astype(np.float32) for a in (xs, masks))  # float32: 2.5× faster, same fit to 1e-6
        y = np.tile(loved, (params.requests, 1)) * mask
        rows = len(x)

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = theta[:-j].reshape(j, j).astype(np.float32), theta[-j:].astype(np.float32)
            z = x @ w + b
            g = (mask * expit(z) - y) / rows
            value = float((mask * np.logaddexp(0, z)).sum() - (y * z).sum()) / rows + 0.5 * params.l2 * float(np.square(w).sum())
            return value, np.concatenate([(x.T @ g + params.l2 * w).ravel(), g.sum(0)]).astype(float)
        theta = minimize(loss, np.zeros(j * j + j), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
        return cls(theta[:-j].reshape(j, j), theta[-j:])

    def logit(self, seeds: np.ndarray, targets: np.ndarray) -> np.ndarray:
        return self.bias[targets] + self.weights[seeds][:, targets].sum(0)


def blended(gaussian: np.ndarray, co_love: np.ndarray | None, params: TasteParams) -> np.ndarray:
    """P(loved_j) = expit(w·ℓ_j + (1 − w)·(z_j − z̄ + ℓ̄)) over one request's ranked items, ℓ = logit of
    formula 3, z = formula 4, bars = their means over those items; formula 3 alone without formula 4.
    WHY centred: shifting every z_j by one constant leaves the order (what was validated) unchanged,
    and this constant keeps formula 3's level. Formula 4's own level is learnt from simulated requests,
    where a short seed list means "and little else of the half I answered" — a user typing one seed
    says no such thing (uncentred, hip hop fans would love Movies 8% less than everyone)."""
    if co_love is None or params.blend >= 1:
        return gaussian
    ell = logit(np.clip(gaussian, 1e-9, 1 - 1e-9))
    return expit(params.blend * ell + (1 - params.blend) * (co_love - co_love.mean() + ell.mean()))


def segment_codes(survey: Survey, age_bands: list[tuple[float, float]], use_region: bool) -> np.ndarray:
    """An integer per respondent for (region, age band, gender); a missing field is its own value.
    Age band = the first band containing the respondent's lowest possible age."""
    people = survey.respondents
    band = np.full(len(people), -1)
    for i, (lo, hi) in enumerate(age_bands):
        band[(band < 0) & (people["age_min"] >= lo).to_numpy() & (people["age_min"] <= hi).to_numpy()] = i
    keys = list(zip(people["region"].fillna("?") if use_region else [""] * len(people), band, people["gender"].fillna("?"), strict=True))
    _, codes = np.unique(np.array([f"{r}|{b}|{g}" for r, b, g in keys]), return_inverse=True)
    return codes


def seeded_affinity(survey: Survey, mask: np.ndarray, seed_items: list[int], params: TasteParams = TasteParams(),
                    co_love: CoLove | None = None) -> pd.DataFrame:
    """Formula 2: for a segment member who loves every seed item, P(loved) of each other item by
    formula 3 fitted on the whole survey with the segment (`mask`) as one group and everyone else as
    the other, blended with formula 4 (`co_love`, fitted once per survey by the caller; none = formula 3
    alone). Same columns as `segment_affinity` (seed rows dropped); the model probability has no
    counting interval, so the interval columns are NaN, and lift = P(loved) / population share."""
    model = GaussianTaste(survey.ratings, mask.astype(int), survey.loved_at, params)
    seeds = np.asarray(sorted(set(seed_items)), dtype=int)
    targets = np.setdiff1d(np.arange(len(survey.items)), seeds)
    share = np.full(len(survey.items), np.nan)
    gaussian = model.score(1, seeds, survey.loved_at[seeds], targets)
    share[targets] = blended(gaussian, None if co_love is None else co_love.logit(seeds, targets), params)
    p = population_share(survey)
    out = survey.items[["item", "label", "domain"]].copy()
    out["respondents"] = survey.answered[mask].sum(0).astype(int)
    out["loved"] = survey.loved[mask].sum(0).astype(int)
    out["population_share"] = p
    out["affinity"], out["affinity_low"], out["affinity_high"] = share, np.nan, np.nan
    out["lift"], out["lift_low"], out["lift_high"] = share / p, np.nan, np.nan
    return out.drop(index=seeds)
