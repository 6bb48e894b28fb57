"""Shared pieces for actions: the customer's context from slots, and sending a reply in time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from knowledge.answers import Answer, CustomerContext
from knowledge.text import parse_budget

log = logging.getLogger(__name__)

TROUBLE_REPLY = (
    "Sorry, I'm having trouble looking that up right now. Please try again in a moment, "
    "or ask for a person and our team will help."
)


def customer_context(tracker: Tracker) -> CustomerContext:
    budget = tracker.get_slot("budget")
    # The form validator stores a number; an entity caught outside the form is still text.
    if isinstance(budget, int | float) and not isinstance(budget, bool):
        budget_value: float | None = float(budget)
    else:
        budget_value = parse_budget(str(budget)) if budget else None
    return CustomerContext(
        name=tracker.get_slot("customer_name"),
        category=tracker.get_slot("category"),
        budget=budget_value,
        use_case=tracker.get_slot("use_case"),
        brand=tracker.get_slot("brand"),
        feature=tracker.get_slot("feature"),
    )


async def answer_and_send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    decide: Callable[[], Answer],
) -> Answer | None:
    """Decide the facts, let the model phrase them, and send the result within the time limit.

    If deciding fails or is too slow the customer gets an apology; if only the phrasing is
    slow the rendered facts go out as they are.
    """
    settings = services.settings()
    question = tracker.latest_message.get("text") or ""
    context = customer_context(tracker)
    try:
        answer = await asyncio.wait_for(services.run_blocking(decide), timeout=settings.action_time_limit)
    except Exception:
        log.exception("could not decide an answer for %r", question[:200])
        dispatcher.utter_message(text=TROUBLE_REPLY)
        return None
    engine = services.engine()
    try:
        reply = await asyncio.wait_for(
            services.run_blocking(lambda: engine.phrase(answer, question, context, settings.llm_time_limit)),
            timeout=settings.llm_time_limit + 5,
        )
        text = reply.text
        if reply.rejected:
            log.info("sent rendered facts instead of model text: %s", "; ".join(reply.rejected))
    except Exception:
        log.exception("phrasing failed; sending the rendered facts")
        text = answer.rendered
    dispatcher.utter_message(text=text, json_message=attachments(answer))
    return answer


def attachments(answer: Answer) -> dict[str, Any] | None:
    """Sources and product cards that channels (like the web widget) can show beside the text."""
    if not answer.sources:
        return None
    return {
        "sources": answer.sources,
        "products": [
            {
                "sku": p.sku,
                "name": p.name,
                "price": p.price,
                "currency": p.currency,
                "in_stock": p.in_stock,
                "url": p.url,
                "image_url": p.image_url,
            }
            for p in answer.products
        ],
    }
