"""A category named only by its head noun gives way to the category whose products mean what was asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers import CustomerContext
from knowledge.catalog import Product
from knowledge.embeddings import PackagedMiniLMEmbeddings
from knowledge.engine import KnowledgeEngine
from knowledge.focus import Focus
from tests.unit.conftest import shop_engine


def _book(sku: str, name: str, category: str, price: float, description: str) -> Product:
    return Product(sku, name, category, name.split()[0], price, "NZD", 4, description)


BOOKS = [
    _book("P1", "Kiwi Counts to Ten", "picture books", 18.0, "A board book for toddlers: count the birds."),
    _book("P2", "Tuatara Goes to Sleep", "picture books", 21.0, "A bedtime picture story for little ones."),
    _book("C1", "Hāngi and Beyond", "cookbooks", 45.0, "Recipes for slow-cooked meat, breads and puddings."),
    _book("C2", "The Bach Bakery", "cookbooks", 39.0, "Cake, scone and bread recipes for the holiday oven."),
]


@pytest.fixture(scope="module")
def bookshop(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeEngine:
    folder: Path = tmp_path_factory.mktemp("bookshop")
    return shop_engine(folder, BOOKS, embeddings=PackagedMiniLMEmbeddings())


def test_a_head_noun_alone_gives_way_to_the_category_whose_products_fit_the_request(bookshop: KnowledgeEngine):
    said = "whats your cheapest baking book with cake recipes?"
    assert bookshop.match_category(said) == "cookbooks"
    answer = bookshop.understand(said, CustomerContext(), Focus())
    assert answer is not None and [p.sku for p in answer.products][:1] == ["C2"]


def test_a_category_said_outright_or_not_contradicted_by_meaning_stays(bookshop: KnowledgeEngine):
    assert bookshop.match_category("a book for my toddler") == "picture books"  # the products agree
    assert bookshop.match_category("picture books with cake recipes?") == "picture books"  # said outright
    assert bookshop.match_category("any good cookbooks?") == "cookbooks"
