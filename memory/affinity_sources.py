"""The affinity surveys of the data directory as `engines.affinity.surveys.Survey`s, read once per process.

WHY here: reading and reshaping ~5 MB of CSV takes a second, and both the tools and the eval need
the same objects, so they are read once per directory. A missing file drops only its own source
(the others still answer) and is reported.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from engines.affinity import surveys, taste
from memory import datadir


@dataclass(frozen=True)
class AffinitySources:
    surveys: dict[str, surveys.Survey]
    drinks: pd.DataFrame | None
    missing: tuple[str, ...]  # readable "file … is missing" lines


MOVIELENS_ZIP = "affinity/ml-100k.zip"


def load_movielens(data_dir: Path) -> surveys.Survey:
    """MovieLens 100k from the zip `caeser data fetch movielens --accept-terms` stores (u.data is tab-separated,
    u.user and u.item are `|`-separated latin-1). Research use only: it is never fetched for the user."""
    with zipfile.ZipFile(datadir.data_path(data_dir, MOVIELENS_ZIP)) as archive:
        def table(member: str, sep: str, names: list[str], usecols: list[int]) -> pd.DataFrame:
            with archive.open(f"ml-100k/{member}") as fh:
                return pd.read_csv(fh, sep=sep, header=None, names=names, usecols=usecols, encoding="latin-1")

        ratings = table("u.data", "\t", ["user", "item", "rating"], [0, 1, 2])
        users = table("u.user", "|", ["user", "age", "gender"], [0, 1, 2])
        movies = table("u.item", "|", ["item", "title"], [0, 1])
    return surveys.movielens(ratings, users, movies)


BUILDERS: dict[str, Callable[[Path], surveys.Survey]] = {
    "young_people": lambda d: surveys.young_people(*datadir.load_young_people(d)),
    "food_world_cup": lambda d: surveys.food_world_cup(datadir.load_food_world_cup(d)),
    "star_wars": lambda d: surveys.star_wars(datadir.load_star_wars(d)),
    "steak": lambda d: surveys.steak(datadir.load_steak_survey(d)),
    "thanksgiving": lambda d: surveys.thanksgiving(datadir.load_thanksgiving(d)),
}
OPTIONAL = {"movielens": load_movielens}  # absent unless the user fetched it: not reported as missing


_LOADED: dict[Path, AffinitySources] = {}


def load_affinity_sources(data_dir: Path) -> AffinitySources:
    """Every source found under `data_dir`; kept only once nothing is missing, so a `caeser data fetch`
    made while the process runs is seen on the next call."""
    data_dir = Path(data_dir).resolve()
    if data_dir in _LOADED:
        return _LOADED[data_dir]
    found: dict[str, surveys.Survey] = {}
    missing: list[str] = []
    for name, build in BUILDERS.items():
        try:
            found[name] = build(Path(data_dir))
        except datadir.DataFileMissing as exc:
            missing.append(str(exc))
    for name, build in OPTIONAL.items():
        try:
            found[name] = build(Path(data_dir))
        except datadir.DataFileMissing:
            pass
    try:
        drinks = datadir.load_drinks(Path(data_dir))
    except datadir.DataFileMissing as exc:
        drinks, missing = None, [*missing, str(exc)]
    sources = AffinitySources(found, drinks, tuple(missing))
    if not missing:
        _LOADED[data_dir] = sources
    return sources


_CO_LOVE: dict[tuple[int, int, float], tuple[surveys.Survey, taste.CoLove]] = {}


def co_love(survey: surveys.Survey, params: taste.TasteParams) -> taste.CoLove:
    """Formula 4 of `engines.affinity.taste` for `survey`, fitted once per survey object and process.
    WHY: the fit (a logistic regression over every respondent's simulated requests) takes seconds and
    depends only on the survey, which is read once per process, not on the request's audience. The
    survey is kept with its fit so that its id cannot be reused by another object."""
    key = (id(survey), params.requests, params.l2)
    if key not in _CO_LOVE or _CO_LOVE[key][0] is not survey:
        _CO_LOVE[key] = (survey, taste.CoLove.fit(survey, params))
    return _CO_LOVE[key][1]
