"""A different shop's own CSV catalogue, with the real embedding model: nothing sample-specific."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers import CustomerContext
from knowledge.catalog import load_catalog
from knowledge.embeddings import PackagedMiniLMEmbeddings
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter

pytestmark = pytest.mark.e2e
CATALOG = Path(__file__).parent / "fixtures" / "bike_shop.csv"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    store = CatalogStore(
        make_client(str(tmp_path_factory.mktemp("chroma"))), "salesbot_bikes", PackagedMiniLMEmbeddings()
    )
    loaded = load_catalog(CATALOG)
    assert loaded.errors == []
    store.sync(loaded)
    return KnowledgeEngine(store, ReplyWriter(None))


def ask(engine, text, **context):
    return engine.product_question(text, CustomerContext(**context)).rendered


def test_lookups_use_the_shops_currency_and_spec_units(engine):
    assert ask(engine, "how much is the velora strada 4?").startswith("The Velora Strada 4 costs 2,190.00 CHF")
    assert ask(engine, "what does the Citta Flow E weigh?") == "The Citta Flow E has weight: 24 kg."
    assert ask(engine, "is the montagne kid 24 in stock") == "The Montagne Kid 24 is currently out of stock."


def test_comparisons_and_superlatives(engine):
    compare = engine.compare("which is lighter, velora strada 2 or velora strada 4?", CustomerContext()).rendered
    assert compare.endswith("The Velora Strada 4 is the lightest of these (weight: 7.6 kg).")
    assert ask(engine, "what's your cheapest city bike?").startswith(
        "The Citta Classic 3 is the cheapest of our city bikes (price: 690.00 CHF)."
    )


def test_recommendations_stay_in_budget_and_stock(engine):
    answer = engine.recommend(CustomerContext(category="mountain bikes", budget=2000, use_case="trail riding"))
    assert [p.sku for p in answer.products] == ["B-200"]
    electric = engine.recommend(CustomerContext(category="city bikes", budget=3000, feature="electric"))
    assert [p.sku for p in electric.products] == ["B-300"]


def test_products_and_categories_the_shop_does_not_have(engine):
    assert ask(engine, "do you sell the Canyon Aeroad?").startswith("Sorry, we don't sell “Canyon Aeroad”")
    assert "we sell helmets: 2 models" in ask(engine, "do you sell helmets?")
    assert ask(engine, "what colour is the Citta Classic 3?").startswith("Our catalogue doesn't list colour")
