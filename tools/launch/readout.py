"""The launch readout as a document: a verdict page, then one section per engine, then the gaps.

Built once, in `analyze_launch`, from the engines' typed outputs and stored in the readout's data
(`data.readout`), so the chat answer, the PDF, Slack, Discord, CSV and JSON all show the same
verdict, numbers and actions. Every text here is formatted for a reader (money, %, dates with
years); the stored figures, result ids and arguments stay in `data.sections` and `data.plan`,
which the PDF prints only in its appendix.

The verdict (docs/launch.md), from the what-if simulation's best scenario:
- hold: no simulation answered, or even the best scenario's adoption is under HOLD_ADOPTION;
- go with changes: a better price than the asked one earns more than TIE (1%) extra revenue, or a
  risk was found (negative or bot-like posts);
- go: otherwise (the asked price is the best tested, no risk found).
"""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.base import Chart
from tools.formatting import count, counted, day, money, month, number, pct, period, span
from tools.launch.chart import render_hero, render_segments
from tools.launch.engines import Outcome
from tools.launch.plan import TIE, Recommendation, SegmentRank, about_product, weak_reading
from tools.launch.search import LogCompletionsData, SearchDemandData

HOLD_ADOPTION = 0.005  # fewer than 1 in 200 of the simulated market buying, even at the best scenario, is no launch
CHANNEL_WORDS = {"store": "in stores", "web": "online", "catalogue": "by catalogue", "all channels": "in every channel"}
ScenarioRow = Any  # tools.persona.personas.ScenarioResult (not imported: the readout must not load the persona engine)


class KeyNumber(BaseModel):
    label: str
    value: str
    range: str | None = Field(default=None, description="The interval behind the value, formatted.")
    basis: str = Field(description="What the number is, in words.")


class TableRow(BaseModel):
    cells: list[str]


class ReadoutSection(BaseModel):
    """One engine's part of the document: chart, what to see in it, a few sentences, a small table."""

    key: str
    title: str
    chart: Chart | None = None
    caption: str = ""
    sentences: list[str]
    columns: list[str] = Field(default_factory=list)
    rows: list[TableRow] = Field(default_factory=list)
    sources: list[str] = Field(description="Keys of the readout sections (data.sections) behind it: the appendix traces them.")


class Gap(BaseModel):
    """What an engine could not answer, said once, with what would fix it."""

    engine: str
    what: str
    fix: str


class AskedAudience(BaseModel):
    """The audience the question named, as the simulation can split it: by age band only."""

    label: str  # "women 55+"
    bands: list[str]  # persona segments it reaches, e.g. ["age 55–64", "age 65+"]
    gender: bool  # the question named a gender, which the simulation's segments do not split


class Readout(BaseModel):
    verdict: Literal["go", "go with changes", "hold"]
    verdict_text: str
    key_numbers: list[KeyNumber]
    actions: list[str]
    main_risk: str
    hero: Chart | None = None
    sections: list[ReadoutSection]
    gaps: list[Gap]


def build_readout(product: str, asked_price: float | None, o: dict[str, Outcome], plan: list[Recommendation], ranked: list[SegmentRank], charts: Path,
                  audience: AskedAudience | None = None) -> Readout:
    """The whole document from the engines' outcomes; `charts` is where the readout's own charts go;
    `audience` is the asked audience when it narrows the ages (its own key number)."""
    persona = o["persona"].output.data if o["persona"].output is not None else None
    best = next(s for s in persona.scenarios if s.label == persona.best) if persona else None
    risks = [r.text for r in plan if r.topic == "risks"]
    verdict, why = _verdict(persona, best, asked_price, risks)
    sections = [s for s in (_simulation(o, persona, best), _audience(o, ranked, charts, product), _forecast(o), _hype(o), _search(o)) if s is not None]
    missing = gaps(o)
    actions = _actions(persona, best, ranked, o, product) or list(dict.fromkeys(g.fix for g in missing if g.fix))  # nothing to act on yet: what would complete the readout
    return Readout(verdict=verdict, verdict_text=why, key_numbers=_key_numbers(o, persona, best, asked_price, ranked, audience), actions=actions[:3],
                   main_risk=_main_risk(product, o, risks, best), hero=_hero(product, persona, best, asked_price, charts), sections=sections, gaps=missing)


# --- page 1 ---------------------------------------------------------------------------------------

def _asked(persona: Any, asked_price: float | None) -> ScenarioRow | None:
    """The best scenario at the asked price (the grid's middle price), if the grid has one."""
    if persona is None or asked_price is None:
        return None
    at = [s for s in persona.scenarios if abs(s.price - asked_price) < 0.005]
    return max(at, key=lambda s: s.revenue) if at else None


def _verdict(persona: Any, best: ScenarioRow | None, asked_price: float | None, risks: list[str]) -> tuple[Literal["go", "go with changes", "hold"], str]:
    if persona is None or best is None:
        return "hold", "Hold: there is no demand estimate yet — the launch simulation did not answer (see what could not be answered; asking again usually completes it)."
    reach = f"about {count(best.units)} of {count(persona.population)} simulated buyers in {best.region} ({pct(best.adoption)}) buy in the best scenario"
    if best.adoption < HOLD_ADOPTION:
        return "hold", f"Hold: even the best scenario sells to only {pct(best.adoption)} of the simulated market ({count(best.units)} buyers) — too few to launch as planned."
    at = _asked(persona, asked_price)
    if at is not None and best.price != at.price and best.revenue > at.revenue * (1 + TIE):
        gain = best.revenue / at.revenue - 1
        return "go with changes", f"Go with changes: {reach}, but {money(best.price, persona.currency)} earns {pct(gain)} more than the asked {money(at.price, persona.currency)}."
    if risks:
        return "go with changes", f"Go with changes: {reach}, but one risk needs handling first — {risks[0]}"
    return "go", f"Go: {reach}" + (f", and the asked {money(asked_price, persona.currency)} is the best price tested." if at is not None else ".")


def _audience_number(persona: Any, best: ScenarioRow, audience: AskedAudience) -> KeyNumber | None:
    """The asked audience's buyers and adoption in the best scenario: its age bands' buyers
    (share × units) over the bands' people (share × units / adoption, the simulation's own sizes)."""
    bands = [s for s in persona.segments if s.segment in audience.bands]
    if not bands or len(bands) == sum(s.segment.startswith("age ") for s in persona.segments):
        return None
    buyers = sum(s.share for s in bands) * best.units
    people = sum(s.share * best.units / s.adoption for s in bands if s.adoption > 0)
    if people <= 0:
        return None
    ages = ", ".join(s.segment.removeprefix("age ") for s in bands)
    both = ", both genders: the simulation splits buyers by age only" if audience.gender else ""
    return KeyNumber(label="Asked audience", value=f"{audience.label}: {count(buyers)} buyers, {pct(buyers / people)} of them{both}",
                     basis=f"ages {ages} in the best scenario, against {pct(best.adoption)} of everyone")


def _key_numbers(o: dict[str, Outcome], persona: Any, best: ScenarioRow | None, asked_price: float | None, ranked: list[SegmentRank],
                 audience: AskedAudience | None = None) -> list[KeyNumber]:
    out: list[KeyNumber] = []
    if persona is not None and best is not None:
        where = f"{persona.weeks} weeks, {count(persona.population)} simulated buyers in {best.region}"
        out.append(KeyNumber(label="Expected buyers", value=count(best.units), range=span(best.units_low, best.units_high), basis=f"best scenario, {where}"))
        asked = _audience_number(persona, best, audience) if audience is not None else None
        if asked is not None:
            out.append(asked)
        out.append(KeyNumber(label="Revenue", value=money(best.revenue, persona.currency), range=span(best.revenue_low, best.revenue_high, lambda x: money(x, persona.currency)), basis="same scenario, 5–95% across seeds"))
        at = _asked(persona, asked_price)
        if asked_price is None:  # the grid was built around an assumed price: say so, not "best" of prices nobody asked about
            versus = f"of {', '.join(money(x, persona.currency) for x in sorted({s.price for s in persona.scenarios}))} tested; no price was given, so a typical {money(persona.reference_price, persona.currency)} was assumed"
        else:
            versus = f"{pct(best.revenue / at.revenue - 1)} more revenue than {money(at.price, persona.currency)}" if at is not None and at.price != best.price else "the best price tested"
        out.append(KeyNumber(label="Best price", value=money(best.price, persona.currency), basis=versus))
        out.append(KeyNumber(label="Channel and timing", value=f"{best.channel.capitalize()}, {month(best.start)}", basis=_runner_up(persona, best)))
    out.append(_hype_number(o))
    if ranked:
        lead = ranked[0]
        lift = f"; its taste for the product's themes: {lead.affinity_lift:.2f}× everyone's" if lead.affinity_lift is not None else ""
        out.append(KeyNumber(label="Leading audience", value=lead.segment.replace("age ", "Ages "), basis=f"{pct(lead.adoption)} of them bought in the best scenario{lift}"))
    return out


def _runner_up(persona: Any, best: ScenarioRow) -> str:
    """How far the best channel and start are ahead of the others (each at its best scenario)."""
    parts = []
    for attr, fmt in (("channel", str), ("start", month)):
        others = [s for s in persona.scenarios if getattr(s, attr) != getattr(best, attr)]
        if others:
            rival = max(others, key=lambda s: s.revenue)
            parts.append(f"{pct(best.revenue / rival.revenue - 1)} ahead of {fmt(getattr(rival, attr))}" if rival.revenue > 0 else "")
    return "; ".join(p for p in parts if p) or "the only option simulated"


def _hype_number(o: dict[str, Outcome]) -> KeyNumber:
    out = o["hype"].output
    if out is None or out.data.score is None:
        why = out.data.reason if out is not None else _first_sentence(o["hype"].section.reason or "no answer")
        return KeyNumber(label="Hype", value="not measured", basis=why)
    d = out.data
    rng = f"{d.score_low:.0f}–{d.score_high:.0f}" if d.score_low is not None and d.score_high is not None else None
    return KeyNumber(label="Hype", value=f"{d.score:.0f}/100", range=rng, basis=f"{count(d.posts)} posts from {_window(d)}")


def _window(d: Any) -> str:
    return f"{period(d.window_start, d.window_end)}, the latest stored" if d.window_start else "undated posts"


def _actions(persona: Any, best: ScenarioRow | None, ranked: list[SegmentRank], o: dict[str, Outcome], product: str) -> list[str]:
    actions = []
    if best is not None:
        actions.append(f"Launch at {money(best.price, persona.currency)} {CHANNEL_WORDS.get(best.channel, 'through ' + best.channel)} from {month(best.start)} in {best.region}: "
                       f"the best of {len(persona.scenarios)} simulated scenarios.")
    measured = [r for r in ranked if r.affinity_lift is not None] or ranked
    if measured:
        first = measured[0]
        then = f", then {measured[1].segment.replace('age ', 'ages ')}" if len(measured) > 1 else ""
        actions.append(f"Aim first at {first.segment.replace('age ', 'ages ')} ({pct(first.adoption)} bought in the simulation"
                       + (f"; {first.affinity_lift:.2f}× everyone's taste for its themes" if first.affinity_lift is not None else "") + f"){then}.")
    terms = _search_terms(o, [product])
    if terms:
        actions.append(f"Seed search and ads with what people already type: {', '.join(f'“{t}”' for t in terms)}.")
    if best is not None and best.peak_week >= persona.weeks:
        actions.append(f"Keep stock and spend going past week {persona.weeks}: in the simulation adoption is still rising at the end of the horizon.")
    elif best is not None:
        actions.append(f"Have stock and spend ready for launch week {best.peak_week} (week of {day(best.start + timedelta(weeks=best.peak_week - 1))}), when simulated adoption peaks.")
    elif o["forecast"].output is not None:
        p = o["forecast"].output.data.peak
        actions.append(f"Have stock and spend ready for the peak, {period(p.window_start, p.window_end)} ({counted(p.time_to_peak, 'week')} after launch, from analog launches).")
    return actions


def _search_terms(o: dict[str, Outcome], tags: list[str]) -> list[str]:
    """Up to three queries people already type about the product (`plan.about_product`): logged
    completions or suggestions first, then the most frequent logged queries containing its words."""
    suggest, search = o["suggest"].output, o["search"].output
    terms: list[str] = []
    if suggest is not None:
        d = suggest.data
        terms += [c.text for c in d.completions] if isinstance(d, LogCompletionsData) else [x.text for x in d.suggestions]
    if search is not None and isinstance(search.data, SearchDemandData):
        terms += [q.query for q in search.data.top_queries]
    return [t for t in dict.fromkeys(terms) if about_product(t, tags)][:3]


def _main_risk(product: str, o: dict[str, Outcome], risks: list[str], best: ScenarioRow | None) -> str:
    if risks:
        return risks[0]
    hype = o["hype"].output
    if hype is None or hype.data.posts == 0:
        return (f"No buzz to build on: no stored post mentions {product}, so hype could not be measured and awareness starts from zero — "
                "budget for launch awareness before counting on the simulated demand.")
    weak = weak_reading(o["affinity"])
    if weak:
        return f"The product's name was read weakly ({weak}): the audience figures rest on that reading; give tags to sharpen it."
    if best is not None and best.units_high > 1.5 * max(best.units_low, 1):
        return f"Demand is uncertain: the best scenario's buyers range {span(best.units_low, best.units_high)} across seeds."
    return "No specific risk found in the posts, the surveys or the simulation."


def _hero(product: str, persona: Any, best: ScenarioRow | None, asked_price: float | None, charts: Path) -> Chart | None:
    if persona is None or best is None:
        return None
    s = persona.scenarios
    key = hashlib.sha1(repr([(x.label, x.revenue, x.revenue_low, x.revenue_high) for x in s]).encode()).hexdigest()[:12]
    title = f"{product}: simulated revenue by scenario"
    asked = {i for i, x in enumerate(s) if asked_price is not None and abs(x.price - asked_price) < 0.005}
    path = render_hero(charts / f"launch-hero-{key}.png", title, [x.label for x in s], [x.revenue for x in s], [x.revenue_low for x in s], [x.revenue_high for x in s],
                       next(i for i, x in enumerate(s) if x.label == best.label), asked)
    return Chart(path=str(path), title=title)


# --- one section per engine -----------------------------------------------------------------------

def _simulation(o: dict[str, Outcome], persona: Any, best: ScenarioRow | None) -> ReadoutSection | None:
    if persona is None or best is None:
        return None
    out = o["persona"].output
    top = sorted(persona.scenarios, key=lambda s: -s.revenue)[:6]
    axes = " × ".join(name for attr, name in (("price", "price"), ("region", "region"), ("channel", "channel"), ("start", "launch month"))
                      if len({getattr(s, attr) for s in persona.scenarios}) > 1) or "one scenario"
    sentences = [f"Of {len(persona.scenarios)} what-if scenarios ({axes}), {best.label} sells most: {count(best.units)} buyers "
                 f"({span(best.units_low, best.units_high)}) and {money(best.revenue, persona.currency)} over {persona.weeks} weeks.",
                 f"Buyers are synthetic people drawn from {best.region}'s published population figures; each buys at most once, when the price is under "
                 f"their willingness to pay (set by a reference price of {money(persona.reference_price, persona.currency)})."]
    if best.peak_week >= persona.weeks:
        sentences.append(f"Weekly adoption is still rising in week {persona.weeks}: the launch has not peaked within the horizon.")
    else:
        sentences.append(f"Weekly adoption peaks in launch week {best.peak_week}.")
    return ReadoutSection(key="simulation", title="What-if simulation: price, channel and timing", chart=out.charts[0] if out.charts else None,
                          caption="Each panel is one scenario's new buyers per week with its 5–95% range across seeds; the dashed line repeats the best scenario for comparison.",
                          sentences=sentences, columns=["Scenario", "Buyers", "Range", "Revenue", "Adoption"],
                          rows=[TableRow(cells=[s.label, count(s.units), span(s.units_low, s.units_high), money(s.revenue, persona.currency), pct(s.adoption)]) for s in top],
                          sources=["persona"])


def _audience(o: dict[str, Outcome], ranked: list[SegmentRank], charts: Path, product: str) -> ReadoutSection | None:
    aff = o["affinity"].output
    if aff is None and not ranked:
        return None
    sentences = []
    if aff is not None:
        read = "; ".join(aff.data.seeds_read)
        sentences.append(f"The surveys know the product through its themes: {read}." if read else f"Audience: {aff.data.audience}.")
        liked = [f"{it.item} ({pct(it.affinity)})" for it in aff.data.items[:3]]
        if liked:
            sentences.append(f"Related items this audience loves most (share who love each): {', '.join(liked)}.")
    chart = None
    if ranked:
        measured = [r for r in ranked if r.affinity_lift is not None]
        sentences.append(f"Age bands are ranked by simulated adoption × their taste for the themes; {len(measured)} of {len(ranked)} bands are covered by a survey.")
        order = sorted(ranked, key=lambda r: r.segment)
        key = hashlib.sha1(repr(order).encode()).hexdigest()[:12]
        title = f"{product}: who buys, by age band"
        path = render_segments(charts / f"launch-segments-{key}.png", title, [r.segment.replace("age ", "") for r in order], [r.adoption for r in order], [r.affinity_lift for r in order])
        chart = Chart(path=str(path), title=title)
    sources = (["affinity"] if aff is not None else []) + [k for k, v in o.items() if k.startswith("segment:") and v.output is not None] + (["persona"] if ranked else [])
    return ReadoutSection(key="audience", title="Audience: who it is for", chart=chart,
                          caption="Share of each age band who bought in the best scenario; green bars carry the band's survey lift for the product's themes, grey bars have no survey data.",
                          sentences=sentences[:3], columns=["Age band", "Bought", "Taste for its themes", "Rank"],
                          rows=[TableRow(cells=[r.segment.replace("age ", ""), pct(r.adoption), f"{r.affinity_lift:.2f}×" if r.affinity_lift is not None else "no survey", str(i + 1)])
                                for i, r in enumerate(ranked)], sources=sources)


def _forecast(o: dict[str, Outcome]) -> ReadoutSection | None:
    out = o["forecast"].output
    if out is None:
        return None
    d = out.data
    p = d.peak
    low, high = sum(x.lower for x in d.points), sum(x.upper for x in d.points)
    sentences = [f"Products described like it sold about {count(d.total)} units in their first {counted(d.horizon, 'week')} ({span(low, high)} between the analogs), "
                 f"peaking {counted(p.time_to_peak, 'week')} after launch, {period(p.window_start, p.window_end)}.",
                 f"The {len(d.analogs)} analogs are products of one UK online retailer, shifted to the launch date: read the curve's shape and timing more than its level."]
    return ReadoutSection(key="forecast", title="Demand forecast from analog launches", chart=out.charts[0] if out.charts else None,
                          caption="The line is the expected units per week from the launch on, the band the 80% range between analog products, the yellow span the peak window.",
                          sentences=sentences, columns=["Week of", "Units", "Range"],
                          rows=[TableRow(cells=[day(x.period), number(x.forecast), span(x.lower, x.upper, number)]) for x in d.points], sources=["forecast"])


def _hype(o: dict[str, Outcome]) -> ReadoutSection | None:
    keys = [k for k in o if k == "hype" or k.startswith("comparable:")]
    answered = [(k, o[k].output.data) for k in keys if o[k].output is not None]
    if not answered:
        return None
    chart = next((c for k in keys if o[k].output is not None for c in o[k].output.charts), None)
    sentences = []
    for _, d in answered:
        if d.score is not None:
            sentences.append(f"{d.subject}: hype {d.score:.0f}/100 from {count(d.posts)} posts ({_window(d)}); {pct(d.sentiment.negative_share)} of them negative.")
        else:
            sentences.append(f"{d.subject}: {count(d.posts)} posts ({_window(d)}) — too few to score.")
    rows = [TableRow(cells=[d.subject, f"{d.score:.0f}/100" if d.score is not None else "not scored", count(d.posts), pct(d.sentiment.negative_share),
                            period(d.window_start, d.window_end) if d.window_start else "undated"]) for _, d in answered]
    return ReadoutSection(key="hype", title="Hype: what people post", chart=chart,
                          caption="Posts per day (bars) and their mean sentiment (line); the shaded span is the scored window." if chart else "",
                          sentences=sentences[:3], columns=["Subject", "Hype", "Posts", "Negative", "Posts from"], rows=rows, sources=[k for k, _ in answered])


def _search(o: dict[str, Outcome]) -> ReadoutSection | None:
    search, suggest = o["search"].output, o["suggest"].output
    if search is None and suggest is None:
        return None
    sentences, columns, rows = [], [], []
    if search is not None and isinstance(search.data, SearchDemandData):
        d = search.data
        sentences.append(f"Its words appear in {count(d.catalog_titles)} of {count(d.corpus_titles)} catalog titles and {count(d.queries)} of {count(d.corpus_queries)} "
                         "logged search queries (read from the source files: the search index is not built yet).")
        if d.top_queries:
            sentences.append("The most frequent matching queries: " + ", ".join(f"“{q.query}” ({count(q.count)})" for q in d.top_queries[:4]) + ".")
        columns = ["Word", "Catalog titles", "Logged queries"]
        rows = [TableRow(cells=[t.term, count(t.catalog_titles), count(t.queries)]) for t in d.terms]
    elif search is not None:
        sentences.append(f"The catalog already answers the product's words with {count(len(search.data.results))} products.")
        columns = ["Closest catalog products"]
        rows = [TableRow(cells=[r.title]) for r in search.data.results[:6]]
    if suggest is not None:
        d = suggest.data
        texts = [c.text for c in d.completions] if isinstance(d, LogCompletionsData) else [s.text for s in d.suggestions]
        sentences.append(f"Searches starting with “{getattr(d, 'prefix', '')}”: " + ", ".join(texts[:4]) + "." if texts
                         else f"No logged search starts with “{getattr(d, 'prefix', '')}”: people do not search for it yet.")
    return ReadoutSection(key="search", title="Search demand", sentences=sentences[:3], columns=columns, rows=rows,
                          sources=[k for k in ("search", "suggest") if o[k].output is not None])


# --- what could not be answered -------------------------------------------------------------------

FIXES = {"hype": "Import posts about the product or its comparables (`caeser posts import FILE --subject NAME`), then ask again.",
         "affinity": "Give tags the surveys name (e.g. a genre or category), or ask for an audience the surveys asked.",
         "forecast": "Provide the sales history (`caeser data`) or ask again: the analog index is built on first use.",
         "persona": "Ask again; check the price and regions given.",
         "cadence": "Run `caeser build` to index the catalog and the query log."}
TIMEOUT_FIX = "Ask again shortly (it goes on in the background), or run `caeser build` ahead of time."
ENGINE_NAMES = {"hype": "Hype", "affinity": "Audience comparison", "forecast": "Demand forecast", "persona": "Launch simulation", "cadence": "Search demand"}


def gaps(o: dict[str, Outcome]) -> list[Gap]:
    """Missing calls grouped by engine and reason: four age bands with the same reason are one line."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for key, v in o.items():
        if v.output is None:
            reason = _first_sentence(v.section.reason or "no answer")
            if "time budget" in reason:  # one line for every engine that ran out of time: the same cause, the same fix
                grouped.setdefault(("late", reason.split(";")[0]), []).append(_what(key, v))
            else:
                grouped.setdefault((v.section.engine, _generic(reason)), []).append(_what(key, v))
    out = []
    for (engine, reason), whats in grouped.items():
        fix = TIMEOUT_FIX if engine == "late" else FIXES.get(engine, "")
        out.append(Gap(engine="Not in time" if engine == "late" else ENGINE_NAMES.get(engine, engine), what=f"{', '.join(whats)}: {reason}.", fix=fix))
    return out


def _what(key: str, v: Outcome) -> str:
    if key.startswith("segment:"):
        return key.removeprefix("segment:")
    if key.startswith("comparable:"):
        return f"comparable “{key.removeprefix('comparable:')}”"
    return {"hype": "the product's hype", "affinity": "audience affinity", "forecast": "the demand forecast", "persona": "the launch simulation",
            "search": "catalog search", "suggest": "search suggestions"}.get(key, key)


def _generic(reason: str) -> str:
    """A reason without what differs between the calls (the subject, the age band), so alike reasons group."""
    reason = re.sub(r"“[^”]*”", "it", reason)
    reason = re.sub(r"people aged \d+[–-]\d+", "people of that age", reason)
    return re.sub(r"\s*\(audience \d+\)", "", reason)


def _first_sentence(text: str) -> str:
    head = text.split(". ")[0].rstrip(".")
    return head if len(head) <= 160 else head[:159] + "…"
