"""A conversation's history for the widget, built from the Rasa tracker.

Bot messages come out in the shape Rasa's socket.io channel emits them live (text split at blank
lines, buttons as `quick_replies` on the last part, cards as `{"custom": ...}`), so the widget renders
history and live messages with the same code and can tell them apart from duplicates.
"""

from __future__ import annotations

from typing import Any

WIDGET_CHANNEL = "socketio"


class NotAWidgetConversation(LookupError):
    """The conversation exists but belongs to another channel (Slack, Telegram…): not shown to browsers."""


def bot_messages(event: dict[str, Any]) -> list[dict[str, Any]]:
    data = event.get("data") or {}
    messages: list[dict[str, Any]] = []
    text = (event.get("text") or "").strip()
    if text:
        messages = [{"sender": "bot", "text": part} for part in text.split("\n\n")]
    buttons = data.get("buttons") or []
    if buttons:
        if not messages:
            messages = [{"sender": "bot", "text": text}]
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons
        ]
    if data.get("image"):
        messages.append({"sender": "bot", "attachment": {"type": "image", "payload": {"src": data["image"]}}})
    if data.get("custom"):
        messages.append({"sender": "bot", "custom": data["custom"]})
    return messages


def widget_history(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """User and bot messages in order; a button click shows the button's title, as it did live."""
    history: list[dict[str, Any]] = []
    offered: dict[str, str] = {}  # payload -> title of the buttons last shown
    for event in events:
        if event.get("event") == "user":
            if event.get("input_channel") not in (WIDGET_CHANNEL, None):
                raise NotAWidgetConversation(event.get("input_channel"))
            text = event.get("text") or ""
            history.append({"sender": "user", "text": offered.get(text, text)})
            offered = {}
        elif event.get("event") == "bot":
            messages = bot_messages(event)
            for message in messages:
                offered.update({q["payload"]: q["title"] for q in message.get("quick_replies", [])})
            history.extend(messages)
    return history
