"""A conversation's transcript, built once from the Rasa tracker's events, for the two pages that show it.

`entries` reads the events: the customer's messages, the bot's (and an agent's, sent through the
console as bot events) and the bot being paused or resumed. Two views of those entries:

- `widget_history`, for the customer's widget: bot messages in the shape Rasa's socket.io channel emits
  them live (text split at blank lines, buttons as `quick_replies` on the last part, cards as
  `{"custom": ...}`), so the widget renders history and live messages with the same code and can tell
  them apart from duplicates;
- `console_transcript`, for the agent console: customer, bot and agent messages and pause/resume markers,
  each with its event's timestamp so the console can show what is new.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

WIDGET_CHANNEL = "socketio"


class NotAWidgetConversation(LookupError):
    """The conversation exists but belongs to another channel (Slack, Telegram…): not shown to browsers."""


@dataclass(frozen=True)
class Entry:
    sender: str  # "customer", "bot", "agent" (a bot event the console sent) or "system" (paused/resumed)
    text: str
    ts: float | None = None
    agent: str | None = None  # the agent's name, for "agent"
    data: dict[str, Any] = field(default_factory=dict)  # a bot message's buttons, image and `custom` cards
    channel: str | None = None  # the customer's input channel, for "customer"


def entries(events: Iterable[dict[str, Any]]) -> Iterator[Entry]:
    for event in events:
        kind, ts = event.get("event"), event.get("timestamp")
        if kind == "user":
            yield Entry("customer", event.get("text") or "", ts, channel=event.get("input_channel"))
        elif kind == "bot":
            agent = (event.get("metadata") or {}).get("agent")
            yield Entry("agent" if agent else "bot", event.get("text") or "", ts, agent, event.get("data") or {})
        elif kind in ("pause", "resume"):
            yield Entry("system", "bot paused" if kind == "pause" else "bot resumed", ts)


# --- the customer's widget ------------------------------------------------------------------------


def bot_messages(entry: Entry) -> list[dict[str, Any]]:
    """One bot (or agent) entry as the socket.io channel sent it live."""
    messages: list[dict[str, Any]] = []
    text = entry.text.strip()
    if text:
        messages = [{"sender": "bot", "text": part} for part in text.split("\n\n")]
    buttons = entry.data.get("buttons") or []
    if buttons:
        if not messages:
            messages = [{"sender": "bot", "text": text}]
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons
        ]
    if entry.data.get("image"):
        messages.append({"sender": "bot", "attachment": {"type": "image", "payload": {"src": entry.data["image"]}}})
    if entry.data.get("custom"):
        messages.append({"sender": "bot", "custom": entry.data["custom"]})
    return messages


def widget_history(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """User and bot messages in order; a button click shows the button's title, as it did live."""
    history: list[dict[str, Any]] = []
    offered: dict[str, str] = {}  # payload -> title of the buttons last shown
    for entry in entries(events):
        if entry.sender == "customer":
            if entry.channel not in (WIDGET_CHANNEL, None):
                raise NotAWidgetConversation(entry.channel)
            history.append({"sender": "user", "text": offered.get(entry.text, entry.text)})
            offered = {}
        elif entry.sender in ("bot", "agent"):
            messages = bot_messages(entry)
            for message in messages:
                offered.update({q["payload"]: q["title"] for q in message.get("quick_replies", [])})
            history.extend(messages)
    return history


# --- the agent console ----------------------------------------------------------------------------


def console_transcript(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Customer, bot and agent messages (those with text or buttons) and pause/resume markers."""
    transcript: list[dict[str, Any]] = []
    for entry in entries(events):
        if entry.sender == "system":
            transcript.append({"sender": "system", "text": entry.text, "ts": entry.ts})
        elif entry.sender == "customer" and entry.text:
            transcript.append({"sender": "customer", "text": entry.text, "ts": entry.ts})
        elif entry.sender in ("bot", "agent") and (entry.text or entry.data.get("buttons")):
            transcript.append({"sender": entry.sender, "text": entry.text, "ts": entry.ts, "agent": entry.agent})
    return transcript
