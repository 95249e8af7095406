"""The persona calibration eval: the headline target on the real customer file."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from engines.persona.calibration import customer_traits
from evals import personas as personas_eval
from memory.datadir import load_marketing_campaign

pytestmark = pytest.mark.realdata


def test_engine_meets_the_calibration_target(data_dir: Path) -> None:
    scores, n, runs = personas_eval.evaluate(data_dir, splits=5, seed=0, buyers=2000)
    assert n >= 20 and len(runs) == 5
    assert scores["engine"] <= 0.5 * scores["baseline"]
    assert scores["engine"] <= 1.2 * scores["segment"]
    assert scores["shipped"] <= 1.2 * scores["segment"]  # simulate_launch's own path (issue 17)


def test_shipped_propensity_is_the_fit_on_every_customer(data_dir: Path) -> None:
    full = personas_eval.fit_shipped(personas_eval.shipped_buyers(0), customer_traits(load_marketing_campaign(data_dir)), personas_eval.SHIPPED_FORM)
    for term in personas_eval.SHIPPED_FORM:
        assert round(getattr(full.propensity, term), 3) == getattr(personas_eval.PROPENSITY, term)


@pytest.mark.slow
def test_the_shipped_form_is_the_one_validation_chose(data_dir: Path) -> None:
    forms = personas_eval.select(data_dir, splits=5, seed=0)
    assert min(forms, key=forms.__getitem__) == personas_eval.SHIPPED_FORM
    assert forms[personas_eval.SHIPPED_FORM] < forms[()]


def test_no_peeking_the_fitting_half_decides_everything(data_dir: Path) -> None:
    """Scores move when the split moves, and the segment baseline is the fitting half's own rate."""
    _, _, a = personas_eval.evaluate(data_dir, splits=1, seed=0, buyers=500)
    _, _, b = personas_eval.evaluate(data_dir, splits=1, seed=1, buyers=500)
    assert [r.actual for r in a[0]] != [r.actual for r in b[0]]
    assert all(r.n >= 10 for r in a[0])


def test_run_prints_the_headline_last(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    personas_eval.add_arguments(parser)
    assert personas_eval.run(parser.parse_args(["--data-dir", str(data_dir), "--splits", "1", "--buyers", "300"])) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("persona calibration MAE (simulate_launch) shipped=") and " baseline=" in last and " segment=" in last and last.endswith("segments)")
