"""Rebuilding the two Online Retail tables from the UCI rows (the by-day files), as the data README's
"How the Online Retail tables were built" describes. Pure pandas: frames in, frames out."""
from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

RAW_DTYPES = {"InvoiceNo": str, "StockCode": str, "Description": str, "CustomerID": str, "Country": str}
DAILY_COLUMNS = ["date", "stock_code", "description", "country", "quantity", "revenue", "invoices", "customers"]
CUSTOMER_COLUMNS = ["customer_id", "country", "first_date", "last_date", "n_invoices", "total_quantity", "total_revenue"]


def read_raw(path: Path) -> pd.DataFrame:
    """One by-day file; only empty cells are missing (a stock code such as `NA` stays a code)."""
    return pd.read_csv(path, dtype=RAW_DTYPES, keep_default_na=False, na_values=[""])


def _most_frequent(df: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Per key, its most frequent non-empty value; ties go to the alphabetically first."""
    counts = df.dropna(subset=[value]).groupby([key, value]).size().rename("n").reset_index()
    counts = counts.sort_values([key, "n", value], ascending=[True, False, True])
    return counts.drop_duplicates(key).set_index(key)[value]


def _prepare(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    raw = pd.concat(list(frames), ignore_index=True)
    raw["Description"] = raw["Description"].str.strip().replace("", None)
    raw["CustomerID"] = raw["CustomerID"].str.removesuffix(".0").replace("", None)
    raw["date"] = raw["InvoiceDate"].str.slice(0, 10)
    raw["revenue"] = raw["Quantity"] * raw["UnitPrice"]
    return raw


def build_daily(raw: pd.DataFrame) -> pd.DataFrame:
    """Net quantity and revenue per (date, stock code, country), with one stable description per code."""
    daily = raw.groupby(["date", "StockCode", "Country"], sort=True).agg(
        quantity=("Quantity", "sum"), revenue=("revenue", "sum"),
        invoices=("InvoiceNo", "nunique"), customers=("CustomerID", "nunique"),
    ).reset_index().rename(columns={"StockCode": "stock_code", "Country": "country"})
    daily["revenue"] = daily["revenue"].round(2)
    daily["description"] = daily["stock_code"].map(_most_frequent(raw, "StockCode", "Description"))
    return daily[DAILY_COLUMNS]


def build_customers(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per non-empty CustomerID: main country, first/last invoice date, net totals."""
    known = raw.dropna(subset=["CustomerID"])
    customers = known.groupby("CustomerID", sort=True).agg(
        first_date=("date", "min"), last_date=("date", "max"), n_invoices=("InvoiceNo", "nunique"),
        total_quantity=("Quantity", "sum"), total_revenue=("revenue", "sum"),
    ).reset_index().rename(columns={"CustomerID": "customer_id"})
    customers["total_revenue"] = customers["total_revenue"].round(2)
    customers["country"] = customers["customer_id"].map(_most_frequent(known, "CustomerID", "Country"))
    return customers[CUSTOMER_COLUMNS]


def build_tables(frames: Iterable[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(daily, customers) from the raw UCI rows."""
    raw = _prepare(frames)
    return build_daily(raw), build_customers(raw)


def write_csv_gz(df: pd.DataFrame, path: Path) -> None:
    """Gzip without a timestamp or file name, so the same table always gives the same bytes."""
    with path.open("wb") as fh, gzip.GzipFile(filename="", fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(df.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode("utf-8"))
