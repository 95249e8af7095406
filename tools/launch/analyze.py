"""The flagship tool: affinity, hype, forecast, personas and search demand composed into one launch readout.

`analyze_launch` plans one call per engine (`tools.launch.engines`), runs them concurrently under a
time budget, keeps each sub-result stored under its own result_id, and writes a plan whose every
recommendation cites the figures behind it (`tools.launch.plan`). An engine that fails or overruns
is listed under `missing` with its reason; the readout is refused only when no engine answered.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from engines.persona.population import AGE_BAND_LABELS, AGE_BANDS
from tools.base import ToolContext, ToolError, ToolOutput
from tools.launch.engines import (
    Call,
    Fallback,
    Figure,
    Outcome,
    Section,
    first_of_month,
    run_calls,
)
from tools.launch.plan import (
    Recommendation,
    SegmentRank,
    forecast_rec,
    grid_recs,
    mean_lift,
    risk_recs,
    search_rec,
    segments_rec,
    weak_reading,
)
from tools.launch.readout import AskedAudience, Readout, build_readout
from tools.launch.search import (
    LogCompletionsData,
    LogCompletionsInput,
    SearchDemandData,
    SearchDemandInput,
    log_completions,
    search_demand,
)
from tools.persona.personas import CURRENCY_FIELD, Currency
from tools.registry import register
from tools.schemas import Audience, RegionName, StrictInput

DEFAULT_REGIONS = ["North America", "Europe"]
PRICE_STEPS = (0.8, 1.0, 1.2)  # the what-if grid's prices, relative to the asked price
# Channels the persona model tells apart: its buyers' mix is web / catalogue / store purchases (the
# campaign survey's), and a social or marketplace launch is a web purchase there, so "web vs social"
# would compare a scenario with itself.
CHANNELS = ["web", "store"]
COMPARABLES = 2  # tags scored for hype beside the product itself
# Cosine floor for reading the product's own words as survey items when no tags are given: lower
# than the tools' default (0.45) so a bare name still gets an affinity section; every reading is
# shown with its cosine in the readout, so a weak one is visible rather than hidden.
NAME_READ_FLOOR = 0.3


class AnalyzeLaunchInput(StrictInput):
    product: str = Field(min_length=1, max_length=200, description="The product being launched.", examples=["trail running shoe"])
    description: str | None = Field(default=None, max_length=2000, description="What the product is, in a sentence or two.", examples=["A light waterproof trail shoe"])
    tags: list[str] = Field(default_factory=list, max_length=20, description="Tags or entities that describe it (for affinity and hype).", examples=[["running", "outdoors"]])
    price: float | None = Field(default=None, gt=0, le=1_000_000, description="Planned price (in `currency`).", examples=[129])
    currency: Currency = CURRENCY_FIELD
    audience: Audience = Field(default_factory=Audience, description="Target audience; empty = everyone.", examples=[{"region": "North America", "age_max": 34}])
    regions: list[RegionName] = Field(default_factory=list, max_length=10, description="Markets to compare.", examples=[["Europe", "North America"]])
    starts: list[date] = Field(default_factory=list, max_length=4, description="Launch dates to compare; empty = next month and three months later.", examples=[["2027-03-01", "2027-05-01"]])
    horizon: int = Field(default=12, ge=1, le=104, description="Weeks to plan for.", examples=[12])
    budget_s: float = Field(default=12.0, ge=1, le=120, description="Seconds each engine may take; a slower one is reported missing.", examples=[12])


class Missing(BaseModel):
    engine: str
    tool: str
    reason: str


class AnalyzeLaunchData(BaseModel):
    product: str
    sections: list[Section]
    plan: list[Recommendation]
    segments: list[SegmentRank]
    missing: list[Missing]
    readout: Readout = Field(description="The document: verdict, key numbers, actions, main risk, one section per engine, what could not be answered.")


class AnalyzeLaunchOutput(ToolOutput):
    data: AnalyzeLaunchData


def _tags(inp: AnalyzeLaunchInput) -> list[str]:
    """The product's tags, or its name's words when none are given (affinity and hype need something to match)."""
    return inp.tags or [w for w in inp.product.split() if len(w) > 2][:4] or [inp.product]


def _hype_arg(lookup: Any) -> float | None:
    out = lookup("hype")
    return None if out is None or out.data.score is None else float(out.data.score)


def audience_bands(a: Audience) -> list[tuple[str, dict[str, int]]]:
    """The persona age bands the audience's ages reach (all of them when it names none): comparing a
    band outside the asked audience answers a question nobody asked."""
    lo, hi = a.age_min or 0, a.age_max or 200
    return [(label, {"age_min": b0, "age_max": b1}) for label, (b0, b1) in zip(AGE_BAND_LABELS, AGE_BANDS) if b0 <= hi and b1 >= lo]


def plan_calls(inp: AnalyzeLaunchInput, today: date) -> list[Call]:
    """One call per engine role. Forecast waits (within the budget) for the product's hype, which
    tilts the new-product launch curve; every other call is independent."""
    tags = _tags(inp)
    price = inp.price or 50.0
    regions = (inp.regions or ([inp.audience.region] if inp.audience.region else DEFAULT_REGIONS))[:4]
    text = " ".join(filter(None, [inp.product, inp.description, " ".join(inp.tags)]))
    a = inp.audience
    everyone = {"gender": a.gender} if a.gender else {}
    grid = {"prices": [round(price * k, 2) for k in PRICE_STEPS], "regions": regions, "starts": list(dict.fromkeys(inp.starts)) or [first_of_month(today, 1), first_of_month(today, 4)], "channels": CHANNELS}
    floor = {} if inp.tags else {"match_floor": NAME_READ_FLOOR, "partial_match": True}  # a name's words: those the surveys hold ("lego star wars sets": not 'sets')
    words = list(dict.fromkeys(w.lower() for w in [*inp.product.split(), *inp.tags]))
    prefix = inp.product.split()[0].lower()
    calls = [
        Call("affinity", "affinity", "audience_affinity", lambda _: {"audience": a.model_dump(exclude_none=True), "seeds": tags, "take": 10, **floor}),
        Call("hype", "hype", "hype_score", lambda _: {"subject": inp.product, "window_days": 30}),
        Call("forecast", "forecast", "forecast_demand", lambda look: {"description": text, "horizon": inp.horizon, "hype": _hype_arg(look), "launch": grid["starts"][0]}),
        Call("persona", "persona", "simulate_launch", lambda _: {"product": inp.product, "description": inp.description, "grid": grid, "weeks": min(inp.horizon, 52),
                                                                  "seeds": 3, "reference_price": price, "category": tags[0], "currency": inp.currency}),
        Call("search", "cadence", "search_products", lambda _: {"query": text[:500], "k": 10},
             Fallback("search_demand", SearchDemandInput, search_demand, lambda _: {"terms": words[:20]}), build_step="cadence"),
        Call("suggest", "cadence", "suggest_queries", lambda _: {"prefix": prefix, "k": 10},
             Fallback("log_completions", LogCompletionsInput, log_completions, lambda _: {"prefix": prefix, "k": 10}), build_step="cadence"),
    ]
    # one comparison per age band against everyone: a band no survey covers is missing on its own
    calls += [Call(f"segment:age {label}", "affinity", "compare_audiences", lambda _, b=b: {"items": tags, "audiences": [{**b, **everyone}, everyone], **floor})
              for label, b in audience_bands(a)]
    calls += [Call(f"comparable:{t}", "hype", "hype_score", lambda _, t=t: {"subject": t, "window_days": 30}) for t in tags[:COMPARABLES] if t.lower() != inp.product.lower()]
    return calls


def key_figures(key: str, out: ToolOutput) -> dict[str, Figure]:
    """The few numbers of each sub-result the readout leans on, for the sections table and the PDF."""
    d = out.data
    if key == "affinity":
        return {"read_as": "; ".join(d.seeds_read), **{f"top{i + 1}": f"{it.item} ({it.affinity:.0%}, lift {it.lift if it.lift is not None else 'n/a'})" for i, it in enumerate(d.items[:3])}}
    if key.startswith("segment:"):
        return {"mean_lift": mean_lift(d)}
    if key == "hype" or key.startswith("comparable:"):
        return {"score": d.score, "posts": d.posts, "negative_share": d.sentiment.negative_share, "anomalies": len(d.anomalies)}
    if key == "forecast":
        return {"total_units": d.total, "time_to_peak_weeks": d.peak.time_to_peak, "peak_period": d.peak.peak_period.isoformat(), "analogs": len(d.analogs), "model": d.model}
    if key == "persona":
        best = next(s for s in d.scenarios if s.label == d.best)
        return {"best": d.best, "best_units": best.units, "best_revenue": best.revenue, "best_adoption": best.adoption, "scenarios": len(d.scenarios)}
    if isinstance(d, SearchDemandData):
        return {"catalog_titles": d.catalog_titles, "queries": d.queries, **{f"top{i + 1}": q.query for i, q in enumerate(d.top_queries[:3])}}
    if isinstance(d, LogCompletionsData):
        return {"suggestions": len(d.completions), **{f"top{i + 1}": c.text for i, c in enumerate(d.completions[:3])}}
    if key == "search":
        return {"catalog_matches": len(d.results), **{f"top{i + 1}": r.title for i, r in enumerate(d.results[:3])}}
    if key == "suggest":
        return {"suggestions": len(d.suggestions), **{f"top{i + 1}": s.text for i, s in enumerate(d.suggestions[:3])}}
    return {}


def _plan(inp: AnalyzeLaunchInput, o: dict[str, Outcome]) -> tuple[list[Recommendation], list[SegmentRank]]:
    within = {f"age {label}" for label, _ in audience_bands(inp.audience)}
    seg, ranked = segments_rec(o["persona"], {k.removeprefix("segment:"): v for k, v in o.items() if k.startswith("segment:")}, within, weak_reading(o["affinity"]))
    recs = [seg, *grid_recs(o["persona"]), forecast_rec(o["forecast"]), search_rec(_tags(inp), o["search"], o["suggest"]),
            *risk_recs([v for k, v in o.items() if k == "hype" or k.startswith("comparable:")])]
    return [r for r in recs if r is not None], ranked


def _summary(inp: AnalyzeLaunchInput, o: dict[str, Outcome], r: Readout) -> str:
    """The chat answer: the readout's first page in words (verdict, key numbers, actions, risk), how
    the name was read, and what could not be answered — each once."""
    numbers = "; ".join(f"{k.label.lower()} {k.value}" + (f" ({k.range})" if k.range else "") for k in r.key_numbers)
    lines = [r.verdict_text, f"Key numbers: {numbers}.", "Actions: " + " ".join(f"{i + 1}) {a}" for i, a in enumerate(r.actions)), f"Main risk: {r.main_risk}"]
    read_as = o["affinity"].section.figures.get("read_as") if o["affinity"].output is not None else None
    if read_as:
        lines.append(f"Affinity read the product's {'tags' if inp.tags else 'name'} as {read_as}.")
    engines = list(dict.fromkeys(v.section.engine for v in o.values()))
    answering = {v.section.engine for v in o.values() if v.output is not None}
    lines.append(f"{len(answering)} of {len(engines)} engines answered ({sum(v.output is not None for v in o.values())} of {len(o)} calls).")
    if r.gaps:
        lines.append("Not answered: " + " ".join(f"{g.engine} — {g.what}" for g in r.gaps))
    return " ".join(lines)


@register("analyze_launch", engine="launch", input_model=AnalyzeLaunchInput, output_model=AnalyzeLaunchOutput, description="""
The whole launch readout for a product: audience affinity, hype of the product and its comparables,
a new-product demand forecast, a persona what-if simulation and search demand, with a plan (segments,
channels, timing, price, regions, search terms, risks) that cites its numbers. Use for "we're launching X — will it be a hit?".
""")
def analyze_launch(inp: AnalyzeLaunchInput, ctx: ToolContext) -> AnalyzeLaunchOutput:
    ctx.report(0.05, "running affinity, hype, forecast, persona and search engines")
    outcomes = run_calls(plan_calls(inp, date.today()), ctx, inp.budget_s)
    for key, o in outcomes.items():
        if o.output is not None:
            o.section.figures = key_figures(key, o.output)
    missing = [Missing(engine=o.section.engine, tool=o.section.tool, reason=o.section.reason or "") for o in outcomes.values() if o.output is None]
    if len(missing) == len(outcomes):
        raise ToolError("not_available", "No engine could answer for this launch: " + "; ".join(f"{m.tool}: {m.reason}" for m in missing))
    plan, ranked = _plan(inp, outcomes)
    bands = [f"age {label}" for label, _ in audience_bands(inp.audience)]
    asked = AskedAudience(label=inp.audience.label(), bands=bands, gender=inp.audience.gender is not None)
    readout = build_readout(inp.product, inp.price, outcomes, plan, ranked, ctx.charts_dir, asked)
    ctx.report(1.0, "readout ready")
    data = AnalyzeLaunchData(product=inp.product, sections=[o.section for o in outcomes.values()], plan=plan, segments=ranked, missing=missing, readout=readout)
    sources = "; ".join(f"{o.section.tool} → {o.section.result_id or 'not stored'}" for o in outcomes.values() if o.output is not None)
    charts = [c for c in [readout.hero, *(s.chart for s in readout.sections)] if c is not None]
    return AnalyzeLaunchOutput(summary=_summary(inp, outcomes, readout), data=data, charts=charts,
                               source=f"caeser launch composer over stored sub-results ({sources}); plan from templates")
