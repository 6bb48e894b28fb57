"""What the sales conversation remembers in slots: needs, products shown and the stage reached."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from knowledge.answers import Answer
from knowledge.engine import KnowledgeEngine
from knowledge.focus import Focus
from knowledge.text import parse_budget

STAGES = ("greeting", "discovery", "recommendation", "objection", "closing", "follow_up", "handoff")
MAX_DISCUSSED = 20  # the oldest products drop out of products_discussed beyond this


def list_slot(tracker: Tracker, name: str) -> list[str]:
    """A list slot's non-empty values as text (a single value counts as a list of one)."""
    value = tracker.get_slot(name) or []
    return [str(v) for v in (value if isinstance(value, list) else [value]) if str(v).strip()]


def features(tracker: Tracker) -> list[str]:
    """The must-haves the customer named (the `features` list slot)."""
    return list_slot(tracker, "features")


def stage(name: str) -> dict[str, Any]:
    if name not in STAGES:
        raise ValueError(f"unknown sales stage {name!r}; expected one of {', '.join(STAGES)}")
    return SlotSet("sales_stage", name)


def discussed(tracker: Tracker) -> list[str]:
    return list_slot(tracker, "products_discussed")


def remember_products(tracker: Tracker, answer: Answer | None) -> list[dict[str, Any]]:
    """Appends the SKUs an answer showed to `products_discussed` (no duplicates, newest last) and moves
    the focus to them: a new set of products becomes `products_in_focus`; one product picked out of
    the set in focus ("which of those is lightest?") keeps the set and becomes `current_product`."""
    needs = _needs_events(tracker, answer)
    if answer is None or not answer.products:
        return needs
    before = discussed(tracker)
    shown = list(dict.fromkeys(p.sku for p in answer.products))
    merged = ([s for s in before if s not in shown] + shown)[-MAX_DISCUSSED:]
    events = [] if merged == before else [SlotSet("products_discussed", merged)]
    if len(shown) > 1 or shown[0] not in in_focus(tracker):
        events.append(SlotSet("products_in_focus", shown))
    events.append(SlotSet("current_product", shown[0] if len(shown) == 1 else None))
    return needs + events


def _needs_events(tracker: Tracker, answer: Answer | None) -> list[dict[str, Any]]:
    """The category and budget an answer was decided for, where the conversation did not know them yet: "what
    kettles are there for the same budget?" after espresso machines asks about kettles from now on, also when
    none fits (the next "which of those is the cheapest?" is about kettles)."""
    if answer is None or answer.needs is None:
        return []
    needs = answer.needs
    slots = {"category": needs.category, "budget": needs.budget}
    return [
        SlotSet(slot, value) for slot, value in slots.items() if value is not None and value != tracker.get_slot(slot)
    ]


def focus_of(engine: KnowledgeEngine, tracker: Tracker) -> Focus:
    """What the conversation is about: the products of the latest list, and the one product discussed since
    (from the `products_in_focus` and `current_product` slots)."""
    return engine.focus(in_focus(tracker), tracker.get_slot("current_product"), last_reply_sources(tracker))


def before_latest_message(tracker: Tracker) -> Iterator[dict[str, Any]]:
    """The conversation's events before the customer's latest message, newest first."""
    events = reversed(tracker.events)
    for event in events:
        if event.get("event") == "user":
            break
    yield from events


def last_reply_sources(tracker: Tracker) -> list[str]:
    """The sources of the assistant's latest reply before the customer's current message."""
    for event in before_latest_message(tracker):
        if event.get("event") == "user":
            return []
        custom = (event.get("data") or {}).get("custom") or {} if event.get("event") == "bot" else {}
        if custom.get("sources"):
            return [str(s) for s in custom["sources"]]
    return []


def in_focus(tracker: Tracker) -> list[str]:
    """SKUs of the products the latest list showed (what "those" and "the second one" refer to)."""
    return list_slot(tracker, "products_in_focus")


def focus_hints(tracker: Tracker) -> tuple[str | None, list[str]]:
    """What "it" refers to: a product named now (or in the `product` slot), else the one discussed last,
    then the latest recommendation, then the products shown most recently."""
    named = list(tracker.get_latest_entity_values("product"))
    current = [str(tracker.get_slot("current_product"))] if tracker.get_slot("current_product") else []
    recent = current + list_slot(tracker, "recommended") + list(reversed(discussed(tracker)))
    return (named[0] if named else tracker.get_slot("product")), list(dict.fromkeys(recent))


def budget_said(tracker: Tracker) -> Any:
    """The budget the customer said: the `budget` slot's latest value, unless the NLU set it from a number of a
    message that is no amount of money ("im a big guy, 105 kg", "a tent for 4 people"); then the one before it.
    Derived from the conversation at every turn: a custom action cannot reset the slot, as Rasa applies the
    entity mapping after the custom mapping's action."""
    seen = pending = False
    value: Any = None
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "budget" and not pending:
            seen = pending = True
            value = event.get("value")
        elif event.get("event") == "user" and pending:
            entities = (event.get("parse_data") or {}).get("entities") or []
            money = parse_budget(str(event.get("text") or "")) is not None
            if money or not any(e.get("entity") == "budget" for e in entities):
                return value
            pending, value = False, None  # set from that message's number, which is no money: the one before counts
    return value if seen else tracker.get_slot("budget")
