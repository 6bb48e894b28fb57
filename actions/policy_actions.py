"""Answers about shipping, returns, warranty and payment from the shop's policy pages."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.replies import answer_and_send
from actions.sales_state import focus_of, remember_products
from knowledge.answers import Answer

TOPIC_BY_INTENT = {
    "ask_shipping": "shipping",
    "ask_returns": "returns",
    "ask_warranty": "warranty",
    "ask_payment": "payment",
}


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        topic = TOPIC_BY_INTENT.get((tracker.latest_message.get("intent") or {}).get("name", ""))

        def decide() -> Answer:
            engine = services.engine()
            focus = focus_of(engine, tracker)
            return engine.product_instead_of_policy(text, focus) or engine.policy(text, topic, focus)

        answer = await answer_and_send(dispatcher, tracker, decide)
        return remember_products(tracker, answer) if answer is not None and answer.kind != "policy" else []
