"""The app database: leads, consent records, hand-off tickets and agent presence. SQLite file by default,
PostgreSQL by URL.

SQLAlchemy Core with portable types only, so the same tables work on SQLite and PostgreSQL.
Tables are created on first use; columns added since (`MIGRATIONS`) are added to an older database then.
One `AppDatabase` per URL is shared by the threads of a process (`open_app_db`);
SQLAlchemy's engine pools connections and is safe to share between threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from config.settings import Settings

SETTING = "SALESBOT_APP_DB_URL"
OUTCOMES = ("won", "lost")

metadata = MetaData()

# Only customers who consented to be contacted have a row here (see actions/lead_actions.py).
leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sender_id", String(255), nullable=False, index=True),  # the Rasa conversation id
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("phone", String(40)),
    Column("needs", JSON, nullable=False),  # category, budget, use_case, features as the customer stated them
    Column("products_discussed", JSON, nullable=False),  # SKUs
    Column("stage", String(40)),  # furthest sales stage reached
    Column("purchase_intent", Float),
    Column("intent_features", JSON),  # the score's inputs, kept so the model can be retrained on outcomes
    Column("outcome", String(10)),  # won | lost, recorded later by the shop; empty while unknown
)

# Hand-off tickets (see customers/handoff.py): "open" while a person owns the (paused) conversation,
# "follow_up" when nobody was available and the team gets back to the customer later, then "resolved".
TICKET_STATUSES = ("open", "follow_up", "resolved")
tickets = Table(
    "handoff_tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("channel", String(40)),  # the customer's channel (rest, socketio, slack, telegram)
    Column("reason", String(40), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("summary", Text, nullable=False),
    Column("needs", JSON, nullable=False),
    Column("products_discussed", JSON, nullable=False),
    Column("lead", JSON, nullable=False),  # name, email, phone as far as the customer gave them
    Column("purchase_intent", Float),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", String(100)),
    Column("shop", String(41), index=True),  # SALESBOT_SHOP of the action server that made it
    Column("taken_by", String(100)),  # the agent who took the conversation in the console
)
# Columns added to a table after its first release: added to an older database on first use.
MIGRATIONS = {"handoff_tickets": ("shop VARCHAR(41)", "taken_by VARCHAR(100)"), "agents": ("shop VARCHAR(41)",)}

# What a customer agreed to, when, and the words they were asked with (kept as long as the lead).
consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("given_at", DateTime(timezone=True), nullable=False),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("email", String(320)),
    Column("purpose", String(40), nullable=False),  # "contact": the lead form's question
    Column("wording", Text, nullable=False),
    Column("answer", Text, nullable=False),  # what the customer said
)

# The agent console reports each open console here every few seconds; "online" means seen recently.
agents = Table(
    "agents",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("shop", String(41)),  # the shop whose hand-offs the agent takes
)


class AppDatabaseError(RuntimeError):
    pass


@dataclass(frozen=True)
class NewLead:
    sender_id: str
    name: str
    email: str
    phone: str | None = None
    needs: dict[str, Any] = field(default_factory=dict)
    products_discussed: list[str] = field(default_factory=list)
    stage: str | None = None
    purchase_intent: float | None = None
    intent_features: dict[str, float] | None = None


@dataclass(frozen=True)
class Lead(NewLead):
    id: int = 0
    created_at: datetime | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class NewTicket:
    sender_id: str
    reason: str
    status: str
    summary: str
    channel: str | None = None
    needs: dict[str, Any] = field(default_factory=dict)
    products_discussed: list[str] = field(default_factory=list)
    lead: dict[str, str] = field(default_factory=dict)
    purchase_intent: float | None = None
    shop: str | None = None


@dataclass(frozen=True)
class Ticket(NewTicket):
    id: int = 0
    created_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    taken_by: str | None = None

    def as_json(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in ("created_at", "resolved_at"):
            values[name] = values[name].isoformat() if values[name] else None
        return values


@dataclass(frozen=True)
class Consent:
    sender_id: str
    purpose: str
    wording: str
    answer: str
    given_at: datetime
    email: str | None = None


def _utc(value: datetime | None) -> datetime | None:
    """SQLite keeps no time zone; we always write UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _ticket(values: Any) -> Ticket:
    ticket = Ticket(**values)
    return replace(ticket, created_at=_utc(ticket.created_at), resolved_at=_utc(ticket.resolved_at))


def _lead(values: Any) -> Lead:
    lead = Lead(**values)
    return replace(lead, created_at=_utc(lead.created_at))


def default_url(settings: Settings) -> str:
    return settings.app_db


def _safe(url: str) -> str:
    """The URL without its password, for error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class AppDatabase:
    def __init__(self, url: str, shop: str = "demo") -> None:
        """`shop` is given to tickets made before tickets recorded their shop (one shop per database then)."""
        self.url = url
        self.shop = shop
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
            self.engine: Engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise AppDatabaseError(
                f"{SETTING}={_safe(url)!r} is not a usable database URL ({exc}); "
                "use e.g. sqlite:////path/app.db or postgresql+psycopg2://user:password@host:5432/db"
            ) from exc
        self._created = False
        self._lock = threading.Lock()

    def _ready(self) -> Engine:
        """Create missing tables once; an unreachable database is reported with the setting to fix."""
        if self._created:  # every later call: no lock
            return self.engine
        with self._lock:
            if not self._created:
                try:
                    metadata.create_all(self.engine)
                    self._migrate()
                except SQLAlchemyError as exc:
                    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                    where = f"{SETTING}={_safe(self.url)!r}"
                    raise AppDatabaseError(f"cannot open the app database {where}: {reason}") from exc
                self._created = True
        return self.engine

    def _migrate(self) -> None:
        for table, columns in MIGRATIONS.items():
            have = {column["name"] for column in inspect(self.engine).get_columns(table)}
            with self.engine.begin() as connection:
                for column in columns:
                    if column.split()[0] not in have:
                        connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column}"))
                connection.execute(update(tickets).where(tickets.c.shop.is_(None)).values(shop=self.shop))

    def save_lead(self, lead: NewLead) -> int:
        values = {name: getattr(lead, name) for name in NewLead.__dataclass_fields__}
        with self._ready().begin() as connection:
            result = connection.execute(insert(leads).values(created_at=datetime.now(UTC), **values))
            return int(result.inserted_primary_key[0])

    def list_leads(self, sender_id: str | None = None) -> list[Lead]:
        query = select(leads).order_by(leads.c.id)
        if sender_id is not None:
            query = query.where(leads.c.sender_id == sender_id)
        with self._ready().connect() as connection:
            return [_lead(row._mapping) for row in connection.execute(query)]

    def set_outcome(self, lead_id: int, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise AppDatabaseError(f"outcome {outcome!r}: use one of {', '.join(OUTCOMES)}")
        with self._ready().begin() as connection:
            changed = connection.execute(update(leads).where(leads.c.id == lead_id).values(outcome=outcome)).rowcount
        if not changed:
            raise AppDatabaseError(f"no lead with id {lead_id}")

    def create_ticket(self, ticket: NewTicket) -> Ticket:
        if ticket.status not in TICKET_STATUSES[:2]:
            raise AppDatabaseError(f"a new ticket's status {ticket.status!r}: use open or follow_up")
        values = {name: getattr(ticket, name) for name in NewTicket.__dataclass_fields__}
        with self._ready().begin() as connection:
            result = connection.execute(insert(tickets).values(created_at=datetime.now(UTC), **values))
            ticket_id = int(result.inserted_primary_key[0])
        return self.get_ticket(ticket_id)

    def get_ticket(self, ticket_id: int) -> Ticket:
        with self._ready().connect() as connection:
            row = connection.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
        if row is None:
            raise AppDatabaseError(f"no hand-off ticket with id {ticket_id}")
        return _ticket(row._mapping)

    def list_tickets(
        self, statuses: tuple[str, ...] = ("open", "follow_up"), sender_id: str | None = None, shop: str | None = None
    ) -> list[Ticket]:
        """Oldest first, so the customer who has waited longest is on top."""
        query = select(tickets).where(tickets.c.status.in_(statuses)).order_by(tickets.c.id)
        if sender_id is not None:
            query = query.where(tickets.c.sender_id == sender_id)
        if shop is not None:
            query = query.where(tickets.c.shop == shop)
        with self._ready().connect() as connection:
            return [_ticket(row._mapping) for row in connection.execute(query)]

    def resolve_ticket(self, ticket_id: int, agent: str) -> Ticket:
        with self._ready().begin() as connection:
            changed = connection.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id, tickets.c.status != "resolved")
                .values(status="resolved", resolved_at=datetime.now(UTC), resolved_by=agent)
            ).rowcount
        if not changed:
            self.get_ticket(ticket_id)  # raises when there is no such ticket
            raise AppDatabaseError(f"hand-off ticket {ticket_id} is already resolved")
        return self.get_ticket(ticket_id)

    def take_ticket(self, ticket_id: int, agent: str) -> Ticket:
        """The agent takes an open ticket; taking one another agent holds is refused."""
        with self._ready().begin() as connection:
            changed = connection.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id, tickets.c.status == "open")
                .where(or_(tickets.c.taken_by.is_(None), tickets.c.taken_by == agent))
                .values(taken_by=agent)
            ).rowcount
        ticket = self.get_ticket(ticket_id)
        if not changed:
            held = f"taken by {ticket.taken_by}" if ticket.taken_by else ticket.status
            raise AppDatabaseError(f"hand-off ticket {ticket_id} is {held}")
        return ticket

    def save_consent(self, consent: Consent) -> None:
        values = {name: getattr(consent, name) for name in Consent.__dataclass_fields__}
        with self._ready().begin() as connection:
            connection.execute(insert(consents).values(**values))

    def list_consents(self, sender_id: str) -> list[Consent]:
        query = select(consents).where(consents.c.sender_id == sender_id).order_by(consents.c.id)
        with self._ready().connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(query)]
        return [Consent(**{k: v for k, v in row.items() if k != "id"} | {"given_at": _utc(row["given_at"])})
                for row in rows]  # fmt: skip

    # --- one customer's data: found by conversation ids or e-mail addresses (customers/privacy stores) ---

    def _customer_rows(self, table: Table, sender_ids: set[str], emails: set[str]) -> Any:
        email = {leads: leads.c.email, consents: consents.c.email}.get(table)
        matches = [table.c.sender_id.in_(sender_ids)]
        if email is not None and emails:
            matches.append(func.lower(email).in_(emails))
        elif table is tickets and emails:
            matches.append(func.lower(tickets.c.lead["email"].as_string()).in_(emails))
        return or_(*matches)

    def customer_ids(self, sender_ids: set[str], emails: set[str]) -> tuple[set[str], set[str]]:
        """The conversation ids and e-mail addresses linked to these in leads, tickets and consents."""
        found_senders, found_emails = set(sender_ids), set(emails)
        with self._ready().connect() as connection:
            for lead in connection.execute(select(leads.c.sender_id, leads.c.email)
                                           .where(self._customer_rows(leads, sender_ids, emails))):
                found_senders.add(lead.sender_id)
                found_emails.add(lead.email.lower())
            for ticket in connection.execute(select(tickets.c.sender_id, tickets.c.lead)
                                             .where(self._customer_rows(tickets, sender_ids, emails))):
                found_senders.add(ticket.sender_id)
                if (ticket.lead or {}).get("email"):
                    found_emails.add(ticket.lead["email"].lower())
        return found_senders, found_emails

    def customer_data(self, sender_ids: set[str], emails: set[str]) -> dict[str, list[dict[str, Any]]]:
        """Leads, tickets and consent records of the customer, JSON-ready."""
        data: dict[str, list[dict[str, Any]]] = {}
        with self._ready().connect() as connection:
            for name, table in (("leads", leads), ("tickets", tickets), ("consents", consents)):
                rows = connection.execute(
                    select(table).where(self._customer_rows(table, sender_ids, emails)).order_by(table.c.id)
                )
                data[name] = [
                    {key: _utc(v).isoformat() if isinstance(v, datetime) else v for key, v in row._mapping.items()}
                    for row in rows
                ]
        return data

    def forget_customer(self, sender_ids: set[str], emails: set[str]) -> int:
        """Deletes the customer's leads, tickets and consent records; returns how many rows went."""
        with self._ready().begin() as connection:
            return sum(
                connection.execute(delete(table).where(self._customer_rows(table, sender_ids, emails))).rowcount
                for table in (leads, tickets, consents)
            )

    def expire(self, before: datetime) -> int:
        """Deletes leads, consent records and hand-off tickets made before `before`; returns how many rows went."""
        with self._ready().begin() as connection:
            return (
                connection.execute(delete(leads).where(leads.c.created_at < before)).rowcount
                + connection.execute(delete(consents).where(consents.c.given_at < before)).rowcount
                + connection.execute(delete(tickets).where(tickets.c.created_at < before)).rowcount
            )

    def agent_seen(self, name: str, shop: str) -> None:
        now = datetime.now(UTC)
        with self._ready().begin() as connection:
            seen = update(agents).where(agents.c.name == name).values(last_seen=now, shop=shop)
            if not connection.execute(seen).rowcount:
                connection.execute(insert(agents).values(name=name, last_seen=now, shop=shop))

    def agent_left(self, name: str) -> None:
        with self._ready().begin() as connection:
            connection.execute(delete(agents).where(agents.c.name == name))

    def agents_online(self, within_seconds: float, shop: str) -> list[str]:
        """The agents of this shop whose console reported within the last `within_seconds`."""
        since = datetime.now(UTC) - timedelta(seconds=within_seconds)
        query = select(agents.c.name, agents.c.last_seen).where(agents.c.shop == shop).order_by(agents.c.name)
        with self._ready().connect() as connection:
            rows = connection.execute(query)
            return [name for name, seen in rows if _utc(seen) >= since]

    def close(self) -> None:
        self.engine.dispose()


_open: dict[str, AppDatabase] = {}
_open_lock = threading.Lock()


def open_app_db(settings: Settings) -> AppDatabase:
    """The process-wide database for these settings (engines are built once, not per action)."""
    url = default_url(settings)
    with _open_lock:
        if url not in _open:
            _open[url] = AppDatabase(url, settings.shop)
        return _open[url]
