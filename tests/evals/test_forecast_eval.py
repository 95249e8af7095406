import argparse
import re

import numpy as np
import pandas as pd
import pytest

import evals.forecast as ev


def test_file_mode_scores_every_method_and_ends_with_the_headline(tmp_path, capsys):
    rng = np.random.default_rng(0)
    ds = pd.date_range("2020-01-03", periods=40, freq="W-FRI")
    rows = [{"series_id": sid, "ds": d.date(), "y": float(v)} for sid, lam in (("a", 30), ("b", 5))
            for d, v in zip(ds, rng.poisson(lam, len(ds)))]
    rows += [{"series_id": "tiny", "ds": d.date(), "y": 1.0} for d in ds[:5]]
    path = tmp_path / "weekly.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    parser = argparse.ArgumentParser()
    ev.add_arguments(parser)
    assert ev.run(parser.parse_args(["--file", str(path), "--horizon", "4", "--origins", "1", "--workers", "1"])) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"forecast MASE engine=\d+\.\d\d prophet=\d+\.\d\d snaive=\d+\.\d\d \(n=2 series, h=4\)", lines[-1])
    assert any(line.startswith("engine") for line in lines)


def test_bad_file_and_horizon_are_refused(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    ev.add_arguments(parser)
    assert ev.run(parser.parse_args(["--file", str(tmp_path / "none.csv"), "--horizon", "0"])) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,value\n1,2020-01-01,3\n")
    assert ev.run(parser.parse_args(["--file", str(bad), "--horizon", "4"])) == 2
    out = capsys.readouterr().out
    assert "--horizon must be at least 1" in out and "series_id,ds,y" in out


def test_ranks_are_a_range_and_exclude_a_file():
    parser = argparse.ArgumentParser()
    ev.add_arguments(parser)
    assert parser.parse_args(["--ranks", "41-140"]).ranks == (41, 140)
    for bad in (["--ranks", "140-41"], ["--ranks", "0-5"], ["--ranks", "41"], ["--ranks", "1-2", "--file", "x.csv"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)
