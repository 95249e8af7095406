"""Reading the affinity sources: the real surveys once, and a MovieLens zip in GroupLens' layout."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from engines.affinity.taste import Segment, TasteParams, segment_affinity, segment_mask
from memory.affinity_sources import co_love, load_affinity_sources, load_movielens
from memory.datadir import DataFileMissing


def write_movielens(root: Path) -> None:
    (root / "affinity").mkdir(parents=True)
    with zipfile.ZipFile(root / "affinity" / "ml-100k.zip", "w") as zf:
        zf.writestr("ml-100k/u.data", "1\t10\t5\t881250949\n1\t20\t3\t881250950\n2\t10\t4\t881250951\n3\t20\t5\t881250952\n")
        zf.writestr("ml-100k/u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n")
        zf.writestr("ml-100k/u.item", "10|Toy Story (1995)|01-Jan-1995||http://x|0|0\n20|Caf\xe9 Society (1995)|01-Jan-1995||http://y|0|0\n".encode("latin-1"))


def test_movielens_zip_becomes_a_survey(tmp_path: Path) -> None:
    write_movielens(tmp_path)
    survey = load_movielens(tmp_path)
    assert survey.items["label"].tolist() == ["Toy Story (1995)", "Café Society (1995)"]
    assert np.isnan(survey.ratings[1, 1]) and survey.ratings[2, 1] == 5
    assert survey.loved.sum() == 2 and list(survey.respondents["gender"]) == ["male", "female", "male"]
    young_men = segment_mask(survey, Segment(gender="male", age_max=30, region="North America"))
    assert young_men.tolist() == [True, False, True]
    assert segment_affinity(survey, young_men)["respondents"].tolist() == [1, 2]


def test_movielens_is_optional_and_other_files_are_reported_missing(tmp_path: Path) -> None:
    sources = load_affinity_sources(tmp_path)
    assert not sources.surveys and sources.drinks is None and any("young_people" in m for m in sources.missing)
    with pytest.raises(DataFileMissing, match="movielens"):
        load_movielens(tmp_path)


@pytest.mark.realdata
def test_real_surveys_have_their_items_and_demographics(data_dir: Path) -> None:
    sources = load_affinity_sources(data_dir)
    yps = sources.surveys["young_people"]
    assert yps.ratings.shape == (1010, 70) and yps.select_items(["music", "film", "hobbies"]).ratings.shape[1] == 63
    food = sources.surveys["food_world_cup"]
    assert food.ratings.shape == (1373, 40) and set(food.respondents["region"].dropna()) >= {"Pacific", "New England"}
    assert sources.surveys["star_wars"].items["label"].iloc[3] == "Star Wars: Episode IV A New Hope"
    assert sources.surveys["thanksgiving"].respondents["age_max"].max() == 120


def test_co_love_is_fitted_once_per_survey_object(tmp_path: Path) -> None:
    write_movielens(tmp_path)
    survey = load_movielens(tmp_path)
    params = TasteParams(requests=2)
    assert co_love(survey, params) is co_love(survey, params)
    assert co_love(survey.select_respondents(np.arange(3)), params) is not co_love(survey, params)
