"""The always-valid test: a mixture sequential probability ratio test (mSPRT) on the difference of
two means, after Johari, Koomen, Pekelis & Walsh, "Always Valid Inference: Continuous Monitoring of
A/B Tests", Operations Research 70(3), 2022 (arXiv:1512.04922, 2015).

With θ̂ the observed difference (treatment − control), s² its variance (s² = σ_B²/n_B + σ_A²/n_A)
and a normal mixing distribution N(0, τ²) over the true difference, the mixture likelihood ratio is

    Λ = sqrt(s² / (s² + τ²)) · exp( τ² θ̂² / (2 s² (s² + τ²)) )

(the paper's two-stream formula with s² = 2σ²/n). Under no difference Λ is a non-negative
martingale with mean 1, so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α: rejecting when Λ ≥ 1/α at
ANY look keeps the false-positive rate at α however often people look. The always-valid p-value
is p_n = min(1, min over looks k ≤ n of 1/Λ_k).

τ: the paper matches it to the effects one expects. A single τ at the planned minimum detectable
effect (MDE) is slow to see an effect many times larger (a +36% lift on 700 users a side has
z ≈ 3.7 yet Λ ≈ 3.5), so the mixing distribution here is an equal-weight mixture of normals with
τ ∈ {1, 2, 4, 8} × MDE: Λ = ¼ Σⱼ Λ(τⱼ). An average of mean-1 martingales is one, so Ville's bound
(and the α guarantee) holds unchanged; the price is a little power at exactly the MDE, which the
sample size below accounts for (evals/bench/experiments.py measures both).

Functions take numpy arrays, so the benchmark's thousands of simulated experiments use the very
code the tools use.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri

MAX_PER_ARM = 100_000_000


TAU_MULTIPLES = (1.0, 2.0, 4.0, 8.0)


def log_lambda_one(diff: np.ndarray | float, var: np.ndarray | float, tau2: float) -> np.ndarray:
    """log Λ for one τ² (the formula above); var ≤ 0 (no data yet) gives 0 (Λ = 1: no evidence)."""
    diff, var = np.asarray(diff, dtype=float), np.asarray(var, dtype=float)
    safe = np.where(var > 0, var, 1.0)
    out = 0.5 * np.log(safe / (safe + tau2)) + tau2 * diff**2 / (2 * safe * (safe + tau2))
    return np.where(var > 0, out, 0.0)


def log_lambda(diff: np.ndarray | float, var: np.ndarray | float, tau2: float) -> np.ndarray:
    """log of the mixture Λ = mean over τ = m·sqrt(tau2), m in TAU_MULTIPLES (`tau2` = MDE²)."""
    parts = np.stack([log_lambda_one(diff, var, tau2 * m * m) for m in TAU_MULTIPLES])
    top = parts.max(0)
    return top + np.log(np.exp(parts - top).mean(0))


def always_valid_p(log_lambdas: np.ndarray) -> np.ndarray:
    """p_n = min(1, min_{k≤n} 1/Λ_k) along the last axis (the looks, in time order)."""
    return np.minimum(1.0, np.exp(-np.maximum.accumulate(np.asarray(log_lambdas, dtype=float), axis=-1)))


def critical_z(s2: float, tau2: float, alpha: float) -> float:
    """|θ̂|/s at which Λ reaches 1/α for a given s² (bisection: log Λ grows with |θ̂|). The
    always-valid interval is θ̂ ± s·critical_z: every difference the test cannot reject."""
    target, s = math.log(1 / alpha), math.sqrt(s2)
    lo, hi = 0.0, 1.0
    while float(log_lambda(hi * s, s2, tau2)) < target:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if float(log_lambda(mid * s, s2, tau2)) < target else (lo, mid)
    return hi


def required_per_arm(sigma2: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Users per arm at which a true difference of `mde` (absolute) makes Λ ≥ 1/α with probability
    `power` at that one look: the smallest n with mde/s − z*(s) ≥ Φ⁻¹(power), s² = 2σ²/n, τ = mde.
    Looks before n only add chances to stop, so with daily looks the power is at least this."""
    if mde <= 0 or sigma2 <= 0:
        raise ValueError("mde and sigma2 must be positive")
    tau2, z_power = mde * mde, float(ndtri(power))

    def enough(n: int) -> bool:
        s2 = 2 * sigma2 / n
        return mde / math.sqrt(s2) - critical_z(s2, tau2, alpha) >= z_power

    lo, hi = 1, 2
    while not enough(hi):
        lo, hi = hi, hi * 2
        if hi > MAX_PER_ARM:
            return MAX_PER_ARM
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid, hi)
    return hi


def fixed_horizon_per_arm(sigma2: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """The classical two-sided z-test's n per arm, 2σ²(z_{1−α/2} + z_power)²/mde² (shown for comparison)."""
    return math.ceil(2 * sigma2 * (float(ndtri(1 - alpha / 2)) + float(ndtri(power))) ** 2 / mde**2)
