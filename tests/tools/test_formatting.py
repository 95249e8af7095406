"""Figures as a marketer reads them: money, shares, counts, dates with years, cells by column."""
from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tools.formatting import cell, count, day, money, pct, period


def test_money_shares_counts_and_dates() -> None:
    assert (money(128384.0), money(96.0), money(9.99)) == ("$128,384", "$96", "$9.99")
    assert (pct(0.01749), pct(0.42)) == ("1.7%", "42%")
    assert count(2982.77) == "2,983" and day("2027-01-04") == "4 Jan 2027"
    assert period("2015-02-17", "2015-02-24T10:00:00") == "17–24 Feb 2015"
    assert period(date(2015, 2, 28), date(2015, 3, 3)) == "28 Feb–3 Mar 2015"
    assert period(date(2026, 12, 28), date(2027, 1, 3)) == "28 Dec 2026–3 Jan 2027"


def test_cells_are_formatted_by_their_column() -> None:
    assert cell("revenue", 2982.77) == "$2,983" and cell("adoption", 0.01749) == "1.7%" and cell("period", "2027-01-04") == "4 Jan 2027"
    assert cell("units", 12) == "12" and cell("lift", 1.0648) == "1.06" and cell("lower", 61.26) == "61" and cell("x", None) == "–"


@given(st.floats(-1e9, 1e9, allow_nan=False), st.sampled_from(["revenue", "adoption", "units", "lift", "mase"]))
def test_no_cell_shows_more_than_two_decimals(value: float, column: str) -> None:
    assert not re.search(r"\d\.\d{3,}", cell(column, value))
