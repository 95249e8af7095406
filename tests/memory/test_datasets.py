"""The manifest: names resolve, URLs point at pinned raw files, and it matches the shared copies."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from memory.datacheck import file_status
from memory.datasets import BY_NAME, DATASETS, RAW_HOST, UnknownDataset, dataset_of, online_retail_trading_days, resolve


def test_paths_are_unique_and_every_file_has_a_source() -> None:
    paths = [f.path for d in DATASETS for f in d.files]
    assert len(paths) == len(set(paths))
    for ds in DATASETS:
        for spec in ds.files:
            assert spec.source or spec.url or ds.build, spec.path


def test_raw_url_is_pinned_and_quoted() -> None:
    spec = BY_NAME["wands_queries"].files[0]
    assert spec.source.url() == f"{RAW_HOST}/wayfair/WANDS/3b74dcf4ba29ab8ff3e6a50b5b09fc627cb882b5/dataset/query.csv"
    assert spec.source.url("http://127.0.0.1:1/").startswith("http://127.0.0.1:1/wayfair/")


def test_resolve_all_skips_optional_and_rejects_unknown() -> None:
    assert "movielens" not in [d.name for d in resolve(["all"])]
    assert [d.name for d in resolve(["movielens", "esci", "movielens"])] == ["movielens", "esci"]
    with pytest.raises(UnknownDataset, match="nope"):
        resolve(["esci", "nope"])


def test_online_retail_build_lists_305_by_day_files() -> None:
    days = online_retail_trading_days()
    assert len(days) == len(set(days)) == 305
    sources = BY_NAME["online_retail"].build.sources()
    assert sources[0].path == "data/retail-data/by-day/2010-12-01.csv"
    assert sources[-1].path == "data/retail-data/by-day/2011-12-09.csv"


def test_dataset_of_maps_files_to_fetch_names() -> None:
    assert dataset_of("affinity/StarWars.csv").name == "fivethirtyeight"


@pytest.mark.realdata
def test_trading_days_are_the_dates_of_the_daily_table(data_dir: Path) -> None:
    dates = pd.read_csv(data_dir / "sales/online_retail_daily.csv.gz", usecols=["date"])["date"].unique()
    assert sorted(dates) == [d.isoformat() for d in online_retail_trading_days()]


@pytest.mark.realdata
def test_manifest_matches_the_shared_copies(data_dir: Path) -> None:
    for ds in DATASETS:
        if ds.optional:
            continue
        for spec in ds.files:
            status = file_status(data_dir, ds, spec)
            assert status.ok, (spec.path, status.problem)
            assert status.size == spec.size
