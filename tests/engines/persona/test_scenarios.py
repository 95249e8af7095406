"""Scenario grids, intervals across seeds and the best scenario's reason."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from engines.persona import scenarios as scenarios_module
from engines.persona.scenarios import BuyerFactory, best_scenario, expand_grid, run_scenarios
from engines.persona.traits import default_channel_table


def test_grid_is_the_full_product_labelled_by_what_varies() -> None:
    grid = expand_grid([99, 129], ["Europe", None], [date(2026, 3, 1)], [None], 50)
    assert len(grid) == 4
    assert grid[0].label == "$99 · Europe" and grid[1].label == "$99 · Global"


def test_runs_have_intervals_and_a_reasoned_winner() -> None:
    scenarios = expand_grid([79, 149], ["United States"], [date(2026, 3, 1)], [None], 50)
    runs = run_scenarios(scenarios, BuyerFactory(100.0, default_channel_table()), population=1_000_000, sample=10_000, weeks=20, seeds=3, seed=1)
    cheap, dear = runs
    assert cheap.units.shape == (3,) and cheap.weekly.shape == (3, 20)
    lo, hi = cheap.interval(cheap.units)
    assert lo <= cheap.units.mean() <= hi
    assert (cheap.units >= dear.units).all()  # common random numbers: per seed, not only on average
    verdict = best_scenario(runs, "units")
    assert verdict.best == 0 and "ahead in 3 of 3 seeds" in verdict.reason
    assert abs(cheap.by_segment.sum() - 1) < 1e-9


def test_uniforms_shared_across_scenarios_change_no_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    grid = expand_grid([79, 149], ["United States", "Europe"], [date(2026, 3, 1)], ["web", None], 50)
    kwargs = dict(population=100_000, sample=5_000, weeks=10, seeds=2, seed=3)
    shared = run_scenarios(grid, BuyerFactory(100.0, default_channel_table()), **kwargs)
    monkeypatch.setattr(scenarios_module, "MAX_SHARED_DRAWS", 0)  # every run draws its own
    drawn = run_scenarios(grid, BuyerFactory(100.0, default_channel_table()), **kwargs)
    for a, b in zip(shared, drawn, strict=True):
        assert np.array_equal(a.weekly, b.weekly) and np.array_equal(a.by_segment, b.by_segment)


def test_two_scenarios_within_the_noise_are_level_and_no_cause_is_named() -> None:
    scenarios = expand_grid([79], ["United States", "Canada"], [date(2026, 3, 1)], [None], 50)
    runs = run_scenarios(scenarios, BuyerFactory(100.0, default_channel_table()), population=100_000, sample=5_000, weeks=10, seeds=3, seed=1)
    verdict = best_scenario(runs, "revenue")
    assert "are level" in verdict.reason and "within the simulation's noise" in verdict.reason
    assert "willingness to pay clears the price" not in verdict.reason
