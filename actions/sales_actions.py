"""The sales conversation: session start and greeting, objections, closing and accessories.

Each action sets `sales_stage` itself, so the stage follows what the dialogue manager chose
to run (rules, stories, the form), never a guess of the model.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.needs_form import stated_use
from actions.replies import answer_and_send, customer_context
from actions.sales_state import discussed, focus_hints, focus_of, remember_products, stage
from actions.sales_tracking import choose_variants
from knowledge import sales
from knowledge.answers import Answer
from knowledge.catalog import Product
from knowledge.text import asks_to_see_products, find_spec_query, mentions_price, parse_budget

# Slots that describe one session only; everything else carries over to the customer's next visit.
SESSION_ONLY_SLOTS = {
    "requested_slot",
    "sales_stage",
    "returning_customer",
    "session_started_metadata",
    "skipped_needs",
    "cross_sell_offered",
}
OBJECTION_BY_INTENT = {
    "objection_price": "price",
    "objection_quality": "quality",
    "objection_competitor": "competitor",
    "objection_timing": "timing",
    "just_browsing": "browsing",
}
MAX_NAMES_IN_WELCOME = 3


class ActionSessionStart(Action):
    """Starts a session, keeps what we knew about the customer and notes whether they are returning."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        carried = {k: v for k, v in tracker.slots.items() if v is not None and k not in SESSION_ONLY_SLOTS}
        returning = bool(carried.get("customer_name") or carried.get("products_discussed") or carried.get("category"))
        return [
            SessionStarted(),
            *(SlotSet(k, v) for k, v in carried.items()),
            SlotSet("returning_customer", returning),
            stage("greeting"),
            ActionExecuted("action_listen"),
        ]


class ActionGreetCustomer(Action):
    """Greets by name; a returning customer is welcomed back with what they looked at last time."""

    def name(self) -> str:
        return "action_greet_customer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        name = tracker.get_slot("customer_name")
        events: list[dict[str, Any]] = []
        if tracker.get_slot("returning_customer"):
            looked_at = await services.run_blocking(
                lambda: sales.products_by_sku(services.engine(), discussed(tracker))
            )
            dispatcher.utter_message(text=welcome_back(name, [p.name for p in looked_at]))
            events.append(SlotSet("returning_customer", False))
        else:
            variants = await services.run_blocking(lambda: choose_variants(tracker, "greeting"))
            opening = variants.knobs.get("opening_line")
            if opening:
                dispatcher.utter_message(text=f"Hi {name}! {opening}" if name else opening)
            else:
                dispatcher.utter_message(response="utter_greet_name" if name else "utter_greet")
        if tracker.get_slot("sales_stage") in (None, "greeting"):
            events.append(stage("greeting"))
        return events


def welcome_back(name: str | None, looked_at: list[str]) -> str:
    text = f"Welcome back, {name}!" if name else "Welcome back!"
    if looked_at:
        recent = looked_at[-MAX_NAMES_IN_WELCOME:]
        text += f" Last time you looked at the {', the '.join(recent)}."
        text += " Shall we pick up where you left off, or are you looking for something else?"
    else:
        text += " What can I help you find today?"
    return text


class ActionHandleObjection(Action):
    """Price, quality, competitor, timing and "just browsing": answered with catalogue and policy facts."""

    def name(self) -> str:
        return "action_handle_objection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        kind = OBJECTION_BY_INTENT.get(intent, "browsing")
        text = tracker.latest_message.get("text") or ""
        named, skus = focus_hints(tracker)
        context = customer_context(tracker)

        def decide() -> Answer:
            engine = services.engine()
            focus = None if kind == "browsing" else sales.focus_product(engine, text, named, skus)
            in_focus = focus_of(engine, tracker)
            category = engine.match_category(text)
            # "… one kettle for both, under 150" read as "not now": a category and a budget ask for products
            asks_for_range = category is not None and parse_budget(text, cued_only=True) is not None
            if _another_category(category, focus) or engine.asks_ranking(text) or asks_for_range:
                placed = engine.understand(text, context, in_focus)
                if placed is not None:
                    return placed
            if kind == "price" and focus is not None and not focus.in_stock and not mentions_price(text):
                # "ah what a shame" after a sold-out product is no price objection: what is in stock instead
                return engine.recommend(replace(context, category=focus.category), text)
            use = stated_use(text)
            if focus is not None and use and asks_to_see_products(text):  # "what have you got for thick hair?"
                return engine.recommend(replace(context, category=focus.category, use_case=use), text)
            # "how long does the battery last on it?" reads like a quality doubt but asks for a spec
            about_product = engine.product_instead_of_policy(text, in_focus) if kind != "price" else None
            return about_product or sales.objection(engine, kind, focus, context)

        answer = await answer_and_send(dispatcher, tracker, decide, context)
        # Putting the decision off is where a follow-up starts; the others are objections to handle.
        return [stage("follow_up" if kind == "timing" else "objection"), *remember_products(tracker, answer)]


class ActionCloseSale(Action):
    """The customer wants to buy: the catalogue link, at most one accessory, and an email follow-up offer."""

    def name(self) -> str:
        return "action_close_sale"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        named, skus = focus_hints(tracker)
        offer_accessory = not tracker.get_slot("cross_sell_offered")
        suggested: list[bool] = []

        def decide() -> Answer:
            engine = services.engine()
            answer, accessory = sales.closing(engine, sales.focus_product(engine, text, named, skus), offer_accessory)
            suggested.append(accessory)
            return answer

        answer = await answer_and_send(dispatcher, tracker, decide)
        events = [stage("closing"), *remember_products(tracker, answer)]
        if any(suggested):
            events.append(SlotSet("cross_sell_offered", True))
        return events


class ActionOfferAccessories(Action):
    """Related products the catalogue lists for the product being discussed."""

    def name(self) -> str:
        return "action_offer_accessories"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        named, skus = focus_hints(tracker)

        context = customer_context(tracker)

        def decide() -> Answer:
            engine = services.engine()
            focus = sales.focus_product(engine, text, named, skus)
            category = engine.match_category(text)
            # "what sunscreen goes with it?": the related products of that category
            matched = engine.goes_with([focus] if focus else [], text, category)
            if matched is not None:
                return matched
            if focus is None and ASKS_IF_SOLD.search(text) and category is None:
                # "do you sell the X?": a product question
                return engine.product_question(text, context, focus=focus_of(engine, tracker))
            if focus is not None and not _ASKS_WHAT_GOES.search(text) and find_spec_query(text, list(focus.specs)):
                # "what sizes does the campeche 4/3 come in?": a question about the product, no accessory
                return engine.product_question(text, context, focus=focus_of(engine, tracker))
            # with no product to go with, the catalogue's reading ("what stick should i get for jigging?") first
            other = _another_category(category, focus) or focus is None
            placed = engine.understand(text, context, focus_of(engine, tracker)) if other else None
            return placed or sales.accessories(engine, focus)

        answer = await answer_and_send(dispatcher, tracker, decide)
        events = remember_products(tracker, answer)
        if answer is not None and answer.kind == "cross_sell":
            events.append(SlotSet("cross_sell_offered", True))
        return events


# what an accessory question says: "anything to go with it?", "what else do i need?", "does it come with a case?"
_ASKS_WHAT_GOES = re.compile(r"\bwith\b|\baccessor|\belse\b|\bextras?\b|\bin the box\b|\bincluded\b", re.I)
ASKS_IF_SOLD = re.compile(r"\b(?:do|does) (?:you|u|the shop) (?:sell|carry|stock|have)\b", re.I)


def _another_category(category: str | None, focus: Product | None) -> bool:
    """The message names a category (`category`) other than the product in focus ("what's your cheapest gps
    watch then?" read as a price objection, "what office chairs have lumbar support?" as an accessories
    question): the catalogue's answer to the message beats the objection or cross-sell script."""
    return category is not None and (focus is None or focus.category != category)
