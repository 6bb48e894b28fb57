"""A whole conversation over REST against the real assistant, including a restart."""

from __future__ import annotations

import re

import pytest
import yaml

from config.settings import PROJECT_ROOT
from knowledge import answers
from knowledge.catalog import format_price, load_catalog

pytestmark = pytest.mark.e2e

CATALOG = load_catalog(PROJECT_ROOT / "data" / "catalog").products
SENDER = "e2e-customer"
RESPONSES = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "core.yml").read_text())["responses"]


def response(name: str) -> str:
    """The text of a response in the domain (each of these has exactly one variation)."""
    [variation] = RESPONSES[name]
    return variation["text"]


def named_products(text: str):
    return [p for p in CATALOG if p.name.lower() in text.lower()]


def test_ingest_reports_what_it_did(ingested):
    assert f"{len(CATALOG)} products" in ingested.stdout
    assert "added" in ingested.stdout


def test_sales_conversation_survives_a_restart(assistant):
    assert assistant.text(SENDER, "hi there") == response("utter_greet")  # rule "greet", a new customer

    product = next(p for p in CATALOG if p.name == "Lumen Air 13")
    price_reply = assistant.text(SENDER, f"how much is the {product.name}?")
    assert re.sub(r"[,\s]", "", format_price(product.price, "")) in re.sub(r"[,\s]", "", price_reply), price_reply

    reply = assistant.text(SENDER, "can you recommend a laptop under 1000 euros?")
    if "budget" in reply.lower() and not named_products(reply):
        reply = assistant.text(SENDER, "1000 euros")
    recommended = named_products(reply)
    assert recommended, reply
    for item in recommended:
        assert item.price <= 1000, f"{item.name} costs {item.price}: {reply}"

    unknown = assistant.text(SENDER, "do you sell the iPhone 15?")
    # the engine's refusal, word for word; similar products the catalogue has may follow it
    assert unknown.startswith(answers.not_found("iPhone 15", []).rendered), unknown
    for price in re.findall(r"\d[\d,]*\.\d{2}", unknown):
        assert any(format_price(p.price, "").strip() == price for p in CATALOG), unknown
    assert "iphone 15 costs" not in unknown.lower()

    slots_before = assistant.tracker(SENDER)["slots"]
    assert slots_before["category"] == "laptops" and float(slots_before["budget"]) == 1000

    assistant.stop()
    assistant.start()
    slots_after = assistant.tracker(SENDER)["slots"]
    assert slots_after["category"] == "laptops" and float(slots_after["budget"]) == 1000
    assert assistant.text(SENDER, "thanks!") == response("utter_you_are_welcome")  # rule "you are welcome"


@pytest.mark.parametrize(
    ("message", "reply"),
    [
        # Rasa strips the text; the NLU reads a message without words as `affirm` (rule "affirm without
        # context"), so the customer is asked what they are looking for.
        ("", "utter_how_can_i_help"),
        ("   ", "utter_how_can_i_help"),
    ],
    ids=["empty", "blank"],
)
def test_empty_messages_get_a_reply(assistant, message, reply):
    sender = f"e2e-odd-input-{len(message)}"  # a new conversation each: no earlier turn changes the outcome
    assert [m.get("text") for m in assistant.say(sender, message)] == [response(reply)]


def test_a_very_long_message_gets_the_catalogues_answer(assistant):
    """A long message (just under SALESBOT_MAX_MESSAGE_CHARS) naming one of the shop's categories: answered
    from the catalogue, in time. A longer one is refused politely (tests/e2e/test_abuse.py)."""
    laptops = [p for p in CATALOG if p.category == "laptops"]
    expected = answers.category_overview("laptops", laptops).rendered
    message = "laptop " * (assistant.settings.max_message_chars // len("laptop "))
    assert assistant.say("e2e-long-laptops", message)[0]["text"] == expected
