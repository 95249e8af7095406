"""Traits follow their documented directions; the channel table is fitted on the customer file."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engines.persona.population import sample_population, stats_for
from engines.persona.traits import DEFAULT_CHANNEL_MIX, channel_table, default_channel_table, sample_traits
from memory.datadir import load_marketing_campaign


@pytest.fixture(scope="module")
def buyers():
    rng = np.random.default_rng(1)
    pop = sample_population(stats_for("United States"), 50_000, rng)
    return sample_traits(pop, rng, ref_price=100.0, channels=default_channel_table())


def test_directions(buyers) -> None:
    pop = buyers.population
    rich = pop.income > np.median(pop.income)
    young = pop.age < 35
    assert np.median(buyers.wtp[rich]) > np.median(buyers.wtp[~rich])
    assert buyers.price_sensitivity[rich].mean() < buyers.price_sensitivity[~rich].mean()
    assert buyers.novelty[young].mean() > buyers.novelty[~young].mean()
    assert buyers.nostalgia[young].mean() < buyers.nostalgia[~young].mean()
    assert np.allclose(buyers.channel_mix.sum(1), 1.0, atol=1e-5)
    assert buyers.channel_mix.mean(0) == pytest.approx(DEFAULT_CHANNEL_MIX, abs=0.01)
    assert 0 <= buyers.segment.min() and buyers.segment.max() < 24


def test_affinity_lift_scales_a_cell() -> None:
    rng = np.random.default_rng(2)
    pop = sample_population(stats_for("Europe"), 20_000, rng)
    lift = np.ones((6, 2))
    lift[:, 1] = 2.0  # women love the category twice as much
    b = sample_traits(pop, rng, ref_price=50.0, channels=default_channel_table(), affinity_lift=lift)
    assert b.affinity[pop.female].mean() > 1.8 * b.affinity[~pop.female].mean()


@pytest.mark.realdata
def test_channel_table_from_customers(data_dir: Path) -> None:
    table = channel_table(load_marketing_campaign(data_dir), reference_year=2014)
    assert table.mean.shape == (4, 4, 2, 3)
    assert np.allclose(table.mean.sum(-1), 1.0)
    assert table.concentration > 1
    # richer customers buy more from the catalogue than the poorest (a known trait of this file)
    assert table.mean[3, :, 0, 1].mean() > table.mean[0, :, 0, 1].mean()
