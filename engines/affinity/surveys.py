"""Turn each affinity survey into one shape: a respondent × item rating matrix with demographics.

WHY one shape: the taste model (segment lift, co-preference, the eval recommender) is written once
against `Survey` and works for every source. Each adapter below knows one file's columns (already
decoded by `memory.datadir`): which answers are "items", how an answer becomes a number, and which
rating counts as *loved* (the top of the scale, or "yes, served" for tick-box questions).

Demographics are normalised to the product's `Audience` vocabulary: `region` is a canonical name
from `engines.geo` (US census regions for FiveThirtyEight, Slovakia for the Young People Survey),
`age_min`/`age_max` bound each respondent's age (a bucket such as "30-44" for the US surveys, the
exact age for YPS) and `gender` is `male|female`. Unanswered questions are NaN.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engines.geo import UnknownRegion, resolve_region

AGE_OPEN_END = 120  # upper bound of an open bucket such as "> 60" or "60+"


@dataclass(frozen=True)
class Survey:
    """One source as a matrix. `ratings[r, j]` is respondent r's answer to item j (NaN = none);
    item j is *loved* when `ratings[r, j] >= loved_at[j]`."""

    name: str
    title: str
    items: pd.DataFrame  # columns: item (id), label, domain, text (what tags are matched against)
    respondents: pd.DataFrame  # columns: region, age_min, age_max, gender
    ratings: np.ndarray
    loved_at: np.ndarray

    @property
    def answered(self) -> np.ndarray:
        return ~np.isnan(self.ratings)

    @property
    def loved(self) -> np.ndarray:
        """Boolean matrix; False where unanswered (use `answered` for denominators)."""
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(self.ratings, nan=-np.inf) >= self.loved_at

    @property
    def domains(self) -> list[str]:
        return sorted(self.items["domain"].unique())

    def select_respondents(self, rows: np.ndarray) -> "Survey":
        """A subset of respondents (a training split), items unchanged."""
        return Survey(self.name, self.title, self.items, self.respondents.iloc[rows].reset_index(drop=True), self.ratings[rows], self.loved_at)

    def select_items(self, domains: list[str]) -> "Survey":
        """The same respondents restricted to the items of some domains (the eval's 63 YPS items)."""
        keep = self.items["domain"].isin(domains).to_numpy()
        return Survey(self.name, self.title, self.items[keep].reset_index(drop=True), self.respondents, self.ratings[:, keep], self.loved_at[keep])


def parse_age_bucket(text: object) -> tuple[float, float]:
    """"18-29" → (18, 29); "> 60" and "60+" → (60, 120); blank → (NaN, NaN)."""
    if not isinstance(text, str) or not re.search(r"\d", text):
        return (np.nan, np.nan)
    numbers = [float(n) for n in re.findall(r"\d+", text)]
    if len(numbers) >= 2:
        return (numbers[0], numbers[1])
    return (numbers[0], float(AGE_OPEN_END))


def _gender(value: object) -> str | None:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    return text if text in ("male", "female") else None


def _region(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return resolve_region(value).name
    except UnknownRegion:
        return None


def _respondents(region: pd.Series, ages: list[tuple[float, float]], gender: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({
        "region": region.map(_region).to_numpy(),
        "age_min": [a for a, _ in ages],
        "age_max": [b for _, b in ages],
        "gender": gender.map(_gender).to_numpy(),
    })


def _items(ids: list[str], labels: list[str], domains: list[str], texts: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"item": ids, "label": labels, "domain": domains, "text": texts or labels})


# --- Young People Survey (Slovakia, ages 15–30) ------------------------------------------------------

#: items that ask how much someone likes a whole domain, not a choice within it ("Music: I enjoy
#: listening to music"): answers say them apart, as the audience's interest in the domain at all
GENERAL_INTEREST_ITEMS = {"Music", "Movies"}

YPS_DOMAINS: dict[str, tuple[str, str]] = {  # domain -> first and last column of its block
    "music": ("Music", "Opera"),
    "film": ("Movies", "Action"),
    "hobbies": ("History", "Pets"),
    "spending": ("Finances", "Spending on healthy eating"),
}


def young_people(responses: pd.DataFrame, columns: pd.DataFrame) -> Survey:
    """Likert 1–5 answers to music genres, film genres, hobbies/interests and spending habits;
    loved = 5 ("enjoy very much" / "strongly agree"). Every respondent lives in Slovakia."""
    names = list(responses.columns)
    question = dict(zip(columns["short"], columns["original"], strict=False))
    ids, domains = [], []
    for domain, (first, last) in YPS_DOMAINS.items():
        block = names[names.index(first): names.index(last) + 1]
        ids += block
        domains += [domain] * len(block)
    texts = [f"{question.get(c, c)} ({d})" for c, d in zip(ids, domains, strict=True)]
    ages = [(a, a) for a in pd.to_numeric(responses["Age"], errors="coerce")]
    people = _respondents(pd.Series(["Slovakia"] * len(responses)), ages, responses["Gender"])
    ratings = responses[ids].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    return Survey("young_people", "Young People Survey (Slovakia 2013, ages 15–30)", _items(ids, ids, domains, texts), people, ratings, np.full(len(ids), 5.0))


# --- FiveThirtyEight surveys (US census regions) ------------------------------------------------

def food_world_cup(df: pd.DataFrame) -> Survey:
    """Cuisines of 40 countries rated 1 (hate) … 5 (love); N/A (unfamiliar) is unanswered; loved = 5."""
    cols = [c for c in df.columns if "traditional cuisine of" in c]
    names = [re.sub(r"[.:]\s*$", "", c.split("cuisine of", 1)[1]).strip() for c in cols]
    labels = [f"{n} cuisine" for n in names]
    ratings = df[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    people = _respondents(df["Location (Census Region)"], [parse_age_bucket(a) for a in df["Age"]], df["Gender"])
    items = _items(labels, labels, ["food"] * len(cols), [f"{n} food, {n} cuisine, dishes from {n}" for n in names])
    return Survey("food_world_cup", "FiveThirtyEight Food World Cup (US, 2014)", items, people, ratings, np.full(len(cols), 5.0))


FAVOURABILITY = {
    "Very favorably": 5.0, "Somewhat favorably": 4.0, "Neither favorably nor unfavorably (neutral)": 3.0,
    "Somewhat unfavorably": 2.0, "Very unfavorably": 1.0,
}


def star_wars(df: pd.DataFrame) -> Survey:
    """Film ranking (1 = favourite of 6) becomes rating 7 − rank, loved = rank 1 or 2; character
    favourability becomes 1–5, loved = "Very favorably"; "Unfamiliar" is unanswered."""
    rank_cols = [c for c in df.columns if c.startswith("Please rank the Star Wars films")]
    char_cols = [c for c in df.columns if c.startswith("Please state whether you view")]
    films = [re.sub(r"\s+", " ", c.split(" | ", 1)[1]) for c in rank_cols]
    chars = [c.split(" | ", 1)[1].strip() for c in char_cols]
    film_ratings = 7.0 - df[rank_cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    char_ratings = df[char_cols].apply(lambda s: s.map(FAVOURABILITY)).to_numpy(float)
    labels = films + chars
    texts = [f"{f} (Star Wars film)" for f in films] + [f"{c} (Star Wars character)" for c in chars]
    people = _respondents(df["Location (Census Region)"], [parse_age_bucket(a) for a in df["Age"]], df["Gender"])
    loved_at = np.array([5.0] * len(films) + [5.0] * len(chars))
    return Survey("star_wars", "FiveThirtyEight Star Wars survey (US, 2014)", _items(labels, labels, ["star wars"] * len(labels), texts), people, np.hstack([film_ratings, char_ratings]), loved_at)


STEAK_ITEMS = {
    "Do you ever smoke cigarettes?": "Smoking", "Do you ever drink alcohol?": "Drinking alcohol",
    "Do you ever gamble?": "Gambling", "Have you ever been skydiving?": "Skydiving",
    "Do you ever drive above the speed limit?": "Speeding", "Do you eat steak?": "Eating steak",
}


def steak(df: pd.DataFrame) -> Survey:
    """Yes/no risk behaviours; "Yes" = 1 = loved, "No" = 0."""
    cols = [c for c in STEAK_ITEMS if c in df.columns]
    ratings = df[cols].apply(lambda s: s.map({"Yes": 1.0, "No": 0.0})).to_numpy(float)
    labels = [STEAK_ITEMS[c] for c in cols]
    people = _respondents(df["Location (Census Region)"], [parse_age_bucket(a) for a in df["Age"]], df["Gender"])
    return Survey("steak", "FiveThirtyEight steak & risk survey (US, 2014)", _items(labels, labels, ["lifestyle"] * len(cols)), people, ratings, np.ones(len(cols)))


def thanksgiving(df: pd.DataFrame) -> Survey:
    """Tick-boxes "which sides / pies / desserts are typically served" (and the TV watched that day):
    ticked = 1 = loved, not ticked = 0 for people who celebrate, unanswered for those who don't.
    "None" and the write-in "Other (please specify)" boxes (pandas numbers the repeated header
    ".1") name nothing and are left out; a pie is labelled as one ("Apple pie", not "Apple")."""
    cols = [c for c in df.columns if re.search(r"Please select all that apply\.\s+-\s", c) and not re.search(r"-\s+(None|Other \(please specify\)(\.\d+)?)$", c)]
    asked = [re.split(r"\s+-\s+", c, maxsplit=1) for c in cols]
    kinds = ["side dish" if "side dishes" in q else "pie" if "pie" in q else "dessert" if "dessert" in q else "TV" for q, _ in asked]
    names = [answer.strip() for _, answer in asked]
    labels = [f"{name} pie" if kind == "pie" and not name.lower().endswith("pie") else name for name, kind in zip(names, kinds, strict=True)]
    celebrates = df["Do you celebrate Thanksgiving?"].eq("Yes").to_numpy()
    ticked = df[cols].notna().to_numpy(float)
    ratings = np.where(celebrates[:, None], ticked, np.nan)
    texts = [f"{label} ({kind}, Thanksgiving dinner)" if kind != "TV" else f"{label} (watched on Thanksgiving)" for label, kind in zip(labels, kinds, strict=True)]
    items = _items([f"{name} ({kind})" for name, kind in zip(names, kinds, strict=True)], labels, ["thanksgiving"] * len(cols), texts)
    people = _respondents(df["US Region"], [parse_age_bucket(a) for a in df["Age"]], df["What is your gender?"])
    return Survey("thanksgiving", "FiveThirtyEight Thanksgiving poll (US, 2015)", items, people, ratings, np.ones(len(cols)))


# --- MovieLens 100k (only when the user fetched it under GroupLens' terms) --------------------------

def movielens(ratings: pd.DataFrame, users: pd.DataFrame, movies: pd.DataFrame) -> Survey:
    """Star ratings 1–5 of 1,682 films by 943 US users (`ratings`: user, item, rating; `users`: user,
    age, gender M/F; `movies`: item, title); a film a user did not rate is unanswered; loved = 5."""
    user_ids, item_ids = users["user"].to_numpy(), movies["item"].to_numpy()
    row = pd.Series(np.arange(len(user_ids)), index=user_ids)
    col = pd.Series(np.arange(len(item_ids)), index=item_ids)
    matrix = np.full((len(user_ids), len(item_ids)), np.nan)
    matrix[row[ratings["user"]].to_numpy(), col[ratings["item"]].to_numpy()] = ratings["rating"].to_numpy(float)
    ages = [(float(a), float(a)) for a in users["age"]]
    people = _respondents(pd.Series(["United States"] * len(users)), ages, users["gender"].map({"M": "male", "F": "female"}))
    titles = movies["title"].astype(str).tolist()
    items = _items(titles, titles, ["movies"] * len(titles), [f"{t} (film)" for t in titles])
    return Survey("movielens", "MovieLens 100k (GroupLens; US users, research use only)", items, people, matrix, np.full(len(titles), 5.0))


# --- an owner's imported survey (memory/imports) ------------------------------------------------

def imported(name: str, title: str, people: pd.DataFrame, ratings: pd.DataFrame, domain: str) -> Survey:
    """Any respondents × items × demographics table: `people` has region, age_min, age_max, gender;
    every column of `ratings` is an item (numbers, NaN = unanswered), in `domain`. Loved =
    the top of the item's observed scale (5 on a 1–5 scale), as for the Likert surveys above."""
    values = ratings.to_numpy(float)
    with np.errstate(all="ignore"):
        top = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=0) if len(values) else np.zeros(values.shape[1])
    labels = [str(c) for c in ratings.columns]
    ages = list(zip(people["age_min"].astype(float), people["age_max"].astype(float), strict=True))
    respondents = _respondents(people["region"].fillna(""), ages, people["gender"].fillna(""))
    return Survey(name, title, _items(labels, labels, [domain] * len(labels)), respondents, values, top)
