"""The house chart style: date axes always carry the year, whatever the span."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tools import chart_style as style


@pytest.mark.parametrize("days", [10, 60, 400])
def test_every_date_tick_shows_a_year(days: int) -> None:
    fig, ax = style.figure(2.5)
    start = date(2026, 12, 20)
    ax.plot([start + timedelta(days=k) for k in range(days)], list(range(days)))
    style.date_axis(ax)
    fig.draw_without_rendering()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(re.search(r"\b20\d\d\b", t) for t in labels), labels
