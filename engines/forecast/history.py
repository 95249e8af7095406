"""Turning raw sales into the series the models see.

WHY: the Online Retail data is net of returns (negative days), has days with no sales (no row at
all), starts and ends mid-week/mid-month, and many SKUs sell in bursts. Each of those, left as is,
bends a forecast: a partial last week looks like a collapse, a missing day looks like no data
rather than zero demand, a net-negative week is not negative demand.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Frequency = Literal["D", "W", "M"]

#: Seasonal period of each frequency: a week of days, a year of weeks, a year of months.
SEASON_LENGTH: dict[Frequency, int] = {"D": 7, "W": 52, "M": 12}
#: Season used to scale MASE (the in-sample seasonal-naive MAE). Weekly uses 1 (the naive
#: forecast), as the M4 competition does: one year of weekly history has no full lag-52 pair.
MASE_SEASON: dict[Frequency, int] = {"D": 7, "W": 1, "M": 12}
#: pandas offsets of each period; weeks run Monday..Sunday and are labelled by their Monday.
PANDAS_FREQ: dict[Frequency, str] = {"D": "D", "W": "W-MON", "M": "MS"}
#: Syntetos–Boylan cut-off: mean interval between non-zero periods above this = intermittent.
ADI_INTERMITTENT = 1.32


@dataclass(frozen=True)
class Series:
    """One demand series in complete periods, oldest first. `country` picks Prophet's holidays."""

    y: np.ndarray
    ds: pd.DatetimeIndex
    freq: Frequency
    country: str | None = None

    def __post_init__(self) -> None:
        if len(self.y) != len(self.ds):
            raise ValueError(f"y has {len(self.y)} values but ds has {len(self.ds)} dates")

    @property
    def season(self) -> int:
        return SEASON_LENGTH[self.freq]

    def head(self, n: int) -> "Series":
        """The first n periods: what a forecaster standing at cut-off n knows."""
        return Series(self.y[:n], self.ds[:n], self.freq, self.country)

    def future_dates(self, h: int) -> pd.DatetimeIndex:
        """The next h period labels, keeping the series' own anchor (a file may label weeks by Friday)."""
        last = self.ds[-1]
        if self.freq == "M":
            return pd.DatetimeIndex([last + pd.DateOffset(months=k) for k in range(1, h + 1)])
        step = pd.Timedelta(days=1 if self.freq == "D" else 7)
        return pd.DatetimeIndex([last + k * step for k in range(1, h + 1)])


@dataclass(frozen=True)
class Shaped:
    """A series plus what was done to it, so the tool can say so."""

    series: Series
    returns_clipped: int  # periods whose net quantity was negative, set to 0
    zero_periods: int  # periods with no sales at all (gaps filled with 0)


def period_start(dates: pd.DatetimeIndex, freq: Frequency) -> pd.DatetimeIndex:
    """The first day of the period each date falls in."""
    if freq == "D":
        return dates.normalize()
    if freq == "W":
        return (dates - pd.to_timedelta(dates.weekday, unit="D")).normalize()
    return dates.to_period("M").to_timestamp()


def to_periods(dates: pd.DatetimeIndex, values: np.ndarray, freq: Frequency, start: pd.Timestamp, end: pd.Timestamp,
               country: str | None = None) -> Shaped:
    """Sum daily values into complete periods between `start` and `end` (the span the data covers).

    - Periods cut by the data span (a first week starting before `start`, a last month ending after
      `end`) are dropped: their totals are not comparable.
    - Periods with no rows are 0 (no row in a sales log = nothing sold), never missing.
    - A period whose net total is negative (more returns than sales) becomes 0: returns are not
      negative demand, and a negative value would drag every model below zero.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    first = period_start(pd.DatetimeIndex([start]), freq)[0]
    if first < start:
        first = pd.date_range(first, periods=2, freq=PANDAS_FREQ[freq])[1]
    grid = pd.date_range(first, end, freq=PANDAS_FREQ[freq])
    next_start = pd.date_range(grid[-1], periods=2, freq=PANDAS_FREQ[freq])[1] if len(grid) else first
    if len(grid) and next_start - pd.Timedelta(days=1) > end:
        grid = grid[:-1]
    if len(grid) == 0:
        raise ValueError(f"no complete {freq} period between {start.date()} and {end.date()}")
    sums = pd.Series(np.asarray(values, dtype=float), index=period_start(pd.DatetimeIndex(dates), freq)).groupby(level=0).sum()
    y = sums.reindex(grid, fill_value=0.0).to_numpy(dtype=float)
    negative = int((y < 0).sum())
    zero = int((y == 0).sum())
    return Shaped(Series(np.clip(y, 0.0, None), grid, freq, country), negative, zero)


def last_complete_period(end: pd.Timestamp, freq: Frequency) -> pd.Timestamp:
    """The start of the last period that ends on or before `end` (what `to_periods` keeps last)."""
    end = pd.Timestamp(end).normalize()
    current = period_start(pd.DatetimeIndex([end + pd.Timedelta(days=1)]), freq)[0]
    return pd.date_range(end=current, periods=2, freq=PANDAS_FREQ[freq])[0]


def is_intermittent(y: np.ndarray) -> bool:
    """Intermittent when the average demand interval ADI = n / (non-zero periods) exceeds 1.32
    (Syntetos & Boylan 2005): averaging models then forecast the rate, not the next spike."""
    nonzero = int(np.count_nonzero(y > 0))
    return nonzero == 0 or len(y) / nonzero > ADI_INTERMITTENT


def infer_frequency(ds: pd.DatetimeIndex) -> Frequency:
    """D, W or M from the median spacing of the dates (files scored by the eval carry no freq)."""
    if len(ds) < 2:
        raise ValueError("need at least two dates to tell the frequency")
    days = float(np.median(np.diff(ds.values).astype("timedelta64[D]").astype(float)))
    if days <= 2:
        return "D"
    if days <= 10:
        return "W"
    return "M"


def is_product_code(stock_code: str) -> bool:
    """Online Retail codes that are goods: they start with a digit. POST, DOT, M, BANK CHARGES,
    AMAZONFEE… are postage, fees and adjustments, not demand."""
    return bool(stock_code) and stock_code[0].isdigit()
