import json

import pytest

from knowledge.catalog import CatalogError, load_catalog
from knowledge.store import CatalogStore, ProductFilter, make_client
from tests.unit.conftest import HashEmbeddings


@pytest.fixture
def store(tmp_path):
    return CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", HashEmbeddings())


def test_sync_is_incremental_and_idempotent(store, catalog_file):
    first = store.sync(load_catalog(catalog_file))
    assert (first.added, first.embedded) == (4, 4)
    again = store.sync(load_catalog(catalog_file))
    assert (again.added, again.changed, again.removed, again.embedded) == (0, 0, 0, 0)
    assert again.unchanged == 4

    rows = json.loads(catalog_file.read_text())
    rows[0]["price"] = 949.0
    del rows[1]
    catalog_file.write_text(json.dumps(rows))
    third = store.sync(load_catalog(catalog_file))
    assert (third.changed, third.removed, third.embedded) == (1, 1, 1)
    assert {p.sku: p.price for p in store.all_products()} == {"L1": 949.0, "L3": 549.0, "H1": 199.0}


def test_a_bad_row_never_deletes_the_stored_product(store, catalog_file):
    store.sync(load_catalog(catalog_file))
    rows = json.loads(catalog_file.read_text())
    rows[0]["price"] = "call us"
    catalog_file.write_text(json.dumps(rows))
    loaded = load_catalog(catalog_file)
    assert len(loaded.errors) == 1
    report = store.sync(loaded)
    assert report.removed == 0
    assert next(p for p in store.all_products() if p.sku == "L1").price == 999.0


def test_a_file_with_only_bad_rows_changes_nothing(store, catalog_file, tmp_path):
    store.sync(load_catalog(catalog_file))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sku": "Z", "price": 1}\n')
    with pytest.raises(CatalogError, match="left unchanged"):
        store.sync(load_catalog(bad))
    assert store.count() == 4


def test_filters_on_category_budget_brand_and_stock(store, catalog_file):
    store.sync(load_catalog(catalog_file))
    hits = store.search_products("laptop", ProductFilter(category="laptops", max_price=1000, in_stock_only=True))
    assert [h.product.sku for h in hits] == ["L1"]
    hits = store.search_products("laptop", ProductFilter(category="laptops", max_price=1000))
    assert {h.product.sku for h in hits} == {"L1", "L3"}
    assert [h.product.sku for h in store.search_products("x", ProductFilter(brand="Sonora"))] == ["H1"]
