"""Retail seasonality: how much more (or less) people buy in a given month than in an average one.

WHY this series: the US Census Bureau's Monthly Retail Trade Survey is the longest public record of
what consumers spend month by month. The index below is the classical ratio-to-moving-average
decomposition of its total retail sales, January 1992 – May 2016 (the copy shipped as
`sales/prophet_retail_sales.csv`): ratio = sales / centred 2×12 moving average, averaged per
calendar month and scaled to mean 1. December is 16% above an average month, January and
February 11% below.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

#: January … December (US Census Bureau, Monthly Retail Trade Survey, total retail sales, 1992–2016).
MONTHLY_INDEX = np.array([0.896, 0.891, 1.008, 0.990, 1.042, 1.015, 1.013, 1.032, 0.963, 0.991, 0.998, 1.161], dtype=np.float32)


def season_curve(start: date, weeks: int) -> np.ndarray:
    """The index of the month each launch week's middle day falls in, week 0 starting on `start`."""
    months = [(start + timedelta(days=7 * t + 3)).month for t in range(weeks)]
    return MONTHLY_INDEX[np.asarray(months) - 1]
