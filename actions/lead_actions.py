"""Lead capture (consent first, then name, email, optional phone) and the purchase-intent score.

A lead is stored only when the customer said yes to being contacted; without consent the
contact slots are cleared and nothing goes into the app database.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from actions.replies import answer_and_send, customer_context
from actions.sales_state import focus_of, remember_products
from actions.sales_tracking import record
from customers.appdb import AppDatabaseError, Consent, NewLead, open_app_db
from customers.intent_score import Conversation, IntentModel, IntentScoreError, extract_features, furthest_stage
from knowledge.answers import Answer

log = logging.getLogger(__name__)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"\+?\d[\d\s().\/-]{4,}\d")
YES = re.compile(r"^\s*(y|yes|yeah|yep|yup|sure|ok(ay)?|of course|please do|go ahead|fine|i agree|agreed)\b", re.I)
NO = re.compile(r"^\s*(n|no|nope|nah|no thanks|don'?t|do not|never ?mind|i'?d rather not|not now|cancel|stop)\b", re.I)
SKIP = re.compile(r"^\s*(skip|no|nope|nah|none|no thanks|-|n/?a|rather not|don'?t have one)\b", re.I)
NAME_CUES = r"(my name is|my name's|name's|i am|i'm|im|it's|its|this is|call me)"
NAME_PREFIX = re.compile(rf"^\s*{NAME_CUES}\s+", re.I)
LEAD_SLOTS = ("lead_consent", "lead_email", "lead_phone")
WITHDRAWN = {"lead_consent": False, "lead_email": None, "lead_phone": None}
CONSENT_QUESTION = "utter_ask_lead_consent"
CONSENT_NOT_FOUND = "(the consent question is no longer in the conversation's events)"


def _said(tracker: Tracker, intent: str, pattern: re.Pattern[str], value: Any) -> bool:
    return (tracker.latest_message.get("intent") or {}).get("name") == intent or bool(pattern.match(str(value or "")))


def tidy_name(text: str) -> str | None:
    """'my name is anna meyer.' -> 'Anna Meyer'; None when it does not look like a name."""
    name = NAME_PREFIX.sub("", text).strip(" .,!?")
    if not name or len(name) > 60 or len(name.split()) > 5 or re.search(r"[@\d/]", name):
        return None
    return name.title() if name.islower() else name


def stated_name(text: str, candidates: list[str]) -> str | None:
    """The first candidate (a `customer_name` entity of the NLU) that the customer gives as their own name:
    right after "my name is", "I'm", "call me"…, or right before "here" / "speaking". A place or a product
    the NLU took for a name ("do you ship to Austria?") is not one."""
    for candidate in candidates:
        value = re.escape(candidate.strip())
        if value and re.search(rf"\b{NAME_CUES}\s+{value}\b|\b{value}\s+(here|speaking)\b", text, re.I):
            return tidy_name(candidate)
    return None


class ValidateLeadForm(FormValidationAction):
    def name(self) -> str:
        return "validate_lead_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # A customer who said no (or withdrew) is asked nothing more: the form ends.
        return ["lead_consent"] if tracker.slots.get("lead_consent") is False else domain_slots

    async def validate_lead_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True or _said(tracker, "affirm", YES, value):
            return {"lead_consent": True}
        if value is False or _said(tracker, "deny", NO, value):
            return {**WITHDRAWN}
        # "is it in stock?" instead of a yes or no: answered, and no consent was given (the form ends)
        text = str(tracker.latest_message.get("text") or "")

        def understand() -> Answer | None:
            engine = services.engine()
            return engine.understand(text, customer_context(tracker), focus_of(engine, tracker))

        answer = await services.run_blocking(understand)
        if answer is not None:
            sent = await answer_and_send(dispatcher, tracker, lambda: answer)
            return {**WITHDRAWN, **{event["name"]: event["value"] for event in remember_products(tracker, sent)}}
        dispatcher.utter_message(text="Sorry, I need a clear yes or no before I note any contact details.")
        return {"lead_consent": None}

    def validate_customer_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") == "customer_name" and _said(tracker, "deny", NO, value):
            return {**WITHDRAWN}
        name = tidy_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(text="Sorry, I didn't catch a name.")
        return {"customer_name": name}

    def validate_lead_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if tracker.get_slot("requested_slot") == "lead_email" and _said(tracker, "deny", NO, text):
            return {**WITHDRAWN}
        found = EMAIL.search(text)
        if found is None or "@" in text.replace(found.group(), "", 1):
            dispatcher.utter_message(
                text=f'"{text[:80]}" doesn\'t look like an email address; it should look like name@example.com.'
            )
            return {"lead_email": None}
        local, domain_part = found.group().rsplit("@", 1)
        return {"lead_email": f"{local}@{domain_part.lower()}"}

    def validate_lead_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if _said(tracker, "deny", SKIP, text):
            return {"lead_phone": ""}  # skipped: not None, so the form does not ask again
        found = PHONE.search(text)
        if found is None or not 6 <= len(re.sub(r"\D", "", found.group())) <= 15:
            dispatcher.utter_message(text="That doesn't look like a phone number (for example +49 171 2345678).")
            return {"lead_phone": None}
        return {"lead_phone": found.group().strip()}


@cache
def _intent_model(path: Path) -> IntentModel | None:
    try:
        return IntentModel.load(path)
    except IntentScoreError as exc:
        log.warning("purchase-intent score disabled: %s", exc)
        return None


def conversation_of(tracker: Tracker) -> Conversation:
    return Conversation.from_events(tracker.events, tracker.get_slot("budget"))


def purchase_intent(conversation: Conversation) -> tuple[float | None, dict[str, float]]:
    """The score (None when the model could not be loaded) and the features it was computed from."""
    features = extract_features(conversation)
    model = _intent_model(services.settings().intent_model)
    return (round(model.score(features), 3) if model else None), features


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return str(value)


def lead_from_tracker(tracker: Tracker) -> tuple[NewLead, float | None]:
    conversation = conversation_of(tracker)
    score, features = purchase_intent(conversation)
    stage = furthest_stage([*conversation.stages, str(tracker.get_slot("sales_stage") or "")])
    needs = {key: _json_safe(tracker.get_slot(key)) for key in ("category", "budget", "use_case", "features")}
    products = tracker.get_slot("products_discussed")
    lead = NewLead(
        sender_id=tracker.sender_id,
        name=str(tracker.get_slot("customer_name") or ""),
        email=str(tracker.get_slot("lead_email")),
        phone=tracker.get_slot("lead_phone") or None,
        needs={key: value for key, value in needs.items() if value not in (None, "", [])},
        products_discussed=[str(p) for p in products] if isinstance(products, list) else [],
        stage=stage,
        purchase_intent=score,
        intent_features=features,
    )
    return lead, score


def consent_from_tracker(tracker: Tracker, email: str) -> Consent:
    """The consent as given: the words the customer was asked with (the last consent question the bot sent), the
    customer's answer and its time."""
    asked: str | None = None
    answer: str | None = None
    given_at = datetime.now(UTC)
    for event in tracker.events:
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == CONSENT_QUESTION:
            asked, answer = event.get("text") or "", None
        elif event.get("event") == "user" and asked is not None and answer is None:
            answer = event.get("text") or ""
            given_at = datetime.fromtimestamp(event["timestamp"], UTC) if event.get("timestamp") else given_at
    return Consent(tracker.sender_id, "contact", asked or CONSENT_NOT_FOUND, answer or "", given_at, email)


class ActionSaveLead(Action):
    """Runs when the lead form ends: stores the lead only with consent, then clears the form's slots."""

    def name(self) -> str:
        return "action_save_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        cleared = [SlotSet(slot, None) for slot in LEAD_SLOTS]
        if tracker.get_slot("lead_consent") is not True or not tracker.get_slot("lead_email"):
            dispatcher.utter_message(response="utter_lead_not_stored")
            return cleared
        lead, score = lead_from_tracker(tracker)
        consent = consent_from_tracker(tracker, lead.email)

        def save() -> int:
            database = open_app_db(services.settings())
            lead_id = database.save_lead(lead)
            database.save_consent(consent)
            return lead_id

        try:
            lead_id = await services.run_blocking(save)
        except (AppDatabaseError, SQLAlchemyError):
            log.exception("could not save the lead of conversation %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_lead_not_saved")
            return cleared
        await services.run_blocking(lambda: record(tracker, "lead_captured", str(lead_id), email=lead.email.lower()))
        dispatcher.utter_message(response="utter_lead_saved", name=lead.name, email=lead.email)
        return [*cleared, SlotSet("purchase_intent", score)]
