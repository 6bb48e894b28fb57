"""The work of one answering action: the customer context is built once and handed down to the reply,
and the needs form's category check builds the engine and reads the catalogue off the event loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import product_actions, replies, sales_actions
from actions.needs_form import ValidateNeedsForm
from actions.product_actions import ActionAnswerProductQuestion, ActionCompareProducts, ActionRecommendProducts
from actions.sales_actions import ActionHandleObjection
from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings


def tracker(text: str, intent: str = "ask_price", slots: dict | None = None) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "turn-work",
            "slots": slots or {},
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def engine(tmp_path, catalog_file) -> KnowledgeEngine:
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_turn", HashEmbeddings())
    store.sync(load_catalog(catalog_file))
    return KnowledgeEngine(store, ReplyWriter(None))  # no model: the rendered facts are sent


def on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize(
    ("action", "text", "intent"),
    [
        (ActionAnswerProductQuestion(), "how much is the Lumen Air 13?", "ask_price"),
        (ActionCompareProducts(), "compare the Lumen Air 13 and the Corvid Blade 16", "compare_products"),
        (ActionRecommendProducts(), "", "request_recommendation"),
        (ActionHandleObjection(), "the Lumen Air 13 is too expensive", "objection_price"),
    ],
)
def test_the_customer_context_is_built_once_per_answer(engine, monkeypatch, use_services, action, text, intent):
    use_services(engine=engine)
    built: list[Any] = []
    real = replies.customer_context

    def counting(t: Tracker):
        built.append(real(t))
        return built[-1]

    for module in (replies, product_actions, sales_actions):
        monkeypatch.setattr(module, "customer_context", counting)
    dispatcher = CollectingDispatcher()
    slots = {"customer_name": "Anna", "category": "laptops", "budget": 1500}
    asyncio.run(action.run(dispatcher, tracker(text, intent, slots), {}))
    assert len(built) == 1
    assert dispatcher.messages and dispatcher.messages[0]["text"]


def test_the_category_check_uses_the_engine_off_the_event_loop(engine, use_services):
    calls: list[tuple[str, bool]] = []

    class Watched:
        """The engine, noting for every use whether it ran on the event loop."""

        def __getattr__(self, name: str) -> Any:
            calls.append((name, on_event_loop()))
            return getattr(engine, name)

    use_services(engine=Watched())
    said = tracker("any notebooks?", "ask_recommendation")
    extracted = asyncio.run(ValidateNeedsForm().extract_category(CollectingDispatcher(), said, {}))
    assert extracted == {"category": "laptops"}
    validate = ValidateNeedsForm().validate_category
    dispatcher = CollectingDispatcher()
    assert asyncio.run(validate("Laptops", dispatcher, tracker("Laptops", "inform"), {})) == {"category": "laptops"}
    found = asyncio.run(validate("a notebook", dispatcher, tracker("a laptop please", "inform"), {}))
    assert found == {"category": "laptops"}
    assert asyncio.run(validate("kayaks", dispatcher, tracker("kayaks", "inform"), {})) == {"category": None}
    assert dispatcher.messages[-1]["text"] == "Sorry, we don't sell 'kayaks'. We have: headphones, laptops."
    assert calls and not [name for name, on_loop in calls if on_loop]
