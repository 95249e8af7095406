"""The launch plan: recommendations written from the engines' figures by templates.

Every recommendation carries its evidence (engine, result_id, figure, value), so a reader — or the
JSON export — can trace each number to the stored sub-result and the inputs behind it. No LLM runs
here: with an LLM configured the agent rewrites the narrative from these same figures.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from engines.hype.score import MIN_POSTS
from tools.forecast.demand import peak_window
from tools.formatting import counted
from tools.launch.engines import Figure, Outcome, Section
from tools.launch.search import LogCompletionsData, SearchDemandData

WEAK_READING = 0.45  # the tools' default match floor: a name read below it is a weak reading


NEGATIVE_RISK = 0.3  # share of negative posts worth a warning (on at least MIN_POSTS posts: two angry tweets are not a trend)
TIE = 0.01  # revenue gap under which two options are reported as equal, not as a winner


class Evidence(BaseModel):
    section: str = Field(description="Key of the readout section the figure comes from; its `arguments` are the inputs behind it.")
    engine: str
    tool: str
    result_id: str = Field(description="Stored sub-result ('' for tools whose results are not stored, e.g. suggest_queries).")
    figure: str
    value: Figure


class Recommendation(BaseModel):
    topic: str = Field(description="segments, channels, timing, price, regions, search_terms or risks.")
    text: str
    evidence: list[Evidence]


class SegmentRank(BaseModel):
    segment: str
    affinity_lift: float | None = Field(description="Mean lift of the product's tags in the segment (1 = like everyone); None = no affinity data.")
    adoption: float = Field(description="Share of the segment who bought in the best simulated scenario.")
    score: float = Field(description="affinity_lift × adoption (adoption alone without affinity data; such segments rank last).")


def ev(section: Section, figure: str, value: Figure) -> Evidence:
    return Evidence(section=section.key, engine=section.engine, tool=section.tool, result_id=section.result_id, figure=figure, value=value)


def rank_segments(lifts: dict[str, float], adoption: dict[str, float]) -> list[SegmentRank]:
    """Segments by affinity × simulated adoption: the people who both like the product's tags and
    buy in the simulation. Segments with no affinity data for the tags come after every segment
    that has some (ranked among themselves by adoption): a missing lift is no evidence, and
    counting it as 1 would put unmeasured segments above measured ones whose lift is below 1."""
    rows = [SegmentRank(segment=s, affinity_lift=lifts.get(s), adoption=a, score=round(a * lifts.get(s, 1.0), 6)) for s, a in adoption.items()]
    return sorted(rows, key=lambda r: (r.affinity_lift is None, -r.score))


def mean_lift(data: Any) -> float | None:
    """compare_audiences of [segment, everyone] → the segment's mean lift over the product's tags."""
    values = [row[0] for row in data.lift if row[0] is not None]
    return round(sum(values) / len(values), 4) if values else None


def weak_reading(affinity: Outcome) -> str:
    """"“Cyberpunk” as Punk, “Sneakers” as Dance; cosine 0.34–0.40" when the product's words were read
    as survey items below WEAK_READING, else ""."""
    if affinity.output is None:
        return ""
    cosines = [float(c) for c in re.findall(r"cosine ([0-9.]+)", "; ".join(affinity.output.data.seeds_read))]
    if not cosines or min(cosines) >= WEAK_READING:
        return ""
    pairs = ", ".join(f"“{k}” as {v}" for k, v in affinity.output.data.seeds_matched.items())
    return f"{pairs}; cosine {min(cosines):.2f}–{max(cosines):.2f}"


def segments_rec(persona: Outcome, segments: dict[str, Outcome], within: set[str] | None = None, weak: str = "") -> tuple[Recommendation | None, list[SegmentRank]]:
    """Persona segments (age bands) ranked by affinity × adoption; `segments` maps a band label
    ("age 18–24") to its compare_audiences outcome; `within` keeps only the bands of the asked audience.
    With a weak reading of the product (`weak`, from `weak_reading`) the tastes measured are those of
    whatever the words were read as ('scented' as Smoking), so segments rank by adoption alone."""
    if persona.output is None:
        return None, []
    adoption = {s.segment: s.adoption for s in persona.output.data.segments if s.segment.startswith("age ") and (within is None or s.segment in within)}
    lifts = {} if weak else {k: v for k, o in segments.items() if o.output is not None and (v := mean_lift(o.output.data)) is not None}
    ranked = rank_segments(lifts, adoption)
    top = ranked[:2]
    parts = [f"{r.segment} (adoption {r.adoption:.1%}" + (f", tag lift {r.affinity_lift:.2f})" if r.affinity_lift is not None else ")") for r in top]
    evidence = [ev(persona.section, f"adoption[{r.segment}]", r.adoption) for r in top]
    evidence += [ev(segments[r.segment].section, "mean_lift", r.affinity_lift) for r in top if r.affinity_lift is not None]
    basis = ("affinity × simulated adoption" if lifts else f"simulated adoption (the product's name was read too weakly for affinity: {weak})" if weak
             else "simulated adoption (no affinity data for the tags)")
    return Recommendation(topic="segments", text=f"Target {' and '.join(parts)} first — ranked by {basis}.", evidence=evidence), ranked


def _best_by(scenarios: list[Any], attr: str) -> dict[Any, Any]:
    """For each value of `attr` (price, region, channel, start), its best scenario by revenue."""
    best: dict[Any, Any] = {}
    for s in scenarios:
        key = getattr(s, attr)
        if key not in best or s.revenue > best[key].revenue:
            best[key] = s
    return best


def grid_recs(persona: Outcome) -> list[Recommendation]:
    """Price, channel, timing and region from the what-if grid: each value judged by its best scenario."""
    if persona.output is None:
        return []
    d = persona.output.data
    sec = persona.section
    recs: list[Recommendation] = []
    for attr, topic, fmt in (("price", "price", "${:,.0f}"), ("channel", "channels", "{}"), ("start", "timing", "{:%b %Y}"), ("region", "regions", "{}")):
        ranked = sorted(_best_by(d.scenarios, attr).values(), key=lambda s: -s.revenue)
        if len(ranked) < 2 and topic != "price":
            continue
        top = ranked[0]
        order = ", ".join(f"{fmt.format(getattr(s, attr))} (${s.revenue:,.0f}, adoption {s.adoption:.2%})" for s in ranked)
        runner = ranked[1] if len(ranked) > 1 else None
        if runner is not None and top.revenue - runner.revenue <= TIE * top.revenue:
            lead = f"{fmt.format(getattr(top, attr))} and {fmt.format(getattr(runner, attr))} do alike (within {TIE:.0%} of revenue)"
        else:
            lead = f"{fmt.format(getattr(top, attr))} leads on simulated revenue"
        text = f"{topic.capitalize()}: {lead} — {order}."
        if topic == "timing":
            text += f" Its adoption peaks in launch week {top.peak_week}."
        evidence = [ev(sec, f"scenario[{s.label}].revenue", s.revenue) for s in ranked[:3]] + [ev(sec, f"scenario[{top.label}].adoption", top.adoption)]
        recs.append(Recommendation(topic=topic, text=text, evidence=evidence))
    return recs


def forecast_rec(forecast: Outcome) -> Recommendation | None:
    if forecast.output is None:
        return None
    d = forecast.output.data
    p = d.peak
    text = (f"Timing: analog launches put demand at about {d.total:,.0f} units over {counted(d.horizon, 'week')}, peaking {counted(p.time_to_peak, 'week')} "
            f"after launch (window {peak_window(p)}): have stock and spend ready for that window.")
    sec = forecast.section
    return Recommendation(topic="timing", text=text, evidence=[ev(sec, "total_units", d.total), ev(sec, "time_to_peak_weeks", p.time_to_peak),
                                                             ev(sec, "peak_period", p.peak_period.isoformat())])


def about_product(query: str, tags: list[str]) -> bool:
    """Whether a logged query or completion is about the product: it holds two of the product's words
    (all of them when it has one), or the name's last word — what the product is ("ring", "kit").
    A completion of another single word is not ("smart ring" → "smart guru", "nimbus e-bike" →
    "nimbus printed round", "vitamin c serum" → "vitamins sleeveless embellished baby"), nor a
    typo-tolerant one ("matcha" → "match attax")."""
    words = [w.lower() for t in tags for w in t.split()]
    said = set(query.lower().split())
    return len(set(words) & said) >= min(2, len(set(words))) or bool(words) and words[-1] in said


def search_rec(tags: list[str], search: Outcome, suggest: Outcome) -> Recommendation | None:
    """Terms to seed search and ads with, and how much the catalog already covers the product's
    words — from CADENCE when built, else from the raw catalog titles and query log (the text says which)."""
    terms: list[str] = []
    evidence: list[Evidence] = []
    if suggest.output is not None:
        d = suggest.output.data
        for text, figure, value in ([(c.text, f"completion[{c.text}].count", c.count) for c in d.completions[:5]] if isinstance(d, LogCompletionsData)
                                    else [(s.text, f"suggestion[{s.text}].score", s.score) for s in d.suggestions[:5]]):
            if not about_product(text, tags):
                continue
            terms.append(text)
            evidence.append(ev(suggest.section, figure, value))
    cover = ""
    if search.output is not None:
        d, sec = search.output.data, search.section
        if isinstance(d, SearchDemandData):
            for q in d.top_queries[:5]:
                terms.append(q.query)
                evidence.append(ev(sec, f"query[{q.query}].count", q.count))
            evidence += [ev(sec, "catalog_titles", d.catalog_titles), ev(sec, "queries", d.queries)]
            cover = (f"; its words appear in {d.catalog_titles:,} of {d.corpus_titles:,} catalog titles and {d.queries:,} of {d.corpus_queries:,} logged queries "
                     f"(read from the data dir: CADENCE is not built)")
        else:
            evidence.append(ev(sec, "catalog_matches", len(d.results)))
            cover = f"; the catalog already answers the product's terms with {len(d.results)} products"
    if not evidence:
        return None
    terms = list(dict.fromkeys(terms + [t.lower() for t in tags]))[:8]
    return Recommendation(topic="search_terms", text=f"Seed search and ads with: {', '.join(terms)}{cover}.", evidence=evidence)


def risk_recs(hypes: list[Outcome]) -> list[Recommendation]:
    """Negative sentiment and bot-like hype in the product's or its comparables' posts."""
    recs: list[Recommendation] = []
    for o in hypes:
        if o.output is None:
            continue
        d = o.output.data
        s = o.section
        if d.posts >= MIN_POSTS and d.sentiment.negative_share >= NEGATIVE_RISK:
            recs.append(Recommendation(topic="risks", text=f"{d.subject}: {d.sentiment.negative_share:.0%} of posts are negative — address their complaints in launch messaging.",
                                       evidence=[ev(s, "negative_share", d.sentiment.negative_share), ev(s, "posts", d.posts)]))
        for a in d.anomalies:
            if a.kind == "bot_burst":
                recs.append(Recommendation(topic="risks", text=f"{d.subject}: {a.message} — discount this hype.", evidence=[ev(s, "anomaly", a.kind), ev(s, "hype_score", d.score)]))
    return recs

