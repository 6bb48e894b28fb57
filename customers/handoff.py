"""Hand-off to a person, the parts that need no Rasa: when to hand off, the ticket's
summary (built from tracker events by code, not by the language model) and the notification payloads
sent to a webhook. The agent console's transcript is bot/web/transcript.py's.

Standard library only (plus customers.intent_score's word lists), so the action server and the web app share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from config.settings import check_webhook_format
from customers.intent_score import polar_words

REPHRASE = "utter_default"  # the response that asks the customer to rephrase

# Why a conversation was handed off; the values are stored in tickets and sent in notifications.
REQUEST_HUMAN = "request_human"
FALLBACK = "fallback"
NEGATIVE_SENTIMENT = "negative_sentiment"
HOT_LEAD = "hot_lead"
KEYWORD = "keyword"
REASONS = {
    REQUEST_HUMAN: "the customer asked for a person",
    FALLBACK: "the assistant did not understand the customer twice in a row",
    NEGATIVE_SENTIMENT: "the customer sounds unhappy",
    HOT_LEAD: "hot lead: the customer looks ready to buy",
    KEYWORD: "the customer used a hand-off keyword",
}
# Words that alone make a message clearly negative; milder ones (bad, poor, wrong…) need a second one.
STRONG_NEGATIVE = frozenset(
    "hate terrible awful useless worst horrible rubbish ridiculous angry furious scam unacceptable "
    "disgusting pathetic".split()
)
SUMMARY_MESSAGES = 3  # the customer's latest messages quoted in a ticket's summary
QUOTE_LENGTH = 160


# --- triggers -----------------------------------------------------------------------------------


# Words a request for a person uses ("can I talk to someone?", "agent", "have your team email me")
_PERSON_WORDS = re.compile(
    r"\b(human|person|people|agent|someone|somebody|anyone|staff|team|employee|colleague|rep|representative|"
    r"operator|manager|support|service|advisor|adviser|call|phone|ring|speak|talk|chat|contact|email|e-mail|"
    r"write|reach|bot)\b",
    re.I,
)


# "a memory foam one for two people", "for 4 persons": people counted, no person asked for
_PEOPLE_COUNTED = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|for|of)\s+(?:people|persons?)\b", re.I
)
# "if i hate it after a month, can i send it back?": a feeling supposed, not felt
_SUPPOSED = re.compile(r"\b(?:if|in case|what if|unless|should)\b[^,.?!;]*", re.I)
# "i hate big camera bags", "my kid can't stand itchy socks": a taste that says what to recommend, not anger at us
_TASTE = re.compile(
    r"\b(?:hate|hates|dislike|dislikes|can'?t stand|cannot stand)\s+"
    r"(?!(?:you|your|this|that|it|these|those|the (?:bot|chat|service|shop|store|site|website))\b)[^,.?!;]*",
    re.I,
)


def asks_for_a_person(text: str) -> bool:
    """Whether a message the NLU read as a request for a person says so: "i don't want to be up a ladder" and
    "a bed for two people" do not."""
    return bool(_PERSON_WORDS.search(_PEOPLE_COUNTED.sub(" ", text)))


def is_clearly_negative(text: str) -> bool:
    """Two negative words and no positive one, or one strong word ("useless", "hate"); "not bad" is not negative,
    nor what an "if" supposes ("what if i hate it?"), nor a taste ("i hate big camera bags")."""
    positive = negative = strong = 0
    for word, is_positive in polar_words(_TASTE.sub(" ", _SUPPOSED.sub(" ", text)), STRONG_NEGATIVE):
        if is_positive:
            positive += 1
        else:
            negative += 1
            strong += word in STRONG_NEGATIVE
    return positive == 0 and (negative >= 2 or strong >= 1)


def parse_keywords(raw: str) -> tuple[str, ...]:
    """'complaint, cancel my order' -> ('complaint', 'cancel my order')."""
    return tuple(k.strip().lower() for k in raw.split(",") if k.strip())


def keyword_in(text: str, keywords: Sequence[str]) -> str | None:
    """The first keyword (a word or phrase, case-insensitive, whole words) found in the text."""
    lowered = " ".join(re.findall(r"[\w'@.-]+", text.lower()))
    for keyword in keywords:
        if re.search(rf"(?<![\w]){re.escape(keyword)}(?![\w])", lowered):
            return keyword
    return None


@dataclass(frozen=True)
class Turn:
    """What the per-turn check looks at: the customer's latest message and the conversation so far."""

    intent: str | None
    text: str
    purchase_intent: float | None = None
    reasons_before: tuple[str, ...] = ()  # hand-offs already made in this conversation


def trigger(turn: Turn, keywords: Sequence[str], hot_lead_threshold: float) -> str | None:
    """The reason to hand off now, or None. Two fallbacks in a row are counted by `consecutive_fallbacks`."""
    if turn.intent == REQUEST_HUMAN and asks_for_a_person(turn.text):
        return REQUEST_HUMAN
    if turn.text.startswith("/"):  # a button payload, not the customer's words
        return None
    if keyword_in(turn.text, keywords):
        return KEYWORD
    if is_clearly_negative(turn.text):
        return NEGATIVE_SENTIMENT
    hot = turn.purchase_intent is not None and turn.purchase_intent >= hot_lead_threshold
    if hot and HOT_LEAD not in turn.reasons_before:  # a hot lead is handed over once, not at every message
        return HOT_LEAD
    return None


def consecutive_fallbacks(events: Iterable[dict[str, Any]]) -> int:
    """How many of the customer's latest messages in a row (since the last resume) nobody understood:
    the NLU was unsure (nlu_fallback) and the catalogue could not place them either, so the customer was
    asked to rephrase (utter_default). Called while answering the latest message, so it counts when the
    NLU was unsure of it."""
    turns: list[list[bool]] = []  # per customer message: [NLU unsure, asked to rephrase]
    for event in events:
        kind = event.get("event")
        if kind in ("resume", "session_started"):
            turns = []
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            turns.append([intent == "nlu_fallback", False])
        elif kind == "bot" and (event.get("metadata") or {}).get("utter_action") == REPHRASE and turns:
            turns[-1][1] = True
    count = 0
    for position, (unsure, fell_back) in enumerate(reversed(turns)):
        if not unsure or (position > 0 and not fell_back):
            break
        count += 1
    return count


# --- the ticket's summary -----------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    text: str
    needs: dict[str, Any] = field(default_factory=dict)
    products_discussed: list[str] = field(default_factory=list)
    lead: dict[str, str] = field(default_factory=dict)
    channel: str | None = None


def _customer_messages(events: Iterable[dict[str, Any]]) -> tuple[list[str], str | None]:
    messages: list[str] = []
    channel = None
    for event in events:
        if event.get("event") == "session_started":
            messages = []
        elif event.get("event") == "user" and event.get("text"):
            channel = event.get("input_channel") or channel
            if not str(event["text"]).startswith("/"):
                messages.append(" ".join(str(event["text"]).split()))
    return messages, channel


def _quote(message: str) -> str:
    return f'"{message[: QUOTE_LENGTH - 1]}…"' if len(message) > QUOTE_LENGTH else f'"{message}"'


def summarize(reason: str, events: Sequence[dict[str, Any]], slots: dict[str, Any]) -> Summary:
    """A few lines an agent reads in ten seconds: why, what the customer needs and looked at, who they are."""
    messages, channel = _customer_messages(events)
    needs = {
        key: slots[key]
        for key in ("category", "budget", "use_case", "features")
        if slots.get(key) not in (None, "", [])
    }
    products = [str(p) for p in slots.get("products_discussed") or []]
    lead = {
        key: str(slots[slot])
        for key, slot in (("name", "customer_name"), ("email", "lead_email"), ("phone", "lead_phone"))
        if slots.get(slot)
    }
    lines = [f"Hand-off: {REASONS.get(reason, reason)}."]
    if needs:
        lines.append("Needs: " + "; ".join(f"{k.replace('_', ' ')} {_plain(v)}" for k, v in needs.items()) + ".")
    if products:
        lines.append("Products discussed: " + ", ".join(products) + ".")
    if lead:
        lines.append("Customer: " + ", ".join(lead.values()) + ".")
    if messages:
        latest = "; ".join(_quote(m) for m in messages[-SUMMARY_MESSAGES:])
        lines.append(f"{len(messages)} customer message(s); latest: {latest}.")
    else:
        lines.append("No customer message yet.")
    return Summary("\n".join(lines), needs, products, lead, channel)


def _plain(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


# --- notifications ------------------------------------------------------------------------------


def notification_payload(ticket: dict[str, Any], fmt: str, console_url: str = "") -> dict[str, Any]:
    """The JSON posted to SALESBOT_HANDOFF_WEBHOOK_URL for a new ticket (formats documented in docs/handoff.md).

    `ticket` holds id, sender_id, channel, reason, status, summary, needs, products_discussed, lead,
    purchase_intent and created_at (ISO 8601)."""
    check_webhook_format(fmt)
    link = f"{console_url.rstrip('/')}/console#ticket-{ticket['id']}" if console_url else ""
    waiting = "waiting for an agent" if ticket["status"] == "open" else "follow-up (no agent was available)"
    headline = f"New hand-off #{ticket['id']} ({waiting}): {REASONS.get(ticket['reason'], ticket['reason'])}"
    if fmt == "generic":
        return {"event": "handoff.created", "ticket": ticket, "console_url": link or None}
    if fmt == "slack":  # Slack incoming webhook: text is the notification, blocks the message
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{headline}*"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": ticket["summary"]}},
        ]
        if link:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": f"<{link}|Open in the agent console>"}}
            )
        return {"text": headline, "blocks": blocks}
    lead = ticket.get("lead") or {}  # chatwoot: shaped like Chatwoot's conversation_created webhook event
    return {
        "event": "conversation_created",
        "id": ticket["id"],
        "status": "open" if ticket["status"] == "open" else "pending",
        "channel": ticket.get("channel") or "salesbot",
        "created_at": ticket["created_at"],
        "meta": {
            "sender": {
                "type": "contact",
                "identifier": ticket["sender_id"],
                "name": lead.get("name"),
                "email": lead.get("email"),
                "phone_number": lead.get("phone"),
            }
        },
        "messages": [{"content": f"{headline}\n{ticket['summary']}", "message_type": "incoming"}],
        "additional_attributes": {"source": "salesbot", "console_url": link or None},
        "custom_attributes": {
            "handoff_reason": ticket["reason"],
            "needs": ticket.get("needs") or {},
            "products_discussed": ticket.get("products_discussed") or [],
            "purchase_intent": ticket.get("purchase_intent"),
        },
    }
