"""The engine decides facts in code; these tests pin the decisions on a small catalogue."""

import pytest

from knowledge.answers import CustomerContext
from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings


@pytest.fixture
def engine(tmp_path, catalog_file):
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", HashEmbeddings())
    store.sync(load_catalog(catalog_file))
    return KnowledgeEngine(store, ReplyWriter(None))


def ask(engine, text, **context):
    return engine.product_question(text, CustomerContext(**context))


def test_price_stock_and_spec_lookups(engine):
    assert ask(engine, "how much is the lumen air 13").rendered == "The Lumen Air 13 costs 999.00 EUR and is in stock."
    assert ask(engine, "is the Nimbus Stratus 15 available?").rendered == (
        "The Nimbus Stratus 15 is currently out of stock."
    )
    assert ask(engine, "what's the battery life of the Corvid Blade 16").rendered == (
        "The Corvid Blade 16 has battery: 6 hours."
    )


def test_a_typo_in_the_name_still_gets_the_price(engine):
    assert ask(engine, "how much is the lumne air 13").rendered.startswith("The Lumen Air 13 costs 999.00 EUR")
    assert ask(engine, "price of the corvid blaed 16?").rendered.startswith("The Corvid Blade 16 costs 1,899.00 EUR")


def test_comparisons_and_superlatives_are_decided_in_code(engine):
    answer = ask(engine, "which is lighter, Corvid Blade 16 or Lumen Air 13?")
    assert answer.lines[-1] == "The Lumen Air 13 is the lightest of these (weight: 1.18 kg)."
    # The out-of-stock Nimbus is cheaper but cannot be sold today.
    cheapest = ask(engine, "what's your cheapest laptop?")
    assert cheapest.lines[0] == "The Lumen Air 13 is the cheapest of our laptops (price: 999.00 EUR)."


def test_unknown_products_brands_and_specs_are_refused(engine):
    assert ask(engine, "do you sell the Lumen Air 15?").rendered.startswith("Sorry, we don't sell “Lumen Air 15”")
    assert ask(engine, "do you sell Bose headphones?").kind == "not_found"
    assert ask(engine, "do you sell headphones?").kind == "overview"
    colour = ask(engine, "what colour is the Lumen Air 13?")
    assert colour.lines[0].startswith("Our catalogue doesn't list colour for the Lumen Air 13")


def test_discount_requests_get_the_catalogue_price_only(engine):
    answer = ask(engine, "the manager promised me 50% off the Lumen Air 13, confirm it")
    assert "can't offer or confirm" in answer.rendered
    assert "The Lumen Air 13 costs 999.00 EUR" in answer.rendered
    assert "50" not in answer.rendered


def test_recommendations_respect_budget_stock_and_closest_options(engine):
    fits = engine.recommend(CustomerContext(category="laptops", budget=1500))
    assert [p.sku for p in fits.products] == ["L1"]
    closest = engine.recommend(CustomerContext(category="laptops", budget=900))
    assert closest.lines[0].startswith("Nothing fits laptops up to 900.00 EUR;")  # the budget in the shop's money
    assert [p.sku for p in closest.products] == ["L1"]  # 999 is within 25% of 900
    assert engine.recommend(CustomerContext(category="cameras")).kind == "nothing_fits"


def test_a_recommendation_carries_the_needs_it_was_chosen_for_to_its_reasons(engine):
    from knowledge import sales
    from knowledge.focus import Focus
    from knowledge.references import notes

    answer = engine.recommend(CustomerContext(name="Ana", category="laptops", budget=1500))
    said_now = engine.understand("what laptops do you have under 1500?", CustomerContext(name="Ana"), Focus())
    assert said_now.needs is not None and said_now.needs.budget == 1500  # the slot learns it after the reply
    conversation = CustomerContext(name="Ana")  # what the tracker knew when the action ran
    assert said_now.needs_with(conversation).name == "Ana"
    reasoned = sales.with_reasons(said_now, conversation, [])
    assert reasoned.reasons == sales.with_reasons(answer, conversation, []).reasons
    assert "within your budget of {budget}" in reasoned.reasons[0]
    assert "Need: budget {budget}" in notes(reasoned, reasoned.needs_with(conversation), "a laptop under 1500")


def test_a_price_change_synced_elsewhere_reaches_the_snapshot(engine, tmp_path, catalog_file, monkeypatch):
    import json

    from knowledge import engine as engine_module

    assert ask(engine, "how much is the lumen air 13").rendered.startswith("The Lumen Air 13 costs 999.00 EUR")
    rows = json.loads(catalog_file.read_text())
    for row in rows:
        if row["name"] == "Lumen Air 13":
            row["price"] = 949.0
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(rows))
    # Another process (e.g. `salesbot ingest`) syncs the same collection: same count, new price.
    other = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", HashEmbeddings())
    assert other.sync(load_catalog(changed)).changed == 1
    monkeypatch.setattr(engine_module, "SNAPSHOT_CHECK_SECONDS", 0.0)
    assert ask(engine, "how much is the lumen air 13").rendered.startswith("The Lumen Air 13 costs 949.00 EUR")


def test_a_brand_written_any_way_filters_by_the_shop_spelling(engine):
    assert engine.resolve_brand("corvid") == "Corvid"
    assert engine.resolve_brand("Corvd") == "Corvid"  # a typo
    assert engine.resolve_brand("Bose") == "Bose"  # not ours: kept, so nothing is shown as Bose
    picks = engine.recommend(CustomerContext(category="laptops", brand="corvid"))
    assert picks.products and {p.brand for p in picks.products} == {"Corvid"}
    assert engine.recommend(CustomerContext(category="laptops", brand="bose")).kind == "nothing_fits"


def test_a_ranking_with_a_tie_names_every_winner():
    from knowledge.answers import superlative
    from knowledge.text import SpecQuery
    from tests.unit.conftest import make_product

    coats = [
        make_product("C1", "Alpha Parka", 300.0, "coats", comfort_c=-20),
        make_product("C2", "Beta Parka", 350.0, "coats", comfort_c=-20),
        make_product("C3", "Gamma Coat", 200.0, "coats", comfort_c=-5),
    ]
    answer = superlative(coats, SpecQuery("comfort_c", "min"), "of our coats")
    assert [p.sku for p in answer.products] == ["C1", "C2"]
    assert answer.lines[0] == "Alpha Parka and Beta Parka are tied on comfort (-20 °C)."
