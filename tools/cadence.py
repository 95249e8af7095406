"""Search tools after CADENCE: autosuggest, product search and the engagement that personalises both.

The index, the catalog and the models come from `caeser build` (step "cadence", in
`tools.cadence_build`, which `tools.builders` imports only for a build); until then each tool
answers `not_available` and says to run the build.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from engines.cadence.index import PrefixIndex
from engines.cadence.personalize import Engagement, Profile, build_profile, rerank
from engines.cadence.text import normalize_prefix, normalize_query
from memory.cadence_store import IndexMeta, load_index
from memory.catalog import get_product, get_products
from memory.engagement import record_event, user_events
from memory.tables import utcnow
from tools.base import ToolContext, ToolError, ToolOutput
from tools.cadence_search import SearchData, neighbours, search_catalog
from tools.registry import register

Action = Literal["view", "click", "add_to_cart", "wishlist", "purchase"]
NOT_BUILT = "The autosuggest index has not been built yet: run `caeser build` first."


class SuggestQueriesInput(BaseModel):
    prefix: str = Field(min_length=1, max_length=200, description="What the user has typed so far.")
    user_id: str | None = Field(default=None, max_length=128)
    session_id: str | None = Field(default=None, max_length=128)
    category: str | None = Field(default=None, max_length=200)
    k: int = Field(default=10, ge=1, le=50)


class SearchFilters(BaseModel):
    category: str | None = Field(default=None, max_length=200)
    min_price: float | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)


class SearchProductsInput(BaseModel):
    query: str = Field(min_length=1, max_length=500)
    user_id: str | None = Field(default=None, max_length=128)
    k: int = Field(default=10, ge=1, le=100)
    filters: SearchFilters = Field(default_factory=SearchFilters)


class RecordEngagementInput(BaseModel):
    user_id: str = Field(min_length=1, max_length=128)
    session_id: str | None = Field(default=None, max_length=128)
    action: Action
    item_id: str = Field(min_length=1, max_length=128, description="Product id, or the suggestion text for suggestion clicks.")
    rank: int | None = Field(default=None, ge=1, le=1000, description="Position at which the item was shown.")
    query: str | None = Field(default=None, max_length=500)


class Suggestion(BaseModel):
    text: str
    score: float
    source: Literal["log", "generated"]
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


def _index(ctx: ToolContext) -> tuple[PrefixIndex, IndexMeta]:
    loaded = load_index(ctx.settings)
    if loaded is None:
        raise ToolError("not_available", NOT_BUILT)
    return loaded


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
    events = user_events(ctx.settings, user_id, now)
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
    index, meta = _index(ctx)
    category = category_id(meta, inp.category)
    profile = user_profile(ctx, inp.user_id, inp.session_id)
    pool = index.search(prefix, k=index.k_max if not profile.empty else inp.k, category=category)
    typo = {h.text for h in pool if h.typo}
    sources = {h.text: h.source for h in pool}
    ranked = rerank([(h.text, h.weight, h.category) for h in pool], profile)[: inp.k]
    suggestions = [Suggestion(text=t, score=round(s, 6), source=sources[t], category=meta.categories.get(c), typo=t in typo) for t, s, c in ranked]
    personalised = not profile.empty
    if suggestions:
        summary = f"{len(suggestions)} suggestions for '{prefix}': " + ", ".join(s.text for s in suggestions[:5]) + ("…" if len(suggestions) > 5 else ".")
    else:
        summary = f"No suggestions for '{prefix}': nothing in the index starts with it (or is one edit away)."
    if inp.user_id and not personalised:
        summary += f" No engagement is recorded for user '{inp.user_id}', so the order is not personalised."
    elif personalised:
        summary += f" Reranked for user '{inp.user_id}' from their engagement."
    return SuggestQueriesOutput(summary=summary, data=SuggestionsData(prefix=prefix, suggestions=suggestions, personalised=personalised), source=f"CADENCE prefix index ({len(index):,} queries: logged WANDS/ESCI/TREC queries and catalog-generated ones), built by `caeser build`")


@register("search_products", engine="cadence", input_model=SearchProductsInput, output_model=SearchProductsOutput, description="""
Ranked products for a search query (lexical + vector search fused, personalised), with optional
category and price filters. Use for "find wooden toy trains under £20".
""")
def search_products(inp: SearchProductsInput, ctx: ToolContext) -> SearchProductsOutput:
    f = inp.filters
    if f.min_price is not None and f.max_price is not None and f.min_price > f.max_price:
        raise ToolError("invalid_argument", f"filters.min_price ({f.min_price}) is above filters.max_price ({f.max_price}).", field="filters.min_price")
    data, source = search_catalog(ctx, normalize_query(inp.query), inp.k, f.category, f.min_price, f.max_price, user_profile(ctx, inp.user_id, None))
    if data.results:
        summary = f"{len(data.results)} products for '{data.query}', best: " + "; ".join(r.title for r in data.results[:3]) + "."
    else:
        summary = f"No products match '{data.query}' with these filters."
    if inp.user_id:
        summary += " Personalised from the user's engagement." if data.personalised else f" No engagement is recorded for user '{inp.user_id}', so results are not personalised."
    return SearchProductsOutput(summary=summary, data=data, source=source)


@register("record_engagement", engine="cadence", input_model=RecordEngagementInput, output_model=RecordEngagementOutput, store=False, description="""
Log a user's view, click, add_to_cart, wishlist or purchase of an item, which personalises later
suggestions and search results. Use for "user u42 bought item 123".
""")
def record_engagement(inp: RecordEngagementInput, ctx: ToolContext) -> RecordEngagementOutput:
    item_kind: Literal["product", "suggestion"]
    if get_product(ctx.settings, inp.item_id) is not None:
        item_kind, item_id = "product", inp.item_id
    else:
        loaded = load_index(ctx.settings)
        text = normalize_query(inp.item_id)
        if loaded is None:
            raise ToolError("not_found", f"Unknown item {inp.item_id!r}: it is not a product in the catalog, and no suggestion index is built yet (run `caeser build`).", field="item_id")
        if not loaded[0].contains(text):
            raise ToolError("not_found", f"Unknown item {inp.item_id!r}: it is neither a product id in the catalog (ids look like 'fk:…', 'az:…', 'or:…') nor a suggestion in the index.", field="item_id")
        item_kind, item_id = "suggestion", text
    event = record_event(ctx.settings, user_id=inp.user_id, session_id=inp.session_id, action=inp.action, item_id=item_id, item_kind=item_kind, rank=inp.rank, query=inp.query)
    data = EngagementData(event_id=int(event.id or 0), user_id=inp.user_id, action=inp.action, item_id=item_id, item_kind=item_kind)
    return RecordEngagementOutput(summary=f"Recorded a {inp.action} of {item_kind} '{item_id}' by user '{inp.user_id}'; it now personalises their suggestions and search results.", data=data, source="engagement events (SQL)")
