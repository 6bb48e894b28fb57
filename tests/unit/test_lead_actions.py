"""The lead form's validation and the lead action, run the way rasa-sdk runs them (the per-turn score is
tested in test_turn_actions.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.lead_actions import ActionSaveLead, ValidateLeadForm, tidy_name
from config.settings import PROJECT_ROOT, Settings
from customers.appdb import open_app_db
from tests.unit.conftest import make_product, shop_engine
from tests.unit.trackers import make_tracker

DOMAIN = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "leads.yml").read_text())
CONVERSATION = [
    {"event": "user", "text": "hi, I need a laptop for video editing", "parse_data": {"intent": {"name": "inform"}}},
    {"event": "slot", "name": "sales_stage", "value": "recommendation"},
    {"event": "user", "text": "how much is the Lumen Air 13? is it in stock?"},
    {"event": "slot", "name": "sales_stage", "value": "closing"},
    {"event": "user", "text": "great, I'll take it"},
]


@pytest.fixture
def settings(tmp_path: Path, use_services) -> Settings:
    configured = Settings(var_dir=tmp_path)
    use_services(settings=configured)
    return configured


def in_lead_form(text: str, intent: str = "inform", slots: dict | None = None, events: list | None = None) -> Tracker:
    return make_tracker(text, intent, slots, events=events, active_loop="lead_form", sender_id="lead-test")


@pytest.fixture
def shop(tmp_path: Path, use_services) -> None:
    """The actions answer from a made-up shop of two laptops."""
    laptops = [
        make_product("L1", "Lumen Air 13", 999.0, stock=2, weight_kg=1.18),
        make_product("L2", "Corvid Blade 16", 1899.0, weight_kg=2.3),
    ]
    use_services(engine=shop_engine(tmp_path, laptops))


def answer(requested: str, text: str, intent: str = "inform", known: dict | None = None) -> tuple[dict, list[str]]:
    """The customer answers the form's question `requested` with `text`: returns the validated slots and replies."""
    slots = {"requested_slot": requested, **(known or {}), requested: text}
    events = [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
        {"event": "slot", "name": requested, "value": text},
    ]
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateLeadForm().run(dispatcher, in_lead_form(text, intent, slots, events), DOMAIN))
    return {e["name"]: e["value"] for e in result if e["event"] == "slot"}, [m["text"] for m in dispatcher.messages]


def test_the_form_asks_for_consent_first():
    assert DOMAIN["forms"]["lead_form"]["required_slots"][0] == "lead_consent"


@pytest.mark.parametrize(("text", "intent"), [("/affirm", "affirm"), ("yes please", "inform"), ("Sure", "greet")])
def test_consent_yes(text, intent):
    slots, replies = answer("lead_consent", text, intent)
    assert slots["lead_consent"] is True and not replies


@pytest.mark.parametrize(("text", "intent"), [("/deny", "deny"), ("no thanks", "inform"), ("nope", "deny")])
def test_consent_no_ends_the_form_and_clears_contact_slots(text, intent):
    slots, _ = answer("lead_consent", text, intent, known={"lead_email": "volunteered@example.com"})
    assert slots["lead_consent"] is False and slots["lead_email"] is None and slots["lead_phone"] is None
    assert slots["requested_slot"] is None  # nothing more is asked


def test_an_unclear_consent_answer_is_asked_again(shop):
    slots, replies = answer("lead_consent", "what do you do with it?", "ask_product_info")
    assert slots["lead_consent"] is None
    assert "yes or no" in replies[0]


def test_a_question_instead_of_a_yes_or_no_is_answered_and_nothing_is_stored(shop):
    """The customer goes on shopping: the question is answered, no consent was given, so the form ends."""
    slots, replies = answer("lead_consent", "is the lumen air 13 in stock?", "ask_product_info")
    assert slots["lead_consent"] is False and slots["requested_slot"] is None
    assert "only 2 left" in replies[0] and slots["current_product"] == "L1"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Anna Meyer", "Anna Meyer"),
        ("my name is anna meyer.", "Anna Meyer"),
        ("I'm Jo", "Jo"),
        ("it's O'Neill", "O'Neill"),
    ],
)
def test_names_are_tidied(typed, stored):
    assert tidy_name(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "anna@example.com", "0171 2345678", "what laptops do you have that are light and cheap"]
)
def test_non_names_are_asked_again(typed):
    assert tidy_name(typed) is None
    slots, replies = answer("customer_name", typed, known={"lead_consent": True})
    assert slots["customer_name"] is None and "didn't catch a name" in replies[0]


@pytest.mark.parametrize("bad", ["anna@@example.com", "anna.example.com", "anna@example", "a@b@example.com"])
def test_a_bad_email_is_rejected_with_a_clear_reask(bad):
    slots, replies = answer("lead_email", bad, known={"lead_consent": True, "customer_name": "Anna"})
    assert slots["lead_email"] is None
    assert bad in replies[0] and "name@example.com" in replies[0]
    assert "requested_slot" not in slots  # the form stays on the email and asks for it again


def test_a_good_email_is_taken_from_the_sentence():
    slots, replies = answer("lead_email", "sure, it's Anna.Meyer@Example.COM", known={"lead_consent": True})
    assert slots["lead_email"] == "Anna.Meyer@example.com" and not replies


def test_saying_no_to_the_email_question_withdraws_consent():
    slots, _ = answer("lead_email", "no, I'd rather not", "deny", known={"lead_consent": True, "customer_name": "Anna"})
    assert slots["lead_consent"] is False and slots["requested_slot"] is None


@pytest.mark.parametrize(
    ("typed", "stored"), [("+49 171 2345678", "+49 171 2345678"), ("call 0171/234567", "0171/234567")]
)
def test_phone_numbers_are_accepted(typed, stored):
    slots, _ = answer("lead_phone", typed, known={"lead_consent": True})
    assert slots["lead_phone"] == stored


@pytest.mark.parametrize("typed", ["skip", "no thanks", "none"])
def test_the_phone_can_be_skipped(typed):
    slots, replies = answer("lead_phone", typed, known={"lead_consent": True})
    assert slots["lead_phone"] == "" and not replies


def test_a_bad_phone_number_is_asked_again():
    slots, replies = answer("lead_phone", "12", known={"lead_consent": True})
    assert slots["lead_phone"] is None and "phone number" in replies[0]


def run_save(slots: dict) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ActionSaveLead().run(dispatcher, in_lead_form("+49 171 2345678", slots=slots, events=CONVERSATION), {})
    )
    return events, dispatcher.messages


def test_a_consented_lead_is_saved_with_needs_products_stage_and_score(settings):
    slots = {
        "lead_consent": True,
        "customer_name": "Anna Meyer",
        "lead_email": "anna@example.com",
        "lead_phone": "",
        "category": "laptops",
        "budget": 1000.0,
        "use_case": "video editing",
        "products_discussed": ["L1", "L2"],
        "sales_stage": "closing",
    }
    events, messages = run_save(slots)
    [lead] = open_app_db(settings).list_leads()
    assert (lead.sender_id, lead.name, lead.email, lead.phone) == ("lead-test", "Anna Meyer", "anna@example.com", None)
    assert lead.needs == {"category": "laptops", "budget": 1000.0, "use_case": "video editing"}
    assert lead.products_discussed == ["L1", "L2"] and lead.stage == "closing"
    assert 0 < lead.purchase_intent < 1 and lead.intent_features["buying_phrases"] == 0.5
    assert len(messages) == 1
    assert (messages[0]["response"], messages[0]["name"], messages[0]["email"]) == (
        "utter_lead_saved",
        "Anna Meyer",
        "anna@example.com",
    )
    slot_events = {e["name"]: e["value"] for e in events}
    assert slot_events == {
        "lead_consent": None,
        "lead_email": None,
        "lead_phone": None,
        "purchase_intent": lead.purchase_intent,
    }


def test_without_consent_nothing_is_stored(settings):
    events, messages = run_save({"lead_consent": False, "customer_name": "Anna", "lead_email": None})
    assert open_app_db(settings).list_leads() == []
    assert messages[0]["response"] == "utter_lead_not_stored"
    assert {e["name"]: e["value"] for e in events} == {"lead_consent": None, "lead_email": None, "lead_phone": None}


def test_an_unreachable_database_is_told_to_the_customer(use_services):
    use_services(settings=Settings(app_db_url="postgresql+psycopg2://u:p@127.0.0.1:9/x"))
    _, messages = run_save({"lead_consent": True, "customer_name": "Anna", "lead_email": "anna@example.com"})
    assert messages[0]["response"] == "utter_lead_not_saved"


def test_the_consent_is_kept_with_its_wording_answer_and_time(settings):
    question = "May we store your name, email and phone number to contact you about this?"
    asked = [
        *CONVERSATION,
        {"event": "bot", "text": question, "metadata": {"utter_action": "utter_ask_lead_consent"}},
        {"event": "user", "text": "/affirm", "timestamp": 1_790_000_000.0},
        {"event": "user", "text": "Anna Meyer", "timestamp": 1_790_000_010.0},
    ]
    slots = {"lead_consent": True, "customer_name": "Anna Meyer", "lead_email": "anna@example.com"}
    asyncio.run(ActionSaveLead().run(CollectingDispatcher(), in_lead_form("skip", slots=slots, events=asked), {}))
    [consent] = open_app_db(settings).list_consents("lead-test")
    assert (consent.purpose, consent.wording, consent.answer) == ("contact", question, "/affirm")
    assert consent.given_at == datetime.fromtimestamp(1_790_000_000, UTC) and consent.email == "anna@example.com"


def test_a_consent_whose_question_is_no_longer_in_the_events_says_so(settings):
    slots = {"lead_consent": True, "customer_name": "Anna", "lead_email": "anna@example.com"}
    run_save(slots)
    [consent] = open_app_db(settings).list_consents("lead-test")
    assert "no longer in the conversation" in consent.wording and consent.answer == ""
