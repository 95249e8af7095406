"""Weekly adoption: Bass-like curves, common random numbers, monotone in price and hype, chunking."""
from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.persona.population import CHILDREN, sample_population, stats_for
from engines.persona.seasonality import MONTHLY_INDEX, season_curve
from engines.persona.simulate import PROPENSITY, Diffusion, Propensity, channel_index, favourite_share, purchase_fit, simulate_buyers, simulate_chunked, weekly_uniforms
from engines.persona.traits import default_channel_table, sample_traits

SEASON = season_curve(date(2026, 3, 2), 30)


def _buyers(n: int, seed: int = 0, region: str = "United States"):
    rng = np.random.default_rng([seed, 0])
    return sample_traits(sample_population(stats_for(region), n, rng), rng, ref_price=100.0, channels=default_channel_table())


BUYERS = _buyers(20_000)


def _run(price: float, hype: float, seed: int = 1, channel: str | None = None):
    return simulate_buyers(BUYERS, price=price, channel=channel, hype=hype, season=SEASON, params=Diffusion(), entropy=[seed])


@settings(max_examples=25, deadline=None)
@given(st.floats(5, 400), st.floats(1.0, 3.0), st.floats(0, 100), st.integers(0, 3))
def test_higher_price_never_raises_adoption(price: float, factor: float, hype: float, seed: int) -> None:
    low, high = _run(price, hype, seed), _run(price * factor, hype, seed)
    assert np.all(np.cumsum(high.weekly) <= np.cumsum(low.weekly))
    assert np.all(high.by_segment <= low.by_segment)


@settings(max_examples=25, deadline=None)
@given(st.floats(5, 400), st.floats(0, 100), st.floats(0, 100), st.integers(0, 3))
def test_more_hype_never_lowers_adoption(price: float, hype: float, extra: float, seed: int) -> None:
    calm, loud = _run(price, hype, seed), _run(price, min(100.0, hype + extra), seed)
    assert np.all(np.cumsum(loud.weekly) >= np.cumsum(calm.weekly))


def test_common_random_numbers_make_runs_repeatable() -> None:
    assert np.array_equal(_run(90, 50).weekly, _run(90, 50).weekly)
    assert not np.array_equal(_run(90, 50, seed=1).weekly, _run(90, 50, seed=2).weekly)


def test_curve_is_bass_like_rise_then_fall() -> None:
    flat = np.ones(60, dtype=np.float32)
    # a fifth of the reference price: with the fitted elasticity (median s ≈ 0.48) a fast-spreading launch
    run = simulate_buyers(BUYERS, price=20.0, channel=None, hype=0.0, season=flat, params=Diffusion(), entropy=[0])
    peak = int(run.weekly.argmax())
    assert 2 < peak < 55  # word of mouth builds, then the market is used up
    assert run.weekly[peak] > 2 * run.weekly[0] and run.weekly[-1] < run.weekly[peak]


def test_channel_fit_narrows_the_market() -> None:
    assert _run(100, 50, channel="catalogue").total < _run(100, 50, channel=None).total
    assert channel_index("marketplace") == channel_index("web") == 0


def test_season_curve_reads_the_month() -> None:
    curve = season_curve(date(2026, 12, 1), 5)
    assert curve[0] == MONTHLY_INDEX[11] and curve[-1] == MONTHLY_INDEX[0]


def test_chunks_add_up() -> None:
    def make(index: int, size: int):
        return _buyers(size, seed=10 + index)

    whole = simulate_chunked(make, 25_000, price=100.0, channel=None, hype=50.0, season=SEASON, params=Diffusion(), seed=3, chunk=10_000)
    assert whole.n == 25_000 and whole.weekly.sum() == whole.by_segment.sum() == whole.by_profile.sum() and whole.profile_size.sum() == 25_000
    rate = whole.total / whole.n
    single = simulate_buyers(_buyers(25_000, seed=99), price=100.0, channel=None, hype=50.0, season=SEASON, params=Diffusion(), entropy=[3])
    assert abs(rate - single.total / single.n) < 0.02  # chunks are exchangeable samples of one population


def test_favourite_share_is_the_row_maximum_exactly() -> None:
    mix = BUYERS.channel_mix
    assert np.array_equal(favourite_share(mix), mix.max(1))
    ties = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.1, 0.2, 0.3, 0.4]], dtype=np.float32)
    assert np.array_equal(favourite_share(ties), ties.max(1))


def test_shared_uniforms_give_the_same_run_as_drawing_them() -> None:
    drawn = simulate_buyers(BUYERS, price=80.0, channel="web", hype=60.0, season=SEASON, params=Diffusion(), entropy=[4, 1])
    shared = simulate_buyers(BUYERS, price=80.0, channel="web", hype=60.0, season=SEASON, params=Diffusion(), entropy=[4, 1],
                             uniforms=weekly_uniforms([4, 1], len(BUYERS.wtp), len(SEASON)))
    assert np.array_equal(drawn.weekly, shared.weekly) and np.array_equal(drawn.by_segment, shared.by_segment)


def test_propensity_shifts_the_purchase_logit_by_household() -> None:
    """π_i = β · x_i: zero coefficients leave the price-and-affinity fit alone; the shipped ones favour
    richer households and, at equal income, those without children (docs/persona.md §4)."""
    plain = purchase_fit(BUYERS, 100.0, None, -2.5, Propensity())
    a = BUYERS.affinity.astype(float)
    expected = 1 / (1 + np.exp(-(-2.5 + np.log(a / (1 - a)) - BUYERS.price_sensitivity * (np.log(100.0) - np.log(BUYERS.wtp)))))
    np.testing.assert_allclose(plain, expected, rtol=1e-4)
    shift = np.log(purchase_fit(BUYERS, 100.0, None, -2.5) / (1 - purchase_fit(BUYERS, 100.0, None, -2.5))) - np.log(plain / (1 - plain))
    pop = BUYERS.population
    kids = pop.household == CHILDREN
    np.testing.assert_allclose(shift, PROPENSITY.logit(pop), atol=2e-3)
    rich, poor = pop.income > np.quantile(pop.income, 0.75), pop.income < np.quantile(pop.income, 0.25)
    assert shift[rich & ~kids].mean() > shift[poor & ~kids].mean() + 1.0
    assert shift[rich & kids].mean() < shift[rich & ~kids].mean()


def test_buyers_are_counted_per_profile_of_favourite_channel_and_place() -> None:
    """Every buyer is in one profile (2 · favourite channel + urban), and the people per profile are
    the simulated buyers' own: the who-buys clause's shares trace to these counts."""
    from engines.persona.simulate import N_PROFILES, buyer_profile

    run = simulate_buyers(BUYERS, price=80.0, channel=None, hype=60.0, season=SEASON, params=Diffusion(), entropy=[4, 1])
    profile = buyer_profile(BUYERS)
    assert run.by_profile.sum() == run.total and np.array_equal(run.profile_size, np.bincount(profile, minlength=N_PROFILES))
    assert np.array_equal(profile // 2, np.argmax(BUYERS.channel_mix, axis=1)) and np.array_equal(profile % 2, BUYERS.population.urban.astype(int))
    assert np.all(run.by_profile <= run.profile_size)
