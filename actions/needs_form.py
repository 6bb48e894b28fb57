"""Validation for the needs-discovery form: natural answers become catalogue values."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from knowledge.text import parse_budget


class ValidateNeedsForm(FormValidationAction):
    def name(self) -> str:
        return "validate_needs_form"

    async def validate_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        engine = services.engine()
        categories = await services.run_blocking(engine.categories)
        text = str(value or "")
        if text.lower() in categories:
            return {"category": text.lower()}
        match = engine.match_category(text) or engine.match_category(tracker.latest_message.get("text") or "")
        if match:
            return {"category": match}
        dispatcher.utter_message(
            text=f"Sorry, we don't sell {text!r}. We have: {', '.join(categories)}."
            if text
            else f"We have: {', '.join(categories)}."
        )
        return {"category": None}

    async def validate_budget(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            amount: float | None = float(value)
        else:
            amount = parse_budget(str(value or "")) or parse_budget(tracker.latest_message.get("text") or "")
        if amount is None or amount <= 0:
            dispatcher.utter_message(text="Sorry, I didn't catch an amount. Roughly how much would you like to spend?")
            return {"budget": None}
        return {"budget": amount}
