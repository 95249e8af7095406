import numpy as np

from engines.experiments.analysis import Design, Observations, analyse
from engines.experiments.metrics import ACTION_CODE


def observations(rates: list[float], n: int = 6000, days: int = 7, seed: int = 0, revenue: float = 20.0) -> Observations:
    rng = np.random.default_rng(seed)
    variant = rng.integers(0, len(rates), n)
    day = rng.integers(0, days, n)
    clicked = rng.random(n) < np.array(rates)[variant]
    bought = clicked & (rng.random(n) < 0.3)
    users = np.concatenate([np.arange(n), np.flatnonzero(clicked), np.flatnonzero(bought)])
    actions = np.concatenate([np.full(n, ACTION_CODE["view"]), np.full(clicked.sum(), ACTION_CODE["click"]), np.full(bought.sum(), ACTION_CODE["purchase"])])
    values = np.where(actions == ACTION_CODE["purchase"], revenue, 0.0)
    return Observations(variant, day, users, actions, values, day[users], days)


def test_a_real_uplift_is_found_with_an_interval_that_holds_it() -> None:
    a = analyse(Design([("plain", 0.5), ("personalised", 0.5)], "click_rate", 0.1), observations([0.20, 0.26]))
    c = a.comparisons[0]
    assert c.significant and c.diff_low < 0.06 < c.diff_high and c.lift > 0.15
    assert len(a.looks) == 7 and a.looks[-1].p_values[0] == c.p_value
    assert not a.srm and a.variants[1].metrics["conversion"].value > 0
    assert np.isclose(a.variants[0].metrics["revenue_per_user"].value, a.variants[0].metrics["conversion"].value * 20.0)


def test_no_difference_and_sample_still_needed() -> None:
    a = analyse(Design([("plain", 0.5), ("personalised", 0.5)], "click_rate", 0.05), observations([0.2, 0.2], n=3000, seed=4))
    assert not a.comparisons[0].significant
    assert a.needed_per_arm > 10_000 and a.remaining_per_arm == a.needed_per_arm - min(v.users for v in a.variants)


def test_ctr_uses_views_and_revenue_metric_works() -> None:
    obs = observations([0.2, 0.3], seed=2)
    ctr = analyse(Design([("a", 0.5), ("b", 0.5)], "ctr", 0.1), obs)
    assert abs(ctr.variants[0].metrics["ctr"].value - 0.2) < 0.03
    rev = analyse(Design([("a", 0.5), ("b", 0.5)], "revenue_per_user", 0.1), obs)
    assert rev.comparisons[0].significant and rev.needed_per_arm is not None
