"""Search tools after CADENCE: autosuggest, product search and the engagement that personalises both.

The index, the catalog and the product vectors come from the build step "cadence" (registered
here, run by `memory.build.cadence`). Nothing waits for it: on a fresh install the first call starts
it in the background (`memory.build.runner`) and, meanwhile, `suggest_queries` answers from query
popularity alone (the logged queries, weighted as in the full index), `search_products` by BM25
alone over the catalog files, and `record_engagement` accepts their products and suggestions; each
summary says how far the build is. A stale index (data changed) keeps answering while it is rebuilt.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from engines.cadence.coverage import MATCH_FLOOR, coverage
from engines.cadence.index import PrefixIndex
from engines.cadence.personalize import Engagement, Profile, build_profile, rerank
from engines.cadence.suggest import suggester_for
from engines.cadence.text import normalize_prefix, normalize_query
from memory.build.cadence_index import popular_index
from memory.build.pipelines import CADENCE_STEP
from memory.build.runner import build_note
from memory.cadence_store import IndexMeta, cadence_state, load_index
from memory.catalog import get_product, get_products
from memory.engagement import Action, record_event, user_events
from memory.tables import utcnow
from tools.base import ToolContext, ToolError, ToolOutput
from tools.cadence.own_catalog import own_catalog
from tools.cadence.search import ProductHit, SearchData, catalog, neighbours, search_catalog
from tools.formatting import counted, price_label
from tools.registry import register
from tools.schemas import StrictInput


class SuggestQueriesInput(StrictInput):
    prefix: str = Field(min_length=1, max_length=200, description="What the user has typed so far.", examples=["wat"])
    user_id: str | None = Field(default=None, max_length=128, description="Shopper id whose engagement personalises the order; unset = not personalised.", examples=["u123"])
    session_id: str | None = Field(default=None, max_length=128, description="Current session id: this session's clicks weigh more.", examples=["s-42"])
    category: str | None = Field(default=None, max_length=200, description="Only suggestions in this catalog category (see caeser://catalog/categories).", examples=["toys"])
    k: int = Field(default=10, ge=1, le=50, description="How many suggestions (1–50).", examples=[10])


class SearchFilters(StrictInput):
    category: str | None = Field(default=None, max_length=200, description="Only products in this catalog category.", examples=["toys"])
    min_price: float | None = Field(default=None, ge=0, description="Lowest price, in the catalog's own currency (pounds for the shared catalog).", examples=[5], le=1_000_000)
    max_price: float | None = Field(default=None, ge=0, description="Highest price, in the catalog's own currency (pounds for the shared catalog).", examples=[50], le=1_000_000)


class SearchProductsInput(StrictInput):
    query: str = Field(min_length=1, max_length=500, description="What the shopper typed.", examples=["wooden toy train"])
    user_id: str | None = Field(default=None, max_length=128, description="Shopper id whose engagement personalises the ranking.", examples=["u123"])
    k: int = Field(default=10, ge=1, le=100, description="How many products (1–100).", examples=[10])
    filters: SearchFilters = Field(default_factory=SearchFilters, description="Category and price limits.", examples=[{"max_price": 50}])
    sort: Literal["relevance", "price_low", "price_high"] = Field(default="relevance", description="Order of the products found: by relevance, or the same products by price ('which one is cheapest?' = price_low); products without a price last.", examples=["price_low"])


class RecordEngagementInput(StrictInput):
    user_id: str = Field(min_length=1, max_length=128, description="Shopper id.", examples=["u123"])
    session_id: str | None = Field(default=None, max_length=128, description="Session id.", examples=["s-42"])
    action: Action = Field(description="What the shopper did.", examples=["click"])
    item_id: str = Field(min_length=1, max_length=128, description="Product id, or the suggestion text for suggestion clicks.", examples=["fk:SHOEH4GRSUBJ8ZGK"])
    rank: int | None = Field(default=None, ge=1, le=1000, description="Position at which the item was shown.", examples=[1])
    query: str | None = Field(default=None, max_length=500, description="The query or prefix the item was shown for.", examples=["wooden toy"])


class Suggestion(BaseModel):
    text: str
    score: float
    source: Literal["log", "generated", "completed"] = Field(description="log / generated: an indexed query; completed: the typed words with the last one completed in context.")
    category: str | None = None
    typo: bool = Field(default=False, description="Matched the prefix with one edit (typo tolerance).")


class SuggestionsData(BaseModel):
    prefix: str
    suggestions: list[Suggestion]
    personalised: bool


class SuggestQueriesOutput(ToolOutput):
    data: SuggestionsData


class EngagementData(BaseModel):
    event_id: int
    user_id: str
    action: Action
    item_id: str
    item_kind: Literal["product", "suggestion"]


class RecordEngagementOutput(ToolOutput):
    data: EngagementData


class SearchProductsOutput(ToolOutput):
    data: SearchData


def _index(ctx: ToolContext) -> tuple[PrefixIndex, IndexMeta, bool]:
    """The built index (a stale one too: it answers while the rebuild runs), else the popularity
    index of the logged queries; the flag says whether it is the built one."""
    loaded = load_index(ctx.settings)
    if loaded is not None:
        return loaded[0], loaded[1], True
    ctx.report(0.1, "reading the query logs (the full index is not built yet)")
    index = popular_index(ctx.settings)
    if not len(index):
        raise ToolError("not_available", f"No query log is in the data dir ({ctx.settings.data_dir}), so there is nothing to suggest from: get them with `caeser data fetch wands_queries esci trec05_queries`.")
    return index, IndexMeta(), False


def category_id(meta: IndexMeta, name: str | None) -> int | None:
    """A category name (case-insensitive) → its pseudo-category id; an unknown name is refused with the list."""
    if name is None:
        return None
    wanted = normalize_query(name)
    for cid, label in meta.categories.items():
        if normalize_query(label) == wanted:
            return cid
    raise ToolError("invalid_argument", f"Unknown category {name!r}.", field="category", options=sorted(meta.categories.values()))


def user_profile(ctx: ToolContext, user_id: str | None, session_id: str | None) -> Profile:
    """The decayed interest profile of a user from stored events and the embedding-space neighbours
    of the products they engaged with (empty for an unknown user)."""
    if not user_id:
        return Profile()
    now = utcnow()
    events = user_events(ctx.settings, ctx.owner, user_id, now)
    products = get_products(ctx.settings, [e.item_id for e in events if e.item_kind == "product"])
    near = {ev.id: neighbours(ctx, products[ev.item_id]) for ev in events if ev.item_id in products}
    products.update(get_products(ctx.settings, sorted({i for ids in near.values() for i in ids} - set(products))))
    engagements: list[Engagement] = []
    for ev in events:
        age = (now - ev.created_at).total_seconds() / 86400
        in_session = session_id is not None and ev.session_id == session_id
        if ev.item_kind == "suggestion":
            engagements.append(Engagement(ev.item_id, ev.action, age, in_session=in_session))
        elif ev.item_id in products:
            for item_id, is_neighbour in [(ev.item_id, False)] + [(i, True) for i in near[ev.id]]:
                p = products.get(item_id)
                if p is not None:
                    engagements.append(Engagement(p.phrase or normalize_query(p.title), ev.action, age, p.pseudo_category, in_session, is_neighbour))
    return build_profile(engagements)


@register("suggest_queries", engine="cadence", input_model=SuggestQueriesInput, output_model=SuggestQueriesOutput, store=False, description="""
Autosuggest completions for a typed prefix, each with score and source (query log or generated),
personalised by the user's engagement. Use for "what should the search box suggest after 'wa'?".
""")
def suggest_queries(inp: SuggestQueriesInput, ctx: ToolContext) -> SuggestQueriesOutput:
    prefix = normalize_prefix(inp.prefix)
    if not prefix.strip():
        raise ToolError("invalid_argument", "The prefix is blank: type at least one character.", field="prefix")
    profile = user_profile(ctx, inp.user_id, inp.session_id)
    own = own_catalog(ctx)
    pool = own.suggester.suggest(prefix, k=own.index.k_max if not profile.empty else inp.k) if own and not inp.category else []
    if pool:
        index, meta, built, note = own.index, IndexMeta(), True, ""
    else:
        note = build_note(ctx.settings, CADENCE_STEP)
        index, meta, built = _index(ctx)
        category = category_id(meta, inp.category) if built else None
        pool = suggester_for(index).suggest(prefix, k=index.k_max if not profile.empty else inp.k, category=category)
    typo = {h.text for h in pool if h.typo}
    sources = {h.text: h.source for h in pool}
    ranked = rerank([(h.text, h.weight, h.category) for h in pool], profile)[: inp.k]
    suggestions = [Suggestion(text=t, score=round(s, 6), source=sources[t], category=meta.categories.get(c), typo=t in typo) for t, s, c in ranked]
    personalised = not profile.empty
    shown = ", ".join(s.text for s in suggestions[:5]) + ("…" if len(suggestions) > 5 else ".")
    if suggestions and all(s.typo for s in suggestions):
        # "podc" completes nothing: say the list is what one changed letter reaches, not completions
        summary = f"Nothing in the index starts with '{prefix}'; read as a typo, {len(suggestions)} suggestions one edit away: {shown}"
    elif suggestions:
        summary = f"{len(suggestions)} suggestions for '{prefix}': {shown}"
    else:
        summary = f"No suggestions for '{prefix}': nothing in the index starts with it (or is one edit away)."
    if inp.user_id and not personalised:
        summary += f" No engagement is recorded for user '{inp.user_id}', so the order is not personalised."
    elif personalised:
        summary += f" Reranked for user '{inp.user_id}' from their engagement."
    if not built:
        summary += " Answered from query popularity alone" + (f" (the category filter '{inp.category}' needs the full index)" if inp.category else "") + "."
    summary += f" {note}" if note else ""
    if own and index is own.index:
        return SuggestQueriesOutput(summary=f"{summary} From {own.label}.", data=SuggestionsData(prefix=prefix, suggestions=suggestions, personalised=personalised),
                                    source=f"{own.label[0].upper()}{own.label[1:]}: queries its product titles summarise to (prefix index of the import)")
    if own:
        summary += (f" Nothing in {own.label} starts with '{prefix}', so these come from the shared query logs." if not inp.category
                    else f" A category filter needs the shared index, so these are not from {own.label}.")
    source = (f"CADENCE prefix index ({len(index):,} queries: logged WANDS/ESCI/TREC queries and catalog-generated ones, {meta.generator or 'catalog phrases'})" if built
              else f"query popularity over {len(index):,} logged WANDS/ESCI/TREC queries (the full CADENCE index is not built yet)")
    return SuggestQueriesOutput(summary=summary, data=SuggestionsData(prefix=prefix, suggestions=suggestions, personalised=personalised), source=source)


@register("search_products", engine="cadence", input_model=SearchProductsInput, output_model=SearchProductsOutput, description="""
Ranked products for a search query (lexical + vector search fused, personalised), with optional
category and price filters. Use for "find wooden toy trains under £20".
""")
def search_products(inp: SearchProductsInput, ctx: ToolContext) -> SearchProductsOutput:
    f = inp.filters
    if f.min_price is not None and f.max_price is not None and f.min_price > f.max_price:
        raise ToolError("invalid_argument", f"filters.min_price ({f.min_price}) is above filters.max_price ({f.max_price}).", field="filters.min_price")
    note = "" if own_catalog(ctx) else build_note(ctx.settings, CADENCE_STEP)  # the owner's imported catalog needs no build
    data, source = search_catalog(ctx, normalize_query(inp.query), inp.k, f.category, f.min_price, f.max_price, user_profile(ctx, inp.user_id, None))
    best = max((coverage(data.query, r.title) for r in data.results), default=0.0)
    data.coverage = round(best, 2)
    if data.results and best < MATCH_FLOOR:
        summary = (f"No good match for '{data.query}' in the catalog: no product title has even {MATCH_FLOOR:.0%} of its words (best {best:.0%}). "
                   "Closest, not the same thing: " + "; ".join(f"{r.title} (id {r.item_id})" for r in data.results[:3]) + ".")
    elif data.results and inp.sort != "relevance":
        data.results = by_price(data.results, inp.sort == "price_high")
        priced = [r for r in data.results if r.price is not None]
        which = "Most expensive" if inp.sort == "price_high" else "Cheapest"
        summary = (f"{which} of the {counted(len(data.results), 'product')} found for '{data.query}': " + "; then ".join(f"{r.title} at {price_label(r.price, r.currency)} (id {r.item_id})" for r in priced[:3]) + "."
                   if priced else f"None of the {counted(len(data.results), 'product')} found for '{data.query}' has a price in the catalog.")
    elif data.results:
        summary = f"{counted(len(data.results), 'product')} for '{data.query}', best: " + "; ".join(f"{r.title} (id {r.item_id})" for r in data.results[:3]) + "."
    else:
        named = [f"category {f.category}"] if f.category is not None else []
        named += [f"at least {f.min_price:,.2f}"] if f.min_price is not None else []  # in the catalog's own currency (£ for the shared one)
        named += [f"at most {f.max_price:,.2f}"] if f.max_price is not None else []
        summary = f"No products match '{data.query}'" + (f" with these filters ({', '.join(named)}): try without them." if named else " in the catalog.")
    if inp.user_id:
        summary += " Personalised from the user's engagement." if data.personalised else f" No engagement is recorded for user '{inp.user_id}', so results are not personalised."
    summary += f" {note}" if note else ""
    return SearchProductsOutput(summary=summary, data=data, source=source)


def by_price(hits: list[ProductHit], descending: bool) -> list[ProductHit]:
    """The same hits by price (ties keep their relevance order), those without a price last."""
    priced = sorted((h for h in hits if h.price is not None), key=lambda h: -h.price if descending else h.price)
    return priced + [h for h in hits if h.price is None]


@register("record_engagement", engine="cadence", input_model=RecordEngagementInput, output_model=RecordEngagementOutput, store=False, description="""
Log a user's view, click, add_to_cart, wishlist or purchase of an item, which personalises later
suggestions and search results. Use for "user u42 bought item 123".
""")
def record_engagement(inp: RecordEngagementInput, ctx: ToolContext) -> RecordEngagementOutput:
    item_kind: Literal["product", "suggestion"]
    note = build_note(ctx.settings, CADENCE_STEP)
    if get_product(ctx.settings, inp.item_id) is not None or _in_catalog_files(ctx, inp.item_id):
        item_kind, item_id = "product", inp.item_id
    else:
        text = normalize_query(inp.item_id)
        try:
            known = _index(ctx)[0].contains(text)
        except ToolError:  # no query log at all
            known = False
        if not known:
            raise ToolError("not_found", f"Unknown item {inp.item_id!r}: it is neither a product id in the catalog (ids look like 'fk:…', 'az:…', 'or:…') nor a suggestion in the index.", field="item_id")
        item_kind, item_id = "suggestion", text
    event = record_event(ctx.settings, owner=ctx.owner, user_id=inp.user_id, session_id=inp.session_id, action=inp.action, item_id=item_id, item_kind=item_kind, rank=inp.rank, query=inp.query)
    data = EngagementData(event_id=int(event.id or 0), user_id=inp.user_id, action=inp.action, item_id=item_id, item_kind=item_kind)
    summary = f"Recorded a {inp.action} of {item_kind} '{item_id}' by user '{inp.user_id}'; it now personalises their suggestions and search results."
    return RecordEngagementOutput(summary=summary + (f" {note}" if note else ""), data=data, source="engagement events (SQL)")


def _in_catalog_files(ctx: ToolContext, item_id: str) -> bool:
    """Before the first build the catalog lives only in the data files; their ids are the stored ones."""
    if cadence_state(ctx.settings) != "missing":
        return False
    try:
        return item_id in catalog(ctx).position
    except ToolError:
        return False
