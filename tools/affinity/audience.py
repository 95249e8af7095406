"""Affinity tools: what an audience likes, and how audiences differ.

`audience_affinity` asks Qloo when `QLOO_API_KEY` is set and the domain is one Qloo ranks (artists,
films, brands…), and the local taste model (`engines.affinity`) otherwise or whenever Qloo fails;
`source` always says which answered and why. `compare_audiences` uses the local surveys, whose
counts give every cell an interval. Formulas: `docs/affinity.md`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from engines.affinity.audience import DRINKS, HABITS, MIN_RESPONDENTS, SourceNote, coverage, known_domains, local_affinity, resolve_domain
from engines.affinity.drinks import countries_in, drinks_affinity
from engines.affinity.qloo import QlooClient, QlooError, QlooUnknownLocation
from engines.affinity.surveys import GENERAL_INTEREST_ITEMS, Survey
from engines.affinity.tags import DEFAULT_THRESHOLD, CatalogItem, TagMatch, match_tags
from engines.affinity.taste import Segment, segment_affinity, segment_mask
from memory.affinity_sources import AffinitySources, co_love, load_affinity_sources
from memory.artifacts import cached_arrays, fingerprint
from memory.imports.own_surveys import own_surveys
from tools.affinity.chart import heatmap
from tools.affinity.qloo import QLOO_DOMAINS, qloo_affinity, qloo_client, run_sync
from tools.base import Chart, ToolContext, ToolError, ToolOutput
from tools.formatting import counted
from tools.registry import register
from tools.schemas import Audience, StrictInput

DRINKS_TITLE = "FiveThirtyEight/WHO drinks by country (2010)"


def _local_source(titles: list[str], seeded: bool = False) -> str:
    """The method behind the figures: with seeds, `engines.affinity.taste`'s seeded affinity (formula 3,
    Gaussian taste, blended with formula 4, co-love); without, the segment's smoothed share and lift (formula 1)."""
    how = "Gaussian taste blended with co-love, given the seeds" if seeded else "smoothed share and lift over survey respondents"
    return f"local taste model ({how}) on " + "; ".join(titles)


class AudienceAffinityInput(StrictInput):
    audience: Audience = Field(default_factory=Audience, description="Who to rank for; an empty audience is everyone.", examples=[{"region": "North America", "age_max": 34}])
    domain: str | None = Field(default=None, description="What kind of things to rank: music, film, food, brands, hobbies, drinks…; unset = all.", examples=["music"])
    seeds: list[str] = Field(default_factory=list, max_length=20, description="Tags or entities the answer should relate to, e.g. 'sneakers', 'cyberpunk'.", examples=[["sneakers"]])
    take: int = Field(default=10, ge=1, le=50, description="How many items to return (1–50).", examples=[10])
    match_floor: float = Field(default=DEFAULT_THRESHOLD, ge=0.2, le=1.0, description="Cosine under which a seed read by meaning matches no survey item.", examples=[0.45])
    partial_match: bool = Field(default=False, description="Leave out seeds that match no survey item, and say so, instead of refusing (at least one must match).", examples=[False])


class CompareAudiencesInput(StrictInput):
    items: list[str] = Field(min_length=1, max_length=30, description="Tags or entities to compare across audiences.", examples=[["sneakers", "vinyl"]])
    audiences: list[Audience] = Field(min_length=2, max_length=8, description="Two to eight audiences to compare, each like `audience_affinity`'s.", examples=[[{"age_max": 34}, {"age_min": 55}]])
    match_floor: float = Field(default=DEFAULT_THRESHOLD, ge=0.2, le=1.0, description="Cosine under which an item read by meaning matches no survey item.", examples=[0.45])
    partial_match: bool = Field(default=False, description="Leave out items that match no survey item, and say so, instead of refusing (at least one must match).", examples=[False])


class AffinityItem(BaseModel):
    item: str
    domain: str
    source: str = Field(description="Which dataset (or 'qloo') ranked it.")
    affinity: float = Field(description="Local: share of the audience who love it (0–1). Qloo: query.affinity (0–1).")
    affinity_low: float | None = None
    affinity_high: float | None = None
    lift: float | None = Field(default=None, description="Affinity over the population's (1 = like everyone).")
    lift_low: float | None = None
    lift_high: float | None = None
    respondents: int | None = Field(default=None, description="Respondents (countries for drinks) behind the figure.")
    popularity: float | None = Field(default=None, description="Qloo popularity percentile (0–1).")


class AudienceAffinityData(BaseModel):
    audience: str
    domain: str | None
    items: list[AffinityItem]
    answered_by: list[str] = Field(default_factory=list, description="Sources that answered, with their basis.")
    not_answered_by: list[str] = Field(default_factory=list, description="Sources that could not answer this audience, and why.")
    seeds_matched: dict[str, str] = Field(default_factory=dict, description="Seed text → the item it was read as.")
    seeds_read: list[str] = Field(default_factory=list, description="How each seed was read: by name, or by meaning with its cosine.")


class AudienceAffinityOutput(ToolOutput):
    data: AudienceAffinityData


class CompareAudiencesData(BaseModel):
    items: list[str]
    audiences: list[str]
    affinity: list[list[float | None]] = Field(description="items × audiences: share who love it.")
    lift: list[list[float | None]] = Field(description="items × audiences: lift over everyone.")
    differences: list[str] = Field(description="The biggest gaps, in words.")
    items_matched: dict[str, str] = Field(default_factory=dict)
    respondents: list[int] = Field(default_factory=list, description="Survey respondents behind each audience's figures.")


class CompareAudiencesOutput(ToolOutput):
    data: CompareAudiencesData


def _segment(audience: Audience) -> Segment:
    return Segment(audience.region, audience.age_min, audience.age_max, audience.gender)


def _sources(ctx: ToolContext, domain: str | None = None) -> AffinitySources:
    """The owner's imported surveys when they have any that hold `domain` (any domain when unset),
    else the shared surveys: a team's own respondents answer before public samples do."""
    own = own_surveys(ctx.settings, ctx.owner)
    if own and (domain is None or resolve_domain(domain, known_domains(list(own.values()), False))):
        return AffinitySources(own, None, ())
    sources = load_affinity_sources(Path(ctx.settings.data_dir))
    if not sources.surveys:
        raise ToolError("not_available", "The local taste model has no survey data: " + " ".join(sources.missing))
    return sources


def _catalog(sources: AffinitySources) -> list[CatalogItem]:
    return [CatalogItem(s.name, i, row.label, row.domain, row.text) for s in sources.surveys.values() for i, row in enumerate(s.items.itertuples())]


_VECTORS: dict[tuple[str, str], np.ndarray] = {}  # (embedding model, text) → unit vector: item texts never change


def _embed(ctx: ToolContext, texts: list[str]) -> np.ndarray:
    from memory.embeddings import embed_texts  # heavy: only when a tag is not a name we hold

    model = ctx.settings.embedding_model
    new = [t for t in dict.fromkeys(texts) if (model, t) not in _VECTORS]
    if new:
        _VECTORS.update({(model, t): v for t, v in zip(new, embed_texts(ctx.settings, new), strict=True)})
    return np.array([_VECTORS[(model, t)] for t in texts])


def _remember_items(ctx: ToolContext, texts: list[str]) -> None:
    """Put the survey items' vectors in the in-process cache, from a file under CAESER_HOME keyed
    by the model and the texts: encoding the ~160 item texts costs seconds in every new process,
    reading them back milliseconds."""
    from memory.embeddings import embedding_model_info

    model = ctx.settings.embedding_model
    if all((model, t) in _VECTORS for t in texts):
        return
    info = embedding_model_info(ctx.settings)
    path = ctx.settings.models_dir / f"affinity-items-{fingerprint(info.name, str(info.dim), info.path or '', *texts)}.npz"
    vectors = cached_arrays(path, lambda: {"vectors": _embed(ctx, texts)}, required=("vectors",))["vectors"]
    if len(vectors) == len(texts):
        _VECTORS.update({(model, t): v for t, v in zip(texts, vectors)})


def _match_any(tags: list[str], sources: AffinitySources, ctx: ToolContext, floor: float) -> tuple[list[TagMatch], dict[str, list[str]]]:
    catalog = _catalog(sources)

    def embed(texts: list[str]) -> np.ndarray:
        _remember_items(ctx, sorted({it.text for it in catalog}))
        return _embed(ctx, texts)

    return match_tags(tags, catalog, embed, threshold=floor, strict_domains=HABITS)


def survey_item_for(text: str, ctx: ToolContext, floor: float = DEFAULT_THRESHOLD) -> TagMatch | None:
    """The survey item a free text (a product) means, by name or by meaning ≥ `floor`, or None:
    how the persona tools read a product as a category whose fans buy it more readily."""
    matches, _ = _match_any([text], _sources(ctx), ctx, floor)
    return matches[0] if matches else None


def _match(tags: list[str], sources: AffinitySources, ctx: ToolContext, field: str, floor: float, partial: bool = False) -> tuple[list[TagMatch], str]:
    """Tags → items; a tag that means nothing we hold is an error naming the closest items, or with
    `partial` (some matched) left out and named in the returned sentence."""
    matches, unmatched = _match_any(tags, sources, ctx, floor)
    if unmatched and not (partial and matches):
        closest = sorted({label for labels in unmatched.values() for label in labels})
        raise ToolError("not_found", f"No good match for {', '.join(map(repr, unmatched))} in the local surveys (no item reaches cosine {floor:.2f}), so I won't answer about something else.",
                        field=field, options=closest)
    return matches, (f" Left out, nothing close in the surveys: {', '.join(map(repr, unmatched))}." if unmatched else "")


def _reading(m: TagMatch) -> str:
    return f"'{m.tag}' as {m.item.label} (cosine {m.score:.2f})" if m.how == "meaning" else f"'{m.tag}' as {m.item.label} (by name)"


def _readings(matches: list[TagMatch]) -> str:
    """Say how free text was read when it was matched by meaning, so a wrong reading is visible."""
    read = [_reading(m) for m in matches if m.how == "meaning"]
    return f" Read {', '.join(read)}." if read else ""


def _rows_to_items(rows: pd.DataFrame, take: int) -> list[AffinityItem]:
    def opt(value: object) -> float | None:
        return None if value is None or pd.isna(value) else round(float(value), 4)

    return [AffinityItem(item=r.label, domain=r.domain, source=r.source, affinity=round(float(r.affinity), 4), affinity_low=opt(r.affinity_low),
                         affinity_high=opt(r.affinity_high), lift=opt(r.lift), lift_low=opt(r.lift_low), lift_high=opt(r.lift_high), respondents=int(r.respondents))
            for r in rows.head(take).itertuples()]


def _who(audience: Audience) -> str:
    """A label that reads as a subject: "people in Pacific", "women aged 18–34", "everyone"."""
    label = audience.label()
    return f"people {label}" if label.startswith(("in ", "aged ", "under ")) else label


def _notes_text(notes: list[SourceNote], answered: bool) -> list[str]:
    return [f"{n.source}: {n.reason}" for n in notes if n.answered == answered]


def _skipped_sentence(notes: list[SourceNote], sources: AffinitySources) -> str:
    """" Not answered by A and B (none of their items matches the seeds)." — sources that share a
    reason are named once together, by their titles."""
    by_reason: dict[str, list[str]] = {}
    for n in notes:
        if not n.answered:
            by_reason.setdefault(n.reason, []).append(sources.surveys[n.source].title if n.source in sources.surveys else DRINKS_TITLE)
    parts = [f"{' and '.join(titles) if len(titles) < 3 else ', '.join(titles[:-1]) + ' and ' + titles[-1]} ({reason})" for reason, titles in by_reason.items()]
    return f" Not answered by {'; '.join(parts)}." if parts else ""


@register("audience_affinity", engine="affinity", input_model=AudienceAffinityInput, output_model=AudienceAffinityOutput, description="""
What an audience (region, age band, gender) likes in a domain, ranked with affinity scores, lift over
the population and an interval. Use for "what do under-35s in North America love?" or "how will X do with women 55+?".
""")
def audience_affinity(inp: AudienceAffinityInput, ctx: ToolContext) -> AudienceAffinityOutput:
    qloo_note = ""
    entity_type = QLOO_DOMAINS.get((inp.domain or "").strip().lower())
    client = qloo_client(ctx.settings)
    if client is not None and entity_type is not None:
        try:
            return _from_qloo(inp, client, entity_type)
        except QlooUnknownLocation as exc:
            raise ToolError("invalid_argument", f"{exc}; try a country or city name.", field="audience.region") from None
        except QlooError as exc:
            qloo_note = f" Qloo could not answer ({exc}); this is the local taste model's answer."
    return _from_local(inp, ctx, qloo_note)


def _from_qloo(inp: AudienceAffinityInput, client: QlooClient, entity_type: str) -> AudienceAffinityOutput:
    entities, unresolved = run_sync(qloo_affinity(client, entity_type, inp.audience, inp.seeds, inp.take))
    items = [AffinityItem(item=e.name, domain=entity_type, source="qloo", affinity=e.query.affinity or 0.0, popularity=e.popularity) for e in entities]
    label = _who(inp.audience)
    top = ", ".join(f"{i.item} ({i.affinity:.2f})" for i in items[:5]) or "nothing"
    extra = f" Seeds Qloo has no tag or entity for (not used): {', '.join(unresolved)}." if unresolved else ""
    data = AudienceAffinityData(audience=label, domain=inp.domain, items=items, answered_by=["qloo"])
    return AudienceAffinityOutput(summary=f"Qloo's top {entity_type.replace('_', ' ')}s for {label}: {top}.{extra}", data=data, source="Qloo Insights API v2 (/v2/insights)")


#: Domains only Qloo holds, and the local domain that answers the nearest question (said so in the
#: answer): brand names need Qloo, while the survey asks how much people spend on branded clothing,
#: looks and gadgets.
LOCAL_STANDINS = {"brands": "spending", "brand": "spending", "labels": "spending", "fashion": "spending"}


def _local_domain(inp: AudienceAffinityInput, sources: AffinitySources, qloo_note: str) -> tuple[str | None, str]:
    """The local domain that answers, and a sentence when it stands in for the one asked."""
    if inp.domain is None:
        return None, ""
    known = known_domains(list(sources.surveys.values()), sources.drinks is not None)
    domain = resolve_domain(inp.domain, known)
    asked = inp.domain.strip().lower()
    if domain is None and LOCAL_STANDINS.get(asked) in known:
        need = "comes from Qloo, which could not answer" if qloo_note else "needs Qloo (set QLOO_API_KEY)"
        return LOCAL_STANDINS[asked], f"Affinity to named {asked} {need}; the local surveys ask about {LOCAL_STANDINS[asked]} habits instead, so this is the nearest answer they hold. "
    if domain is None and qloo_note:
        raise ToolError("upstream_error", f"{qloo_note.strip().split(';')[0]}, and the local taste model has no {inp.domain!r} data.", field="domain", options=known)
    if domain is None:
        hint = " It needs Qloo: set QLOO_API_KEY." if asked in QLOO_DOMAINS else ""
        raise ToolError("invalid_argument", f"Unknown domain {inp.domain!r} for the local taste model.{hint}", field="domain", options=known)
    return domain, ""


def _phrase(item: AffinityItem) -> str:
    """"Rock (34% love it, lift 0.98)"; drinks are shares of servings, not of people."""
    share = "of servings" if item.source == "drinks" else "love it"
    return f"{item.item} ({item.affinity:.0%} {share}, lift {item.lift:.2f})"


def _from_local(inp: AudienceAffinityInput, ctx: ToolContext, qloo_note: str) -> AudienceAffinityOutput:
    sources = _sources(ctx, inp.domain)
    domain, standin = _local_domain(inp, sources, qloo_note)
    # drinks are servings per person by country, not respondents' tastes: nobody there is a fan of a seed
    by_country = domain == DRINKS and bool(inp.seeds)
    left_out = ""
    if standin and inp.seeds and not by_country:
        # the seeds were words about brands ("beauty"): matched where they can be, else the stand-in
        # domain's ranking alone, with what was not matched said
        matches, unmatched = _match_any(inp.seeds, sources, ctx, inp.match_floor)
        if unmatched:
            standin += f"Nothing in them is close to {', '.join(map(repr, unmatched))} (closest: {', '.join(sorted({l for ls in unmatched.values() for l in ls}))}). "
    else:
        matches, left_out = _match(inp.seeds, sources, ctx, "seeds", inp.match_floor, inp.partial_match) if inp.seeds and not by_country else ([], "")
    seeds: dict[str, list[int]] = {}
    for m in matches:
        seeds.setdefault(m.item.survey, []).append(m.item.index)
    rows, notes = local_affinity(list(sources.surveys.values()), _segment(inp.audience), domain, seeds, drinks=sources.drinks, co_love=co_love)
    label = _who(inp.audience)
    region_note = ""
    a = inp.audience
    if rows.empty and domain == DRINKS and a.region and (a.age_min or a.age_max or a.gender):
        # drinks are country averages: the place's figures, said to be everyone's there
        everyone = a.model_copy(update={"age_min": None, "age_max": None, "gender": None})
        rows, there = local_affinity(list(sources.surveys.values()), _segment(everyone), domain, seeds, drinks=sources.drinks, co_love=co_love)
        if not rows.empty:
            region_note = f"Drinks are country averages (servings per person), so this is everyone in {a.region}, not only {label}. "
            label, notes = _who(everyone), there
    if rows.empty and inp.audience.region:
        # No survey has respondents in the asked region: the same age band and gender elsewhere is
        # the closest evidence the local model holds. Said first in the answer, never silently.
        anywhere = inp.audience.model_copy(update={"region": None})
        rows, elsewhere = local_affinity(list(sources.surveys.values()), _segment(anywhere), domain, seeds, drinks=sources.drinks, co_love=co_love)
        if not rows.empty:
            used = "; ".join(coverage(sources.surveys[n.source]) for n in elsewhere if n.answered and n.source in sources.surveys)
            where = f"No survey that asks about {', '.join(sorted({m.item.label for m in matches}))} has respondents in {inp.audience.region}" if matches \
                else f"No respondents in {inp.audience.region} in the local surveys"
            region_note = (f"{where}, so this is {_who(anywhere)} in {used or 'other countries'} "
                           f"— not {inp.audience.region}; set QLOO_API_KEY for {inp.audience.region} data. ")
            label, notes = _who(anywhere), elsewhere
    if rows.empty:
        asking = [coverage(sources.surveys[n.source]) for n in notes if n.source in sources.surveys]
        why = (f"{domain or 'this'} is asked only in {'; '.join(asking)}, and too few of its respondents are {label}" if asking and domain
               else "; ".join(_notes_text(notes, False)) or f"no local source holds the domain {domain!r}")
        raise ToolError("not_found", f"No local source can answer for {label}{' in ' + domain if domain else ''}: {why}. Set QLOO_API_KEY for this audience's "
                        f"{domain or 'tastes'}, or ask about a domain the US surveys hold (food, star wars, thanksgiving, lifestyle).", field="audience")
    items = _rows_to_items(rows, inp.take)
    general = [i for i in items if i.item in GENERAL_INTEREST_ITEMS and domain]  # "Music" in music: said as interest in the domain
    choices = rows[(rows["respondents"] > 0) & ~rows["label"].isin([i.item for i in general])]
    distinctive = choices.sort_values("lift", ascending=False).head(3)
    top = ", ".join([_phrase(i) for i in items if i not in general][:5])
    answering = {n.source for n in notes if n.answered}
    used = [m for m in matches if m.item.survey in answering]  # a seed only steers the survey that asks it
    if used:
        label = f"{'people' if label == 'everyone' else label} who love {', '.join(m.item.label for m in used)}"
    unused = [m for m in matches if m.item.survey not in answering]
    unused_note = (f" Not used: {', '.join(m.item.label for m in unused)} — only asked in a survey with too few of these people, "
                   "so this ranking does not know who loves it." if unused else "")
    at_all = f" ({general[0].affinity:.0%} love {domain} at all)" if general else ""
    # everyone's lift is 1 by definition: "most distinctive" would list the top items again at ×1.00
    stands_out = "" if label == "everyone" else f" Most distinctive: {', '.join(f'{r.label} (×{r.lift:.2f})' for r in distinctive.itertuples())}."
    summary = (f"{standin}{region_note}What {label} {'loves' if label == 'everyone' else 'love'}{' in ' + domain + at_all if domain else ''}: {top}."
               f"{stands_out}{unused_note}{left_out}")
    skipped = _notes_text(notes, False)
    summary += _skipped_sentence(notes, sources)
    if by_country:
        held = [seed for seed in inp.seeds if seed.strip().lower() in DRINK_WORDS]
        others = [seed for seed in inp.seeds if seed not in held]
        summary += (f" Drinks data are servings per person by country, not people's tastes, so {', '.join(held)} is ranked among them, not used to find fans." if held else "")
        summary += f" The drinks table holds beer, wine and spirits only: nothing on {', '.join(others)}." if others else ""
    data = AudienceAffinityData(audience=label, domain=domain, items=items, answered_by=_notes_text(notes, True), not_answered_by=skipped,
                                seeds_matched={m.tag: m.item.label for m in matches}, seeds_read=[_reading(m) for m in matches])
    used = [sources.surveys[n.source].title if n.source in sources.surveys else DRINKS_TITLE for n in notes if n.answered]
    return AudienceAffinityOutput(summary=summary + _readings(matches) + qloo_note, data=data, source=_local_source(used, seeded=any(seeds.values())) + ("; Qloo unavailable" if qloo_note else ""))


@register("compare_audiences", engine="affinity", input_model=CompareAudiencesInput, output_model=CompareAudiencesOutput, description="""
How several audiences differ on a set of tags or entities: a matrix of affinities (heatmap) and the
biggest differences in words. Use for "compare Gen Z and boomers on streetwear and vinyl".
""")
def compare_audiences(inp: CompareAudiencesInput, ctx: ToolContext) -> CompareAudiencesOutput:
    labels = [_who(a) for a in inp.audiences]
    duplicates = sorted({l for l in labels if labels.count(l) > 1})
    if duplicates:
        raise ToolError("invalid_argument", f"The audiences must differ; {', '.join(duplicates)} appears more than once.", field="audiences")
    sources = _sources(ctx)
    by_country = _compare_drinks(inp, labels, sources, ctx)
    if by_country is not None:
        return by_country
    found, partly = _match(inp.items, sources, ctx, "items", inp.match_floor, inp.partial_match)
    matches = list({m.item: m for m in found}.values())  # one row per item
    audiences, region_note = inp.audiences, ""
    held = "; ".join(coverage(sources.surveys[s]) for s in sorted({m.item.survey for m in matches}))  # what the surveys holding the items cover
    regions = {a.region for a in audiences}
    if len(regions) == 1 and None not in regions and not any(_answers(sources, matches, a) for a in audiences):
        # The region is not what is compared and no survey holding the items has anyone there: the
        # same comparison elsewhere is the closest evidence, said first, as audience_affinity does.
        region = regions.pop()
        audiences = [a.model_copy(update={"region": None}) for a in audiences]
        labels = [_who(a) for a in audiences]
        region_note = f"No survey holding these items has respondents in {region}, so this compares them in {held} — not {region}; set QLOO_API_KEY for {region} data. "
    answers = [_answers(sources, matches, a) for a in audiences]
    unanswered = [j for j, found in enumerate(answers) if not found]
    left_out = ""
    if unanswered and len(audiences) - len(unanswered) >= 2:
        # "which age groups love rock?": the bands the surveys hold are compared, the others named
        left_out = f" Left out, no respondents in {held}: {', '.join(labels[j] for j in unanswered)}."
        audiences, labels, answers = ([x[j] for j in range(len(x)) if j not in unanswered] for x in (audiences, labels, answers))
    elif unanswered:
        j = unanswered[0]
        raise ToolError("not_found", f"No survey holding these items has respondents who are {labels[j]} (audience {j + 1}). The surveys cover: {held}. Set QLOO_API_KEY to compare audiences outside them.", field=f"audiences.{j}")
    affinity = np.full((len(matches), len(audiences)), np.nan)
    lift = affinity.copy()
    respondents = [0] * len(audiences)
    narrower: list[str] = []
    for j, (audience, answering) in enumerate(zip(audiences, answers)):
        for survey, mask in answering:
            respondents[j] += int(mask.sum())
            narrower += _ages_covered(labels[j], audience, survey, mask)
            table = segment_affinity(survey, mask)
            for i, m in enumerate(matches):
                if m.item.survey == survey.name:
                    affinity[i, j], lift[i, j] = table.loc[m.item.index, ["affinity", "lift"]]
    rows = [m.item.label for m in matches]
    differences = _differences(rows, labels, affinity, lift)
    path = heatmap(lift, affinity, rows, labels, ctx.charts_dir / f"compare-{hashlib.sha1(repr((rows, labels)).encode()).hexdigest()[:12]}.png", "Who loves what (colour: lift, text: share)")
    covered = f" Only part of an audience answered: {'; '.join(narrower)}." if narrower else ""
    summary = f"{region_note}Compared {counted(len(rows), 'item')} across {len(labels)} audiences. " + " ".join(differences) + left_out + partly + covered + _readings(matches)
    data = CompareAudiencesData(items=rows, audiences=labels, affinity=_nullable(affinity), lift=_nullable(lift), differences=differences,
                                items_matched={m.tag: m.item.label for m in matches}, respondents=respondents)
    return CompareAudiencesOutput(summary=summary, data=data, charts=[Chart(path=str(path), title="Affinity heatmap")],
                                  source=_local_source(sorted({sources.surveys[m.item.survey].title for m in matches})))


#: what a drink is called in a question → the drinks table's label
DRINK_WORDS = {"beer": "Beer", "beers": "Beer", "wine": "Wine", "wines": "Wine", "spirits": "Spirits", "spirit": "Spirits", "liquor": "Spirits"}


def _compare_drinks(inp: CompareAudiencesInput, labels: list[str], sources: AffinitySources, ctx: ToolContext) -> CompareAudiencesOutput | None:
    """"How much do people in France drink wine compared to Germany?": beer, wine and spirits are
    country averages (servings per person-year), so countries are compared on them directly; None
    unless every item is one of those drinks and every audience is a place alone."""
    drinks = sorted({DRINK_WORDS.get(i.strip().lower()) for i in inp.items} - {None}, key=str) if sources.drinks is not None else []
    if not drinks or len(drinks) != len({i.strip().lower() for i in inp.items}) or any(a.region is None or a.age_min or a.age_max or a.gender for a in inp.audiences):
        return None
    tables = []
    for a, who in zip(inp.audiences, labels):
        countries = countries_in(sources.drinks, a.region)
        if not countries:
            raise ToolError("not_found", f"No country of {a.region} is in the drinks table ({DRINKS_TITLE}).", field="audiences")
        tables.append(drinks_affinity(sources.drinks, countries).set_index("label").loc[drinks])
    servings = np.array([t["servings"].to_numpy() for t in tables]).T
    lift = np.array([t["lift"].to_numpy() for t in tables]).T
    share = np.array([t["affinity"].to_numpy() for t in tables]).T
    places = [a.region for a in inp.audiences]
    lines = [f"{d}: " + " vs ".join(f"{servings[i, j]:.0f} servings per person a year in {places[j]} ({lift[i, j]:.2f}× the world average)" for j in range(len(places))) + "."
             for i, d in enumerate(drinks)]
    data = CompareAudiencesData(items=drinks, audiences=labels, affinity=_nullable(share), lift=_nullable(lift), differences=lines,
                                items_matched={i: DRINK_WORDS[i.strip().lower()] for i in inp.items}, respondents=[int(t["respondents"].iloc[0]) for t in tables])
    path = heatmap(lift, share, drinks, labels, ctx.charts_dir / f"compare-drinks-{hashlib.sha1(repr((drinks, labels)).encode()).hexdigest()[:12]}.png", "Drinks by country (colour: lift, text: share of servings)")
    return CompareAudiencesOutput(summary=f"Compared {', '.join(drinks).lower()} by country (country averages, not people's tastes). " + " ".join(lines), data=data,
                                  charts=[Chart(path=str(path), title="Drinks heatmap")], source=DRINKS_TITLE)


def _answers(sources: AffinitySources, matches: list[TagMatch], audience: Audience) -> list[tuple[Survey, np.ndarray]]:
    """The surveys holding the matched items that have enough respondents in the audience, with who they are."""
    found = []
    for name in sorted({m.item.survey for m in matches}):
        mask = segment_mask(sources.surveys[name], _segment(audience))
        if mask.sum() >= MIN_RESPONDENTS:
            found.append((sources.surveys[name], mask))
    return found


def _ages_covered(label: str, audience: Audience, survey: Survey, mask: np.ndarray) -> list[str]:
    """"people aged 30–45: only ages 30–30 (41 respondents) in Young People Survey" when the survey's
    respondents cover less of the asked ages than a reader would assume from the label."""
    people = survey.respondents.loc[mask]
    low, high = int(people["age_min"].min()), int(people["age_max"].max())
    asked_low, asked_high = audience.age_min or low, audience.age_max or high
    if low <= asked_low and high >= asked_high:
        return []
    return [f"{label}: only ages {max(low, asked_low)}–{min(high, asked_high)} ({int(mask.sum())} respondents) in {survey.title}"]


def _nullable(matrix: np.ndarray) -> list[list[float | None]]:
    return [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in matrix]


def _differences(rows: list[str], cols: list[str], affinity: np.ndarray, lift: np.ndarray, top: int = 3) -> list[str]:
    """The items with the widest gap in share between two audiences, as sentences."""
    gaps = []
    for i, item in enumerate(rows):
        valid = np.flatnonzero(~np.isnan(affinity[i]))
        if len(valid) >= 2:
            hi, lo = valid[np.argmax(affinity[i, valid])], valid[np.argmin(affinity[i, valid])]
            gaps.append((affinity[i, hi] - affinity[i, lo], f"{item}: {affinity[i, hi]:.0%} of {cols[hi]} love it vs {affinity[i, lo]:.0%} of {cols[lo]} (lift {lift[i, hi]:.2f} vs {lift[i, lo]:.2f})."))
    if len(rows) == 1 and len(cols) > 2 and gaps:  # "which age groups love steak most?": every audience, most first
        valid = np.flatnonzero(~np.isnan(affinity[0]))
        ranked = ", ".join(f"{cols[j]} {affinity[0, j]:.0%}" for j in valid[np.argsort(-affinity[0, valid], kind="stable")])
        return [f"{rows[0]}, share who love it: {ranked}."]
    return [text for _, text in sorted(gaps, key=lambda g: -g[0])[:top]] or ["No item is answered for two audiences, so nothing can be compared."]
