"""The card payload (`custom`: products and sources) is one contract: docs/card-payload.schema.json.

The producer's real output (actions/replies.py, from answers the knowledge engine decides over the sample
catalogue) validates against the schema; every field a consumer reads (widget.js, the Slack/Telegram cards,
the widget's history) is declared in it, and every declared field is read by some consumer.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace

import jsonschema
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.policy_actions import ActionAnswerPolicy
from actions.product_actions import ActionAnswerProductQuestion, ActionRecommendProducts
from actions.replies import attachments
from bot.rasa_plugins.channels import cards
from bot.web.transcript import widget_history
from config.settings import PROJECT_ROOT
from knowledge import answers
from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.text import SpecQuery
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings
from tests.unit.trackers import make_tracker

DOCS = PROJECT_ROOT / "docs"
SCHEMA = json.loads((DOCS / "card-payload.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
CATALOG_DIR = PROJECT_ROOT / "data" / "catalog"
CATALOG = {p.name: p for p in load_catalog(CATALOG_DIR).products}

TOP_FIELDS = set(SCHEMA["properties"])
PRODUCT_FIELDS = set(SCHEMA["$defs"]["product"]["properties"])


def valid(payload: dict) -> dict:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(payload)]
    assert not errors, errors
    return payload


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> KnowledgeEngine:
    store = CatalogStore(make_client(str(tmp_path_factory.mktemp("chroma"))), "salesbot_cards", HashEmbeddings())
    store.sync(load_catalog(CATALOG_DIR))
    return KnowledgeEngine(store, ReplyWriter(None))  # no model: the rendered facts are sent


def sent_payloads(action, text: str, intent: str, slots: dict | None = None) -> list[dict]:
    """The `custom` payloads the action really sent, as the dispatcher hands them to Rasa."""
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, make_tracker(text, intent, slots), {}))
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


@pytest.mark.parametrize(
    ("action", "text", "intent", "slots"),
    [
        (ActionAnswerProductQuestion(), "how much is the Lumen Air 13?", "ask_price", None),
        (ActionAnswerProductQuestion(), "compare the Lumen Air 13 and the Corvid Talon 15", "compare_products", None),
        (ActionRecommendProducts(), "", "inform", {"category": "laptops", "budget": 1500}),
        (ActionAnswerPolicy(), "do you ship to Germany?", "ask_shipping", None),
    ],
)
def test_what_the_actions_send_validates(shop, use_services, action, text, intent, slots):
    use_services(engine=shop)
    [payload] = sent_payloads(action, text, intent, slots)
    valid(payload)
    if intent == "ask_shipping":
        assert payload["products"] == [] and all(s.endswith(".md") for s in payload["sources"]), payload
    else:
        assert (
            payload["products"]
            and [p["sku"] for p in payload["products"]] == payload["sources"][: len(payload["products"])]
        )


def test_every_field_a_product_can_have_validates():
    laptop = CATALOG["Lumen Air 13"]
    pictured = replace(laptop, image_url="https://shop.example/air13.jpg")
    sold_out = replace(laptop, sku="LAP-GONE", stock=0, url="")
    payload = valid(attachments(answers.lookup([pictured, sold_out], SpecQuery("price"))))
    assert [p["in_stock"] for p in payload["products"]] == [True, False]
    assert payload["products"][0]["image_url"] and payload["products"][1]["url"] == ""


def test_an_answer_without_sources_sends_no_payload():
    assert attachments(answers.nothing_fits("laptops up to 10")) is None


def test_an_undeclared_or_missing_field_is_refused():
    payload = attachments(answers.lookup([CATALOG["Lumen Air 13"]], SpecQuery("price")))
    assert not VALIDATOR.is_valid({**payload, "discount": 10})
    assert not VALIDATOR.is_valid({**payload, "products": [{**payload["products"][0], "price": "999.00 EUR"}]})
    assert not VALIDATOR.is_valid({"products": payload["products"]})


# ---- the consumers ----------------------------------------------------------------------------
def python_reads(path) -> set[str]:
    """Keys cards.py reads from the payload (`payload`) and from a product (`product`)."""
    source = path.read_text()
    reads = re.findall(r"""\b(?:payload|product)(?:\.get\(|\[)["'](\w+)["']""", source)
    return set(reads) | set(re.findall(r"""["'](\w+)["'] in payload\b""", source))


def widget_reads() -> set[str]:
    """Properties widget.js reads from the payload (`custom`) and from a product (`product`)."""
    source = (PROJECT_ROOT / "bot" / "web" / "static" / "widget.js").read_text()
    return set(re.findall(r"\b(?:custom|product)\.(\w+)", source))


def test_every_field_a_consumer_reads_is_declared_and_every_declared_field_is_read():
    declared = TOP_FIELDS | PRODUCT_FIELDS
    channel_cards = python_reads(PROJECT_ROOT / "bot" / "rasa_plugins" / "channels" / "cards.py")
    widget = widget_reads()
    assert {"products", "sources", "name", "price"} <= channel_cards, channel_cards  # the search found them
    assert {"products", "sources", "name", "price"} <= widget, widget
    assert channel_cards <= declared, channel_cards - declared
    assert widget <= declared, widget - declared
    assert channel_cards | widget == declared, declared - channel_cards - widget  # nothing sent in vain


def test_the_channels_and_the_widget_history_take_the_real_payload():
    laptops = [CATALOG["Lumen Air 13"], replace(CATALOG["Corvid Talon 15"], stock=0)]
    payload = valid(attachments(answers.compare(laptops, SpecQuery("price", "min"))))
    assert cards.is_catalogue_attachment(payload)
    text = cards.as_text(payload)
    assert (
        all(p.name in text for p in laptops)
        and "out of stock" in text
        and text.endswith("Sources: " + ", ".join(payload["sources"]))
    )
    assert len(cards.as_slack_blocks(payload)) == len(laptops) + 1
    event = {"event": "bot", "text": "Here they are.", "data": {"custom": payload}}
    assert widget_history([event])[-1] == {"sender": "bot", "custom": payload}  # passed on unchanged


def test_the_documentation_holds_the_schema_file_unchanged():
    page = (DOCS / "card-payload.md").read_text()
    [embedded] = re.findall(r"```json\n(.*?)\n```", page, re.S)
    assert json.loads(embedded) == SCHEMA
    for field in TOP_FIELDS | PRODUCT_FIELDS:
        assert f"| `{field}` |" in page, f"{field} has no row in the field tables"
