"""Agent accounts and their console sessions, in the app database (tables `agent_accounts`, `agent_sessions`).

Passwords are stored as bcrypt hashes (cost 12). A session is a random token given to the browser in a cookie;
only its SHA-256 is stored, with the CSRF token the console sends back on every change and the time the
session expires. An agent belongs to one shop and sees only that shop's hand-offs.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert, select, update

from privacy.registry import PrivacyError
from privacy.tables import TablesOnFirstUse

NAME = re.compile(r"[\w .@-]{1,100}")
SHOP = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")
MIN_PASSWORD = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; 5.0 refuses longer passwords rather than truncate
BCRYPT_ROUNDS = 12

metadata = MetaData()
accounts = Table(
    "agent_accounts",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("shop", String(41), nullable=False),
    Column("password_hash", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_set_at", DateTime(timezone=True), nullable=False),
)
sessions = Table(
    "agent_sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("agent", String(100), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Account:
    name: str
    shop: str
    created_at: datetime


@dataclass(frozen=True)
class Session:
    agent: str
    shop: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class NewSession:
    token: str  # goes to the browser once; never stored
    session: Session


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PrivacyError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise PrivacyError(f"a password has at most {MAX_PASSWORD_BYTES} bytes (bcrypt reads no further)")


def _hash(password: str) -> str:
    check_password(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


# Compared against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"no such agent", bcrypt.gensalt(BCRYPT_ROUNDS))


class Accounts(TablesOnFirstUse):
    metadata = metadata

    def add(self, name: str, shop: str, password: str) -> Account:
        if not NAME.fullmatch(name):
            raise PrivacyError(f"agent name {name!r}: up to 100 letters, digits, spaces, . @ _ or -")
        if not SHOP.fullmatch(shop):
            raise PrivacyError(f"shop {shop!r}: lowercase letters, digits, _ or - (as SALESBOT_SHOP)")
        password_hash, now = _hash(password), datetime.now(UTC)
        with self._ready().begin() as connection:
            if connection.execute(select(accounts.c.name).where(accounts.c.name == name)).first():
                raise PrivacyError(f"agent {name!r} exists already (use `salesbot agents reset` for a new password)")
            connection.execute(
                insert(accounts).values(name=name, shop=shop, password_hash=password_hash, created_at=now,
                                        password_set_at=now)
            )  # fmt: skip
        return Account(name, shop, now)

    def list(self) -> list[Account]:
        with self._ready().connect() as connection:
            rows = connection.execute(select(accounts.c.name, accounts.c.shop, accounts.c.created_at).order_by("name"))
            return [Account(name, shop, _utc(created)) for name, shop, created in rows]

    def remove(self, name: str) -> None:
        """The account and its sessions (its entries in the audit log stay)."""
        with self._ready().begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.agent == name))
            if not connection.execute(delete(accounts).where(accounts.c.name == name)).rowcount:
                raise PrivacyError(f"no agent named {name!r}")

    def reset(self, name: str, password: str) -> None:
        """A new password; every session of the agent ends."""
        password_hash = _hash(password)
        with self._ready().begin() as connection:
            changed = connection.execute(
                update(accounts)
                .where(accounts.c.name == name)
                .values(password_hash=password_hash, password_set_at=datetime.now(UTC))
            ).rowcount
            if not changed:
                raise PrivacyError(f"no agent named {name!r}")
            connection.execute(delete(sessions).where(sessions.c.agent == name))

    def sign_in(self, name: str, password: str, lifetime: timedelta) -> NewSession | None:
        """A new session, or None when the name or the password is wrong (the caller does not say which)."""
        with self._ready().connect() as connection:
            row = connection.execute(
                select(accounts.c.shop, accounts.c.password_hash).where(accounts.c.name == name)
            ).first()
        stored = row.password_hash.encode() if row else _DUMMY_HASH
        given = password.encode()[:MAX_PASSWORD_BYTES]
        if not bcrypt.checkpw(given, stored) or row is None:
            return None
        token, now = secrets.token_urlsafe(32), datetime.now(UTC)
        session = Session(name, row.shop, secrets.token_urlsafe(32), now + lifetime)
        with self._ready().begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.expires_at < now))
            connection.execute(
                insert(sessions).values(token_sha256=_digest(token), agent=name, csrf_token=session.csrf_token,
                                        created_at=now, expires_at=session.expires_at)
            )  # fmt: skip
        return NewSession(token, session)

    def session(self, token: str) -> Session | None:
        """The live session of this cookie token; None when unknown, expired or its account is gone."""
        query = (
            select(sessions.c.agent, accounts.c.shop, sessions.c.csrf_token, sessions.c.expires_at)
            .join(accounts, accounts.c.name == sessions.c.agent)
            .where(sessions.c.token_sha256 == _digest(token))
        )
        with self._ready().connect() as connection:
            row = connection.execute(query).first()
        if row is None or _utc(row.expires_at) <= datetime.now(UTC):
            return None
        return Session(row.agent, row.shop, row.csrf_token, _utc(row.expires_at))

    def sign_out(self, token: str) -> None:
        with self._ready().begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.token_sha256 == _digest(token)))
