"""`caeser eval hype` on a small scale: quiet streams stay calm, a burst fires its watch once."""
from __future__ import annotations

from pathlib import Path

import pytest

from evals.hype import engine_check, shipped_check


def test_quiet_engine_streams_stay_near_neutral():
    figures = engine_check(seeds=12, days=42, rate=25)
    assert 47 <= figures["median"] <= 53 and figures["fire_60"] == 0 and figures["hot"] == 0


@pytest.mark.slow
def test_twenty_quiet_subjects_and_one_burst(tmp_path: Path):
    out = shipped_check(tmp_path / "home", subjects=20, days=42, rate=20)
    assert sum(d.score >= 60 for d in out["quiet"]) <= 1
    assert out["burst"].score >= 70 and out["fired"] == [0, 1, 0]
