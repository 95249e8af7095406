"""The Online Retail rebuild follows the data README's rules on a handful of hand-made rows."""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from memory.online_retail import build_tables, read_raw, write_csv_gz

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
ROWS = [
    "1,85123A,HEART ,2,2010-12-01 08:00:00,2.55,17850.0,United Kingdom",
    "1,85123a,heart lower,1,2010-12-01 08:00:00,2.55,17850.0,United Kingdom",
    "2,85123A,HEART B,1,2010-12-01 09:00:00,2.55,,United Kingdom",
    "C3,85123A,HEART,-1,2010-12-01 10:00:00,2.55,17850.0,United Kingdom",
    "4,NA,,3,2010-12-02 10:00:00,0.1,12346.0,France",
    "5,NA,,1,2010-12-03 10:00:00,0.1,12346.0,Belgium",
]


def raw(tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "day.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n")
    return read_raw(path)


def test_daily_is_net_of_returns_with_one_description_per_code(tmp_path: Path) -> None:
    daily, _ = build_tables([raw(tmp_path)])
    row = daily[(daily["stock_code"] == "85123A")].iloc[0]
    assert (row["quantity"], row["revenue"], row["invoices"], row["customers"]) == (2, 5.10, 3, 1)
    assert row["description"] == "HEART"  # stripped; "HEART" twice beats "HEART B" once
    assert set(daily["stock_code"]) == {"85123A", "85123a", "NA"}  # case kept, "NA" is a code
    assert daily[daily["stock_code"] == "NA"]["description"].isna().all()
    assert list(daily.columns) == ["date", "stock_code", "description", "country", "quantity", "revenue", "invoices", "customers"]


def test_customers_strip_suffix_and_break_country_ties_alphabetically(tmp_path: Path) -> None:
    _, customers = build_tables([raw(tmp_path)])
    assert list(customers["customer_id"]) == ["12346", "17850"]
    first = customers.iloc[0]
    assert (first["country"], first["first_date"], first["last_date"], first["n_invoices"]) == ("Belgium", "2010-12-02", "2010-12-03", 2)
    second = customers.iloc[1]
    assert (second["n_invoices"], second["total_quantity"], second["total_revenue"]) == (2, 2, 5.10)


def test_gzip_output_is_deterministic(tmp_path: Path) -> None:
    daily, _ = build_tables([raw(tmp_path)])
    write_csv_gz(daily, tmp_path / "a.gz")
    write_csv_gz(daily, tmp_path / "b.gz")
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()
    text = gzip.decompress((tmp_path / "a.gz").read_bytes()).decode()
    assert ",5.10," in text and pd.read_csv(io.StringIO(text)).shape == daily.shape
