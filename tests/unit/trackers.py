"""The one tracker builder for unit tests: a rasa-sdk Tracker from JSON, the way the action server gets it."""

from __future__ import annotations

from rasa_sdk import Tracker


def make_tracker(
    text: str = "",
    intent: str = "inform",
    slots: dict | None = None,
    *,
    entities: list | None = None,
    events: list | None = None,
    active_loop: str | None = None,
    paused: bool = False,
    sender_id: str = "test",
) -> Tracker:
    """The customer's latest message `text` (NLU: `intent`, `entities`), the slots, the earlier events and
    the active form, if any; nothing else is set."""
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": slots or {},
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": entities or []},
            "events": events or [],
            "paused": paused,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )
