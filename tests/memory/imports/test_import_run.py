"""The importer end to end: exports, bad rows by line, idempotent re-import, extension, mapping, scoping."""
from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest
from sqlalchemy import func, select

from memory.db import session_scope
from memory.imports import store
from memory.imports.readers import ImportFailed
from memory.imports.run import import_source
from memory.owner import Owner
from memory.tables import ImportedSalesDay
from tests.memory.imports import fixtures


@pytest.fixture
def owner() -> Owner:
    return Owner.cli(f"importer-{uuid.uuid4().hex[:8]}")  # unique: the Postgres pass shares one database


def _units(settings, owner: Owner) -> dict[str, float]:
    ids = [d.id for d in store.datasets(settings, owner, "sales")]
    with session_scope(settings) as s:
        rows = s.exec(select(ImportedSalesDay.sku, func.sum(ImportedSalesDay.units)).where(ImportedSalesDay.dataset_id.in_(ids)).group_by(ImportedSalesDay.sku)).all()
    return {sku: float(units) for sku, units in rows}


def test_shopify_export_refunds_currencies_and_the_bad_row(settings, owner, tmp_path):
    facts = fixtures.shopify_orders(tmp_path / "shop_orders.csv")
    summary = import_source(settings, owner, "sales", str(tmp_path / "shop_orders.csv"), fmt="shopify")
    assert [(e.line, e.message) for e in summary.errors] == [(facts["malformed_line"], "column 'Lineitem quantity' (units): 'two' is not a number")]
    assert _units(settings, owner) == {sku: float(n) for sku, n in facts["net"].items()}  # refunded in full = 0, voided left out
    assert set(summary.revenue) == facts["currencies"]  # never summed across currencies
    assert summary.last_day == str(facts["last_day"]) and summary.keys == 3
    report = "\n".join(summary.lines())
    assert f"line {facts['malformed_line']}: column 'Lineitem quantity'" in report and "1 order refunded in full" in report and "kept per currency" in report


def test_reimport_changes_nothing_and_a_later_file_extends(settings, owner, tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame({"order_id": ["A1", "A1", "A2"], "date": ["2025-01-01", "2025-01-01", "2025-01-02"], "sku": ["X", "Y", "X"],
                  "quantity": [2, 1, 3], "price": [10, 5, 10], "currency": "EUR"}).to_csv(path, index=False)
    first = import_source(settings, owner, "sales", str(path))
    before = _units(settings, owner)
    again = import_source(settings, owner, "sales", str(path))
    assert (first.imported, again.imported, again.already) == (3, 0, 3)
    assert _units(settings, owner) == before == {"X": 5.0, "Y": 1.0}
    later = tmp_path / "orders_feb.csv"  # another file: the overlap (A2) is known, the new order extends the history
    pd.DataFrame({"order_id": ["A2", "B1", "A3"], "date": ["2025-01-02", "2025-02-01", "2025-01-01"], "sku": ["X", "X", "X"], "quantity": [3, 4, 1],
                  "price": [10, 10, 10], "currency": "EUR"}).to_csv(later, index=False)
    extended = import_source(settings, owner, "sales", str(later), name="orders")  # same import: A3 adds to a stored day (the upsert path)
    assert (extended.imported, extended.already) == (2, 1)
    assert _units(settings, owner) == {"X": 10.0, "Y": 1.0}
    assert [d.rows for d in store.datasets(settings, owner, "sales")] == [5]  # order lines imported
    assert import_source(settings, owner, "sales", str(later)).already == 3  # under another name too: keys are the owner's, across imports
    assert first.revenue == {"EUR": 55.0}


def test_woocommerce_statuses_and_refunded_quantities(settings, owner, tmp_path):
    fixtures.woocommerce_orders(tmp_path / "woo.csv")
    summary = import_source(settings, owner, "sales", str(tmp_path / "woo.csv"), fmt="woocommerce")
    assert _units(settings, owner) == {"TEE-BLK-M": 2.0, "CAP-RED": 2.0}  # refunded order nets 0, cancelled left out, 1 of 3 caps refunded
    assert summary.revenue == {"USD": 70.0} and not summary.errors


def test_jsonl_and_parquet_read_like_csv(settings, owner, tmp_path):
    frame = pd.DataFrame({"Date": ["2025-01-01", "2025-01-02"], "SKU": ["X", "X"], "Qty": [1, 2]})
    frame.to_parquet(tmp_path / "a.parquet")
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in frame.to_dict("records")) + "\n{broken\n", encoding="utf-8")
    a = import_source(settings, owner, "sales", str(tmp_path / "a.parquet"))
    b = import_source(settings, Owner.cli(owner.id + "-b"), "sales", str(tmp_path / "b.jsonl"))
    assert a.imported == b.imported == 2 and a.unit == "row"
    assert [(e.line, e.message.split(" (")[0]) for e in b.errors] == [(3, "invalid JSON")]


@pytest.mark.parametrize("content, expected", [
    (b"date,sku,units\n2025-01-01,caf\xe9,1\n", "bad.csv line 2, column 'sku': byte 0xe9 is not utf-8"),
    (b"2025-01-01,X,1\n2025-01-02,X,2\n", "bad.csv line 1: no header row"),
    (b"when,code,count\n2025-01-01,X,1\n", "bad.csv line 1: no column is recognisably date"),
    (b"date,sku,qty,quantity\n2025-01-01,X,1,1\n", "bad.csv line 1: columns 'qty', 'quantity' could each be units"),
])
def test_unreadable_files_name_file_line_and_column(settings, owner, tmp_path, content, expected):
    (tmp_path / "bad.csv").write_bytes(content)
    with pytest.raises(ImportFailed, match="^" + expected.replace("(", r"\(").replace(")", r"\)")):
        import_source(settings, owner, "sales", str(tmp_path / "bad.csv"))
    assert store.datasets(settings, owner) == []  # nothing stored


def test_map_names_the_columns_and_latin1_reads_with_encoding(settings, owner, tmp_path):
    (tmp_path / "odd.csv").write_bytes(b"when;code;count\n2025-01-01;caf\xe9;1\n2025-01-02;caf\xe9;-1\n")
    summary = import_source(settings, owner, "sales", str(tmp_path / "odd.csv"), given=["when=date", "code=sku", "count=units"], encoding="latin-1")
    assert summary.imported == 2 and _units(settings, owner) == {"café": 0.0}
    with pytest.raises(ImportFailed, match="no column 'Qty sold' to map to units"):
        import_source(settings, owner, "sales", str(tmp_path / "odd.csv"), given=["Qty sold=units"], encoding="latin-1")


def test_catalog_upsert_counts_new_updated_unchanged_and_owners_are_apart(settings, owner, tmp_path):
    path = tmp_path / "catalog.csv"
    pd.DataFrame({"sku": ["a", "b", "b"], "title": ["Oak mug", "Linen cloth", "Linen cloth"], "price": ["4", "x", "6"]}).to_csv(path, index=False)
    first = import_source(settings, owner, "catalog", str(path))
    assert (first.imported, first.duplicates, [e.line for e in first.errors]) == (2, 0, [3])
    pd.DataFrame({"sku": ["a", "b"], "title": ["Oak mug large", "Linen cloth"], "price": ["4", "6"]}).to_csv(path, index=False)
    second = import_source(settings, owner, "catalog", str(path))
    assert (second.imported, second.updated, second.already) == (0, 1, 1)
    other = Owner.cli(owner.id + "-other")
    assert [d.name for d in store.datasets(settings, owner)] == ["catalog"] and store.datasets(settings, other) == []
    assert store.find_datasets(settings, other, "catalog") == []
    assert store.forget(settings, other, [d.id for d in store.datasets(settings, owner)]) == 0  # not theirs
    assert store.forget(settings, owner, [d.id for d in store.find_datasets(settings, owner, "our catalog")]) == 1
    assert store.datasets(settings, owner) == []
