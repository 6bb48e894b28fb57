"""Purchases reported by the shop: `POST /api/orders` (bot/web) or `salesbot orders import FILE.csv`.

An order is matched to a conversation by, in this order: its `conversation_id`, the `click` token that the
/go/ redirect added to the product URL (`sb_click=`), or the `email` of a lead captured in a conversation.
An order that matches nothing still counts as revenue, "not attributed". The shop's order id is the key:
reporting an order again changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.store import AnalyticsStore, Order

FIELDS = ("order_id", "amount", "currency", "created_at", "conversation_id", "email", "click", "skus")
CURRENCY = re.compile(r"[A-Z]{3}")
CLICK_PARAMETER = "sb_click"  # the /go/ redirect adds it to the product URL; the shop reports it back


class OrderError(ValueError):
    pass


@dataclass(frozen=True)
class ReportedOrder:
    """An order as the shop reported it, checked."""

    order_id: str
    amount: float
    currency: str
    at: datetime
    conversation_id: str = ""
    email: str = ""
    click: str = ""
    skus: list[str] = field(default_factory=list)


def parse_order(raw: Any, where: str) -> ReportedOrder:
    """Check one order; the error names `where` (e.g. "orders.csv row 3") and the field."""
    if not isinstance(raw, dict):
        raise OrderError(f"{where}: expected an object with {', '.join(FIELDS)}")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise OrderError(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    text = {k: str(raw.get(k) if raw.get(k) is not None else "").strip() for k in FIELDS if k != "skus"}
    if not text["order_id"] or len(text["order_id"]) > 100:
        raise OrderError(f"{where}: order_id is required (up to 100 characters)")
    try:
        amount = float(text["amount"])
    except ValueError as exc:
        raise OrderError(f"{where}: amount {text['amount']!r} is not a number") from exc
    if not 0 <= amount < 1e9:
        raise OrderError(f"{where}: amount {amount:g} must be 0 or more")
    currency = text["currency"].upper()
    if not CURRENCY.fullmatch(currency):
        raise OrderError(f"{where}: currency {text['currency']!r}: use a three-letter code such as EUR")
    at = datetime.now(UTC)
    if text["created_at"]:
        try:
            at = datetime.fromisoformat(text["created_at"].replace("Z", "+00:00"))
        except ValueError as exc:
            example = "2026-12-01T14:30:00Z"
            raise OrderError(f"{where}: created_at {text['created_at']!r}: use ISO 8601, e.g. {example}") from exc
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    skus = raw.get("skus") or []
    if isinstance(skus, str):
        skus = [s.strip() for s in skus.split(";") if s.strip()]
    if not isinstance(skus, list) or not all(isinstance(s, str) for s in skus):
        raise OrderError(f"{where}: skus: a list of SKUs (in CSV: separated by ';')")
    if "@" not in text["email"] and text["email"]:
        raise OrderError(f"{where}: email {text['email']!r} is not an e-mail address")
    return ReportedOrder(text["order_id"], amount, currency, at, text["conversation_id"], text["email"].lower(),
                         text["click"], skus)  # fmt: skip


def match(store: AnalyticsStore, order: ReportedOrder) -> tuple[str | None, str | None]:
    """(conversation id, how it was found) or (None, None)."""
    if order.conversation_id:
        return order.conversation_id, "conversation"
    link = store.link(order.click) if order.click else None
    if link is not None:
        return link[0], "click"
    if order.email:
        leads = store.events(email=order.email)
        if leads:
            return leads[-1].sender_id, "email"
    return None, None


def record_order(store: AnalyticsStore, order: ReportedOrder) -> tuple[bool, str | None]:
    """Store the order matched to its conversation; (new, matched_by). A repeated order id: (False, …)."""
    sender, matched_by = match(store, order)
    added = store.add_order(
        Order(order.order_id, order.amount, order.currency, order.at, sender, matched_by, order.skus)
    )
    return added, matched_by


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0  # order ids reported before: left as they were
    unmatched: int = 0
    errors: list[str] = field(default_factory=list)


def import_csv(store: AnalyticsStore, path: Path) -> ImportResult:
    """Every good row is recorded; bad rows are listed with their row number and nothing of them is stored."""
    result = ImportResult()
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"order_id", "amount", "currency"} - set(reader.fieldnames or [])
            if missing:
                known = ", ".join(FIELDS)
                raise OrderError(f"{path}: missing column(s) {', '.join(sorted(missing))} (columns: {known})")
            rows = list(enumerate(reader, start=2))
    except OSError as exc:
        raise OrderError(f"{path}: cannot read ({exc.strerror})") from exc
    for number, row in rows:
        try:
            order = parse_order({k: v for k, v in row.items() if k is not None}, f"{path} row {number}")
        except OrderError as exc:
            result.errors.append(str(exc))
            continue
        added, matched_by = record_order(store, order)
        result.added += added
        result.already += not added
        result.unmatched += added and matched_by is None
    return result
