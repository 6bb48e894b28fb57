"""Hand-off to a person: the fallback counter and the hand-off itself (the per-turn trigger check is
in actions/turn_actions.py).

A hand-off with an agent online inside business hours creates an "open" ticket and pauses the bot
(`ConversationPaused`) until the agent console resumes it. Otherwise the customer is told nobody is
available, a "follow_up" ticket is created and the lead form collects contact details (with consent).
The decisions are in customers/handoff.py; the tickets in customers/appdb.py.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from actions.sales_state import list_slot, stage
from actions.sales_tracking import record
from config.settings import Settings, parse_business_hours
from customers import handoff
from customers.appdb import AppDatabase, AppDatabaseError, NewTicket, Ticket, open_app_db
from privacy.redact import redact_json

log = logging.getLogger(__name__)

NOTIFY_TIME_LIMIT = 5.0  # seconds; a slow webhook must not hold up the customer's reply


def _reasons_before(tracker: Tracker) -> tuple[str, ...]:
    return tuple(list_slot(tracker, "handoff_reasons"))


class ActionFallback(Action):
    """The NLU did not understand: ask to rephrase; the second time in a row, hand off to a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if handoff.consecutive_fallbacks(tracker.events) >= 2:
            return [SlotSet("handoff_reason", handoff.FALLBACK), FollowupAction("action_handoff")]
        dispatcher.utter_message(response="utter_default")
        return []


async def notify(settings: Settings, ticket: Ticket) -> None:
    """Posts the new ticket to SALESBOT_HANDOFF_WEBHOOK_URL; a failure is logged, never shown to the customer.
    Personal data (the lead's name, e-mail, phone, and any in the summary) is redacted unless SALESBOT_SHARE_PII."""
    if not settings.handoff_webhook_url:
        return
    payload = handoff.notification_payload(ticket.as_json(), settings.handoff_webhook_format, settings.console_url)
    if not settings.share_pii:
        payload = redact_json(payload, known=[ticket.lead.get("name", "")])
    try:
        timeout = aiohttp.ClientTimeout(total=NOTIFY_TIME_LIMIT)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(settings.handoff_webhook_url, json=payload) as response,
        ):
            if response.status >= 300:
                log.warning("hand-off webhook answered HTTP %s for ticket %s", response.status, ticket.id)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("hand-off webhook %s failed for ticket %s: %r", settings.handoff_webhook_url, ticket.id, exc)


def _open_or_follow_up(database: AppDatabase, settings: Settings) -> tuple[str, str | None]:
    """("open", None) when a person can take over now, else ("follow_up", why not)."""
    hours = parse_business_hours(settings.business_hours, settings.timezone)
    if not hours.is_open(datetime.now(UTC)):
        return "follow_up", "closed"
    if not database.agents_online(settings.agent_online_seconds, settings.shop):
        return "follow_up", "nobody_online"
    return "open", None


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        settings = services.settings()
        latest_intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = handoff.REQUEST_HUMAN if latest_intent == handoff.REQUEST_HUMAN else None
        reason = reason or tracker.get_slot("handoff_reason") or handoff.REQUEST_HUMAN
        done = [SlotSet("handoff_due", False), SlotSet("handoff_reason", None)]
        if tracker.active_loop_name:
            done.append(ActiveLoop(None))  # a person (or the lead form) takes over from any form
        database = open_app_db(settings)
        try:
            ticket, why_not, has_lead = await services.run_blocking(
                lambda: self._ticket(database, settings, tracker, reason)
            )
        except (AppDatabaseError, SQLAlchemyError):
            log.exception("could not create a hand-off ticket for conversation %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_failed")
            return done
        if ticket is None:  # a follow-up is already waiting for this customer
            dispatcher.utter_message(response="utter_handoff_already_noted")
            return done
        await services.run_blocking(lambda: record(tracker, "handoff", str(ticket.id), reason=reason))
        await notify(settings, ticket)
        remembered = [*done, SlotSet("handoff_reasons", [*_reasons_before(tracker), reason])]
        if why_not is None:
            dispatcher.utter_message(response="utter_handoff_started")
            return [*remembered, stage("handoff"), ConversationPaused()]
        dispatcher.utter_message(response="utter_handoff_closed" if why_not == "closed" else "utter_handoff_nobody")
        if has_lead:
            dispatcher.utter_message(response="utter_handoff_will_contact")
            return remembered
        return [*remembered, FollowupAction("lead_form")]

    @staticmethod
    def _ticket(
        database: AppDatabase, settings: Settings, tracker: Tracker, reason: str
    ) -> tuple[Ticket | None, str | None, bool]:
        status, why_not = _open_or_follow_up(database, settings)
        if status == "follow_up" and database.list_tickets(("follow_up",), sender_id=tracker.sender_id):
            return None, why_not, True
        summary = handoff.summarize(reason, tracker.events, tracker.slots)
        leads = database.list_leads(sender_id=tracker.sender_id)
        lead = summary.lead or ({"name": leads[-1].name, "email": leads[-1].email} if leads else {})
        new = NewTicket(
            sender_id=tracker.sender_id,
            reason=reason,
            status=status,
            summary=summary.text,
            channel=summary.channel,
            needs=summary.needs,
            products_discussed=summary.products_discussed,
            lead=lead,
            purchase_intent=tracker.get_slot("purchase_intent"),
            shop=settings.shop,
        )
        return database.create_ticket(new), why_not, bool(leads)
