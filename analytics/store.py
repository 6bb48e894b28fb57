"""The analytics tables in the app database, beside the leads and tickets (same URL, SALESBOT_APP_DB_URL).

Every row has a natural unique key, and every write is an insert that ignores a row already there, so a
replayed event, a second import of the same orders file or a retried request never counts twice.

`events` is Rasa's own SQL event broker table (rasa/core/brokers/sql.py: id, sender_id, data as JSON text):
Rasa writes it, we only read it. It is declared here too so that reading an empty database works.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from config.settings import Settings

SETTING = "SALESBOT_APP_DB_URL"
# What the assistant records; `purchase` comes from orders, `conversation` facts from Rasa's events.
EVENT_KINDS = ("exposure", "recommendation_shown", "link_clicked", "lead_captured", "handoff", "not_sold")

metadata = MetaData()

# The variant each customer got, once: assignment stays even when the shares in the YAML file change later.
assignments = Table(
    "experiment_assignments",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("experiment", String(100), primary_key=True),
    Column("variant", String(100), nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
)

sales_events = Table(
    "sales_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_key", String(300), nullable=False, unique=True),  # the same happening twice has one key
    Column("at", DateTime(timezone=True), nullable=False),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("variants", JSON, nullable=False),  # {experiment: variant} the customer was in at the time
    Column("skus", JSON, nullable=False),
    Column("data", JSON, nullable=False),  # exposure: experiment, variant; lead: email; not_sold: text
)
Index("sales_events_kind_at", sales_events.c.kind, sales_events.c.at)

# Product links in replies point at the web app's /go/<token>, which records the click and forwards.
links = Table(
    "tracked_links",
    metadata,
    Column("token", String(40), primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("sku", String(100), nullable=False),
    Column("url", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("sender_id", "sku", "url", name="tracked_links_once"),
)

orders = Table(
    "orders",
    metadata,
    Column("order_id", String(100), primary_key=True),  # the shop's own id: a second report is ignored
    Column("at", DateTime(timezone=True), nullable=False),
    Column("amount", Float, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("sender_id", String(255), index=True),  # the matched conversation, if any
    Column("matched_by", String(20)),  # conversation | email | click
    Column("skus", JSON, nullable=False),
)

broker_events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)

PER_SENDER = (assignments, sales_events, links, orders, broker_events)


class AnalyticsError(RuntimeError):
    pass


@dataclass(frozen=True)
class SalesEvent:
    key: str
    sender_id: str
    kind: str
    variants: dict[str, str] = field(default_factory=dict)
    skus: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None


@dataclass(frozen=True)
class Order:
    order_id: str
    amount: float
    currency: str
    at: datetime
    sender_id: str | None = None
    matched_by: str | None = None
    skus: list[str] = field(default_factory=list)


def utc(value: datetime | None) -> datetime | None:
    """SQLite keeps no time zone; we always write UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class AnalyticsStore:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(parsed, pool_pre_ping=True)
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise AnalyticsError(f"{SETTING}: {url!r} is not a usable database URL ({exc})") from exc
        self._created = False
        self._lock = threading.Lock()

    def _ready(self) -> Engine:
        if self._created:
            return self.engine
        with self._lock:
            if not self._created:
                try:
                    metadata.create_all(self.engine)
                except SQLAlchemyError as exc:
                    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                    raise AnalyticsError(f"cannot open the app database ({SETTING}): {reason}") from exc
                self._created = True
        return self.engine

    def _insert_new(self, connection: Connection, table: Table, values: dict[str, Any]) -> bool:
        """Insert unless a row with the same key exists; True when it was new."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
        return bool(connection.execute(statement).rowcount)

    # ---- experiments --------------------------------------------------------------------------
    def assign(self, sender_id: str, experiment: str, variant: str) -> str:
        """The customer's variant: the one stored first, else `variant` (stored now)."""
        with self._ready().begin() as connection:
            row = {"sender_id": sender_id, "experiment": experiment, "variant": variant, "assigned_at": _now()}
            self._insert_new(connection, assignments, row)
            query = select(assignments.c.variant).where(
                assignments.c.sender_id == sender_id, assignments.c.experiment == experiment
            )
            return str(connection.execute(query).scalar_one())

    def assignments(self, sender_id: str | None = None) -> dict[str, dict[str, str]]:
        """{sender_id: {experiment: variant}} of every customer, or of one."""
        query = select(assignments)
        if sender_id is not None:
            query = query.where(assignments.c.sender_id == sender_id)
        found: dict[str, dict[str, str]] = {}
        with self._ready().connect() as connection:
            for row in connection.execute(query):
                found.setdefault(row.sender_id, {})[row.experiment] = row.variant
        return found

    # ---- sales events -------------------------------------------------------------------------
    def record(self, event: SalesEvent) -> bool:
        """Store a sales event; False when an event with its key was stored before (a replay)."""
        if event.kind not in EVENT_KINDS:
            raise AnalyticsError(f"unknown sales event kind {event.kind!r}; use one of {', '.join(EVENT_KINDS)}")
        values = {
            "event_key": event.key[:300],
            "at": event.at or _now(),
            "sender_id": event.sender_id,
            "kind": event.kind,
            "variants": event.variants,
            "skus": event.skus,
            "data": event.data,
        }
        with self._ready().begin() as connection:
            return self._insert_new(connection, sales_events, values)

    def events(
        self, kinds: Iterable[str] | None = None, since: datetime | None = None, email: str | None = None
    ) -> list[SalesEvent]:
        query = select(sales_events).order_by(sales_events.c.id)
        if kinds is not None:
            query = query.where(sales_events.c.kind.in_(list(kinds)))
        if since is not None:
            query = query.where(sales_events.c.at >= since)
        if email is not None:  # leads captured with this e-mail address (stored lower-case)
            address = sales_events.c.data["email"].as_string()
            query = query.where(sales_events.c.kind == "lead_captured", address == email)
        with self._ready().connect() as connection:
            return [
                SalesEvent(r.event_key, r.sender_id, r.kind, r.variants, r.skus, r.data, utc(r.at))
                for r in connection.execute(query)
            ]

    # ---- tracked links ------------------------------------------------------------------------
    def link_token(self, sender_id: str, sku: str, url: str) -> str:
        """The one token for this customer, product and URL (made on first use)."""
        with self._ready().begin() as connection:
            row = {"token": secrets.token_urlsafe(12), "sender_id": sender_id, "sku": sku, "url": url,
                   "created_at": _now()}  # fmt: skip
            self._insert_new(connection, links, row)
            query = select(links.c.token).where(links.c.sender_id == sender_id, links.c.sku == sku, links.c.url == url)
            return str(connection.execute(query).scalar_one())

    def link(self, token: str) -> tuple[str, str, str] | None:
        """(sender_id, sku, url) of a token, or None."""
        with self._ready().connect() as connection:
            row = connection.execute(select(links).where(links.c.token == token)).first()
        return None if row is None else (row.sender_id, row.sku, row.url)

    # ---- orders -------------------------------------------------------------------------------
    def add_order(self, order: Order) -> bool:
        """False when an order with this id was reported before (it is not changed)."""
        values = {name: getattr(order, name) for name in Order.__dataclass_fields__}
        with self._ready().begin() as connection:
            return self._insert_new(connection, orders, values)

    def orders(self, since: datetime | None = None) -> list[Order]:
        query = select(orders).order_by(orders.c.at)
        if since is not None:
            query = query.where(orders.c.at >= since)
        with self._ready().connect() as connection:
            return [
                Order(r.order_id, r.amount, r.currency, utc(r.at), r.sender_id, r.matched_by, r.skus)  # type: ignore[arg-type]
                for r in connection.execute(query)
            ]

    # ---- Rasa's events (written by the SQL event broker) -----------------------------------------
    def conversation_events(self, after_id: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
        """(sender_id, event) from Rasa's broker table, in the order Rasa published them."""
        query = select(broker_events).where(broker_events.c.id > after_id).order_by(broker_events.c.id)
        with self._ready().connect() as connection:
            for row in connection.execute(query):
                try:
                    event = json.loads(row.data or "")
                except ValueError:
                    continue  # not written by Rasa's broker
                if isinstance(event, dict):
                    yield row.sender_id or event.get("sender_id") or "", event

    # ---- one customer's rows, for the data registry (export / forget) -------------------------------
    def export_sender(self, sender_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every analytics row about one customer, table by table, as JSON-ready values."""
        found: dict[str, list[dict[str, Any]]] = {}
        with self._ready().connect() as connection:
            for table in PER_SENDER:
                rows = connection.execute(select(table).where(table.c.sender_id == sender_id))
                found[table.name] = [
                    {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row._mapping.items()}
                    for row in rows
                ]
        return found

    def delete_sender(self, sender_id: str) -> dict[str, int]:
        """Delete one customer's rows from every analytics table; rows deleted per table. Orders stay (the
        shop's revenue) but lose the link to the customer."""
        deleted: dict[str, int] = {}
        with self._ready().begin() as connection:
            for table in PER_SENDER:
                mine = table.c.sender_id == sender_id
                if table is orders:
                    statement = orders.update().where(mine).values(sender_id=None, matched_by=None)
                else:
                    statement = delete(table).where(mine)
                deleted[table.name] = connection.execute(statement).rowcount
        return deleted

    def close(self) -> None:
        self.engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


_open: dict[str, AnalyticsStore] = {}
_open_lock = threading.Lock()


def open_analytics(settings: Settings) -> AnalyticsStore:
    """The process-wide store for these settings."""
    url = settings.app_db
    with _open_lock:
        if url not in _open:
            _open[url] = AnalyticsStore(url)
        return _open[url]
