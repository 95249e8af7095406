import numpy as np

from engines.experiments.sequential import TAU_MULTIPLES, always_valid_p, critical_z, fixed_horizon_per_arm, log_lambda, log_lambda_one, required_per_arm
from engines.experiments.srm import srm_p_value


def test_lambda_matches_the_two_stream_formula() -> None:
    """Λ = sqrt(V/(V+nτ²)) exp(n²τ²θ²/(2V(V+nτ²))) with V = 2σ², s² = V/n (Johari et al. 2022)."""
    sigma2, n, tau2, theta = 0.16, 5000, 0.02**2, 0.015
    v = 2 * sigma2
    expected = 0.5 * np.log(v / (v + n * tau2)) + n**2 * tau2 * theta**2 / (2 * v * (v + n * tau2))
    assert np.isclose(log_lambda_one(theta, v / n, tau2), expected)
    mixture = np.mean([np.exp(log_lambda_one(theta, v / n, tau2 * m * m)) for m in TAU_MULTIPLES])
    assert np.isclose(np.exp(log_lambda(theta, v / n, tau2)), mixture)
    assert log_lambda(0.1, 0.0, tau2) == 0.0  # no data: no evidence


def test_always_valid_p_only_goes_down_and_threshold_is_consistent() -> None:
    p = always_valid_p(np.array([0.0, 2.0, 1.0, 3.5]))
    assert np.all(np.diff(p) <= 0) and np.isclose(p[-1], np.exp(-3.5))
    s2, tau2, alpha = 1e-4, 4e-4, 0.05
    z = critical_z(s2, tau2, alpha)
    assert np.isclose(log_lambda(z * np.sqrt(s2), s2, tau2), np.log(1 / alpha))


def test_sample_sizes() -> None:
    assert fixed_horizon_per_arm(0.16, 0.02) == 6280  # 2·0.16·(1.96+0.84)²/0.02²
    n = required_per_arm(0.16, 0.02)
    assert 1.3 * 6280 < n < 3 * 6280  # the price of looking every day


def test_sample_ratio_mismatch() -> None:
    assert srm_p_value([5000, 5050], [0.5, 0.5]) > 0.5
    assert srm_p_value([5000, 5600], [0.5, 0.5]) < 0.001
    assert srm_p_value([1], [0.5, 0.5]) is None
