"""The launch readout's search section before `caeser build`: demand read straight from the data dir.

`search_products` and `suggest_queries` answer from CADENCE's built catalog and index; until a build
they are `not_available`. Then the readout falls back to the files those are built from
(`memory.search_corpus`): how many catalog titles and logged queries contain the product's words
(`engines.cadence.demand`), and the most popular logged queries starting with its first word
(most-popular completion, `engines.cadence.popular`). Each output's `source` names the files and says
that CADENCE was not built, so the readout states which source was used.

These are not registered tools (the registry's 13 are the public contract); the launch stores their
outputs under result_ids like any sub-result, so the readout's figures stay traceable.
"""
from __future__ import annotations

import threading
from pathlib import Path

from pydantic import BaseModel, Field

from engines.cadence.demand import term_demand
from engines.cadence.popular import MPC
from engines.cadence.text import normalize_prefix
from memory.search_corpus import QUERY_FILE, SearchCorpus, load_search_corpus
from tools.base import ToolContext, ToolError, ToolOutput

NOT_BUILT_NOTE = "CADENCE not built (`caeser build`), so read directly from the data dir"


class SearchDemandInput(BaseModel):
    terms: list[str] = Field(min_length=1, max_length=20, description="The product's words and tags.")
    top: int = Field(default=10, ge=1, le=50, description="How many matching logged queries to list.")


class TermCount(BaseModel):
    term: str
    catalog_titles: int = Field(description="Catalog titles containing the term (singular or plural, whole word).")
    queries: int = Field(description="Logged queries containing it, repeats counted.")


class QueryCount(BaseModel):
    query: str
    count: int


class SearchDemandData(BaseModel):
    terms: list[TermCount]
    catalog_titles: int = Field(description="Titles containing any of the terms.")
    queries: int = Field(description="Logged queries containing any of the terms, repeats counted.")
    top_queries: list[QueryCount] = Field(description="Most frequent matching queries; those with more of the terms first.")
    corpus_titles: int
    corpus_queries: int


class SearchDemandOutput(ToolOutput):
    data: SearchDemandData


class LogCompletionsInput(BaseModel):
    prefix: str = Field(min_length=1, max_length=200)
    k: int = Field(default=10, ge=1, le=50)


class LogCompletion(BaseModel):
    text: str
    count: int = Field(description="Times the query appears in the log.")


class LogCompletionsData(BaseModel):
    prefix: str
    completions: list[LogCompletion]


class LogCompletionsOutput(ToolOutput):
    data: LogCompletionsData


def _corpus(ctx: ToolContext) -> SearchCorpus:
    corpus = load_search_corpus(Path(ctx.settings.data_dir))
    if not corpus.files:
        raise ToolError("not_available", "Neither the CADENCE build nor its source files are at hand: " + " ".join(corpus.missing))
    return corpus


def _files(corpus: SearchCorpus) -> str:
    return ", ".join(corpus.files)


def search_demand(inp: SearchDemandInput, ctx: ToolContext) -> SearchDemandOutput:
    """Catalog titles and logged queries that contain the product's terms."""
    corpus = _corpus(ctx)
    d = term_demand(inp.terms, corpus.titles, corpus.queries, inp.top)
    data = SearchDemandData(terms=[TermCount(term=t.term, catalog_titles=t.titles, queries=t.queries) for t in d.terms], catalog_titles=d.titles, queries=d.queries,
                            top_queries=[QueryCount(query=q, count=n) for q, n in d.top_queries], corpus_titles=len(corpus.titles), corpus_queries=len(corpus.queries))
    per_term = ", ".join(f"'{t.term}' in {t.titles:,} titles and {t.queries:,} queries" for t in d.terms)
    top = ", ".join(f"{q} (×{n})" for q, n in d.top_queries[:5]) or "none"
    summary = (f"Search demand from the data dir: {d.titles:,} of {len(corpus.titles):,} catalog titles and {d.queries:,} of {len(corpus.queries):,} logged queries "
               f"contain the product's terms ({per_term}). Top matching queries: {top}.")
    return SearchDemandOutput(summary=summary, data=data, source=f"term counts over {_files(corpus)}; {NOT_BUILT_NOTE}")


_MPC: list[tuple[SearchCorpus, MPC]] = []  # the latest corpus and its popularity index (building one takes a moment)
_LOCK = threading.Lock()


def _mpc(corpus: SearchCorpus) -> MPC:
    with _LOCK:
        if not _MPC or _MPC[0][0] is not corpus:
            _MPC[:] = [(corpus, MPC(corpus.queries))]
        return _MPC[0][1]


def log_completions(inp: LogCompletionsInput, ctx: ToolContext) -> LogCompletionsOutput:
    """The most frequent logged queries starting with the prefix (most-popular completion)."""
    mpc = _mpc(_corpus(ctx))
    prefix = normalize_prefix(inp.prefix)
    completions = [LogCompletion(text=q, count=mpc.counts[q]) for q in mpc.suggest(prefix, inp.k)]
    top = ", ".join(f"{c.text} (×{c.count})" for c in completions[:5])
    summary = f"Logged queries starting with '{prefix}': {top}." if completions else f"No logged query starts with '{prefix}': people do not search for it yet."
    return LogCompletionsOutput(summary=summary, data=LogCompletionsData(prefix=prefix, completions=completions),
                                source=f"most-popular completion over {QUERY_FILE}; {NOT_BUILT_NOTE}")
