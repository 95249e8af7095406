import uuid

import pandas as pd

from memory import sales


def _frame(prefix: str) -> pd.DataFrame:
    days = pd.date_range("2011-01-03", periods=14, freq="D")
    rows = [{"date": d, "stock_code": f"{prefix}A", "description": f"{prefix} RED LUNCH BAG", "country": "United Kingdom", "quantity": 2} for d in days]
    rows += [{"date": d, "stock_code": f"{prefix}A", "description": f"{prefix} RED LUNCH BAG", "country": "France", "quantity": 1} for d in days[:7]]
    rows += [{"date": days[0], "stock_code": f"{prefix}B", "description": f"{prefix} BLUE LUNCH BAG", "country": "France", "quantity": -4}]
    return pd.DataFrame(rows)


def test_load_query_and_lookup(settings):
    prefix = "T" + uuid.uuid4().hex[:8].upper()
    source = f"test-{prefix}"
    assert sales.load_frame(settings, _frame(prefix), source) == 22
    assert sales.is_loaded(settings, source)
    assert sales.span(settings, source).last_day.isoformat() == "2011-01-16"
    totals = sales.daily_totals(settings, [f"{prefix}A", f"{prefix}B"])
    assert len(totals) == 14 and totals["quantity"].iloc[0] == 3 - 4  # returns net out
    assert sales.daily_totals(settings, [f"{prefix}A"], countries=["france"])["quantity"].sum() == 7
    assert sales.product(settings, f"{prefix.lower()}a").stock_code == f"{prefix}A"  # case-insensitive
    assert [p.stock_code for p in sales.products_matching(settings, f"{prefix} lunch bags", source=source)] == [f"{prefix}A", f"{prefix}B"]  # best seller first; plural matches
    assert any(m.startswith(f"{prefix}A") for m in sales.close_matches(settings, f"{prefix}X", source=source))


def test_day_columns_match_row_by_row_reading():
    frame = _frame("R").assign(revenue=[1.5] * 21 + [0.0], invoices=[1] * 22)  # no customers column: counted as 0
    frame["day"] = frame["date"].dt.date
    columns = sales._day_columns(frame, "src")
    rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    expected = [{"source": "src", "day": r.day, "stock_code": r.stock_code, "country": r.country, "quantity": float(r.quantity),
                 "revenue": float(r.revenue), "invoices": int(r.invoices), "customers": 0} for r in frame.itertuples(index=False)]
    assert rows == expected
    assert all(type(row[k]) is type(want[k]) for row, want in zip(rows, expected) for k in want)


def test_threads_that_need_the_sales_table_at_once_load_it_once(settings, monkeypatch):
    """A readout's overrunning forecast thread and the next turn both find the table missing: the
    second waits for the first load instead of inserting 310k rows again behind SQLite's write lock."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import memory.datadir

    if sales.is_loaded(settings):  # a shared Postgres may already hold it
        return
    reads = []

    def slow_read(data_dir):
        reads.append(threading.get_ident())
        time.sleep(0.3)
        return _frame("TLOCK" + uuid.uuid4().hex[:6].upper())

    monkeypatch.setattr(memory.datadir, "load_online_retail_daily", slow_read)
    start = threading.Barrier(4)

    def load(_):
        start.wait()
        return sales.ensure_loaded(settings)

    with ThreadPoolExecutor(4) as pool:
        loaded = sorted(pool.map(load, range(4)))
    assert loaded == [0, 0, 0, 22] and len(reads) == 1
