"""Rasa's SQL tracker store (table `events`), read and erased directly with SQL.

Rasa 3.6 keeps one row per event: `sender_id` (the conversation id), `timestamp` (Unix seconds) and `data`
(the event as JSON text). SQLite by default (SALESBOT_TRACKER_DB under var/), PostgreSQL by
SALESBOT_TRACKER_URL. Nothing here needs Rasa: the table is reflected from the database.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, create_engine, delete, func, inspect, or_, select
from sqlalchemy.engine import make_url

from config.settings import Settings
from privacy.registry import Customer, PersonalDataStore

EVENTS = "events"


def tracker_url(settings: Settings) -> str:
    return settings.tracker_url or f"sqlite:///{settings.tracker_db_path}"


class TrackerEvents:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(make_url(url), pool_pre_ping=True)

    def _table(self) -> Table | None:
        """None while Rasa has not created the table (no conversation yet)."""
        if not inspect(self.engine).has_table(EVENTS):
            return None
        return Table(EVENTS, MetaData(), autoload_with=self.engine)

    def identify(self, customer: Customer) -> Customer:
        """Conversations in which the customer typed one of their e-mail addresses."""
        table = self._table()
        if table is None or not customer.emails:
            return customer
        found = or_(*(func.lower(table.c.data).contains(email, autoescape=True) for email in customer.emails))
        with self.engine.connect() as connection:
            senders = connection.execute(select(table.c.sender_id).where(found).distinct()).scalars()
            return customer.widened(sender_ids=senders)

    def export(self, customer: Customer) -> dict[str, list[dict[str, Any]]]:
        """Each conversation's events in order, as Rasa stored them."""
        table = self._table()
        if table is None or not customer.sender_ids:
            return {}
        query = select(table.c.sender_id, table.c.data).where(table.c.sender_id.in_(customer.sender_ids))
        conversations: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as connection:
            for sender_id, data in connection.execute(query.order_by(table.c.id)):
                conversations.setdefault(sender_id, []).append(json.loads(data))
        return conversations

    def forget(self, customer: Customer) -> int:
        table = self._table()
        if table is None or not customer.sender_ids:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(delete(table).where(table.c.sender_id.in_(customer.sender_ids))).rowcount

    def expire(self, before: datetime) -> int:
        """Removes whole conversations whose latest event is older than `before`."""
        table = self._table()
        if table is None:
            return 0
        latest = func.max(table.c.timestamp)
        stale = select(table.c.sender_id).group_by(table.c.sender_id).having(latest < before.timestamp())
        with self.engine.begin() as connection:
            return connection.execute(delete(table).where(table.c.sender_id.in_(stale))).rowcount

    def store(self) -> PersonalDataStore:
        return PersonalDataStore("conversations", self.export, self.forget, self.identify, self.expire)

    def close(self) -> None:
        self.engine.dispose()
