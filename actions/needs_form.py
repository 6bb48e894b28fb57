"""The needs-discovery form: natural answers become catalogue values, skipped questions are
not asked again, and "why do you ask?" gets an honest answer."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.replies import answer_and_send
from actions.sales_state import before_latest_message, focus_of, list_slot, stage
from knowledge.answers import Answer, CustomerContext
from knowledge.text import asks_about_products, parse_budget

# Words around a use case that are not the use case: "mostly for gaming" -> "gaming".
_USE_CASE_FILLER = re.compile(
    r"^(?:(?:it'?s|it is|i'?ll use it|i will use it|i'?d use it|i use it|i need it|mainly|mostly|just|"
    r"primarily|only|basically|probably|for|use it for|using it for)\s+)+",
    re.I,
)
_ASKS_FOR_ANOTHER = re.compile(r"\b(else|other|another|alternatives?|similar|instead)\b", re.I)
_ASKS_ADVICE = re.compile(r"\b(recommend|suggest|advi[cs]e|should i)\b", re.I)
WHY_WE_ASK = {
    "category": "so I only show you products from the right part of our range",
    "use_case": "so I can pick models whose strengths match what you'll do with it, and tell you why each one fits",
    "budget": "so I only suggest products within what you want to spend; if nothing fits, I'll say so and show "
    "the closest options",
    "features": "so I can leave out products that lack something you can't do without",
}


# "for a festival", "for my curly hair", "to make lattes": up to where a budget, a must-have or the sentence starts.
_STATED_USE = re.compile(
    r"\b(?:for|to make)\s+(?:a\s+|an\s+|the\s+|my\s+|our\s+|some\s+)?"
    r"(?P<use>(?!under\b|less\b|about\b|around\b|me\b|you\b|it\b|them\b|him\b|her\b|sale\b)[a-z0-9][a-z0-9' -]{2,40}?)"
    r"\s*(?=$|[,.;!?]|\b(?:under|below|less|no more|max|up to|around|about|with|and under|but|for)\b)",
    re.I,
)


def stated_use(text: str) -> str | None:
    """The uses a message states in passing ("cheap sleeping bag for a festival" -> "festival"), if any."""
    uses = [match.group("use").strip() for match in _STATED_USE.finditer(text)]
    # "a 5 day trek" and "2 people" are uses, "200" and "200 dollars" budgets
    uses = [u for u in uses if re.search(r"[a-z]{3}", u, re.I) and parse_budget(u, cued_only=True) is None]
    return " and ".join(uses) or None


def stated_now(tracker: Tracker) -> set[str]:
    """The needs the customer's latest message states that the form extracts itself (a cued budget, a use said
    in passing), so they are extracted in the same turn instead of being asked for."""
    said = tracker.latest_message.get("text") or ""
    stated = {"budget"} if parse_budget(said, cued_only=True) is not None else set()
    if tracker.get_slot("requested_slot") is None and stated_use(said):
        stated.add("use_case")
    return stated


def skipped(tracker: Tracker) -> list[str]:
    return list_slot(tracker, "skipped_needs")


def _entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(v) for v in tracker.get_latest_entity_values(entity) if str(v).strip()]


class ValidateNeedsForm(FormValidationAction):
    def name(self) -> str:
        return "validate_needs_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The form's questions: what the customer has said, the category if missing, and at most one more.

        Consultative, not an interrogation: a customer who names a category and asks what there is ("what trail
        shoes do you have?") or states a budget, use or must-have sees products at once; one who only asks for
        advice ("can you recommend a laptop?") is asked one question, what it is for (the need that most
        changes which products fit and why), and then sees products. Budget and must-haves can be added any
        time after; questions the customer skipped are not asked.
        """
        wanted = [slot for slot in domain_slots if slot not in skipped(tracker)]
        known = {slot for slot in wanted if tracker.get_slot(slot) is not None} | stated_now(tracker)
        requested = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        states_a_need = bool(known - {"category"})
        wants_products_now = requested is None and asks_about_products(text) and not _ASKS_ADVICE.search(text)
        if requested is not None and requested != "category":
            # The one question was asked: asked again until answered or skipped ("why do you ask?" is no answer).
            extra = requested if requested in wanted and requested not in known else None
        elif states_a_need or ("category" in known and wants_products_now):
            extra = None
        else:
            extra = next((slot for slot in wanted if slot != "category" and slot not in known), None)
        return [slot for slot in wanted if slot in known or slot in {"category", extra}]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if tracker.get_slot("sales_stage") != "discovery":
            events.append(stage("discovery"))
        return events

    async def extract_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The shop's category named anywhere in a message ("a couch for my flat"), whether or not the NLU
        tagged it; a different category replaces the one known ("actually, show me tablets instead")."""
        said = tracker.latest_message.get("text") or ""

        def decide() -> str | None:
            engine = services.engine()
            found = engine.match_category(said)
            if found or tracker.get_slot("category"):
                return found
            # "what else would you suggest?" right after a product: the category of the products in focus
            focus = focus_of(engine, tracker)
            kinds = {p.category for p in ([focus.current] if focus.current else focus.shown)}
            # else the category a need points to ("need something to ride on for my nephew")
            return kinds.pop() if len(kinds) == 1 else engine.guess_category(said)

        found = await services.run_blocking(decide)
        return {"category": found} if found and found != tracker.get_slot("category") else {}

    async def extract_budget(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A budget stated with a cue anywhere in a message ("under 150", "no more than a hundred bucks")."""
        amount = parse_budget(tracker.latest_message.get("text") or "", cued_only=True)
        return {"budget": amount} if amount and amount != tracker.get_slot("budget") else {}

    async def extract_use_case(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """What the product is for, said in the message that starts the discovery ("a sleeping bag for a
        festival", "a kettle for green tea, under 100") though the NLU tagged no use case: not asked again."""
        if tracker.get_slot("requested_slot") is not None or tracker.get_slot("use_case"):
            return {}
        if _entity_values(tracker, "use_case"):
            return {}  # the slot's own mapping takes the tagged words
        found = stated_use(tracker.latest_message.get("text") or "")
        return {"use_case": found} if found else {}

    async def validate_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        said = tracker.latest_message.get("text") or ""

        def decide() -> tuple[list[str], str | None]:
            # Building the engine (first use) and reading the catalogue (Chroma) block: not on the event loop.
            engine = services.engine()
            categories = engine.categories()
            if text.lower() in categories:
                return categories, text.lower()
            match = engine.match_category(text) or engine.match_category(said)
            if match is None and _ASKS_FOR_ANOTHER.search(said):  # "what else would you suggest for long runs?"
                focus = focus_of(engine, tracker)
                kinds = {p.category for p in ([focus.current] if focus.current else focus.shown)}
                match = kinds.pop() if len(kinds) == 1 else None
            # the answer to "what kind of product?": "something cuddly for a toddler"
            return categories, match or engine.guess_category(said, answers_what_kind=True)

        categories, match = await services.run_blocking(decide)
        if match:
            return {"category": match}

        def policy_answer() -> Answer | None:
            engine = services.engine()
            return engine.understand(said, CustomerContext(), focus_of(engine, tracker))

        # "can you gift wrap it?" asked instead of the category: the shop's pages answer it, then the form asks again
        answer = await services.run_blocking(policy_answer)
        if answer is not None and answer.kind == "policy":
            await answer_and_send(dispatcher, tracker, lambda: answer)
            return {"category": None}
        dispatcher.utter_message(
            text=f"Sorry, we don't sell {text!r}. We have: {', '.join(categories)}."
            if text
            else f"We have: {', '.join(categories)}."
        )
        return {"category": None}

    async def validate_use_case(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """ "for gaming and some video editing" -> "gaming and video editing" (the entities), else the cleaned text."""
        named = _entity_values(tracker, "use_case")
        if named:
            return {"use_case": " and ".join(dict.fromkeys(named))}
        text = _USE_CASE_FILLER.sub("", str(value or "").strip(" .!?")).strip()
        if not text:
            dispatcher.utter_message(text="Sorry, I didn't catch that. What will you mainly use it for?")
            return {"use_case": None}
        return {"use_case": text}

    async def validate_budget(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        said = tracker.latest_message.get("text") or ""
        if tracker.get_slot("requested_slot") != "budget" and parse_budget(said, cued_only=True) is None:
            # A number the NLU took for a budget in a message that states none ("2 kids and a dog"): keep the
            # budget the conversation had.
            return {"budget": _earlier_value(tracker, "budget")}
        if isinstance(value, int | float) and not isinstance(value, bool):
            amount: float | None = float(value)
        else:
            amount = parse_budget(str(value or "")) or parse_budget(said)
        if amount is None or amount <= 0:
            dispatcher.utter_message(text="Sorry, I didn't catch an amount. Roughly how much would you like to spend?")
            return {"budget": None}
        return {"budget": amount}

    async def validate_features(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Must-haves as a list: the named features, else the customer's own words."""
        named = _entity_values(tracker, "feature")
        if named:
            return {"features": list(dict.fromkeys(named))}
        values = value if isinstance(value, list) else [value]
        wanted = [str(v).strip(" .!?") for v in values if v is not None and str(v).strip(" .!?")]
        if not wanted:
            dispatcher.utter_message(text="Sorry, I didn't catch that. Is there anything it must have?")
            return {"features": None}
        return {"features": wanted}


def _earlier_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the customer's latest message."""
    for event in before_latest_message(tracker):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


class ActionSkipNeed(Action):
    """The customer skips the form's current question ("no preference", "skip"): it is not asked again."""

    def name(self) -> str:
        return "action_skip_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        asked = tracker.get_slot("requested_slot")
        if not asked:
            return []
        dispatcher.utter_message(text="No problem, let's skip that.")
        return [SlotSet("skipped_needs", list(dict.fromkeys([*skipped(tracker), str(asked)])))]


class ActionExplainNeed(Action):
    """ "Why do you ask?": why the form's current question helps; the form then asks it again."""

    def name(self) -> str:
        return "action_explain_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        asked = str(tracker.get_slot("requested_slot") or "")
        why = WHY_WE_ASK.get(asked, "so my suggestions fit what you need")
        text = f'I ask {why}. You can always say "skip" if you\'d rather not say.'
        if asked == "category":
            categories = await services.run_blocking(lambda: services.engine().categories())
            text += f" We carry {', '.join(categories)}."
        dispatcher.utter_message(text=text)
        return []
