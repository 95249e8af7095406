"""Price in the launch simulation: the elasticity it is calibrated to, and a reference price from analogs.

**Elasticity** (`price_elasticity`). UCI Online Retail records, per product and day, net quantity,
revenue and invoices. Per product and week: buyers b = invoices (orders; the simulation sells one
unit per buyer, so orders, not units, are its counterpart — units are confounded by the shop's
quantity discounts: big orders pay less a unit), price p = revenue / quantity. Weeks whose price is
outside [½, 2] × the product's median are dropped (returns, postage, data errors). The elasticity is
the slope of ln b on ln p with product and week fixed effects (two-way within transformation,
alternating demeaning until it converges), over products seen in at least `MIN_WEEKS` weeks:
price changes of one product against its own other weeks, net of the week's overall demand. Its
standard error is the OLS one on the demeaned data.

**Reference price** (`analog_reference`). A product's price-setting reference is the median price
of its `K_ANALOGS` nearest analog products (character 3–5-gram TF-IDF cosine of the product text
against analog names, so "smartwatch" meets "smart watch"), among analogs with cosine ≥
`MIN_COSINE`. The reference sets willingness to pay (`traits`); an asked price above it then sells
to fewer buyers. Without a good analog there is no reference (the caller says so).

The shared data's priced products are toys (Amazon UK) and gifts and homeware (Online Retail):
electronics, apparel and food have no close analog, and the caller falls back to a named default.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

MIN_WEEKS = 8
K_ANALOGS = 15
MIN_COSINE = 0.5  # below it names only share fragments ('smartwatch' → 'Smart Games')


@dataclass(frozen=True)
class Elasticity:
    value: float
    se: float
    observations: int
    products: int


def weekly_buyers(daily: pd.DataFrame) -> pd.DataFrame:
    """Per (stock_code, week): invoices (buyers) and price = revenue / quantity, sales rows only,
    weeks priced within [½, 2] × the product's median price."""
    sales = daily[(daily["quantity"] > 0) & (daily["revenue"] > 0)]
    week = sales["date"].dt.to_period("W").dt.start_time
    weekly = sales.groupby([sales["stock_code"], week.rename("week")]).agg(quantity=("quantity", "sum"), revenue=("revenue", "sum"),
                                                                          buyers=("invoices", "sum")).reset_index()
    weekly["price"] = weekly["revenue"] / weekly["quantity"]
    median = weekly.groupby("stock_code")["price"].transform("median")
    return weekly[(weekly["price"] >= 0.5 * median) & (weekly["price"] <= 2.0 * median)].reset_index(drop=True)


def price_elasticity(weekly: pd.DataFrame, tol: float = 1e-9, max_iter: int = 100) -> Elasticity:
    """Two-way fixed-effects slope of ln buyers on ln price (module docstring) over `weekly` rows."""
    seen = weekly.groupby("stock_code")["week"].transform("count")
    df = weekly[seen >= MIN_WEEKS]
    y, x = np.log(df["buyers"].to_numpy(float)), np.log(df["price"].to_numpy(float))
    groups = [pd.factorize(df["stock_code"])[0], pd.factorize(df["week"])[0]]
    data = np.column_stack([y, x])
    for _ in range(max_iter):
        before = data.copy()
        for g in groups:
            sums = np.zeros((g.max() + 1, 2))
            np.add.at(sums, g, data)
            data -= (sums / np.bincount(g)[:, None])[g]
        if np.abs(data - before).max() < tol:
            break
    yd, xd = data[:, 0], data[:, 1]
    slope = float(xd @ yd / (xd @ xd))
    resid = yd - slope * xd
    se = float(np.sqrt(resid @ resid / (len(yd) - 1) / (xd @ xd)))
    return Elasticity(slope, se, len(yd), int(df["stock_code"].nunique()))


@dataclass(frozen=True, eq=False)
class Analogs:
    """Named products with a price in PPP US dollars (hashed by identity: one fitted vectoriser each)."""

    names: list[str]
    prices: np.ndarray


@dataclass(frozen=True)
class Reference:
    price: float
    analogs: list[tuple[str, float, float]]  # (name, price, cosine), closest first


@functools.lru_cache(maxsize=2)
def _vectorizer(analogs: Analogs) -> tuple[TfidfVectorizer, object]:
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True, min_df=2)
    return vec, vec.fit_transform(analogs.names)


def analog_reference(analogs: Analogs, text: str, k: int = K_ANALOGS, min_cosine: float = MIN_COSINE) -> Reference | None:
    """The median price of the `k` analogs closest to `text` with cosine ≥ `min_cosine`, or None."""
    vec, matrix = _vectorizer(analogs)
    cosine = (matrix @ vec.transform([text]).T).toarray().ravel()
    order = np.argsort(-cosine, kind="stable")[:k]
    order = order[cosine[order] >= min_cosine]
    if not len(order):
        return None
    return Reference(float(np.median(analogs.prices[order])), [(analogs.names[i], float(analogs.prices[i]), float(cosine[i])) for i in order])
