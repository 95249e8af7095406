"""Persona tools: synthetic-buyer simulations of launch scenarios, and persona archetypes.

`simulate_launch` samples buyers per region from public marginals (`engines.persona.population`),
gives them traits (`traits`), runs weekly adoption (`simulate`) for every scenario with common
random numbers and several seeds (`scenarios`), and names the best scenario with its reason.
`build_personas` clusters such a population into archetypes (`archetypes`), stores them in the
Chroma `personas` collection and exports them. Formulas and sources: `docs/persona.md`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, Field, model_validator

from engines.affinity.audience import MIN_RESPONDENTS
from engines.affinity.tags import CatalogItem, name_match
from engines.affinity.taste import Segment, segment_affinity, segment_mask
from engines.persona.archetypes import Archetype, archetypes
from engines.persona.population import AGE_BAND_LABELS, AGE_BANDS, INCOME_QUARTILE_LABELS, mix_weights, stats_for
from engines.persona.pricing import analog_reference
from engines.persona.scenarios import BuyerFactory, Objective, Scenario, ScenarioRun, best_scenario, expand_grid, run_scenarios
from engines.persona.simulate import PROPENSITY, Diffusion, purchase_fit
from engines.persona.traits import CHANNELS, PRICE_ELASTICITY, Buyers, subset
from memory.affinity_sources import load_affinity_sources
from memory.imports.own_customers import CustomerMix, customer_mix
from memory.personas import PER_PPP_USD, export_archetypes, load_channel_table, load_price_analogs, store_archetypes
from memory.results import thread_results
from tools.affinity.audience import survey_item_for
from tools.base import Chart, ToolContext, ToolError, ToolOutput
from tools.formatting import CURRENCY_SYMBOLS, money
from tools.persona.chart import render_adoption
from tools.registry import register
from tools.schemas import Audience, RegionName, StrictInput

Channel = Literal["web", "store", "catalogue", "social", "marketplace"]
MAX_POPULATION = 50_000_000
#: Buyer-weeks simulated per call (all scenarios × seeds): ~3 s on one core. The sample per seed
#: is this over (scenarios × seeds × weeks), between MIN_SAMPLE and MAX_SAMPLE (and the population).
WORK_BUDGET = 100_000_000
MIN_SAMPLE, MAX_SAMPLE = 5_000, 1_000_000
DEFAULT_REFERENCE = 50.0  # judgement: the reference price (in the asked currency) when nothing anchors the category's price level
Currency = Literal["USD", "GBP", "EUR"]
#: prices are only compared with each other (and with the analogs' reference, converted into the asked
#: currency by `memory.personas.PER_PPP_USD`), so a request may price in any of these
CURRENCY_FIELD = Field(default="USD", description="Currency of every price given and shown (USD, GBP or EUR); the analogs' reference price is converted into it.", examples=["GBP"])
#: judgement: an asked price more than this many times above (or below) the analogs' median is in
#: another price tier than the analogs (the shared catalog is a wholesale giftware shop and toys:
#: a $45 scented candle's analogs sell at $2), so personas centre willingness to pay on the asked price.
PRICE_TIER_RATIO = 4.0
DEFAULT_HYPE = 50.0


def _population(value: int) -> int:
    if not 1 <= value <= MAX_POPULATION:
        raise ValueError(f"population must be between 1 and {MAX_POPULATION:,} synthetic buyers (the size of the market simulated), got {value:,}")
    return value


class LaunchScenario(StrictInput):
    label: str | None = Field(default=None, max_length=80, description="A name for the scenario; unset = made from its settings.", examples=["Europe at $129"])
    price: float | None = Field(default=None, gt=0, le=1_000_000, description="Price in the request's currency (compared with each buyer's willingness to pay).", examples=[129])
    region: RegionName | None = Field(default=None, description="Market launched in; unset = everywhere.", examples=["Europe"])
    start: date | None = Field(default=None, description="Launch date (first day of the month when only a month is given).", examples=["2026-03-01"])
    channel: Channel | None = Field(default=None, description="Main sales channel.", examples=["web"])
    hype: float | None = Field(default=None, ge=0, le=100, description="Launch buzz 0–100 (hype_score's scale); unset = 50.", examples=[60])


class ScenarioGrid(StrictInput):
    """Every combination of the lists (price × region × start × channel); an empty list = the default."""

    prices: list[Annotated[float, Field(gt=0, le=1_000_000)]] = Field(default_factory=list, max_length=8, description="Prices to try (the request's currency).", examples=[[99, 129]])
    regions: list[RegionName] = Field(default_factory=list, max_length=8, description="Markets to try.", examples=[["Europe", "North America"]])
    starts: list[date] = Field(default_factory=list, max_length=6, description="Launch dates to try.", examples=[["2026-03-01", "2026-05-01"]])
    channels: list[Channel] = Field(default_factory=list, max_length=5, description="Sales channels to try.", examples=[["web", "store"]])


class SimulateLaunchInput(StrictInput):
    product: str = Field(min_length=1, max_length=200, description="The product being launched.", examples=["trail running shoe"])
    description: str | None = Field(default=None, max_length=2000, description="What the product is, in a sentence or two.", examples=["A light waterproof trail shoe"])
    scenarios: list[LaunchScenario] = Field(default_factory=lambda: [LaunchScenario()], min_length=1, max_length=48, description="Launch scenarios to compare (price, region, start, channel, hype).", examples=[[{"price": 129, "region": "Europe"}]])
    grid: ScenarioGrid | None = Field(default=None, description="A what-if grid; replaces `scenarios` when given.", examples=[{"prices": [99, 129]}])
    population: Annotated[int, AfterValidator(_population)] = Field(default=100_000, description="Synthetic buyers in the market (per scenario).", examples=[100000],
                                                                    json_schema_extra={"minimum": 1, "maximum": MAX_POPULATION})  # bounds shown; the validator words the refusal
    weeks: int = Field(default=26, ge=1, le=156, description="Weeks simulated after launch.", examples=[26])
    seeds: int = Field(default=5, ge=2, le=20, description="Independent replications behind each interval.", examples=[5])
    reference_price: float | None = Field(default=None, gt=0, le=1_000_000, description="The category's typical price, which sets willingness to pay; unset = the median price of analog products (when none is close: the median of the asked prices, or $50 when none is asked).", examples=[120])
    category: str | None = Field(default=None, max_length=80, description="A category the affinity surveys name (e.g. 'rock', 'Thai', 'gardening'): who loves it buys more readily.", examples=["gardening"])
    objective: Objective = Field(default="revenue", description="What the best scenario maximises: revenue or units.", examples=["revenue"])
    currency: Currency = CURRENCY_FIELD
    seed: int = Field(default=7, description="Random seed: the same seed gives the same simulation.", examples=[7], ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _grid_size(self) -> "SimulateLaunchInput":
        if self.grid is not None:
            g = self.grid
            size = max(len(g.prices), 1) * max(len(g.regions), 1) * max(len(g.starts), 1) * max(len(g.channels), 1)
            if size > 48:
                raise ValueError(f"the grid makes {size} scenarios; at most 48 can be compared at once")
        return self


class BuildPersonasInput(StrictInput):
    product: str = Field(min_length=1, max_length=200, description="The product the personas would buy.", examples=["trail running shoe"])
    audience: Audience = Field(default_factory=Audience, description="Who the personas are drawn from; empty = everyone.", examples=[{"region": "UK", "age_min": 25}])
    count: int = Field(default=5, ge=1, le=20, description="How many personas (1–20).", examples=[4])
    price: float | None = Field(default=None, gt=0, le=1_000_000, description="Launch price (in `currency`): each persona's chance of buying at it is reported.", examples=[120])
    currency: Currency = CURRENCY_FIELD
    category: str | None = Field(default=None, max_length=80, description="A category the affinity surveys name: shapes each buyer's category affinity.", examples=["gardening"])
    seed: int = Field(default=7, description="Random seed: the same seed gives the same personas.", examples=[7], ge=0, le=2**31 - 1)


class ScenarioResult(BaseModel):
    label: str
    price: float
    region: str
    start: date
    channel: str
    hype: float
    units: float = Field(description="Buyers over the horizon (one unit each), mean across seeds.")
    units_low: float
    units_high: float
    revenue: float
    revenue_low: float
    revenue_high: float
    adoption: float = Field(description="Share of the population who bought.")
    peak_week: int
    weekly: list[float] = Field(description="Mean new buyers per launch week.")


class SegmentShare(BaseModel):
    segment: str
    share: float = Field(description="Share of the best scenario's buyers.")
    adoption: float = Field(description="Share of the segment who bought.")
    population_share: float = Field(default=0.0, description="Share of the adults simulated in the segment: the region's marginals for age bands and income quartiles, the people simulated for channels and places.")


class SimulateLaunchData(BaseModel):
    product: str
    population: int
    simulated_per_seed: int
    seeds: int
    weeks: int
    objective: Objective
    reference_price: float
    reference_source: AnchorSource = Field(default="given", description="Where the reference price came from: given, the analogs' median, the asked prices' median (no analog), "
                                                                        "an earlier answer in the conversation that took the asked prices, or the default.")
    currency: str = "USD"
    scenarios: list[ScenarioResult]
    best: str
    best_reason: str
    lead: float | None = Field(default=None, description="Best minus runner-up, mean paired difference across seeds.")
    lead_low: float | None = None
    lead_high: float | None = None
    segments: list[SegmentShare]
    assumptions: list[str]


class SimulateLaunchOutput(ToolOutput):
    data: SimulateLaunchData


def _category_lift(ctx: ToolContext, category: str | None, product: str) -> tuple[np.ndarray | None, str]:
    """The affinity engine's lift of the product's category per (age band, gender), or None, with a note.

    The category is the survey item `category` names (`tags.name_match`), or — when no category is
    given — the item the product text means (`tools.affinity.audience.survey_item_for`: by name, else by
    sentence-embedding cosine ≥ 0.45), so a gaming laptop is bought more readily where 'PC' is loved.
    The reading is written in the assumptions, so a wrong one is visible. Lift per cell = the
    smoothed segment lift of `taste.segment_affinity` among the survey's respondents of that age
    band and gender (all regions: the surveys do not cover every market); cells with fewer than
    MIN_RESPONDENTS respondents keep lift 1.
    """
    sources = load_affinity_sources(ctx.settings.data_dir)
    if category:
        catalog = [CatalogItem(s.name, i, row.label, row.domain, row.text) for s in sources.surveys.values() for i, row in enumerate(s.items.itertuples())]
        item = name_match(category, catalog)
        if item is None:
            return None, f"no affinity survey names {category!r}: category affinity left flat"
        reading = f"'{item.label}'"
    else:
        match = survey_item_for(product, ctx)
        if match is None:
            return None, f"no survey item is close to {product!r} in meaning: category affinity is the same Beta(2, 6) draw for every segment"
        item = match.item
        reading = f"'{item.label}' (read from the product, {'by name' if match.how != 'meaning' else f'cosine {match.score:.2f}'})"
    survey = sources.surveys[item.survey]
    lift = np.ones((len(AGE_BANDS), 2))
    for b, (lo, hi) in enumerate(AGE_BANDS):
        for g, gender in enumerate(("male", "female")):
            mask = segment_mask(survey, Segment(None, lo, hi, gender))
            if mask.sum() >= MIN_RESPONDENTS:
                lift[b, g] = float(segment_affinity(survey, mask).loc[item.index, "lift"])
    return lift, f"category affinity scaled by the lift of {reading} in {survey.title} per age band and gender ({lift.min():.2f}–{lift.max():.2f})"


def _borrowed_tables(regions: list[str | None]) -> str:
    """Markets simulated with a wider region's population tables ("United Kingdom" with Europe's),
    said aloud; two markets sharing one table would otherwise look like a real comparison."""
    tables = {r: stats_for(r).name for r in dict.fromkeys(r for r in regions if r)}
    borrowed: dict[str, list[str]] = {}
    for region, table in tables.items():
        if table != region:
            borrowed.setdefault(table, []).append(region)
    if not borrowed:
        return ""
    parts = [f"{' and '.join(names)} with {table}'s population tables (no country tables of {'its' if len(names) == 1 else 'their'} own)"
             for table, names in borrowed.items()]
    shared = len(set(tables.values())) < len(tables)
    tail = ": markets that share a table differ here only by season and channel, not by who lives there." if shared else "."
    return f" Simulated {'; '.join(parts)}{tail}"


def _same_tier(price: float, ref_price: float) -> bool:
    """Whether a price lies within PRICE_TIER_RATIO of the reference, either way."""
    return ref_price / PRICE_TIER_RATIO <= price <= ref_price * PRICE_TIER_RATIO


#: Where a reference price came from: given by the user, the analogs' median, the asked prices' median
#: (no analog), an earlier answer of the same conversation that took the asked prices, or the default.
AnchorSource = Literal["given", "analogs", "asked", "thread", "default"]
#: earlier simulations of a thread searched for the reference a follow-up keeps
THREAD_LOOKBACK = 20


@dataclass(frozen=True)
class Anchor:
    """The price that sets willingness to pay, where it came from, and the assumption that says so."""

    price: float
    source: AnchorSource
    note: str


def _anchor_warning(inp: SimulateLaunchInput, anchor: Anchor, prices: list[float]) -> str:
    """The sentence a reader needs when the buyer counts rest on a weak price anchor: the asked prices
    themselves, the default reference, or analogs in another price tier than every simulated price
    (PRICE_TIER_RATIO)."""
    sharper = "give reference_price, your category's typical price, for a sharper read."
    if anchor.source == "asked":
        distinct = sorted(set(prices))
        if len(distinct) == 1:
            return (f" No priced analog of {inp.product!r} in the catalog, so your {money(anchor.price, inp.currency)} is taken as the category's typical price: "
                    f"the buyer count says who buys at a typical price, not whether {money(anchor.price, inp.currency)} is cheap or dear. "
                    f"Ask for two prices together to compare them, or {sharper}")
        return (f" No priced analog of {inp.product!r} in the catalog, so prices are judged against {money(anchor.price, inp.currency)}, the median of the prices you asked "
                f"(your own prices are the best evidence of the category's price level): {sharper}")
    if anchor.source == "thread":
        return (f" No priced analog of {inp.product!r} in the catalog, so prices are judged against {money(anchor.price, inp.currency)}, the typical price taken from "
                f"your prices earlier in this conversation (the same yardstick, so the answers compare): {sharper}")
    if anchor.source == "default":
        return f" Prices are judged against a default {money(DEFAULT_REFERENCE, inp.currency)} reference (no priced analog of {inp.product!r} in the catalog): {sharper}"
    if anchor.source == "analogs" and not any(_same_tier(p, anchor.price) for p in prices):
        side = "below" if anchor.price < min(prices) else "above"
        return (f" Prices are judged against {money(anchor.price, inp.currency)}, the median of the closest catalog products, far {side} the prices simulated: "
                "if your category sells at another level, give reference_price.")
    return ""


def _thread_reference(ctx: ToolContext, product: str, currency: str) -> float | None:
    """The reference an earlier simulation of `product` in this conversation took from its asked prices
    (source "asked" or "thread", same currency), or None. WHY: "what about $2.49 instead?" after
    "$3.99" is a comparison; judged against its own price each answer would sell the same buyers."""
    if ctx.thread_id is None:
        return None
    for row in thread_results(ctx.settings, ctx.thread_id, ctx.owner, "simulate_launch", THREAD_LOOKBACK):
        data = (row.output or {}).get("data") or {}
        if str(data.get("product", "")).strip().lower() == product.strip().lower() and data.get("currency") == currency \
                and data.get("reference_source") in ("asked", "thread"):
            return float(data["reference_price"])
    return None


def _reference_price(ctx: ToolContext, product: str, given: float | None, currency: str = "USD", asked: list[float] | None = None) -> Anchor:
    """The price that sets willingness to pay, in `currency`: the one given, else the median of the
    product's priced analogs (`pricing.analog_reference`, PPP dollars converted at PER_PPP_USD), else
    the one an earlier simulation of the product in this conversation took from its asked prices
    (`_thread_reference`), else the median of the distinct `asked` prices, else DEFAULT_REFERENCE.

    WHY the asked prices before the default: with no analog (the shared catalog prices toys, gifts
    and homeware, not drinks or electronics), the marketer's own price is the best evidence of the
    category's price level — a $3.99 drink judged against $50 sells as if nearly free. One reference
    for every scenario keeps prices apart: the cheaper of two asked prices still sells to more buyers.
    A single asked price is then judged against itself, which the summary says; a follow-up in the
    same conversation keeps the first reference, so its price is compared with the earlier one."""
    if given:
        return Anchor(given, "given", f"willingness to pay is set by the reference price you gave, {money(given, currency)} (the median household buys at that price)")
    analogs = load_price_analogs(ctx.settings.data_dir)
    ref = analog_reference(analogs, product) if analogs is not None else None
    if ref is not None:
        rate = PER_PPP_USD[currency]
        names = ", ".join(f"{n} ({money(p * rate, currency)})" for n, p, _ in ref.analogs[:3])
        return Anchor(ref.price * rate, "analogs",
                      f"willingness to pay is set by a reference price of {money(ref.price * rate, currency)}, the median of {len(ref.analogs)} analog products ({names}…)")
    distinct = sorted(set(asked or []))
    earlier = _thread_reference(ctx, product, currency) if distinct else None
    if earlier is not None:
        return Anchor(earlier, "thread", f"no priced analog of {product!r} in the shared catalog (toys, gifts and homeware): willingness to pay is centred on "
                                         f"{money(earlier, currency)}, the typical price taken from your prices earlier in this conversation; give reference_price to anchor it")
    if distinct:
        median = float(np.median(distinct))
        of = f"your price, {money(median, currency)}" if len(distinct) == 1 else f"{money(median, currency)}, the median of the prices you asked ({', '.join(money(x, currency) for x in distinct)})"
        return Anchor(median, "asked", f"no priced analog of {product!r} in the shared catalog (toys, gifts and homeware): willingness to pay is centred on {of}, "
                                       "taken as the category's typical price; give reference_price to anchor it")
    return Anchor(DEFAULT_REFERENCE, "default", (f"no priced analog of {product!r} in the shared catalog (toys, gifts and homeware): willingness to pay is centred on a "
                                                  f"default reference of {money(DEFAULT_REFERENCE, currency)}; give reference_price, your category's typical price, to anchor it"))


def _asked_prices(inp: SimulateLaunchInput) -> list[float]:
    """The prices the request names (grid or scenarios); unpriced scenarios name none."""
    if inp.grid is not None:
        return list(inp.grid.prices)
    return [s.price for s in inp.scenarios if s.price is not None]


def _first_of_next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def _scenarios(inp: SimulateLaunchInput, today: date, default_price: float) -> tuple[list[Scenario], list[str]]:
    """Scenarios with every default filled in (an unpriced one at the reference price), and the assumptions that filled them."""
    notes: list[str] = []
    at = money(default_price, inp.currency)
    default_start = _first_of_next_month(today)
    if inp.grid is not None:
        g = inp.grid
        prices = g.prices or [default_price]
        if not g.prices:
            notes.append(f"no price given: simulated at the reference price, {at}")
        if not g.starts:
            notes.append(f"no start given: {default_start:%d %b %Y}")
        return expand_grid(prices, list(g.regions) or [None], g.starts or [default_start], list(g.channels) or [None], DEFAULT_HYPE, CURRENCY_SYMBOLS[inp.currency]), notes
    out = []
    for i, s in enumerate(inp.scenarios):
        price = s.price or default_price
        if s.price is None:
            notes.append(f"scenario {i + 1}: no price given, simulated at the reference price, {at}")
        if s.start is None and i == 0:
            notes.append(f"no start given: {default_start:%d %b %Y}")
        label = s.label or " · ".join(p for p in (money(price, inp.currency), s.region or "Global", f"{(s.start or default_start):%b %Y}", s.channel or "all channels") if p)
        out.append(Scenario(label, price, s.region, s.start or default_start, s.channel, DEFAULT_HYPE if s.hype is None else s.hype))
    labels = [s.label for s in out]
    if len(set(labels)) < len(labels):
        out = [Scenario(f"{i + 1}. {s.label}", s.price, s.region, s.start, s.channel, s.hype) for i, s in enumerate(out)]
    return out, notes


def _result(run: ScenarioRun, population: int) -> ScenarioResult:
    sc = run.scenario
    u_lo, u_hi = run.interval(run.units)
    r_lo, r_hi = run.interval(run.revenue)
    return ScenarioResult(label=sc.label, price=sc.price, region=sc.region or "Global", start=sc.start, channel=sc.channel or "all channels", hype=sc.hype,
                          units=round(float(run.units.mean()), 1), units_low=round(u_lo, 1), units_high=round(u_hi, 1),
                          revenue=round(float(run.revenue.mean()), 2), revenue_low=round(r_lo, 2), revenue_high=round(r_hi, 2),
                          adoption=round(float(run.units.mean()) / population, 5), peak_week=run.peak_week,
                          weekly=[round(float(v), 1) for v in run.weekly.mean(0)])


def _segments(run: ScenarioRun, region: str | None, population: int) -> list[SegmentShare]:
    """The best scenario's buyers by age band, by income quartile, by favourite channel ("prefers web":
    the largest share of the buyer's channel mix) and by urban or rural home, with each group's adoption
    (group buyers over group size: from the region's marginals for ages and quartiles, from the people
    simulated for channels and places)."""
    stats = stats_for(region)
    share = run.by_segment.reshape(len(AGE_BAND_LABELS), 4)
    units = float(run.units.mean())
    rows = []
    for b, label in enumerate(AGE_BAND_LABELS):
        size = stats.age_shares[b] * population
        rows.append(SegmentShare(segment=f"age {label}", share=round(float(share[b].sum()), 4), adoption=round(float(share[b].sum()) * units / size, 5),
                                 population_share=round(float(stats.age_shares[b]), 4)))
    for q, label in enumerate(INCOME_QUARTILE_LABELS):
        rows.append(SegmentShare(segment=label, share=round(float(share[:, q].sum()), 4), adoption=round(float(share[:, q].sum()) * units / (population / 4), 5),
                                 population_share=0.25))
    if run.by_profile is not None and run.profile_population is not None:
        bought, people = run.by_profile.reshape(len(CHANNELS), 2), run.profile_population.reshape(len(CHANNELS), 2)
        groups = [(f"prefers {c}", bought[i].sum(), people[i].sum()) for i, c in enumerate(CHANNELS)]
        groups += [(place, bought[:, u].sum(), people[:, u].sum()) for u, place in enumerate(("rural", "urban"))]
        rows += [SegmentShare(segment=name, share=round(float(b), 4), adoption=round(float(b) * units / max(float(p) * population, 1e-9), 5), population_share=round(float(p), 4))
                 for name, b, p in groups]
    return rows


#: judgement: a group "leads" the buyers when its share of them is at least this many times its
#: share of the adults simulated; below it buyers are spread like the population on that axis.
LEAN_RATIO = 1.1


def leaning_segment(group: list[SegmentShare]) -> SegmentShare | None:
    """The group's segment most over-represented among buyers (share of buyers over share of
    adults), or None when none reaches LEAN_RATIO."""
    lead = max(group, key=lambda s: s.share / max(s.population_share, 1e-9))
    return lead if lead.share >= LEAN_RATIO * lead.population_share else None


def buyers_audience(data: SimulateLaunchData) -> dict:
    """Who "those people" are after a simulation: the best scenario's region and the age band most
    over-represented among its buyers (`leaning_segment`), as an affinity audience; the region alone
    when no band leans, {} when nothing is known."""
    best = next((s for s in data.scenarios if s.label == data.best), data.scenarios[0] if data.scenarios else None)
    audience: dict = {"region": best.region} if best is not None and best.region else {}
    ages = [s for s in data.segments if s.segment.removeprefix("age ") in AGE_BAND_LABELS]
    lead = leaning_segment(ages) if ages else None
    if lead is not None:
        label = lead.segment.removeprefix("age ")
        low, high = AGE_BANDS[AGE_BAND_LABELS.index(label)]
        audience |= {"age_min": low} if label.endswith("+") else {"age_min": low, "age_max": high}  # "65+" is open-ended, as its label says
    return audience


#: How the summary names each axis' segments: age bands by their ages, favourite channels by who they are.
SEGMENT_WORDS = {"prefers web": "those who shop mostly online", "prefers catalogue": "those who shop mostly by catalogue",
                 "prefers store": "those who shop mostly in stores"}
SHORT_WORDS = {"prefers web": "online shoppers", "prefers catalogue": "catalogue shoppers", "prefers store": "in-store shoppers"}


def _axis_clause(group: list[SegmentShare], lead: SegmentShare, first: bool) -> str:
    """"25–34 (31% of buyers vs 18% of adults; the largest group is 45–54, 24%)": the axis' leaning
    segment with both shares (named as such in the first clause only), and the axis' largest segment
    when that is another one."""
    largest = max(group, key=lambda s: s.share)
    also = f"; the largest group is {SHORT_WORDS.get(largest.segment, largest.segment.removeprefix('age '))}, {largest.share:.0%}" if largest is not lead else ""
    name = SEGMENT_WORDS.get(lead.segment, lead.segment.removeprefix("age "))
    shares = f"{lead.share:.0%} of buyers vs {lead.population_share:.0%} of adults" if first else f"{lead.share:.0%} vs {lead.population_share:.0%}"
    return f"{'the ' if lead.segment.endswith('quartile') else ''}{name} ({shares}{also})"


def _who_buys(segments: list[SegmentShare]) -> str:
    """One clause naming who buys in the best scenario, read off its simulated buyers: per axis (age
    band, income quartile, favourite channel) the segment most over-represented among them against
    the adults simulated (`_lean`), with both shares, and the axis' largest group when that is another one."""
    axes = [[s for s in segments if s.segment.startswith("age ")], [s for s in segments if s.segment.endswith("income quartile")],
            [s for s in segments if s.segment.startswith("prefers ")]]
    leaning = [(group, lead) for group in axes if group and (lead := leaning_segment(group)) is not None]
    if not leaning:
        return " Who buys: buyers' ages, incomes and favourite channels are spread like the adults simulated."
    parts = [_axis_clause(group, lead, i == 0) for i, (group, lead) in enumerate(leaning)]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f" Who buys: buyers lean {listed}."


@register("simulate_launch", engine="persona", input_model=SimulateLaunchInput, output_model=SimulateLaunchOutput, description="""
Synthetic-buyer simulation of one or more launch scenarios (price, region, start date, channel) or a
what-if grid of them: weekly adoption curve, units, revenue, peak week, intervals across seeds,
segment breakdown and the best scenario with the reason. Use for "simulate a $129 launch in Europe in March vs May".
""")
def simulate_launch(inp: SimulateLaunchInput, ctx: ToolContext) -> SimulateLaunchOutput:
    anchor = _reference_price(ctx, inp.product, inp.reference_price, inp.currency, _asked_prices(inp))
    ref_price, ref_note = anchor.price, anchor.note
    scenarios, notes = _scenarios(inp, date.today(), ref_price)
    sample = int(min(inp.population, MAX_SAMPLE, max(MIN_SAMPLE, WORK_BUDGET // (len(scenarios) * inp.seeds * inp.weeks))))
    channels = load_channel_table(ctx.settings.data_dir)
    lift, lift_note = _category_lift(ctx, inp.category, inp.product)
    notes.append(lift_note)
    ctx.report(0.05, f"simulating {len(scenarios)} scenario(s) × {inp.seeds} seeds × {sample:,} buyers")
    runs = run_scenarios(scenarios, BuyerFactory(ref_price, channels, lift), population=inp.population, sample=sample, weeks=inp.weeks, seeds=inp.seeds, seed=inp.seed)
    verdict = best_scenario(runs, inp.objective, CURRENCY_SYMBOLS[inp.currency])
    best = runs[verdict.best]
    results = [_result(r, inp.population) for r in runs]
    order = sorted(range(len(runs)), key=lambda i: -results[i].revenue if inp.objective == "revenue" else -results[i].units)
    chart = _chart(ctx, inp, runs, order, verdict.best)
    lead = verdict.lead if verdict.runner_up is not None else None
    b = results[verdict.best]
    summary = (f"{inp.product}: of {inp.population:,} synthetic buyers, the best of {len(runs)} scenario(s) is {b.label} — "
               f"{b.units:,.0f} buyers ({b.units_low:,.0f}–{b.units_high:,.0f} across {inp.seeds} seeds), {money(b.revenue, inp.currency)} revenue, "
               f"peak in week {b.peak_week} of {inp.weeks}. Why: {verdict.reason}.")
    if len(runs) > 1:
        worst = results[order[-1]]
        summary += f" Weakest: {worst.label} ({worst.units:,.0f} buyers, {money(worst.revenue, inp.currency)})."
    segments = _segments(best, best.scenario.region, inp.population)
    summary += _who_buys(segments)
    summary += _anchor_warning(inp, anchor, [s.price for s in scenarios]) + _borrowed_tables([s.region for s in scenarios])
    assumptions = notes + [ref_note, f"price sensitivity: the median buyer's elasticity is {PRICE_ELASTICITY:.2f}, fitted on UCI Online Retail orders",
                           f"purchase propensity rises with household income ({PROPENSITY.income:+.2f} on the logit per log unit of income, "
                           f"{PROPENSITY.income + PROPENSITY.income_children:+.2f} with children) and is {PROPENSITY.children:+.2f} with children at home, "
                           "fitted on real customers' acceptance of offers (marketing_campaign.csv)",
                           f"{sample:,} buyers simulated per seed and scaled to {inp.population:,}", "one unit per buyer; no repeat purchases"]
    data = SimulateLaunchData(product=inp.product, population=inp.population, simulated_per_seed=sample, seeds=inp.seeds, weeks=inp.weeks, objective=inp.objective,
                              reference_price=ref_price, reference_source=anchor.source, currency=inp.currency, scenarios=results, best=b.label, best_reason=verdict.reason,
                              lead=None if lead is None else round(float(lead.mean()), 2),
                              lead_low=None if lead is None else round(float(np.percentile(lead, 5)), 2),
                              lead_high=None if lead is None else round(float(np.percentile(lead, 95)), 2),
                              segments=segments, assumptions=assumptions)
    regions = sorted({stats_for(s.region).name for s in scenarios})
    source = (f"caeser persona engine: synthetic buyers from public marginals ({'; '.join(stats_for(r).source for r in regions)}), "
              f"{channels.source}, Bass-type weekly hazard with common random numbers")
    return SimulateLaunchOutput(summary=summary, data=data, charts=[chart], source=source)


def _chart(ctx: ToolContext, inp: SimulateLaunchInput, runs: list[ScenarioRun], order: list[int], best: int) -> Chart:
    # inputs and results: the same request after an engine change must not overwrite the chart an
    # older stored result (and its PDF) points at
    key = inp.model_dump_json() + repr([round(float(r.weekly.sum()), 3) for r in runs])
    path = ctx.charts_dir / f"launch-{hashlib.sha1(key.encode()).hexdigest()[:12]}.png"
    shown = [i for i in order if i != best]
    curves = [runs[best].weekly.mean(0)] + [runs[i].weekly.mean(0) for i in shown]
    labels = [runs[best].scenario.label] + [runs[i].scenario.label for i in shown]
    bands = [(lo, hi) for lo, hi in (np.percentile(runs[i].weekly, [5, 95], axis=0) for i in [best, *shown])]
    title = f"{inp.product}: weekly new buyers ({inp.population:,} synthetic buyers, {inp.seeds} seeds)"
    render_adoption(path, title, labels, curves, 0, bands)
    return Chart(path=str(path), title=title)


class Persona(BaseModel):
    name: str
    share: float = Field(description="Share of the audience.")
    median_age: float
    median_income: float = Field(description="Household income, PPP US dollars.")
    children: float = Field(description="Share with children at home.")
    urban: float
    female: float
    willingness_to_pay: float = Field(description="Median, at the reference price.")
    traits: dict[str, float] = Field(description="Mean trait values (0–1 scales; price sensitivity is a logit slope).")
    distinctive: dict[str, float] = Field(description="Trait → standard deviations from the whole audience, strongest first.")
    resonates: list[str]
    puts_off: list[str]
    buy_chance: float | None = Field(default=None, description="Mean purchase fit at `price` (before diffusion).")
    description: str


class BuildPersonasData(BaseModel):
    product: str
    audience: str
    personas: list[Persona]
    sample: int
    reference_price: float
    currency: str = "USD"
    stored_ids: list[str]


class BuildPersonasOutput(ToolOutput):
    data: BuildPersonasData


PERSONA_SAMPLE = 3_000  # buyers clustered: HDBSCAN stays around a second
AUDIENCE_DRAW = 60_000  # adults drawn before the audience filter


def _audience_buyers(inp: BuildPersonasInput, ref_price: float, price: float, ctx: ToolContext, mix: CustomerMix | None = None) -> Buyers:
    """The audience's likely buyers: the region's adults drawn, filtered by age and gender, then
    PERSONA_SAMPLE of them drawn with probability ∝ purchase fit at `price` — so the product's price
    and category change who the personas are, not only their buy chance — times, when the owner
    imported customers, the weight that gives the draw their age × sex mix (`mix_weights`)."""
    factory = BuyerFactory(ref_price, load_channel_table(ctx.settings.data_dir), _category_lift(ctx, inp.category, inp.product)[0])
    buyers = factory.build(inp.audience.region, AUDIENCE_DRAW, [inp.seed, 0])
    pop = buyers.population
    keep = np.ones(len(pop), dtype=bool)
    if inp.audience.age_min is not None:
        keep &= pop.age >= inp.audience.age_min
    if inp.audience.age_max is not None:
        keep &= pop.age < inp.audience.age_max + 1
    if inp.audience.gender is not None:
        keep &= pop.female == (inp.audience.gender == "female")
    rows = np.flatnonzero(keep)
    if len(rows) < 200:
        raise ToolError("invalid_argument", f"Too few adults match {inp.audience.label()} to build personas ({len(rows)} of {AUDIENCE_DRAW:,} drawn); "
                        "the population tables cover adults 18–85.", field="audience")
    fit = purchase_fit(subset(buyers, rows), price, None, Diffusion().base_logit).astype(float)
    if mix is not None:  # the owner's customers' age × sex mix instead of the census one
        fit = fit * mix_weights(subset(buyers, rows).population, mix.shares)
        if not fit.sum():
            raise ToolError("invalid_argument", f"None of {mix.label} fall in {inp.audience.label()}.", field="audience")
    rng = np.random.default_rng([inp.seed, 1])
    return subset(buyers, np.sort(rng.choice(rows, size=min(PERSONA_SAMPLE, len(rows)), replace=False, p=fit / fit.sum())))


@register("build_personas", engine="persona", input_model=BuildPersonasInput, output_model=BuildPersonasOutput, description="""
Persona archetypes for a product and audience: share, traits, what resonates and what puts them off;
stored for retrieval and exported as CSV, JSON and Parquet. Use for "give me 4 buyer personas for our trail shoe in the UK".
""")
def build_personas(inp: BuildPersonasInput, ctx: ToolContext) -> BuildPersonasOutput:
    anchor = _reference_price(ctx, inp.product, None, inp.currency, [inp.price] if inp.price else [])
    ref_price, tier = anchor.price, ""
    if anchor.source == "asked":
        tier = f" Willingness to pay is centred on your {money(ref_price, inp.currency)}: no priced product in the shared catalog is like {inp.product!r}."
    elif inp.price and not _same_tier(inp.price, ref_price):
        tier = (f" Willingness to pay is centred on your {money(inp.price, inp.currency)}: the closest priced products in the shared catalog "
                f"(median {money(ref_price, inp.currency)}) sell in another price tier.")
        ref_price = inp.price
    mix = customer_mix(ctx.settings, ctx.owner)
    buyers = _audience_buyers(inp, ref_price, inp.price or ref_price, ctx, mix)
    found, labels = archetypes(buyers, inp.count)
    fit = purchase_fit(buyers, inp.price, None, Diffusion().base_logit) if inp.price else None
    personas = [_persona(a, None if fit is None else float(fit[labels == i].mean()), CURRENCY_SYMBOLS[inp.currency]) for i, a in enumerate(found)]
    audience = inp.audience.label()
    audience = f"people {audience}" if audience.startswith(("in ", "aged ", "under ")) else audience
    rows = [p.model_dump() | {"product": inp.product, "audience": audience} for p in personas]
    ids = store_archetypes(ctx.settings, ctx.owner, inp.product, audience, rows)
    stem = f"personas-{hashlib.sha1((inp.model_dump_json() + (mix.label if mix else '')).encode()).hexdigest()[:12]}"
    files = [str(p) for p in export_archetypes(ctx.exports_dir, stem, rows)]
    wanted = f"the {inp.count} asked for" if "count" in inp.model_fields_set else f"the default {inp.count}"
    fewer = f" HDBSCAN found {len(found)} dense groups, fewer than {wanted}." if len(found) < inp.count else ""
    lines = "; ".join(f"{p.name} ({p.share:.0%}{f', {p.buy_chance:.0%} fit at {money(inp.price or 0, inp.currency)}' if p.buy_chance is not None else ''})" for p in personas)
    summary = f"{len(personas)} personas for {inp.product} among {audience}: {lines}.{fewer} Top persona: {personas[0].description}{tier}"
    data = BuildPersonasData(product=inp.product, audience=audience, personas=personas, sample=len(buyers), reference_price=ref_price, currency=inp.currency, stored_ids=ids)
    source = f"caeser persona engine: HDBSCAN over the traits of {len(buyers):,} synthetic buyers ({stats_for(inp.audience.region).source})"
    if mix is not None:
        summary += f" Drawn to match the age and sex mix of {mix.label}."
        source += f"; weighted to the age × sex mix of {mix.label}"
    return BuildPersonasOutput(summary=summary, data=data, files=files, source=source)


def _persona(a: Archetype, buy_chance: float | None, price_sign: str = "$") -> Persona:
    t = a.traits
    rest = {k: v for k, v in t.items() if k not in ("age", "income", "children", "urban", "female", "wtp")}
    return Persona(name=a.name, share=round(a.share, 4), median_age=round(t["age"], 1), median_income=round(t["income"], -2), children=t["children"],
                   urban=t["urban"], female=t["female"], willingness_to_pay=round(t["wtp"], 2), traits=rest, distinctive=a.distinctive,
                   resonates=a.resonates, puts_off=a.puts_off, buy_chance=None if buy_chance is None else round(buy_chance, 4), description=a.description(price_sign))
