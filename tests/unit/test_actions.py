"""Actions tested the way rasa-sdk runs them: a tracker from JSON, a fresh dispatcher."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.needs_form import ValidateNeedsForm, stated_now
from actions.product_actions import ActionAnswerFromCatalogue, ActionAnswerProductQuestion, ActionRecommendProducts
from knowledge.catalog import Product, load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings, shop_engine
from tests.unit.trackers import make_tracker


def tracker(text: str, slots: dict | None = None, entities: list | None = None) -> Tracker:
    """A product question (intent ask_price)."""
    return make_tracker(text, "ask_price", slots, entities=entities)


@pytest.fixture
def engine(tmp_path, catalog_file, use_services):
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", HashEmbeddings())
    store.sync(load_catalog(catalog_file))
    built = KnowledgeEngine(store, ReplyWriter(None))  # no model: rendered facts are sent
    use_services(engine=built)
    return built


def run_action(action, t: Tracker) -> tuple[list, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return events, dispatcher.messages


def test_price_question_sends_the_catalogue_price_and_remembers_the_product(engine):
    events, messages = run_action(ActionAnswerProductQuestion(), tracker("how much is the Lumen Air 13?"))
    assert messages[0]["text"] == "The Lumen Air 13 costs 999.00 EUR and is in stock."
    assert messages[0]["custom"]["sources"] == ["L1"]
    assert messages[0]["custom"]["products"][0]["price"] == 999.0
    assert {"event": "slot", "timestamp": None, "name": "current_product", "value": "L1"} in events
    assert {"event": "slot", "timestamp": None, "name": "products_discussed", "value": ["L1"]} in events


def test_a_ranking_of_another_kind_moves_the_conversation_to_that_kind(engine):
    said = tracker("which headphones are the cheapest?", slots={"category": "laptops"})
    events, messages = run_action(ActionAnswerProductQuestion(), said)
    assert "Sonora Echo" in messages[0]["text"]
    assert {"event": "slot", "timestamp": None, "name": "category", "value": "headphones"} in events


@pytest.mark.parametrize(
    ("said", "response"),
    [
        ("just moved here, still finding my way around haha", "utter_small_talk"),  # chat: a kind word
        ("what's the weather like today?", "utter_out_of_scope"),  # a request we turn down
    ],
)
def test_chat_the_catalogue_cannot_place_is_answered_kindly_and_requests_are_declined(engine, said, response):
    _, messages = run_action(ActionAnswerFromCatalogue(), make_tracker(said, "out_of_scope"))
    assert [m["response"] for m in messages] == [response]


def test_unknown_product_is_refused_by_name(engine):
    entities = [{"entity": "product", "value": "iPhone 15", "start": 17, "end": 26}]
    _, messages = run_action(ActionAnswerProductQuestion(), tracker("do you sell the iPhone 15?", entities=entities))
    assert messages[0]["text"].startswith("Sorry, we don't sell “iPhone 15”")


def test_recommendation_respects_budget_and_stock(engine):
    _, messages = run_action(
        ActionRecommendProducts(), tracker("", slots={"category": "laptops", "budget": "under 1000 euros"})
    )
    text = messages[0]["text"]
    assert "Lumen Air 13" in text
    assert "Corvid Blade 16" not in text  # over budget
    assert "Nimbus Stratus 15" not in text  # out of stock


def test_a_must_have_said_in_the_request_is_the_reason_given(tmp_path, use_services):
    jackets = [
        Product(
            "J1", "Kin Hi-Vis Jacket", "jackets", "Kin", 99.0, "USD", 4, "A bright jacket.", specs={"waterproof": True}
        ),
        Product(
            "J2", "Kin Wind Shell", "jackets", "Kin", 89.0, "USD", 4, "A light shell.", specs={"waterproof": False}
        ),
    ]
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in jackets]))
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_jackets", HashEmbeddings())
    store.sync(load_catalog(folder))
    use_services(engine=KnowledgeEngine(store, ReplyWriter(None)))
    said = tracker("waterproof jacket under $150", slots={"category": "jackets", "budget": 150})
    _, messages = run_action(ActionRecommendProducts(), said)
    assert "Kin Wind Shell" not in messages[0]["text"]
    assert "Why: it is waterproof, which you asked for" in messages[0]["text"], messages[0]["text"]


def test_a_recommendation_asked_for_by_a_brand_the_shop_lacks_says_so(engine):
    said = tracker("do you have zenbook laptops?", slots={"category": "laptops"})
    _, messages = run_action(ActionRecommendProducts(), said)
    assert messages[0]["text"].startswith("Sorry, we don't sell “zenbook laptops”")


@pytest.mark.parametrize(("answer", "amount"), [("around 800 bucks", 800.0), ("under a grand", 1000.0), (650, 650.0)])
def test_budget_validation_turns_natural_answers_into_numbers(answer, amount):
    asked = tracker(str(answer), slots={"requested_slot": "budget"})
    result = asyncio.run(ValidateNeedsForm().validate_budget(answer, CollectingDispatcher(), asked, {}))
    assert result == {"budget": amount}


def test_budget_without_an_amount_is_asked_again():
    dispatcher = CollectingDispatcher()
    asked = tracker("not sure", slots={"requested_slot": "budget"})
    result = asyncio.run(ValidateNeedsForm().validate_budget("not sure", dispatcher, asked, {}))
    assert result == {"budget": None} and "how much" in dispatcher.messages[0]["text"]


def test_a_number_that_is_not_money_never_becomes_the_budget():
    said = "we need a big sofa for the family, 2 kids and a dog"
    events = [
        {"event": "slot", "name": "budget", "value": 1500.0},
        {"event": "user", "text": said},
        {"event": "slot", "name": "budget", "value": "2"},
    ]
    validate = ValidateNeedsForm().validate_budget
    earlier = make_tracker(said, events=events)
    assert asyncio.run(validate("2", CollectingDispatcher(), earlier, {})) == {"budget": 1500.0}
    assert asyncio.run(validate("2", CollectingDispatcher(), tracker(said), {})) == {"budget": None}
    stated = tracker("a sofa under 900 please")
    assert asyncio.run(validate("900", CollectingDispatcher(), stated, {})) == {"budget": 900.0}


def test_category_validation_maps_free_text_onto_shop_categories(engine):
    validate = ValidateNeedsForm().validate_category
    assert asyncio.run(validate("a laptop please", CollectingDispatcher(), tracker("a laptop please"), {})) == {
        "category": "laptops"
    }
    dispatcher = CollectingDispatcher()
    assert asyncio.run(validate("cameras", dispatcher, tracker("cameras"), {})) == {"category": None}
    assert "laptops" in dispatcher.messages[0]["text"]
    # "what else would you suggest for long trips?" after a laptop: the NLU's "trips" is no category
    after_a_laptop = tracker("what else would you suggest for long trips?", slots={"current_product": "L1"})
    assert asyncio.run(validate("trips", CollectingDispatcher(), after_a_laptop, {})) == {"category": "laptops"}


def test_the_form_takes_category_and_budget_from_any_message_that_states_them(engine):
    form = ValidateNeedsForm()
    said = tracker("got any notebooks? no more than a thousand bucks")  # no entities from the NLU
    assert asyncio.run(form.extract_category(CollectingDispatcher(), said, {})) == {"category": "laptops"}
    assert asyncio.run(form.extract_budget(CollectingDispatcher(), said, {})) == {"budget": 1000.0}
    changed = tracker("actually, show me headphones instead", slots={"category": "laptops"})
    assert asyncio.run(form.extract_category(CollectingDispatcher(), changed, {})) == {"category": "headphones"}
    unchanged = tracker("for my 2 kids", slots={"category": "laptops", "budget": 800})
    assert asyncio.run(form.extract_category(CollectingDispatcher(), unchanged, {})) == {}
    assert asyncio.run(form.extract_budget(CollectingDispatcher(), unchanged, {})) == {}  # "2" is not a budget
    # a need that names no category: the category of the products most like it (KnowledgeEngine.guess_category)
    need = tracker("need something that sounds like the sonora echo")
    assert asyncio.run(form.extract_category(CollectingDispatcher(), need, {})) == {"category": "headphones"}


@pytest.mark.parametrize(
    ("said", "at_once"),
    [
        ("what office chairs do you have?", True),
        ("I need a kettle for pour-over coffee", True),
        ("looking for a tent for two", True),
        ("can you recommend a laptop?", False),  # asks for advice: the form asks what it is for
        ("laptop", False),
    ],
)
def test_a_customer_who_asks_what_there_is_sees_products_without_questions(engine, said, at_once):
    slots = {"category": "laptops"}
    said_now = tracker(said, slots=slots)
    wanted = asyncio.run(
        ValidateNeedsForm().required_slots(
            ["category", "use_case", "budget", "features"], CollectingDispatcher(), said_now, {}
        )
    )
    asked = [slot for slot in wanted if slot not in slots and slot not in stated_now(said_now)]
    assert asked == ([] if at_once else ["use_case"])  # one question at most


@pytest.mark.parametrize(
    ("said", "stated"),
    [
        ("kettle with temperature control for tea, under 100", {"use_case", "budget"}),
        ("cheap sleeping bag for a festival", {"use_case"}),
        ("a laptop, no more than a thousand", {"budget"}),
        ("can you recommend a laptop?", set()),
    ],
)
def test_needs_stated_in_passing_are_taken_not_asked(said, stated):
    assert stated_now(tracker(said)) == stated


def test_a_policy_question_asked_instead_of_the_category_is_answered_and_the_form_asks_again(
    tmp_path, products, use_services
):
    gifts = {"gifts.md": "# Gifts\n\nWe gift wrap any order for 4 EUR per item.\n"}
    use_services(engine=shop_engine(tmp_path, products, gifts))
    dispatcher = CollectingDispatcher()
    said = "can you gift wrap it?"
    result = asyncio.run(ValidateNeedsForm().validate_category(said, dispatcher, tracker(said), {}))
    assert result == {"category": None}
    assert "4 EUR per item" in dispatcher.messages[0]["text"]
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ValidateNeedsForm().validate_category("cameras", dispatcher, tracker("cameras"), {})) == {
        "category": None
    }
    assert "we don't sell 'cameras'" in dispatcher.messages[0]["text"]


def test_a_thing_for_what_the_customer_owns_is_recommended_not_what_they_own(tmp_path, use_services):
    shop = [
        Product("C1", "Hikari R50", "cameras", "Hikari", 89800.0, "JPY", 4, "A small mirrorless camera for travel."),
        Product("C2", "Hikari S9", "cameras", "Hikari", 198000.0, "JPY", 4, "A mirrorless camera for sport."),
        Product(
            "T1", "Sanpo Mini Tripod", "tripods", "Sanpo", 3980.0, "JPY", 4, "Holds your camera steady on a table."
        ),
        Product("T2", "Sanpo Travel Tripod", "tripods", "Sanpo", 24800.0, "JPY", 4, "Holds a camera steady outdoors."),
    ]
    use_services(engine=shop_engine(tmp_path, shop, {}))
    # the NLU took "camera" for the category
    said = tracker("something to hold my camera steady, under 10000 yen", slots={"category": "camera", "budget": 10000})
    _, messages = run_action(ActionRecommendProducts(), said)
    assert "Sanpo Mini Tripod" in messages[0]["text"] and "Hikari" not in messages[0]["text"], messages[0]["text"]
