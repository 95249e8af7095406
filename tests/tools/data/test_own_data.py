"""The engines on the owner's imported data, end to end through the tools, and `manage_data`."""
from __future__ import annotations

import uuid

import pytest

from memory.imports.run import import_source
from memory.owner import Owner
from tests.memory.imports import fixtures
from tools.base import ToolContext, ToolError
from tools.cadence.own_catalog import own_catalog
from tools.registry import run_tool


@pytest.fixture
def mine(ctx: ToolContext) -> ToolContext:
    ctx.owner = Owner.cli(f"shop-{uuid.uuid4().hex[:8]}")  # unique: the Postgres pass shares one database
    return ctx


def _other(ctx: ToolContext) -> ToolContext:
    return ToolContext(settings=ctx.settings, thread_id=ctx.thread_id + "-other", owner=Owner.cli(ctx.owner.id + "-other"))


def test_forecast_answers_from_the_imported_shopify_export_and_names_it(mine, tmp_path):
    fixtures.shopify_orders(tmp_path / "shop_orders.csv")
    import_source(mine.settings, mine.owner, "sales", str(tmp_path / "shop_orders.csv"), fmt="shopify")
    out = run_tool("forecast_demand", {"product": "fox mug", "horizon": 8}, mine)
    assert out.data.target == "Fox Mug 350 ml (SKU FOX-MUG-350)" and out.data.kind == "product" and len(out.data.points) == 8
    assert out.source.startswith("Your sales import 'shop orders' (06 Jan 2025–25 May 2025)")
    assert "From your sales import 'shop orders'" in out.summary
    assert out.data.points[0].period.isoformat() >= "2025-05-26"  # starts after the import's last day
    by_sku = run_tool("forecast_demand", {"sku": "oak-board-l", "horizon": 4}, mine)
    assert by_sku.data.target.startswith("SKU OAK-BOARD-L")
    with pytest.raises(ToolError) as err:  # a country the import has no sales in: refused with its own countries, not forecast from analogs
        run_tool("forecast_demand", {"product": "fox mug", "country": "France"}, mine)
    assert err.value.code == "not_found" and err.value.info.options == ["Germany", "United Kingdom"]


def test_search_and_suggestions_come_from_the_imported_catalog_for_its_owner_only(mine, tmp_path):
    fixtures.catalog_csv(tmp_path / "catalog.csv", n=2_000)
    import_source(mine.settings, mine.owner, "catalog", str(tmp_path / "catalog.csv"), name="home goods")
    found = run_tool("search_products", {"query": "walnut side table", "k": 3}, mine)
    assert all("Walnut side table" in r.title for r in found.data.results) and found.data.results[0].source == "import:home goods"
    assert found.source.startswith("Your catalog import 'home goods' (2,000 products)") and "caeser build" not in found.summary
    suggested = run_tool("suggest_queries", {"prefix": "walnut si"}, mine)
    assert suggested.data.suggestions[0].text.startswith("walnut side") and "catalog import 'home goods'" in suggested.source
    fixtures.catalog_csv(tmp_path / "more.csv", n=2_100)  # a later file with 100 more products: seen without any rebuild step
    import_source(mine.settings, mine.owner, "catalog", str(tmp_path / "more.csv"), name="home goods")
    assert "(2,100 products)" in run_tool("search_products", {"query": "walnut"}, mine).source
    assert own_catalog(_other(mine)) is None  # another tenant never searches this catalog


def test_audience_affinity_from_an_imported_survey(mine, tmp_path):
    fixtures.survey_csv(tmp_path / "style_survey.csv")
    import_source(mine.settings, mine.owner, "survey", str(tmp_path / "style_survey.csv"))
    young = run_tool("audience_affinity", {"audience": {"age_max": 34}}, mine)
    assert [i.item for i in young.data.items[:2]] == ["Maximalist colour", "Smart home gadgets"]
    assert "your survey import 'style survey' (1,000 respondents, 10 items)" in young.source
    older = run_tool("audience_affinity", {"audience": {"age_min": 55}}, mine)
    assert older.data.items[0].item == "Rustic farmhouse"


def test_manage_data_lists_forgets_and_guards_imports(mine, tmp_path):
    fixtures.survey_csv(tmp_path / "Q3_survey.csv", n=50)
    imported = run_tool("manage_data", {"action": "import", "kind": "survey", "source": str(tmp_path / "Q3_survey.csv")}, mine)
    assert imported.data.imported.imported == 50 and "q3 survey" in imported.summary
    assert "survey 'q3 survey' (50 rows)" in run_tool("manage_data", {}, mine).summary
    assert "no data yet" in run_tool("manage_data", {}, _other(mine)).summary
    with pytest.raises(ToolError) as err:
        run_tool("manage_data", {"action": "forget", "name": "our Q3 survey"}, _other(mine))
    assert err.value.code == "not_found"
    gone = run_tool("manage_data", {"action": "forget", "name": "our Q3 survey"}, mine)
    assert gone.data.forgotten == ["q3 survey"] and "no data yet" in run_tool("manage_data", {}, mine).summary
    slack = ToolContext(settings=mine.settings, thread_id="t", owner=Owner.slack("T123"))
    with pytest.raises(ToolError) as err:
        run_tool("manage_data", {"action": "import", "kind": "sales", "source": "/etc/passwd"}, slack)
    assert err.value.code == "permission_denied"
    with pytest.raises(ToolError) as err:
        run_tool("manage_data", {"action": "import", "kind": "sales", "source": str(tmp_path / "missing.csv")}, mine)
    assert "is not a file" in err.value.message


@pytest.mark.slow  # two persona builds: ~20 s on a quiet machine
def test_personas_are_drawn_to_the_imported_customers_age_and_sex_mix(mine, tmp_path):
    args = {"product": "linen napkins", "audience": {"region": "Germany"}, "count": 3}
    census = run_tool("build_personas", args, mine)
    fixtures.customers_csv(tmp_path / "customers.csv")
    summary = import_source(mine.settings, mine.owner, "customers", str(tmp_path / "customers.csv"))
    assert "email" not in str(summary.mapping).lower()
    weighted = run_tool("build_personas", args, mine)
    assert "age × sex mix of your customer import 'customers' (500 customers with an age)" in weighted.source
    def mean_age(out) -> float:
        return sum(p.share * p.median_age for p in out.data.personas) / sum(p.share for p in out.data.personas)
    def female(out) -> float:
        return sum(p.share * p.female for p in out.data.personas) / sum(p.share for p in out.data.personas)
    assert mean_age(weighted) < mean_age(census) - 8 and female(weighted) > female(census) + 0.15  # customers: 85% aged 25–44, 80% women
