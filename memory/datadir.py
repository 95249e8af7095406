"""Typed loaders for the data directory, one per file in `../shared/data/README.md`.

Each loader hides its file's quirks (encoding, CRLF, tab separators, two-row headers, 18-digit IDs)
so that engines get clean DataFrames. Nothing is cached here: callers decide what to keep.
A missing file raises `DataFileMissing`, whose message says which `caeser data fetch` gets it.
"""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pandas as pd

from memory.datasets import dataset_of

ESCI_LABELS = {100.0: "Exact", 10.0: "Substitute", 1.0: "Complement", 0.0: "Irrelevant"}


class DataFileMissing(FileNotFoundError):
    """A dataset file is not in the data dir; the message names the fetch command that gets it."""

    def __init__(self, data_dir: Path, relative: str) -> None:
        self.data_dir, self.relative = data_dir, relative
        super().__init__(f"data file {relative} is missing from {data_dir}; get it with `caeser data fetch {dataset_of(relative).name}`")


def data_path(data_dir: Path, relative: str) -> Path:
    """The file's path, or `DataFileMissing` when it isn't there."""
    path = Path(data_dir) / relative
    if not path.is_file():
        raise DataFileMissing(Path(data_dir), relative)
    return path


def _read_lf(data_dir: Path, relative: str) -> io.BytesIO:
    """The file with CRLF turned into LF, also inside quoted multi-line fields (pandas keeps those `\\r`s)."""
    return io.BytesIO(data_path(data_dir, relative).read_bytes().replace(b"\r\n", b"\n"))


def _two_row_header(path: Path, encoding: str) -> pd.DataFrame:
    """Surveys whose row 2 holds sub-labels: the question is carried over blank cells and joined with
    its sub-label (`question | sub-label`), except the filler sub-label `Response`."""
    head = pd.read_csv(path, encoding=encoding, header=None, nrows=2, dtype=str, keep_default_na=False)
    names, question = [], ""
    for top, sub in zip(head.iloc[0], head.iloc[1], strict=True):
        question = top.strip() or question
        names.append(f"{question} | {sub.strip()}" if sub.strip() and sub.strip() != "Response" else question)
    return pd.read_csv(path, encoding=encoding, header=None, skiprows=2, names=names)


# --- posts -------------------------------------------------------------------------------------

AIRLINE_TWEETS = "posts/airline_tweets.csv"
SENTIMENT_TRAIN = "sentiment/train_multi.csv"
SENTIMENT_LABELS = frozenset({"negative", "neutral", "positive"})


def load_airline_tweets(data_dir: Path) -> pd.DataFrame:
    """One row per distinct `tweet_id` (str; the source repeats 155 ids, the first row is kept),
    with `created_at` as UTC datetimes parsed from `tweet_created`."""
    df = pd.read_csv(_read_lf(data_dir, AIRLINE_TWEETS), encoding="utf-8", dtype={"tweet_id": str})
    df = df.drop_duplicates("tweet_id", keep="first").reset_index(drop=True)
    df["created_at"] = pd.to_datetime(df["tweet_created"], format="%Y-%m-%d %H:%M:%S %z", utc=True)
    return df


def load_labelled_sentiment(data_dir: Path, relative: str) -> pd.DataFrame:
    """A labelled set of `sentiment/` (`text,label[,source]`, UTF-8, labels negative|neutral|positive),
    every cell a string. These sets are compiled for this project (../shared/data/README.md), not
    fetchable: a missing one raises `FileNotFoundError` naming it; a bad label, `ValueError`."""
    path = Path(data_dir) / relative
    if not path.is_file():
        raise FileNotFoundError(f"labelled sentiment file {relative} is missing from {data_dir} (the compiled sets described in the data README's sentiment/ part)")
    df = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    bad = df.loc[~df["label"].isin(SENTIMENT_LABELS)] if "label" in df else df
    if "text" not in df or len(bad):
        raise ValueError(f"{path}: expected columns text,label with labels {sorted(SENTIMENT_LABELS)}")
    return df


def load_sxsw_posts(data_dir: Path) -> pd.DataFrame:
    """SXSW 2011 brand-emotion tweets (latin-1, CRLF); no timestamps."""
    return pd.read_csv(_read_lf(data_dir, "posts/sxsw_brand_emotions.csv"), encoding="latin-1")


# --- catalog -----------------------------------------------------------------------------------

def _category_path(tree: str) -> list[str]:
    """`["A >> B >> C"]` → `["A", "B", "C"]`; a value that isn't a JSON list is split as it stands."""
    try:
        parsed = json.loads(tree)
        text = parsed[0] if isinstance(parsed, list) and parsed else str(parsed)
    except (json.JSONDecodeError, TypeError):
        text = str(tree).strip('[]"')
    return [part.strip() for part in str(text).split(">>") if part.strip()]


def load_flipkart(data_dir: Path) -> pd.DataFrame:
    """Flipkart products with `category_path: list[str]` parsed from `product_category_tree`."""
    df = pd.read_csv(data_path(data_dir, "catalog/flipkart_products.csv"), encoding="utf-8", dtype={"uniq_id": str})
    df["category_path"] = df["product_category_tree"].map(_category_path)
    return df


def load_flipkart_titles(data_dir: Path) -> pd.Series:
    """Flipkart `product_name` alone: title readers skip `load_flipkart`'s parse of 20k category trees."""
    return pd.read_csv(data_path(data_dir, "catalog/flipkart_products.csv"), encoding="utf-8", usecols=["product_name"])["product_name"]


def load_amazon_toys(data_dir: Path) -> pd.DataFrame:
    """Amazon UK toys (CRLF); `price` is GBP, category paths use ` > `."""
    return pd.read_csv(_read_lf(data_dir, "catalog/amazon_uk_toys.csv"), encoding="utf-8", dtype={"uniq_id": str})


def load_catalog_titles(data_dir: Path) -> list[str]:
    """Product titles from Flipkart, Amazon UK and Online Retail descriptions: stripped, non-empty,
    first occurrence kept, in that source order."""
    titles = pd.concat([
        load_flipkart_titles(data_dir),
        load_amazon_toys(data_dir)["product_name"],
        load_online_retail_daily(data_dir)["description"],
    ]).dropna().astype(str).str.strip()
    return list(dict.fromkeys(t for t in titles if t))


# --- queries -----------------------------------------------------------------------------------

def load_aol_queries(data_dir: Path) -> list[str]:
    """The AOL log in log order with repeats (so frequencies mean something), without its `Query` header.
    Research and offline evaluation only (see `caeser data list`)."""
    with gzip.open(data_path(data_dir, "queries/aol_100k.txt.gz"), "rt", encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    return lines[1:] if lines and lines[0] == "Query" else lines


def load_trec05_queries(data_dir: Path) -> pd.DataFrame:
    """`id` (fake, not a frequency) and `query` (the tokens after it)."""
    text = data_path(data_dir, "queries/trec05.completions").read_text(encoding="utf-8")
    rows = [line.split(" ", 1) for line in text.splitlines() if line.strip()]
    return pd.DataFrame({"id": [int(r[0]) for r in rows], "query": [r[1] if len(r) > 1 else "" for r in rows]})


def load_wands_queries(data_dir: Path) -> pd.DataFrame:
    """WANDS queries: `query_id, query, query_class` (tab-separated upstream)."""
    return pd.read_csv(data_path(data_dir, "queries/wands_queries.csv"), sep="\t", encoding="utf-8")


def load_esci_queries(data_dir: Path) -> pd.DataFrame:
    """The 150 ESCI query texts, column `query`."""
    doc = json.loads(data_path(data_dir, "queries/esci_us_queryset.json").read_text(encoding="utf-8"))
    return pd.DataFrame({"query": [q["queryText"] for q in doc["querySetQueries"]]})


def load_esci_judgments(data_dir: Path) -> pd.DataFrame:
    """One row per (query, ASIN): `query, asin, rating` (float) and `label` (Exact/Substitute/Complement/Irrelevant)."""
    doc = json.loads(data_path(data_dir, "queries/esci_us_judgments.json").read_text(encoding="utf-8"))
    rows = [(j["query"], r["docId"], float(r["rating"])) for j in doc["judgmentRatings"] for r in j["ratings"]]
    df = pd.DataFrame(rows, columns=["query", "asin", "rating"])
    df["label"] = df["rating"].map(ESCI_LABELS)
    return df


# --- sales -------------------------------------------------------------------------------------

def load_online_retail_daily(data_dir: Path) -> pd.DataFrame:
    """Daily (date, stock_code, country) rows, net of returns; `stock_code` kept as written (str)."""
    df = pd.read_csv(data_path(data_dir, "sales/online_retail_daily.csv.gz"), dtype={"stock_code": str, "description": str, "country": str})
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    return df


def load_online_retail_customers(data_dir: Path) -> pd.DataFrame:
    """One row per customer (`customer_id` str), first/last invoice dates parsed."""
    df = pd.read_csv(data_path(data_dir, "sales/online_retail_customers.csv.gz"), dtype={"customer_id": str, "country": str})
    for column in ("first_date", "last_date"):
        df[column] = pd.to_datetime(df[column], format="%Y-%m-%d")
    return df


def load_prophet_retail_sales(data_dir: Path) -> pd.DataFrame:
    """US monthly retail sales: `ds` (datetime), `y`."""
    df = pd.read_csv(data_path(data_dir, "sales/prophet_retail_sales.csv"))
    df["ds"] = pd.to_datetime(df["ds"], format="%Y-%m-%d")
    return df


def load_prophet_online_retail(data_dir: Path) -> pd.DataFrame:
    """Daily quantity of 30 stock codes: `item` (str), `ds` (datetime), `y`."""
    df = pd.read_csv(data_path(data_dir, "sales/prophet_online_retail_multivariate.csv"), dtype={"item": str})
    df["ds"] = pd.to_datetime(df["ds"], format="%Y-%m-%d")
    return df


# --- personas and affinity ---------------------------------------------------------------------

def load_marketing_campaign(data_dir: Path) -> pd.DataFrame:
    """The customer personality table (tab-separated); `Dt_Customer` parsed from DD-MM-YYYY.
    Quirks of the original are left in (blank incomes, 1893 births, `YOLO` marital status)."""
    df = pd.read_csv(data_path(data_dir, "personas/marketing_campaign.csv"), sep="\t")
    df["Dt_Customer"] = pd.to_datetime(df["Dt_Customer"], format="%d-%m-%Y")
    return df


def load_food_world_cup(data_dir: Path) -> pd.DataFrame:
    """FiveThirtyEight food world cup survey (Mac Roman; `N/A` = unfamiliar becomes NaN)."""
    return pd.read_csv(data_path(data_dir, "affinity/food-world-cup-data.csv"), encoding="mac_roman")


def load_star_wars(data_dir: Path) -> pd.DataFrame:
    """Star Wars survey (Mac Roman, two header rows joined as `question | film or character`)."""
    return _two_row_header(data_path(data_dir, "affinity/StarWars.csv"), "mac_roman")


def load_steak_survey(data_dir: Path) -> pd.DataFrame:
    """Steak risk survey (its second header row is only `Response` fillers, dropped)."""
    return _two_row_header(data_path(data_dir, "affinity/steak-risk-survey.csv"), "utf-8")


def load_thanksgiving(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_path(data_dir, "affinity/thanksgiving-2015-poll-data.csv"), encoding="utf-8")


def load_drinks(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_path(data_dir, "affinity/drinks.csv"), encoding="utf-8")


def load_young_people(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(responses, columns): 1,010 respondents × 150 columns, and `original` question → `short` name."""
    responses = pd.read_csv(data_path(data_dir, "affinity/young_people_survey_responses.csv"), encoding="utf-8")
    columns = pd.read_csv(data_path(data_dir, "affinity/young_people_survey_columns.csv"), encoding="utf-8")
    return responses, columns
