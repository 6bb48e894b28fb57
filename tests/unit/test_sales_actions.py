"""The sales conversation actions, run the way rasa-sdk runs them, over the real sample catalogue
(products, related products, URLs and policy pages) with deterministic embeddings."""

from __future__ import annotations

import asyncio
import re

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.needs_form import ActionExplainNeed, ActionSkipNeed, ValidateNeedsForm
from actions.product_actions import ActionAnswerProductQuestion, ActionRecommendProducts
from actions.sales_actions import (
    ActionCloseSale,
    ActionGreetCustomer,
    ActionHandleObjection,
    ActionOfferAccessories,
    ActionSessionStart,
)
from config.settings import PROJECT_ROOT
from knowledge.catalog import format_price, load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings
from tests.unit.trackers import make_tracker

CATALOG_DIR = PROJECT_ROOT / "data" / "catalog"
CATALOG = {p.name: p for p in load_catalog(CATALOG_DIR).products}
BY_SKU = {p.sku: p for p in CATALOG.values()}


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> KnowledgeEngine:
    store = CatalogStore(make_client(str(tmp_path_factory.mktemp("chroma"))), "salesbot_sales", HashEmbeddings())
    store.sync(load_catalog(CATALOG_DIR))
    return KnowledgeEngine(store, ReplyWriter(None))  # no model: the rendered facts are sent


@pytest.fixture(autouse=True)
def engine(shop, use_services) -> KnowledgeEngine:
    use_services(engine=shop)
    return shop


def run_action(action, t: Tracker) -> tuple[dict, str]:
    """The action's slot changes as {name: value} and everything it said."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, "\n".join(m.get("text") or "" for m in dispatcher.messages)


def named(text: str) -> list:
    """Catalogue products the text names, in the order it names them."""
    found = [(m.start(), p) for name, p in CATALOG.items() if (m := re.search(rf"\b{re.escape(name)}\b", text))]
    return [p for _, p in sorted(found, key=lambda item: item[0])]


def price(name: str) -> str:
    product = CATALOG[name]
    return format_price(product.price, product.currency)


# ---- recommendation ---------------------------------------------------------------------
def test_recommendation_gives_one_reason_per_product_tied_to_the_needs():
    slots = {"category": "laptops", "use_case": "travel", "budget": 1000.0, "products_discussed": ["HPH-SON-ECHO"]}
    events, text = run_action(ActionRecommendProducts(), make_tracker(slots=slots))
    shown = named(text)
    assert shown and all(p.category == "laptops" and p.price <= 1000 and p.in_stock for p in shown), text
    product_lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(product_lines) == len(shown) and all(". Why: " in line for line in product_lines), text
    # The best match for travel is recommended for it, each of the others for fitting the budget.
    first, *others = product_lines
    assert first.startswith("- Lumen Air 13: "), text
    assert first.endswith("Why: you said travel: it is made “for students and for travel”."), text
    for line, product in zip(others, shown[1:], strict=True):
        assert line.endswith(f"Why: {price(product.name)} is within your budget of 1,000.00 EUR."), text
    assert events["sales_stage"] == "recommendation"
    assert set(events["recommended"]) == {p.sku for p in shown}
    assert events["products_discussed"][0] == "HPH-SON-ECHO"
    assert set(events["products_discussed"][1:]) == {p.sku for p in shown}
    assert events["cross_sell_offered"] is False


def test_a_must_have_feature_filters_and_is_the_reason():
    slots = {"category": "headphones", "budget": 400.0, "features": ["noise cancelling"]}
    _, text = run_action(ActionRecommendProducts(), make_tracker(slots=slots))
    shown = named(text)
    assert shown and all(p.specs.get("noise_cancelling") is True for p in shown), text
    assert text.count("it has noise cancelling, which you asked for") == len(shown), text


def test_nothing_within_budget_offers_the_closest_options_labelled_over_budget():
    slots = {"category": "laptops", "budget": 500.0}
    _, text = run_action(ActionRecommendProducts(), make_tracker(slots=slots))
    assert "Nothing fits" in text and "slightly over budget" in text, text
    assert all(500 < p.price <= 625 for p in named(text)), text
    assert "over your budget of 500" in text


# ---- objections -------------------------------------------------------------------------
def test_price_objection_offers_no_discount_but_cheaper_products_of_the_same_category():
    slots, text = run_action(
        ActionHandleObjection(), make_tracker("that's too expensive", "objection_price", {"product": "Lumen Air 13"})
    )
    assert "can't offer a discount" in text and price("Lumen Air 13") in text, text
    cheaper = [p for p in named(text) if p.name != "Lumen Air 13"]
    assert cheaper and all(p.category == "laptops" and p.in_stock and p.price < 999 for p in cheaper), text
    # closest cheaper first: the most expensive laptop below 999 that is in stock
    best = max(
        (p for p in CATALOG.values() if p.category == "laptops" and p.in_stock and p.price < 999), key=lambda p: p.price
    )
    assert cheaper[0] == best, text
    assert not re.search(r"\d+ ?%|code|coupon", text, re.I), text
    assert slots["sales_stage"] == "objection"


def test_disappointment_at_a_sold_out_product_shows_what_is_in_stock_instead():
    sold_out = next(p for p in CATALOG.values() if not p.in_stock)
    _, text = run_action(
        ActionHandleObjection(), make_tracker("ah what a shame", "objection_price", {"product": sold_out.name})
    )
    assert "discount" not in text, text
    shown = named(text)
    assert shown and all(p.category == sold_out.category and p.in_stock for p in shown), text


def test_quality_objection_quotes_the_warranty_and_returns_pages():
    _, text = run_action(ActionHandleObjection(), make_tracker("will the Nimbus Stratus 15 last?", "objection_quality"))
    pages = " ".join(
        (CATALOG_DIR / "policies" / f).read_text().replace("**", "") for f in ("warranty.md", "returns.md")
    )
    assert "2-year statutory warranty" in text and "30 days" in text, text
    quoted = re.findall(r"(?:says|convince you): (.+)", text)
    assert quoted, text
    for sentence in quoted:
        assert sentence.split(". ")[0].rstrip(".") in pages, sentence
    assert "Nimbus Stratus 15" in text


def test_competitor_objection_neither_compares_nor_matches_prices():
    slots, text = run_action(
        ActionHandleObjection(),
        make_tracker("it's cheaper on amazon", "objection_competitor", {"recommended": ["PHN-LUM-PULSE6"]}),
    )
    assert "can't compare with other shops' prices or match them" in text, text
    assert price("Lumen Pulse 6") in text and "30 days" in text, text
    assert slots["sales_stage"] == "objection"


def test_timing_objection_starts_the_follow_up():
    slots, text = run_action(
        ActionHandleObjection(),
        make_tracker("i'll think about it", "objection_timing", {"products_discussed": ["LAP-COR-TALON15"]}),
    )
    assert "No rush" in text and price("Corvid Talon 15") in text and "email" in text, text
    assert slots["sales_stage"] == "follow_up"


def test_just_browsing_shows_the_range_from_the_catalogue():
    _, text = run_action(ActionHandleObjection(), make_tracker("just looking", "just_browsing"))
    for category in {p.category for p in CATALOG.values()}:
        count = sum(p.category == category for p in CATALOG.values())
        assert f"- {category}: {count} models" in text, text


# ---- closing, cross-sell ------------------------------------------------------------------
def test_closing_gives_the_catalogue_link_and_one_accessory_once():
    product = CATALOG["Lumen Air 13"]
    slots, text = run_action(
        ActionCloseSale(), make_tracker("i'll take it", "ready_to_buy", {"recommended": [product.sku]})
    )
    assert product.url in text and price("Lumen Air 13") in text and "email" in text, text
    accessory = next(BY_SKU[s] for s in product.related if BY_SKU[s].in_stock)
    assert accessory.name in text, text
    assert slots == {
        "sales_stage": "closing",
        "products_discussed": [product.sku, accessory.sku],
        "products_in_focus": [product.sku, accessory.sku],
        "current_product": None,
        "cross_sell_offered": True,
    }

    slots, text = run_action(
        ActionCloseSale(),
        make_tracker("i'll take it", "ready_to_buy", {"recommended": [product.sku], "cross_sell_offered": True}),
    )
    assert product.url in text and accessory.name not in text, text
    assert "cross_sell_offered" not in slots


def test_closing_an_out_of_stock_product_says_so():
    _, text = run_action(ActionCloseSale(), make_tracker("i want the Arcfield Forge 16", "ready_to_buy"))
    assert "out of stock" in text and CATALOG["Arcfield Forge 16"].url not in text, text


def test_accessories_come_from_the_catalogue_relations():
    product = CATALOG["Corvid Blade 16 Pro"]
    slots, text = run_action(
        ActionOfferAccessories(), make_tracker("any accessories?", "ask_accessories", {"product": product.name})
    )
    expected = [BY_SKU[s] for s in product.related if BY_SKU[s].in_stock]
    assert {p.sku for p in named(text)} - {product.sku} == {p.sku for p in expected}, text
    assert slots["cross_sell_offered"] is True


def test_a_question_about_the_product_read_as_accessories_is_answered_about_it():
    product = CATALOG["Corvid Blade 16 Pro"]
    asked = make_tracker(
        "how heavy does the corvid blade 16 pro come in?", "ask_accessories", {"product": product.name}
    )
    slots, text = run_action(ActionOfferAccessories(), asked)
    assert str(product.specs["weight_kg"]) in text and "cross_sell_offered" not in slots, text


# ---- greeting, returning customers, products discussed ----------------------------------------
def test_session_start_carries_needs_over_and_marks_a_returning_customer():
    old = {"customer_name": "Anna", "products_discussed": ["LAP-LUM-AIR13"], "sales_stage": "closing", "budget": 900.0}
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), make_tracker(slots=old), {}))
    assert events[0]["event"] == "session_started"
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert (
        slots["customer_name"] == "Anna" and slots["products_discussed"] == ["LAP-LUM-AIR13"] and slots["budget"] == 900
    )
    assert slots["returning_customer"] is True and slots["sales_stage"] == "greeting"

    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), make_tracker(), {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"returning_customer": False, "sales_stage": "greeting"}


def test_a_returning_customer_is_welcomed_back_with_what_they_looked_at():
    slots = {
        "customer_name": "Anna",
        "returning_customer": True,
        "products_discussed": ["LAP-LUM-AIR13", "HPH-SON-ECHO"],
    }
    events, text = run_action(ActionGreetCustomer(), make_tracker("hi", "greet", slots))
    assert text.startswith("Welcome back, Anna!") and "Lumen Air 13" in text and "Sonora Echo" in text, text
    assert events["returning_customer"] is False


def test_a_new_customer_is_greeted_and_the_stage_starts():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionGreetCustomer().run(dispatcher, make_tracker("hi", "greet"), {}))
    assert dispatcher.messages[0]["response"] == "utter_greet"
    assert events == [{"event": "slot", "timestamp": None, "name": "sales_stage", "value": "greeting"}]


def test_product_answers_are_remembered_and_start_discovery():
    slots, _ = run_action(
        ActionAnswerProductQuestion(),
        make_tracker("how much is the Sonora Echo?", "ask_price", {"sales_stage": "greeting"}),
    )
    assert slots == {
        "products_discussed": ["HPH-SON-ECHO"],
        "products_in_focus": ["HPH-SON-ECHO"],
        "current_product": "HPH-SON-ECHO",
        "sales_stage": "discovery",
    }


# ---- the needs form ---------------------------------------------------------------------
def test_skipping_a_question_removes_it_from_the_form():
    slots, text = run_action(
        ActionSkipNeed(), make_tracker("no preference", "skip_question", {"requested_slot": "budget"})
    )
    assert slots == {"skipped_needs": ["budget"]} and "skip" in text
    form = ValidateNeedsForm()
    required = asyncio.run(
        form.required_slots(
            ["category", "use_case", "budget", "features"],
            CollectingDispatcher(),
            make_tracker(slots={"skipped_needs": ["budget"]}),
            {},
        )
    )
    assert required == ["category", "use_case"]
    required = asyncio.run(
        form.required_slots(
            ["category", "use_case", "budget", "features"],
            CollectingDispatcher(),
            make_tracker(slots={"skipped_needs": ["use_case"]}),
            {},
        )
    )
    assert required == ["category", "budget"]  # the next question instead of the skipped one


def test_a_specific_first_request_is_not_interrogated():
    domain_slots = ["category", "use_case", "budget", "features"]
    form = ValidateNeedsForm()

    def required(slots: dict) -> list[str]:
        return asyncio.run(form.required_slots(domain_slots, CollectingDispatcher(), make_tracker(slots=slots), {}))

    assert required({"category": "laptops", "budget": 900.0}) == ["category", "budget"]
    assert required({"category": "laptops", "budget": 900.0, "use_case": "travel"}) == [
        "category",
        "use_case",
        "budget",
    ]
    # only a category: one question (what it is for), then products, whatever the answer
    assert required({"category": "laptops"}) == ["category", "use_case"]
    assert required({"category": "laptops", "requested_slot": "use_case"}) == ["category", "use_case"]  # unanswered
    skipped = {"category": "laptops", "requested_slot": "use_case", "skipped_needs": ["use_case"]}
    assert required(skipped) == ["category"]
    assert required({"category": "laptops", "use_case": "travel", "requested_slot": "use_case"}) == [
        "category",
        "use_case",
    ]
    # nothing known: the category first, then the one question
    assert required({}) == ["category", "use_case"]
    assert required({"category": "laptops", "requested_slot": "category"}) == ["category", "use_case"]


def test_why_do_you_ask_explains_the_current_question():
    _, text = run_action(ActionExplainNeed(), make_tracker("why?", "ask_why", {"requested_slot": "category"}))
    assert text.startswith("I ask so I only show you products from the right part of our range"), text
    assert all(c in text for c in {p.category for p in CATALOG.values()}), text
    _, text = run_action(ActionExplainNeed(), make_tracker("why?", "ask_why", {"requested_slot": "budget"}))
    assert "within what you want to spend" in text


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("for gaming and some video editing", ["gaming", "video editing"], "gaming and video editing"),
        ("mostly for office work", [], "office work"),
        ("it's for school", [], "school"),
    ],
)
def test_use_case_answers_become_the_use_case(text, entities, expected):
    found = [{"entity": "use_case", "value": v} for v in entities]
    result = asyncio.run(
        ValidateNeedsForm().validate_use_case(text, CollectingDispatcher(), make_tracker(text, entities=found), {})
    )
    assert result == {"use_case": expected}


def test_features_become_a_list():
    found = [{"entity": "feature", "value": "5G"}, {"entity": "feature", "value": "good camera"}]
    validate = ValidateNeedsForm().validate_features
    assert asyncio.run(validate("5G and a good camera", CollectingDispatcher(), make_tracker(entities=found), {})) == {
        "features": ["5G", "good camera"]
    }
    assert asyncio.run(validate("it should be light", CollectingDispatcher(), make_tracker(), {})) == {
        "features": ["it should be light"]
    }


def test_form_moves_the_stage_to_discovery_once():
    form = ValidateNeedsForm()
    domain = {"forms": {"needs_form": {"required_slots": ["category"]}}, "slots": {}}
    events = asyncio.run(
        form.get_validation_events(CollectingDispatcher(), make_tracker(slots={"sales_stage": "greeting"}), domain)
    )
    assert {"event": "slot", "timestamp": None, "name": "sales_stage", "value": "discovery"} in events
    events = asyncio.run(
        form.get_validation_events(CollectingDispatcher(), make_tracker(slots={"sales_stage": "discovery"}), domain)
    )
    assert not any(e["name"] == "sales_stage" for e in events)


# ---- NLU data -----------------------------------------------------------------------------
def test_the_nlu_data_names_no_shop_in_lookups_or_synonyms():
    """Shop-neutral NLU: a shop's words come from its catalogue at run time, not from training data."""
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        items = yaml.safe_load(path.read_text()).get("nlu") or []
        kinds = {key for item in items for key in ("lookup", "synonym") if key in item}
        assert not kinds, f"{path.name} defines {sorted(kinds)}"


def test_a_need_read_as_accessories_with_nothing_in_focus_gets_the_catalogues_answer():
    asked = make_tracker("want to edit 4k video on the go, which one should i get?", "ask_accessories")
    _, text = run_action(ActionOfferAccessories(), asked)
    assert "accessories for" not in text and named(text), text
