"""The three CADENCE tools through the registry, on a tiny index and catalog (no full build)."""
import pytest

from engines.cadence.index import Entry
from memory.build.cadence import embed_catalog
from memory.cadence_store import IndexMeta, save_index
from memory.catalog import ProductRecord, save_products
from tests.cadence_data import write_small_data
from tools.base import ToolContext, ToolError
from tools.cadence.search import reset_catalog_cache
from tools.cadence.suggest import user_profile
from tools.formatting import price_label
from tools.registry import run_tool

PRODUCTS = [
    ProductRecord(item_id="t:train", source="test", title="Wooden Toy Train Set", category_path=["Toys", "Trains"], price=15.0),
    ProductRecord(item_id="t:track", source="test", title="Wooden Railway Track Pack", category_path=["Toys", "Trains"], price=25.0),
    ProductRecord(item_id="t:dress", source="test", title="Red Summer Dress", category_path=["Clothing", "Dresses"], price=30.0),
    ProductRecord(item_id="t:shoes", source="test", title="Red Running Shoes", category_path=["Footwear"], price=None),
]


@pytest.fixture
def built(settings):
    entries = {"red dress": Entry(3.0, "log", 1), "red shoes": Entry(2.5, "log", 1), "red wooden train": Entry(2.0, "generated", 0), "wooden train": Entry(2.0, "log", 0)}
    save_index(settings, entries, IndexMeta(categories={0: "toy trains", 1: "red clothing"}))
    save_products(settings, PRODUCTS, ["wooden toy train", "wooden railway track", "red summer dress", "red running shoes"], [0, 0, 1, 1])
    reset_catalog_cache()
    yield settings
    reset_catalog_cache()


def test_before_a_build_suggestions_come_from_query_popularity(ctx, tmp_path):
    ctx.settings = ctx.settings.model_copy(update={"data_dir": write_small_data(tmp_path / "data")})
    out = run_tool("suggest_queries", {"prefix": "red", "category": "toy trains"}, ctx)
    texts = [s.text for s in out.data.suggestions]
    assert texts[:2] == ["red dress", "red summer dress"]  # logged, most frequent first
    assert all(s.source == "completed" for s in out.data.suggestions[2:])  # then the typed word completed (engines.cadence.suggest)
    assert "query popularity alone (the category filter 'toy trains' needs the full index)" in out.summary
    assert "`caeser build` (background builds are off)" in out.summary and out.source.startswith("query popularity")
    empty = ctx.settings.model_copy(update={"data_dir": tmp_path / "nothing"})
    with pytest.raises(ToolError) as err:
        run_tool("suggest_queries", {"prefix": "red"}, ToolContext(settings=empty))
    assert err.value.code == "not_available" and "No query log" in err.value.message


def test_suggestions_with_score_source_and_category(built, ctx):
    out = run_tool("suggest_queries", {"prefix": "Red ", "k": 3}, ctx)
    texts = [s.text for s in out.data.suggestions]
    assert texts == ["red dress", "red shoes", "red wooden train"]
    assert out.data.suggestions[2].source == "generated" and out.data.suggestions[0].category == "red clothing"
    only = run_tool("suggest_queries", {"prefix": "red", "category": "Toy Trains"}, ctx)
    assert [s.text for s in only.data.suggestions] == ["red wooden train"]


def test_bad_prefixes_and_categories_get_clear_answers(built, ctx):
    for prefix, code in [("", "invalid_argument"), ("   ", "invalid_argument"), ("x" * 10_000, "invalid_argument")]:
        with pytest.raises(ToolError) as err:
            run_tool("suggest_queries", {"prefix": prefix}, ctx)
        assert err.value.code == code and "prefix" in err.value.message
    with pytest.raises(ToolError) as err:
        run_tool("suggest_queries", {"prefix": "red", "category": "garden"}, ctx)
    assert "toy trains" in err.value.readable()
    out = run_tool("suggest_queries", {"prefix": "красн"}, ctx)
    assert out.data.suggestions == [] and "No suggestions" in out.summary
    typo = run_tool("suggest_queries", {"prefix": "wooden trian"}, ctx)
    assert typo.data.suggestions[0].text == "wooden train" and typo.data.suggestions[0].typo
    assert all(x.typo for x in typo.data.suggestions) and typo.summary.startswith("Nothing in the index starts with 'wooden trian'; read as a typo,")


def test_engagement_personalises_suggestions_and_unknown_items_are_refused(built, ctx):
    unknown = run_tool("suggest_queries", {"prefix": "red", "user_id": "nobody"}, ctx)
    assert not unknown.data.personalised and "No engagement is recorded for user 'nobody'" in unknown.summary
    assert unknown.data.suggestions[0].text == "red dress"
    with pytest.raises(ToolError) as err:
        run_tool("record_engagement", {"user_id": "u1", "action": "purchase", "item_id": "no-such-item"}, ctx)
    assert err.value.code == "not_found" and "no-such-item" in err.value.message
    with pytest.raises(ToolError):
        run_tool("record_engagement", {"user_id": "u1", "action": "teleport", "item_id": "t:train"}, ctx)
    rec = run_tool("record_engagement", {"user_id": "u1", "session_id": "s1", "action": "purchase", "item_id": "t:train"}, ctx)
    assert rec.data.item_kind == "product" and rec.data.event_id > 0
    clicked = run_tool("record_engagement", {"user_id": "u1", "action": "click", "item_id": "Wooden Train"}, ctx)
    assert clicked.data.item_kind == "suggestion" and clicked.data.item_id == "wooden train"
    mine = run_tool("suggest_queries", {"prefix": "red", "user_id": "u1", "session_id": "s1"}, ctx)
    assert mine.data.personalised and mine.data.suggestions[0].text == "red wooden train"


def test_search_fuses_lexical_and_vectors_with_filters(built, ctx):
    embed_catalog(built, PRODUCTS)
    run_tool("record_engagement", {"user_id": "u2", "action": "purchase", "item_id": "t:train"}, ctx)
    profile = user_profile(ctx, "u2", None)
    assert 0 < profile.terms["railway"] < profile.terms["train"]  # the wooden track is a neighbour, at half weight
    out = run_tool("search_products", {"query": "wooden train", "k": 2}, ctx)
    assert out.data.results[0].item_id == "t:train" and out.data.results[0].lexical_rank == 1
    assert out.result_id
    cheap = run_tool("search_products", {"query": "red", "filters": {"max_price": 20}}, ctx)
    assert all(r.price is not None and r.price <= 20 for r in cheap.data.results)
    found = run_tool("search_products", {"query": "red"}, ctx).data.results
    low = run_tool("search_products", {"query": "red", "sort": "price_low"}, ctx)  # "which one is cheapest?"
    prices = [r.price for r in low.data.results if r.price is not None]
    assert prices == sorted(prices) and {r.item_id for r in low.data.results} == {r.item_id for r in found}  # the same products, by price
    assert low.summary.startswith(f"Cheapest of the {len(found)} products found for 'red': ") and f"at {price_label(prices[0], low.data.results[0].currency)}" in low.summary
    high = run_tool("search_products", {"query": "red", "sort": "price_high"}, ctx)
    assert high.summary.startswith("Most expensive") and high.data.results[0].price == max(prices)
    none = run_tool("search_products", {"query": "red", "filters": {"min_price": 99_000}}, ctx)
    assert none.data.results == [] and "with these filters (at least 99,000.00): try without them" in none.summary
    with pytest.raises(ToolError) as err:
        run_tool("search_products", {"query": "red", "filters": {"min_price": 50, "max_price": 10}}, ctx)
    assert "min_price" in err.value.message
    with pytest.raises(ToolError) as err:
        run_tool("search_products", {"query": "red", "filters": {"category": "no-such-aisle-7f3"}}, ctx)  # none on a shared database either
    assert "Toys" in err.value.readable()


def test_index_weights_put_retail_logs_over_generated_over_web_logs():
    from memory.build.cadence_index import index_entries

    entries = index_entries(["red dress", "red dress"], ["red dress", "red web page"], {"red wooden train": (-0.5, 2), "red dress": (-0.1, 1)})
    assert entries["red dress"].source == "log" and entries["red dress"].category == 1
    assert entries["red dress"].weight > entries["red wooden train"].weight > entries["red web page"].weight
    assert entries["red wooden train"].source == "generated"
