import pytest

from memory.catalog import ProductRecord, get_products, load_products, read_catalog, save_products


@pytest.mark.realdata
def test_real_catalog_has_unique_ids_and_query_like_phrases(data_dir):
    from memory.build.cadence_index import summarize_catalog

    records = read_catalog(data_dir)
    assert len({r.item_id for r in records}) == len(records) > 30_000
    assert {r.source for r in records} == {"flipkart", "amazon_uk", "online_retail"}
    phrases = summarize_catalog([r.title for r in records[:20_000]])
    assert sum(1 <= len(p.split()) <= 4 for p in phrases) / len(phrases) > 0.95


def test_save_replaces_a_source_in_one_transaction(settings):
    first = [ProductRecord(item_id="tc:a", source="test_catalog", title="A"), ProductRecord(item_id="tc:b", source="test_catalog", title="B")]
    save_products(settings, first, ["a", "b"], [0, 1])
    save_products(settings, first[:1], ["a2"], [3])
    mine = {p.item_id: p for p in load_products(settings) if p.source == "test_catalog"}
    assert set(mine) == {"tc:a"} and mine["tc:a"].phrase == "a2" and mine["tc:a"].pseudo_category == 3
    assert set(get_products(settings, ["tc:a", "tc:zz"])) == {"tc:a"}


def test_a_missing_catalog_file_drops_only_its_source(tmp_path):
    from tests.cadence_data import write_small_data

    data = write_small_data(tmp_path / "data", n_products=30)
    (data / "catalog" / "amazon_uk_toys.csv").unlink()
    assert {r.source for r in read_catalog(data)} == {"flipkart", "online_retail"}


def test_online_retail_products_carry_their_average_unit_price(tmp_path):
    """Revenue over units sold, returns left out: "lunch bags under £5" can find the shop's lunch bags."""
    import pandas as pd

    from tests.cadence_data import write_small_data

    data = write_small_data(tmp_path / "data", n_products=30)
    daily = pd.DataFrame({"date": ["2011-01-03", "2011-01-04", "2011-01-05"], "stock_code": ["LB1"] * 3, "description": ["LUNCH BAG RED"] * 3,
                          "country": ["United Kingdom"] * 3, "quantity": [10, 30, -5], "revenue": [16.5, 49.5, -8.25], "invoices": [1, 2, 1], "customers": [1, 2, 1]})
    daily.to_csv(data / "sales" / "online_retail_daily.csv.gz", index=False)
    (bag,) = [r for r in read_catalog(data) if r.source == "online_retail"]
    assert bag.item_id == "or:LB1" and bag.price == 1.65
