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
