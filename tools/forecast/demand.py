"""Forecast tool: demand with intervals and a peak window, from history or from analog products.

Resolution order: `sku` (exact, then case-insensitive; unknown = not_found with close matches),
`product` (the best seller whose description contains every word; a plural name that several
products match, "christmas decorations", is the group: forecast as a category, `names_group`; a name
with no sales is treated as a new product), `category` (every product whose description contains the
words, summed), and
`description` alone for a new product. A known product with too little history falls back to
analogs found by its own description. Analogs come from the `sales_skus` Chroma collection: the
Online Retail products launched inside the data (first sale ≥ 4 weeks after it starts) with at
least MIN_HISTORY weeks of sales, built by `caeser build` or on first use.

The owner's own imported sales (`caeser import sales`, memory/imports) come first: a SKU or
product name found there is forecast from that history alone, and the answer names the import.
"""
from __future__ import annotations

import difflib
import hashlib
import math
import re
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, model_validator

from engines.forecast import new_product
from engines.forecast.history import Frequency, Series, Shaped, period_start, to_periods
from engines.forecast.peaks import simulate_peaks
from engines.forecast.selection import EngineConfig, ForecastResult, TooLittleHistory, forecast
from engines.geo import is_market, market_of, resolve_region
from memory import sales
from memory.build import forecast as forecast_build
from memory.imports.own_sales import OwnSales, own_sales
from tools.base import Chart, ToolContext, ToolError, ToolOutput
from tools.forecast.chart import render_forecast
from tools.formatting import PERIOD_WORD, counted, period
from tools.registry import register
from tools.schemas import StrictInput

TOOL = "forecast_demand"
ANALOGS = 8
#: cosine under which the best analog is not like the product: measured with MiniLM on the sample
#: catalog, real analogs score 0.51–0.62 (a fox mug → mugs, a kids umbrella → umbrellas) and unrelated
#: ones 0.27–0.42 (an energy drink → hot water bottles, earbuds → earrings); the floor audience_affinity uses too
ANALOG_FLOOR = 0.45
#: The farthest a forecast may reach, in periods of each frequency: two years. Beyond that
#: nothing in one or two years of history supports the numbers.
MAX_HORIZON: dict[Frequency, int] = {"D": 730, "W": 104, "M": 24}
PERIOD_ADJECTIVE = {"D": "daily", "W": "weekly", "M": "monthly"}


class ForecastDemandInput(StrictInput):
    sku: str | None = Field(default=None, max_length=40, description="Stock code, e.g. '85123A'.", examples=["85123A"])
    product: str | None = Field(default=None, max_length=200, description="Product name when the SKU is not known.", examples=["white hanging heart t-light holder"])
    category: str | None = Field(default=None, max_length=200, description="A product category to forecast as a whole.", examples=["candles"])
    description: str | None = Field(default=None, max_length=2000, description="A new product's description: forecast from analogs.", examples=["A ceramic mug with a hand-painted fox, 350 ml"])
    horizon: int = Field(default=12, ge=1, le=730, description="Periods ahead (weeks by default); at most 2 years.", examples=[12])
    frequency: Literal["D", "W", "M"] = Field(default="W", description="Period of the forecast: D(ay), W(eek) or M(onth).", examples=["W"])
    country: str | None = Field(default=None, max_length=80, description="Only sales in this country, e.g. 'United Kingdom'; unset = all.", examples=["United Kingdom"])
    hype: float | None = Field(default=None, ge=0, le=100, description="Hype score 0–100 tilting a new product's launch curve (50 = neutral).", examples=[65])
    analog_floor: float = Field(default=ANALOG_FLOOR, ge=0.0, le=1.0, description="Cosine under which the closest product sold is too unlike a new product to forecast it from.", examples=[0.45])
    launch: date | None = Field(default=None, description="A new product's launch date: its forecast starts in that period (default: the current one). "
                                                           "Products with sales history are forecast on from their last sale.", examples=["2026-03-01"])

    @model_validator(mode="after")
    def _something_to_forecast(self) -> "ForecastDemandInput":
        if not (self.sku or self.product or self.category or self.description):
            raise ValueError("name a sku, product, category or a new product's description")
        if self.horizon > MAX_HORIZON[self.frequency]:
            raise ValueError(f"horizon {self.horizon} {PERIOD_WORD[self.frequency]}s is beyond two years: it must be less than "
                             f"or equal to {MAX_HORIZON[self.frequency]} for frequency {self.frequency}")
        return self


class ForecastPoint(BaseModel):
    period: date
    forecast: float
    lower: float
    upper: float


class PeakInfo(BaseModel):
    peak_period: date
    window_start: date
    window_end: date
    time_to_peak: int = Field(description="Periods from now to the peak (1 = the next period).")
    time_to_peak_range: tuple[int, int] = Field(description="10th–90th percentile over simulated paths.")
    half_life: int | None = Field(description="Periods after the peak until demand halves; None = not within the horizon.")
    half_life_range: tuple[int, int] | None = None


class AnalogInfo(BaseModel):
    stock_code: str
    description: str
    similarity: float
    weight: float


class ForecastData(BaseModel):
    target: str
    kind: Literal["sku", "product", "category", "new_product"]
    frequency: Frequency
    horizon: int
    country: str | None
    level: float
    points: list[ForecastPoint]
    total: float
    total_low: float = Field(default=0.0, description="The total's interval at `level`: the per-period bounds summed (as if every period missed the same way; docs/forecast.md).")
    total_high: float = 0.0
    model: str
    weights: dict[str, float]
    backtest_mase: float | None = Field(description="The model's mean absolute scaled error at inner rolling cut-offs; None for analogs.")
    baseline_mase: float | None = Field(default=None, description="The naive forecast's MASE at the same cut-offs (last period repeated; the same weekday or month a season back for D and M).")
    history_periods: int
    intermittent: bool = False
    peak: PeakInfo
    analogs: list[AnalogInfo] = Field(default_factory=list)
    bass: dict[str, float] | None = None
    year_before: float | None = Field(default=None, description="Units sold in the same periods one year before the forecast's (52 weeks, 12 months or 364 days); None when the history does not cover them.")
    notes: list[str] = Field(default_factory=list)


class ForecastDemandOutput(ToolOutput):
    data: ForecastData


def _resolve_own(inp: ForecastDemandInput, own: OwnSales | None) -> tuple[str, str, list[str], str] | None:
    """The request resolved in the owner's imported sales: (kind, target, SKUs, description), or None."""
    if own is None:
        return None
    if inp.sku and (hit := own.by_sku(inp.sku)):
        return "sku", f"SKU {hit.sku} — {hit.title}", [hit.sku], hit.title
    if inp.product and (hits := own.matching(inp.product)):
        if names_group(inp.product, [h.title for h in hits]):
            return "category", f"'{inp.product}' ({len(hits)} of your products)", [h.sku for h in hits], inp.product
        return "product", f"{hits[0].title} (SKU {hits[0].sku})", [hits[0].sku], hits[0].title
    if inp.category and (hits := own.matching(inp.category)):
        return "category", f"category '{inp.category}' ({len(hits)} of your products)", [h.sku for h in hits], inp.category
    return None


#: Products a plural name must match to be read as a group ("mugs": 71 in the sample sales).
MIN_GROUP = 3


def names_group(text: str, descriptions: list[str]) -> bool:
    """Whether a product name means a group of products: its last word is a plural ("christmas
    decorations", "candles", "mugs"), at least MIN_GROUP products match it, and none is named by it
    exactly. WHY: a marketer asking for "christmas decorations" means the line, not its best seller;
    a full name ("white hanging heart t-light holder", "pack of 72 retrospot cake cases") means one product."""
    words = re.findall(r"[\w'-]+", text.lower())
    plural = bool(words) and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss")
    exact = text.strip().lower() in {d.strip().lower() for d in descriptions}
    return plural and len(descriptions) >= MIN_GROUP and not exact


def _countries(known: list[str], country: str | None, whose: str) -> list[str] | None:
    """The sales countries a request covers: all (None), the one named, or every known country of a
    market ("Europe"). Anything else is refused with the known list, since a typo would otherwise read
    as "no sales"; `whose` names the data ("The sample sales", "Your sales import 'q3'")."""
    if country is None:
        return None
    wanted = country.strip().lower()
    exact = [c for c in known if c.lower() == wanted]
    if exact:
        return exact
    if is_market(country):
        market = resolve_region(country).name
        inside = [c for c in known if market_of(c) == market]
        if inside:
            return inside
        raise ToolError("not_found", f"{whose} has no sales in any country of {market}.", field="country", options=known, tool=TOOL)
    close = difflib.get_close_matches(country.strip().title(), known, n=3, cutoff=0.6)
    raise ToolError("not_found", f"{whose} has no sales recorded in {country!r}.", field="country", options=list(dict.fromkeys(close + known)), tool=TOOL)


def _ensure_sales(ctx: ToolContext) -> None:
    from memory.datadir import DataFileMissing

    try:
        forecast_build.ensure_sales(ctx.settings)
    except DataFileMissing as exc:
        raise ToolError("not_available", f"No sales history to forecast from: {exc}.", tool=TOOL) from None


def _resolve(inp: ForecastDemandInput, ctx: ToolContext) -> tuple[str, str, list[str], str]:
    """(kind, readable target, stock codes, description) for the request; unknown names raise with close matches."""
    settings = ctx.settings
    if inp.sku:
        found = sales.product(settings, inp.sku.strip())
        if found is None:
            raise ToolError("not_found", f"Unknown SKU {inp.sku!r}.", field="sku", options=sales.close_matches(settings, inp.sku.strip()), tool=TOOL)
        return "sku", f"SKU {found.stock_code} — {found.description}", [found.stock_code], found.description
    if inp.product:
        hits = sales.products_matching(settings, inp.product)
        if hits and names_group(inp.product, [h.description or "" for h in hits]):
            return "category", f"'{inp.product}' ({len(hits)} products)", [h.stock_code for h in hits], inp.product
        if hits:
            return "product", f"{hits[0].description} (SKU {hits[0].stock_code})", [hits[0].stock_code], hits[0].description
        # a name with no sales history is a product we have not sold yet: forecast it from analogs
        return "new_product", f"{inp.product} (no sales history: new product)", [], " ".join(filter(None, [inp.product, inp.description]))
    if inp.category:
        hits = sales.products_matching(settings, inp.category)
        if not hits:
            raise ToolError("not_found", f"No product description contains {inp.category!r}, so there is no such category.", field="category",
                            options=sales.close_matches(settings, inp.category), tool=TOOL)
        return "category", f"category '{inp.category}' ({len(hits)} products)", [h.stock_code for h in hits], inp.category
    return "new_product", f"new product: {inp.description[:80]}", [], inp.description or ""


def _group_note(ctx: ToolContext, own: OwnSales | None, name: str, codes: list[str]) -> str:
    """What a group forecast sums: how many products, and the biggest sellers by name (`codes` come best seller first)."""
    if own is not None:
        titles = [p.title for code in codes[:3] if (p := own.by_sku(code)) is not None]
    else:
        titles = [p.description for code in codes[:3] if (p := sales.product(ctx.settings, code)) is not None]
    more = f" and {len(codes) - len(titles)} more" if len(codes) > len(titles) else ""
    return (f"'{name}' is forecast as a group: the summed sales of the {len(codes)} products whose description has every word of it, "
            f"biggest sellers {', '.join(titles)}{more}. Name one product in full, or its SKU, to forecast it alone.")


def _history(ctx: ToolContext, codes: list[str], freq: Frequency, countries: list[str] | None, own: OwnSales | None = None) -> Shaped:
    """The codes' summed sales in complete periods, from their first sale on (leading zeros are not
    history); from the owner's imported sales when `own` is given, else the sample sales. A market's
    holidays are its biggest country's (the first of `countries`)."""
    span = own.span if own else sales.span(ctx.settings)
    daily = own.daily_totals(ctx.settings, codes, countries) if own else sales.daily_totals(ctx.settings, codes, countries)
    country = countries[0] if countries else None
    if daily.empty:
        empty = pd.DatetimeIndex([])
        return Shaped(Series(np.zeros(0), empty, freq, country), 0, 0)
    shaped = to_periods(pd.DatetimeIndex(pd.to_datetime(daily["day"])), daily["quantity"].to_numpy(float), freq, span.first_day, span.last_day, country or "United Kingdom")
    first = int(np.argmax(shaped.series.y > 0)) if np.any(shaped.series.y > 0) else len(shaped.series.y)
    s = shaped.series
    return Shaped(Series(s.y[first:], s.ds[first:], freq, s.country), shaped.returns_clipped, int(np.sum(s.y[first:] == 0)))


def _analogs(ctx: ToolContext, text: str, freq: Frequency, exclude: set[str]) -> list[tuple[new_product.Analog, str]]:
    """The closest Online Retail products by description embedding, with their curves since first sale."""
    from memory.vectors import EmbeddingModelChanged, get_collection, query_texts

    try:
        collection = get_collection(ctx.settings, forecast_build.ANALOG_COLLECTION)
    except EmbeddingModelChanged as exc:
        raise ToolError("not_available", f"The analog index is out of date: {exc}.", tool=TOOL) from None
    if collection.count() == 0:
        forecast_build.run_build(ctx.settings, ctx.report)
    hits = query_texts(collection, text, ANALOGS + len(exclude))
    out = []
    for hit in hits:
        code = str(hit.metadata.get("stock_code", hit.id))
        if code in exclude:
            continue
        curve = _history(ctx, [code], freq, None).series.y
        if len(curve) >= 3:
            out.append((new_product.Analog(code, max(0.0, 1.0 - hit.distance), curve), hit.document or ""))
    return out[:ANALOGS]


def _chart(ctx: ToolContext, key: str, title: str, history: Series, points: list[ForecastPoint], level: float, peak: PeakInfo) -> Chart:
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]
    path = ctx.charts_dir / f"forecast-{slug}-{digest}.png"
    render_forecast(path, title, ([d.date() for d in history.ds], history.y.tolist()), [p.period for p in points], [p.forecast for p in points],
                    [p.lower for p in points], [p.upper for p in points], level, (peak.window_start, peak.window_end))
    return Chart(path=str(path), title=title)


def _peak_info(ds: pd.DatetimeIndex, yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, level: float) -> PeakInfo:
    summary = simulate_peaks(yhat, lower, upper, level)
    p = summary.point
    return PeakInfo(peak_period=ds[p.peak_step - 1].date(), window_start=ds[p.window[0] - 1].date(), window_end=ds[p.window[1] - 1].date(),
                    time_to_peak=p.peak_step, time_to_peak_range=summary.peak_step_range, half_life=p.half_life, half_life_range=summary.half_life_range)


@register(TOOL, engine="forecast", input_model=ForecastDemandInput, output_model=ForecastDemandOutput, description="""
Demand forecast with prediction intervals, peak window, time to peak and the model chosen (with its
backtest error), by SKU, product, category, or for a new product from analogs. Use for "forecast SKU 85123A for 12 weeks".
""")
def forecast_demand(inp: ForecastDemandInput, ctx: ToolContext) -> ForecastDemandOutput:
    own = own_sales(ctx.settings, ctx.owner)
    resolved = _resolve_own(inp, own)
    if resolved is None:
        own = None
        _ensure_sales(ctx)
        countries = _countries(sales.countries(ctx.settings), inp.country, "The sample sales")
        resolved = _resolve(inp, ctx)
    else:
        countries = _countries(own.countries(ctx.settings), inp.country, f"{own.label[0].upper()}{own.label[1:]}")
    kind, target, codes, text = resolved
    freq, h, word = inp.frequency, inp.horizon, PERIOD_WORD[inp.frequency]
    notes: list[str] = []
    history = Series(np.zeros(0), pd.DatetimeIndex([]), freq, inp.country)
    result = None
    if kind == "category":
        notes.append(_group_note(ctx, own, inp.category or inp.product or "", codes))
    if codes:
        shaped = _history(ctx, codes, freq, countries, own)
        history = shaped.series
        if shaped.returns_clipped:
            notes.append(f"{counted(shaped.returns_clipped, word)} had more returns than sales; counted as 0 demand.")
        if shaped.zero_periods:
            notes.append(f"{counted(shaped.zero_periods, word)} without sales counted as 0, not missing.")
        try:
            result = forecast(history, h, EngineConfig())
        except TooLittleHistory as exc:
            weekly = _weekly_instead(ctx, codes, countries, own, h) if freq == "M" else None
            if weekly is not None:
                months = len(history.y)
                history, result = weekly
                freq, h, word = "W", len(result.yhat), "week"
                notes.append(f"Only {months} months of sales, too few for a monthly model, so {target} is forecast by week "
                             f"({len(history.y)} weeks of history) over the same span: {h} weeks.")
            else:
                notes.append(f"Too little history for {target}: {exc}; forecast from analog products instead.")
                _ensure_sales(ctx)
        except ValueError as exc:
            raise ToolError("invalid_argument", f"Cannot forecast {target}: {exc}.", tool=TOOL) from None
    if result is not None:
        yhat, lower, upper, ds = result.yhat, result.lower, result.upper, result.ds
        if own is not None:
            notes.insert(0, f"From {own.label}: the forecast starts after its last day.")
        else:
            notes.insert(0, f"From sales up to {sales.span(ctx.settings).last_day:%d %b %Y}, the latest stored, so the forecast starts there.")
        model, weights, backtest, intermittent, analog_info, bass_info = result.model, result.weights, result.backtest_mase, result.intermittent, [], None
        baseline = _baseline_mase(result.model_errors, freq)
        if intermittent:
            notes.append("Demand is intermittent (many periods without sales): the forecast is an average rate.")
    else:
        found = _analogs(ctx, text, freq, set(codes))
        if not found:
            raise ToolError("not_found", f"No analog products with sales found for {text!r}.", tool=TOOL)
        if found[0][0].similarity < inp.analog_floor:
            closest = ", ".join(f"{d} (cosine {a.similarity:.2f})" for a, d in found[:3])
            raise ToolError("not_found", f"Nothing in the sales data is like {text!r}: the closest products sold are {closest}, under the {inp.analog_floor:.2f} "
                            "a real analog reaches, so their sales would not forecast it. Import sales of comparable products (`caeser data import`), "
                            "or ask for a launch simulation, which needs no analogs.", field="analog_floor", tool=TOOL)
        try:
            launch = new_product.combine([a for a, _ in found], h, inp.hype)
        except ValueError as exc:
            raise ToolError("invalid_argument", f"Cannot build a launch curve: {exc}.", tool=TOOL) from None
        yhat, lower, upper = launch.yhat, launch.lower, launch.upper
        ds = launch_periods(inp.launch or date.today(), freq, h)
        notes.append(f"Dated from the launch ({ds[0]:%d %b %Y}): the analog products' launch curves (sold {_data_period(ctx)}) are shifted to it.")
        model, weights, backtest, intermittent = "analog launch curves + Bass diffusion", launch.weights, None, False
        baseline = None
        analog_info = [AnalogInfo(stock_code=a.name, description=d, similarity=round(a.similarity, 3), weight=round(launch.weights.get(a.name, 0.0), 3)) for a, d in found]
        bass_info = {"p": launch.bass.p, "q": launch.bass.q, "m": launch.bass.m} if launch.bass else None
        if inp.hype is not None:
            notes.append(f"Launch curve tilted by hype {inp.hype:.0f}/100 through the Bass parameters.")
    if result is not None and countries and len(countries) > 1:
        notes.append(f"{inp.country} is the sum of {len(countries)} countries with sales: {', '.join(countries[:6])}{'…' if len(countries) > 6 else ''}.")
    level = EngineConfig().level
    points = [ForecastPoint(period=d.date(), forecast=round(float(f), 2), lower=round(float(lo), 2), upper=round(float(hi), 2)) for d, f, lo, hi in zip(ds, yhat, lower, upper)]
    peak = _peak_info(pd.DatetimeIndex(ds), np.asarray(yhat), np.asarray(lower), np.asarray(upper), level)
    data = ForecastData(target=target, kind=kind, frequency=freq, horizon=h, country=inp.country, level=level, points=points, total=round(float(np.sum(yhat)), 1),
                        total_low=round(float(np.sum(lower)), 1), total_high=round(float(np.sum(upper)), 1), model=model,
                        weights={k: round(v, 3) for k, v in weights.items()}, backtest_mase=None if backtest is None else round(backtest, 3),
                        baseline_mase=None if baseline is None else round(baseline, 3),
                        history_periods=len(history.y), intermittent=intermittent, peak=peak, analogs=analog_info, bass=bass_info, notes=notes,
                        year_before=None if result is None else year_before(history, pd.DatetimeIndex(ds)))
    where = f" in {inp.country}" if inp.country else ""
    chart = _chart(ctx, inp.model_dump_json(), f"{target[:60]}{where} — {h} {word}s", history, points, level, peak)
    return ForecastDemandOutput(summary=_summary(data, word), data=data, charts=[chart], source=_source(data, own if result is not None else None))


def _weekly_instead(ctx: ToolContext, codes: list[str], countries: list[str] | None, own: OwnSales | None, months: int) -> tuple[Series, ForecastResult] | None:
    """A product sold for a few months (too few for a monthly model) has enough weeks for a weekly one:
    its own sales, forecast over the same span (52/12 weeks a month), beat analog launch curves dated
    from today. None when the weeks are too few as well."""
    weekly = _history(ctx, codes, "W", countries, own).series
    try:
        return weekly, forecast(weekly, math.ceil(months * 52 / 12), EngineConfig())
    except TooLittleHistory:
        return None


def launch_periods(launch: date, freq: Frequency, h: int) -> pd.DatetimeIndex:
    """A new product's h forecast periods, the first being the first period that starts on or after
    its launch: analog curves count periods since each analog's own first sale, so period k of the
    forecast is k − 1 periods after the launch, whatever year the analogs sold in."""
    start = period_start(pd.DatetimeIndex([pd.Timestamp(launch)]), freq)[0]
    series = Series(np.zeros(1), pd.DatetimeIndex([start]), freq)
    return series.future_dates(h) if start < pd.Timestamp(launch) else series.future_dates(h - 1).insert(0, start)


def _data_period(ctx: ToolContext) -> str:
    """The sales data's own period, as a reader says it: "Dec 2010–Dec 2011"."""
    span = sales.span(ctx.settings)
    return f"{span.first_day:%b %Y}–{span.last_day:%b %Y}"


def peak_window(peak: PeakInfo) -> str:
    """"9–16 Jan 2012", or one date when the window is one period ("9 Jan 2012"): always with its year."""
    return period(peak.window_start, peak.window_end)


YEAR_BACK: dict[str, pd.DateOffset] = {"W": pd.DateOffset(weeks=52), "M": pd.DateOffset(months=12), "D": pd.DateOffset(days=364)}  # same weekday a year back


def year_before(history: Series, periods: pd.DatetimeIndex) -> float | None:
    """Units sold in the forecast's periods one year earlier (`YEAR_BACK`), when the history holds
    every one of them: what a marketer sets a forecast against ("vs the same weeks last year")."""
    if len(history.y) == 0:
        return None
    back = pd.DatetimeIndex(periods) - YEAR_BACK[history.freq]
    sold = pd.Series(history.y, index=history.ds)
    return float(sold.loc[back].sum()) if back.isin(history.ds).all() else None


#: The naive forecast each frequency's MASE scale measures (`history.MASE_SEASON`: lag 1 weekly, 7 daily,
#: 12 monthly), the candidate that is that forecast, and the change its scale averages, in words.
BASELINE: dict[str, tuple[str, str, str]] = {
    "W": ("naive", "repeating the last week's sales", "from one week to the next"),
    "D": ("seasonal_naive", "repeating the same weekday of the week before", "from a day to the same weekday a week later"),
    "M": ("seasonal_naive", "repeating the same month of the year before", "from a month to the same month a year later"),
}


def _baseline_mase(errors: dict[str, float], freq: Frequency) -> float | None:
    """The naive baseline's backtest MASE (`BASELINE`), when it was among the candidates."""
    return errors.get(BASELINE[freq][0])


def _rough(d: ForecastData) -> str:
    """The plain warning a backtest MASE above 1 needs: the model missed by more than the naive step
    its errors are scaled by, so the number is rough; and, when the naive forecast was backtested
    at the same cut-offs, how it fared there."""
    if d.backtest_mase is None or d.backtest_mase <= 1:
        return ""
    _, how, change = BASELINE[d.frequency]
    text = f"Treat this number as rough: in backtests the model's misses were {d.backtest_mase:.1f}× the typical change {change} in past sales (MASE above 1)"
    if d.baseline_mase is None:
        return text + "."
    naive, model = round(d.baseline_mase, 2), round(d.backtest_mase, 2)  # compared as shown
    if naive < model:
        return text + f", and simply {how} missed by less in the same backtests (MASE {naive:.2f})."
    if naive == model:
        return text + f", no better than simply {how} in the same backtests (MASE {naive:.2f})."
    return text + f"; simply {how} did worse still (MASE {naive:.2f}): these sales are hard to forecast."


def _summary(d: ForecastData, word: str) -> str:
    peak = d.peak
    lo, hi = peak.time_to_peak_range
    on = "on" if word == "day" else f"in the {word} of"
    when = f"peaking {on} {peak.peak_period:%d %b %Y} ({counted(peak.time_to_peak, word)} out, likely {lo}–{hi})"
    halve = f"; demand halves {counted(peak.half_life, word)} after the peak" if peak.half_life else ""
    err = f", backtest MASE {d.backtest_mase:.2f}" if d.backtest_mase is not None else ""
    how = "intervals calibrated on backtest errors" if d.backtest_mase is not None else "intervals from the spread between analogs"
    total_range = f" ({d.level:.0%} range {d.total_low:,.0f}–{d.total_high:,.0f}, the {PERIOD_ADJECTIVE[d.frequency]} ranges added up)" if d.total_high > 0 else ""
    text = (f"{d.target}: about {d.total:,.0f} units{total_range} over the next {d.horizon} {word}s{' in ' + d.country if d.country else ''}, {when}{halve}. "
            f"Peak window {peak_window(peak)} (within 10% of the maximum). "
            f"Model: {d.model}{err}; {d.level:.0%} {how}.")
    if rough := _rough(d):
        text += " " + rough
    if d.year_before:
        text += f" The same {word}s a year earlier sold {d.year_before:,.0f} units ({d.total / d.year_before - 1:+.0%})."
    analogs = f"Analogs: {', '.join(f'{a.description} (cosine {a.similarity:.2f})' for a in d.analogs[:3])}{'…' if len(d.analogs) > 3 else ''}." if d.analogs else ""
    return " ".join(filter(None, [text, analogs, *d.notes]))


def _source(d: ForecastData, own: OwnSales | None = None) -> str:
    if own is not None:
        return f"{own.label[0].upper()}{own.label[1:]}, net of refunds; caeser forecast engine (candidates weighted by rolling-origin backtest, conformal intervals)"
    base = "UCI Online Retail daily sales (2010-12-01 to 2011-12-09, net of returns)"
    if d.analogs:
        return base + "; analog products by description embedding (Chroma `sales_skus`), Bass diffusion fit"
    return base + "; caeser forecast engine (candidates weighted by rolling-origin backtest, conformal intervals)"
