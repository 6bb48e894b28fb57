"""Shared pieces for actions: the customer's context from slots, and sending a reply in time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.sales_state import budget_said, features
from actions.sales_tracking import record, tracked_links, turn_key
from knowledge.answers import Answer, CustomerContext
from knowledge.engine import KnowledgeEngine
from knowledge.text import only_words_of, parse_budget
from knowledge.workers import WorkersBusy
from knowledge.writer import Reply, addressed, with_next_step

log = logging.getLogger(__name__)
MIN_GENERATION_SECONDS = 1.0  # less time left than this after queueing: send the rendered facts
GENERATION_GRACE_SECONDS = 2.0  # the generator stops on its own limit; this covers the gate and hand-over

TROUBLE_REPLY = (
    "Sorry, I'm having trouble looking that up right now. Please try again in a moment, "
    "or ask for a person and our team will help."
)


def customer_context(tracker: Tracker) -> CustomerContext:
    budget = budget_said(tracker)  # "im a big guy, 105 kg" is no budget of 105
    # The form validator stores a number; an entity caught outside the form is still text.
    if isinstance(budget, int | float) and not isinstance(budget, bool):
        budget_value: float | None = float(budget)
    else:
        budget_value = parse_budget(str(budget)) if budget else None
    category, use_case = tracker.get_slot("category"), tracker.get_slot("use_case")
    if use_case and category and only_words_of(category, str(use_case)):
        use_case = None  # "kegging" of "kegging equipment": the kind asked for, no use of it
    return CustomerContext(
        name=tracker.get_slot("customer_name"),
        category=category,
        budget=budget_value,
        use_case=use_case,
        brand=tracker.get_slot("brand"),
        # Every must-have the needs form collected, else the one feature named in a question.
        feature=", ".join(features(tracker)) or tracker.get_slot("feature"),
    )


async def answer_and_send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    decide: Callable[[], Answer],
    context: CustomerContext | None = None,
    model_writes: bool = True,
) -> Answer | None:
    """Decide the facts, let the model phrase them, and send the result within the time limit.

    `context` is the one the action decided with (built from the slots here when it used none).
    If deciding fails or is too slow the customer gets an apology; if only the phrasing is
    slow the rendered facts go out as they are. `model_writes=False` (an experiment's variant) sends the
    rendered facts without the model's sentence. Product links go through the web app's click redirect.
    """
    settings = services.settings()
    question = tracker.latest_message.get("text") or ""
    context = customer_context(tracker) if context is None else context
    try:
        answer = await asyncio.wait_for(services.run_blocking(decide), timeout=settings.action_time_limit)
    except Exception:
        log.exception("could not decide an answer for %r", question[:200])
        dispatcher.utter_message(text=TROUBLE_REPLY)
        return None
    engine = services.engine()  # loaded by `decide` above
    if engine.writer.generator is None or not answer.worth_phrasing or not model_writes:
        # Nothing for the model to do (the writer would send this): don't queue behind other customers.
        text = addressed(answer.rendered, context.name)
    else:
        text = await _phrased(engine, answer, question, context, settings.llm_time_limit)
    links = await services.run_blocking(lambda: _bookkeeping(tracker, answer, question))
    for url, tracked in links.items():
        text = text.replace(url, tracked)
    dispatcher.utter_message(text=text, json_message=attachments(answer, links))
    return answer


def _bookkeeping(tracker: Tracker, answer: Answer, question: str) -> dict[str, str]:
    """Records what the shop does not sell, and returns the tracked links of the answer's products."""
    if answer.kind in ("not_found", "nothing_fits"):
        record(tracker, "not_sold", turn_key(tracker), text=question[:500], answer=answer.kind)
    return tracked_links(tracker.sender_id, answer.products)


async def _phrased(
    engine: KnowledgeEngine, answer: Answer, question: str, context: CustomerContext, time_limit: float
) -> str:
    """The model's sentence and the facts, or the facts with the next step a written reply ends with if the
    model is busy, slow or failing."""
    deadline = time.monotonic() + time_limit

    def phrase() -> Reply:
        # Time spent waiting for the model counts against the limit; too little left: skip it.
        remaining = deadline - time.monotonic()
        if remaining < MIN_GENERATION_SECONDS:
            raise TimeoutError(f"waited for the model until {remaining:.1f}s of the time limit were left")
        return engine.phrase(answer, question, context, remaining)

    try:
        reply = await services.run_generation(phrase, timeout=time_limit + GENERATION_GRACE_SECONDS)
    except (WorkersBusy, TimeoutError) as exc:
        log.info("no model sentence this time (%s); sending the rendered facts", str(exc) or "timed out")
        return addressed(with_next_step(answer), context.name)
    except Exception:
        log.exception("phrasing failed; sending the rendered facts")
        return addressed(with_next_step(answer), context.name)
    if reply.rejected:
        log.info("sent rendered facts instead of model text: %s", "; ".join(reply.rejected))
    return reply.text


def attachments(answer: Answer, links: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Sources and product cards that channels (like the web widget) can show beside the text; `links` maps
    product URLs to their tracked redirects.

    The shape is a contract with the widget and the channels: docs/card-payload.md (schema:
    docs/card-payload.schema.json, checked by tests/unit/test_card_payload.py).
    """
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
                "url": (links or {}).get(p.url, p.url),
                "image_url": p.image_url,
            }
            for p in answer.products
        ],
    }
