"""Archetypes: HDBSCAN groups, at most the count asked, shares adding to one, readable names."""
from __future__ import annotations

import numpy as np

from engines.persona.archetypes import archetypes, cluster
from engines.persona.population import sample_population, stats_for
from engines.persona.traits import default_channel_table, sample_traits


def test_archetypes_of_a_population() -> None:
    rng = np.random.default_rng(5)
    buyers = sample_traits(sample_population(stats_for("United Kingdom"), 2000, rng), rng, ref_price=80.0, channels=default_channel_table())
    found, labels = archetypes(buyers, 4)
    assert 1 <= len(found) <= 4
    assert abs(sum(a.share for a in found) - 1) < 1e-9
    assert [a.share for a in found] == sorted((a.share for a in found), reverse=True)
    assert np.bincount(labels).tolist() == [a.size for a in found]
    assert len({a.name for a in found}) == len(found)
    assert all(a.resonates and a.puts_off for a in found)
    assert "Resonates" in found[0].description() and "willing to pay £" in found[0].description("£")


def test_cluster_finds_separated_groups_and_merges_down() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [8, 0], [0, 8], [8, 8]])
    z = np.vstack([c + rng.standard_normal((150, 2)) * 0.5 for c in centres])
    assert len(np.unique(cluster(z, 4))) == 4
    assert len(np.unique(cluster(z, 2))) == 2
