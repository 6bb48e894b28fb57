import hashlib
import json
import threading

import numpy as np
import pytest

from bot.cli.bench.synthetic import retrieval_queries, synthetic_catalog
from knowledge import store as store_module
from knowledge.catalog import CatalogError, LoadResult, load_catalog, parse_product
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


class WordVectorEmbeddings(HashEmbeddings):
    """Sums of a fixed random 384-d vector per word: like a real model, ties need identical texts."""

    dim = 384

    def _vector(self, text: str) -> list[float]:
        total = np.zeros(self.dim)
        for word in text.lower().split():
            seed = int(hashlib.md5(word.encode()).hexdigest()[:8], 16)
            total += np.random.default_rng(seed).standard_normal(self.dim)
        return (total / (np.linalg.norm(total) or 1.0)).tolist()


def _chroma_ranking(store: CatalogStore, query: str, flt: ProductFilter, k: int) -> list[tuple[str, float]]:
    """What search_products returned before the in-memory index: Chroma's own filtered cosine query."""
    result = store.collection.query(
        query_embeddings=[store.embeddings.embed_query(query)], n_results=k, where=flt.to_where(), include=["distances"]
    )
    return [(i.split(":", 1)[1], 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]


def test_the_in_memory_index_ranks_exactly_like_chromas_cosine_search(tmp_path):
    products = [parse_product(raw) for raw in synthetic_catalog(400)]
    assert len({p.document_text() for p in products}) == len(products)  # so no two products tie
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", WordVectorEmbeddings())
    store.sync(LoadResult(products=products))
    filters = [ProductFilter(), ProductFilter(in_stock_only=True)] + [flt for _, flt in retrieval_queries(products, 30)]
    brand = products[0].brand
    filters += [ProductFilter(brand=brand), ProductFilter(category="laptops", brand=brand, max_price=900)]
    filters += [ProductFilter(category="Laptops"), ProductFilter(category="boats"), ProductFilter(brand="Nobody")]
    compared = 0
    for number, flt in enumerate(filters):
        query = ["light laptop for travel", "noise cancelling headphones", "cheap phone with a good camera"][number % 3]
        for k in (1, 5, 20):
            expected = _chroma_ranking(store, query, flt, k)
            found = [(h.product.sku, h.similarity) for h in store.search_products(query, flt, k)]
            assert [sku for sku, _ in found] == [sku for sku, _ in expected], (query, flt, k)
            assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-5)
            compared += bool(expected)
    assert compared > 50  # most filters keep something: the comparison is not vacuous


def test_the_index_follows_changes_made_here_at_once_and_by_another_process_soon(tmp_path, catalog_file, monkeypatch):
    path = str(tmp_path / "chroma")
    reader = CatalogStore(make_client(path), "salesbot_test", HashEmbeddings())
    reader.sync(load_catalog(catalog_file))
    laptops = ProductFilter(category="laptops", max_price=1000)
    assert {h.product.sku for h in reader.search_products("laptop", laptops)} == {"L1", "L3"}

    other = CatalogStore(make_client(path), "salesbot_test", HashEmbeddings())  # e.g. `salesbot ingest`
    assert {h.product.sku for h in other.search_products("laptop", laptops)} == {"L1", "L3"}
    rows = json.loads(catalog_file.read_text())
    rows[0]["price"] = 1200.0  # L1 leaves the budget
    catalog_file.write_text(json.dumps(rows))
    other.sync(load_catalog(catalog_file))
    assert {h.product.sku for h in other.search_products("laptop", laptops)} == {"L3"}

    # The reader checks the collection every INDEX_CHECK_SECONDS and rebuilds in the background.
    assert {h.product.sku for h in reader.search_products("laptop", laptops)} == {"L1", "L3"}
    monkeypatch.setattr(store_module, "INDEX_CHECK_SECONDS", 0.0)
    reader.search_products("laptop", laptops)
    for thread in threading.enumerate():
        if thread.name == "product-index":
            thread.join(timeout=30)
    assert {h.product.sku for h in reader.search_products("laptop", laptops)} == {"L3"}


def test_an_empty_store_finds_nothing_instead_of_failing(store):
    assert store.search_products("laptop", ProductFilter(category="laptops")) == []
