"""The sales funnel, built from Rasa's events (the SQL event broker's table), the assistant's sales events and
the shop's orders: conversations -> needs known -> recommendation shown -> link clicked -> lead -> purchase,
by day, channel and experiment variant; revenue, hand-off and fallback rates, the questions the assistant
could not answer and what customers asked for that the shop does not sell.

Rasa publishes an event again when a tracker is replayed or exported, so events are told apart by their
kind, time and content and each is counted once. A customer counts once per stage, however often they
clicked or were shown products.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analytics.store import AnalyticsStore, Order, SalesEvent

STAGES = ("conversations", "needs_known", "recommended", "clicked", "lead", "purchase")
NEED_SLOTS = ("category", "use_case", "budget", "features")
# Replies that mean the assistant did not understand or could not help (bot/domain/core.yml).
UNANSWERED_REPLIES = ("utter_default", "utter_out_of_scope")
EVENT_STAGE = {"recommendation_shown": "recommended", "link_clicked": "clicked", "lead_captured": "lead"}
TOP = 10


@dataclass
class Conversation:
    """What one customer's conversation reached (sender_id is Rasa's conversation id)."""

    sender_id: str
    started: datetime
    channel: str = "unknown"
    stages: set[str] = field(default_factory=lambda: {"conversations"})
    needs: dict[str, Any] = field(default_factory=dict)
    turns: int = 0
    fallbacks: int = 0
    handed_off: bool = False
    variants: dict[str, str] = field(default_factory=dict)
    revenue: float = 0.0
    products: list[str] = field(default_factory=list)  # SKUs shown or clicked, in order
    categories: list[str] = field(default_factory=list)  # every category the customer asked about
    email: str = ""  # of the lead, when they left one
    intent_score: float | None = None
    stage: str | None = None  # the furthest sales stage (the sales_stage slot)

    @property
    def day(self) -> str:
        return self.started.date().isoformat()


@dataclass
class Funnel:
    conversations: list[Conversation]
    unanswered: list[tuple[str, int]]  # (customer's words, how often)
    not_sold: list[tuple[str, int]]
    revenue: dict[str, float]  # per currency, all reported orders
    attributed: dict[str, float]  # per currency, orders matched to a conversation
    orders: int

    def counts(self, rows: list[Conversation] | None = None) -> dict[str, int]:
        rows = self.conversations if rows is None else rows
        return {stage: sum(1 for c in rows if stage in c.stages) for stage in STAGES}

    def by(self, key: str) -> dict[str, dict[str, int]]:
        """Stage counts per day, channel or `variant` (as "experiment/variant")."""
        groups: dict[str, list[Conversation]] = {}
        for c in self.conversations:
            names = [f"{e}/{v}" for e, v in sorted(c.variants.items())] if key == "variant" else [getattr(c, key)]
            for name in names:
                groups.setdefault(name, []).append(c)
        return {name: self.counts(rows) for name, rows in sorted(groups.items())}

    def rates(self) -> dict[str, float]:
        total = len(self.conversations) or 1
        turns = sum(c.turns for c in self.conversations) or 1
        return {
            "handoff_rate": sum(c.handed_off for c in self.conversations) / total,
            "fallback_rate": sum(c.fallbacks for c in self.conversations) / turns,
        }


def _key(event: dict[str, Any]) -> tuple:
    """What tells a replayed copy of an event from a new one."""
    return (event.get("event"), event.get("timestamp"), event.get("name"), event.get("text"), str(event.get("value")))


def build_funnel(store: AnalyticsStore, since: datetime | None = None) -> Funnel:
    return funnel_from(store.conversation_events(), store.events(), store.orders(), store.assignments(), since)


def funnel_from(
    rasa_events: Any,
    sales: list[SalesEvent],
    orders: list[Order],
    assignments: dict[str, dict[str, str]],
    since: datetime | None = None,
) -> Funnel:
    conversations: dict[str, Conversation] = {}
    seen: set[tuple] = set()
    unanswered: Counter[str] = Counter()
    last_text: dict[str, str] = {}
    for sender, event in rasa_events:
        key = (sender, *_key(event))
        if key in seen:
            continue
        seen.add(key)
        kind = event.get("event")
        when = datetime.fromtimestamp(float(event.get("timestamp") or 0), UTC)
        if kind == "user":
            if sender not in conversations:
                if since is not None and when < since:
                    continue
                channel = event.get("input_channel") or "unknown"
                conversations[sender] = Conversation(sender, when, channel)
            conversations[sender].turns += 1
            last_text[sender] = str(event.get("text") or "")
            continue
        conversation = conversations.get(sender)
        if conversation is None:
            continue
        if kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name in NEED_SLOTS and value not in (None, "", []):
                conversation.needs[name] = value
                if name == "category" and value not in conversation.categories:
                    conversation.categories.append(str(value))
                if name in ("category", "use_case"):
                    conversation.stages.add("needs_known")
            elif name == "purchase_intent" and isinstance(value, int | float):
                conversation.intent_score = float(value)
            elif name == "sales_stage" and value:
                conversation.stage = str(value)
        elif kind == "bot" and (event.get("metadata") or {}).get("utter_action") in UNANSWERED_REPLIES:
            conversation.fallbacks += 1
            if last_text.get(sender):
                unanswered[last_text[sender].strip().lower()] += 1
    not_sold: Counter[str] = Counter()
    for event in sales:
        conversation = conversations.get(event.sender_id)
        if conversation is None:
            continue
        if event.kind in EVENT_STAGE:
            conversation.stages.add(EVENT_STAGE[event.kind])
        conversation.products += [s for s in event.skus if s not in conversation.products]
        if event.kind == "lead_captured":
            conversation.email = str(event.data.get("email") or "")
        elif event.kind == "handoff":
            conversation.handed_off = True
        elif event.kind == "not_sold":
            not_sold[str(event.data.get("text", "")).strip().lower()] += 1
    revenue: Counter[str] = Counter()
    attributed: Counter[str] = Counter()
    counted = [o for o in orders if since is None or o.at >= since]
    for order in counted:
        revenue[order.currency] += order.amount
        conversation = conversations.get(order.sender_id or "")
        if conversation is not None:
            attributed[order.currency] += order.amount
            conversation.stages.add("purchase")
            conversation.revenue += order.amount
    for sender, variants in assignments.items():
        if sender in conversations:
            conversations[sender].variants = dict(variants)
    return Funnel(
        sorted(conversations.values(), key=lambda c: c.started),
        unanswered.most_common(TOP),
        [(text, n) for text, n in not_sold.most_common(TOP) if text],
        dict(revenue),
        dict(attributed),
        len(counted),
    )


def format_funnel(funnel: Funnel) -> str:
    counts = funnel.counts()
    total = counts["conversations"] or 1
    lines = ["funnel (customers reaching each stage, % of conversations):"]
    lines += [f"  {stage:14} {n:>6}  {n / total:6.1%}" for stage, n in counts.items()]
    for key, title in (("day", "by day"), ("channel", "by channel"), ("variant", "by experiment variant")):
        groups = funnel.by(key)
        if not groups:
            continue
        lines.append(f"{title}:  {'  '.join(f'{s[:11]:>11}' for s in STAGES)}")
        lines += [f"  {name[:24]:24} " + "  ".join(f"{g[s]:>11}" for s in STAGES) for name, g in groups.items()]
    money = ", ".join(f"{amount:,.2f} {cur}" for cur, amount in sorted(funnel.revenue.items())) or "none"
    matched = ", ".join(f"{amount:,.2f} {cur}" for cur, amount in sorted(funnel.attributed.items())) or "none"
    rates = funnel.rates()
    lines += [
        f"revenue from {funnel.orders} reported order(s): {money} (attributed to a conversation: {matched})",
        f"hand-off rate {rates['handoff_rate']:.1%} of conversations; "
        f"fallback rate {rates['fallback_rate']:.1%} of customer messages",
        "questions the assistant could not answer:",
        *([f"  {n:>4}x  {text}" for text, n in funnel.unanswered] or ["  none"]),
        "asked for but not sold:",
        *([f"  {n:>4}x  {text}" for text, n in funnel.not_sold] or ["  none"]),
    ]
    return "\n".join(lines)
