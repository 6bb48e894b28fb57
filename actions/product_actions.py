"""Actions that answer product questions, compare products and recommend products."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.replies import answer_and_send, customer_context
from actions.sales_state import features, remember_products, stage
from knowledge import sales


def _product_entity(tracker: Tracker) -> str | None:
    values = list(tracker.get_latest_entity_values("product"))
    return values[0] if values else None


def _remember_product(tracker: Tracker, answer: Any) -> list[dict[str, Any]]:
    events = remember_products(tracker, answer)
    if answer is not None and len(answer.products) == 1 and answer.kind in ("lookup", "compare"):
        events.append(SlotSet("product", answer.products[0].name))
    if tracker.get_slot("sales_stage") in (None, "greeting"):
        events.append(stage("discovery"))  # asking about products is where discovery starts
    return events


class ActionAnswerProductQuestion(Action):
    def name(self) -> str:
        return "action_answer_product_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        named = _product_entity(tracker)
        context = customer_context(tracker)
        answer = await answer_and_send(
            dispatcher, tracker, lambda: services.engine().product_question(text, context, named), context
        )
        return _remember_product(tracker, answer)


class ActionCompareProducts(Action):
    def name(self) -> str:
        return "action_compare_products"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        context = customer_context(tracker)
        answer = await answer_and_send(dispatcher, tracker, lambda: services.engine().compare(text, context), context)
        return _remember_product(tracker, answer)


class ActionRecommendProducts(Action):
    def name(self) -> str:
        return "action_recommend_products"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        context = customer_context(tracker)
        wanted = features(tracker)
        answer = await answer_and_send(
            dispatcher,
            tracker,
            lambda: sales.with_reasons(services.engine().recommend(context), context, wanted),
            context,
        )
        events = [stage("recommendation"), SlotSet("cross_sell_offered", False), SlotSet("product", None)]
        if answer is not None and answer.kind == "recommend":
            events.append(SlotSet("recommended", answer.sources))
        return events + remember_products(tracker, answer)


class ActionAskCategory(Action):
    """Asks for the category, offering the shop's own categories as buttons."""

    def name(self) -> str:
        return "action_ask_category"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        categories = await services.run_blocking(lambda: services.engine().categories())
        buttons = [{"title": c.capitalize(), "payload": c} for c in categories[:8]]
        dispatcher.utter_message(text="What kind of product are you looking for?", buttons=buttons)
        return []
