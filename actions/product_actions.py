"""Actions that answer product questions, compare products and recommend products."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.handoff_actions import ActionFallback
from actions.replies import answer_and_send, customer_context
from actions.sales_state import features, focus_of, remember_products, stage
from actions.sales_tracking import choose_variants, record, turn_key
from knowledge import sales
from knowledge.answers import Answer
from knowledge.engine import MAX_RECOMMENDATIONS, asks_something
from knowledge.text import parse_budget

log = logging.getLogger(__name__)


def _product_entity(tracker: Tracker) -> str | None:
    values = list(tracker.get_latest_entity_values("product"))
    return values[0] if values else None


def _remember_product(tracker: Tracker, answer: Any) -> list[dict[str, Any]]:
    events = remember_products(tracker, answer)
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

        def decide() -> Answer:
            engine = services.engine()
            return engine.product_question(text, context, named, focus=focus_of(engine, tracker))

        answer = await answer_and_send(dispatcher, tracker, decide, context)
        return _remember_product(tracker, answer)


class ActionCompareProducts(Action):
    def name(self) -> str:
        return "action_compare_products"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        context = customer_context(tracker)

        def decide() -> Answer:
            engine = services.engine()
            return engine.compare(text, context, focus=focus_of(engine, tracker))

        answer = await answer_and_send(dispatcher, tracker, decide, context)
        return _remember_product(tracker, answer)


class ActionRecommendProducts(Action):
    def name(self) -> str:
        return "action_recommend_products"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        context = customer_context(tracker)
        wanted = features(tracker)
        said = tracker.latest_message.get("text") or ""  # its must-haves ("with gps") and "cheapest" count
        variants = await services.run_blocking(lambda: choose_variants(tracker, "recommendation"))
        knobs = variants.knobs
        limit = knobs.get("recommendations") or MAX_RECOMMENDATIONS

        def what_is_for_their_own() -> str | None:  # the NLU's "camera" of "something to hold my camera steady"
            engine = services.engine()
            return engine.guess_category(said) if engine.names_only_what_they_own(said) else context.category

        context = replace(context, category=await services.run_blocking(what_is_for_their_own))

        def decide() -> Answer:
            engine = services.engine()
            category = engine.match_category(said) or context.category
            if category and engine.asks_for_another_brand(said, category):
                return engine.product_question(said, context)  # "do you have kitchen aid mixers?": we don't
            matching = engine.goes_with(focus_of(engine, tracker).products, said, category)
            # "waterproof running jacket under $150": the reason says it is waterproof, not only its price
            must = engine.must_have_said(replace(context, category=category), said)
            needs = [*wanted, must] if must and must not in wanted else wanted
            found = matching or sales.with_reasons(engine.recommend(context, said, limit), context, needs)
            return with_closing_question(found, knobs.get("closing_question"))

        answer = await answer_and_send(dispatcher, tracker, decide, context, knobs.get("model_writes", True))
        events = [stage("recommendation"), SlotSet("cross_sell_offered", False)]
        if answer is not None and answer.kind == "recommend":
            events.append(SlotSet("recommended", answer.sources))
            skus = [p.sku for p in answer.products]
            await services.run_blocking(
                lambda: record(tracker, "recommendation_shown", turn_key(tracker), variants.assigned, skus=skus)
            )
        return events + remember_products(tracker, answer)


def with_closing_question(answer: Answer, question: str | None) -> Answer:
    """A recommendation that ends with the variant's closing question (rendered or model-written)."""
    if not question or answer.kind != "recommend":
        return answer
    return replace(answer, lines=[*answer.lines, question], next_step=question)


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


class ActionAnswerFromCatalogue(Action):
    """A message the NLU could not place (out of scope, or too unsure) gets the catalogue's answer when it
    names something the shop knows: one of its products, categories or policy topics, or the products in
    focus ("which of those is lighter?"). Only what the catalogue cannot place gets the polite decline, or
    for an unsure NLU the fallback (which hands off after two in a row)."""

    def name(self) -> str:
        return "action_answer_from_catalogue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        context = customer_context(tracker)

        def decide() -> Answer:
            engine = services.engine()
            answer = engine.understand(text, context, focus_of(engine, tracker))
            if answer is None:
                raise LookupError("the catalogue names nothing in this message")
            return answer

        try:
            understood = await asyncio.wait_for(services.run_blocking(decide), services.settings().action_time_limit)
        except LookupError:
            understood = None
        except Exception:
            log.exception("could not place %r in the catalogue", text[:200])
            understood = None
        if understood is None:
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent == "out_of_scope" and not asks_something(text):
                dispatcher.utter_message(response="utter_small_talk")  # chat, not a request we turn down
                return []
            if intent == "nlu_fallback":  # asks to rephrase; the second time in a row, hands off
                return await ActionFallback().run(dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        answer = await answer_and_send(dispatcher, tracker, lambda: understood, context)
        return [*_remember_product(tracker, answer), *await _needs_named(text)]


async def _needs_named(text: str) -> list[dict[str, Any]]:
    """The category and budget a message states, so later questions carry them over."""
    engine = services.engine()
    category = await services.run_blocking(lambda: engine.match_category(text))
    budget = parse_budget(text, cued_only=True)  # not the "25" of a SKU or a model name
    events = [SlotSet("category", category)] if category else []
    return events + ([SlotSet("budget", budget)] if budget else [])
