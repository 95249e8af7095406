"""Importing a SQL table or query through a SQLAlchemy URL: SQLite always, Postgres when reachable."""
from __future__ import annotations

import uuid

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from memory.imports.readers import ImportFailed
from memory.imports.run import import_source
from memory.owner import Owner

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ORDERS = pd.DataFrame({"invoice_no": ["1", "1", "2"], "invoice_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-03"]),
                       "stock_code": ["A", "B", "A"], "quantity": [2, 1, 5], "unit_price": [3.0, 4.0, 3.0]})


def _import_twice(settings, url: str, table: str) -> None:
    owner = Owner.cli(f"sql-{uuid.uuid4().hex[:8]}")
    first = import_source(settings, owner, "sales", url, table=table, currency="EUR")
    again = import_source(settings, owner, "sales", url, query=f"SELECT * FROM {table} ORDER BY invoice_no, stock_code", name=table)
    assert (first.imported, first.keys, first.revenue, first.unit) == (3, 2, {"EUR": 25.0}, "row")
    assert (again.imported, again.already) == (0, 3)  # same natural keys: nothing added


def test_passwords_never_reach_labels():
    from memory.imports.readers import safe_origin

    assert "s3cret" not in safe_origin("postgresql+psycopg://shop:s3cret@db.example/sales")


def test_sqlite_table(settings, tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    ORDERS.to_sql("orders", create_engine(url), index=False)
    _import_twice(settings, url, "orders")
    with pytest.raises(ImportFailed, match="not a plain table name"):
        import_source(settings, Owner.cli("x"), "sales", url, table="orders; drop table orders")
    with pytest.raises(ImportFailed, match="no such table"):
        import_source(settings, Owner.cli("x"), "sales", url, table="missing")


def test_postgres_table(settings):
    engine = create_engine(POSTGRES)
    try:
        engine.connect().close()
    except Exception:  # noqa: BLE001 - any failure to connect means no local Postgres
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    table = f"import_orders_{uuid.uuid4().hex[:8]}"
    ORDERS.to_sql(table, engine, index=False)
    try:
        _import_twice(settings, POSTGRES, table)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {table}"))
        engine.dispose()
