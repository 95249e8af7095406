"""The affinity eval's protocol pieces, and the headline target on the Young People Survey."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from evals import affinity as affinity_eval
from memory.affinity_sources import load_affinity_sources


def test_ndcg_binary_gains() -> None:
    relevant = np.array([True, False, True, False])
    assert affinity_eval.ndcg_at_k(np.array([4.0, 3, 2, 1]), relevant) == pytest.approx((1 + 1 / np.log2(4)) / (1 + 1 / np.log2(3)))
    assert affinity_eval.ndcg_at_k(np.array([4.0, 1, 3, 2]), relevant) == pytest.approx(1.0)


@pytest.mark.realdata
def test_shipped_ranking_beats_popularity_and_segment_on_young_people(data_dir: Path) -> None:
    survey = load_affinity_sources(data_dir).surveys["young_people"]
    scores, n = affinity_eval.evaluate(survey, affinity_eval.SPECS["young_people"], seed=0, test_fraction=0.3)
    assert n >= 250
    assert scores["shipped"] >= 1.10 * scores["popularity"]
    assert scores["shipped"] > scores["segment"] >= scores["popularity"]


@pytest.mark.realdata
def test_run_prints_the_headline_last(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    affinity_eval.add_arguments(parser)
    assert affinity_eval.run(parser.parse_args(["--data-dir", str(data_dir), "--surveys", "young_people"])) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("affinity (audience_affinity) NDCG@10 shipped=") and "popularity=" in last and "segment=" in last and last.endswith("respondents)")
