"""The audit log: who did what to which conversation, and when (table `audit_log` in the app database).

Written for every agent action (sign-in, take, reply, return to bot, export, forget) and for the same actions
from the CLI. A forgotten customer's conversation ids are replaced by a one-way digest, so the log keeps who
erased something without keeping whom.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, insert, select, update

from privacy.registry import Customer, PersonalDataStore
from privacy.tables import TablesOnFirstUse

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "take", "reply", "return_to_bot", "export", "forget")

metadata = MetaData()
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("agent", String(100), nullable=False),  # an account's name, "cli:<user>", or the service token's caller
    Column("via", String(20), nullable=False),  # password | service_token | cli
    Column("shop", String(41)),
    Column("action", String(20), nullable=False),
    Column("ticket_id", Integer),
    Column("target", String(255), index=True),  # the conversation id acted on (a digest once forgotten)
    Column("detail", JSON),
)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    agent: str
    via: str
    shop: str | None
    action: str
    ticket_id: int | None
    target: str | None
    detail: dict[str, Any] | None


def pseudonym(value: str) -> str:
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:16]


class AuditLog(TablesOnFirstUse):
    metadata = metadata

    def record(
        self,
        agent: str,
        via: str,
        action: str,
        *,
        shop: str | None = None,
        ticket_id: int | None = None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"audit action {action!r}: use one of {', '.join(ACTIONS)}")
        with self._ready().begin() as connection:
            connection.execute(
                insert(audit_log).values(at=datetime.now(UTC), agent=agent, via=via, shop=shop, action=action,
                                         ticket_id=ticket_id, target=target, detail=detail)
            )  # fmt: skip

    def entries(self, limit: int = 100) -> list[AuditEntry]:
        """The latest entries, newest first."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        with self._ready().connect() as connection:
            rows = [row._mapping for row in connection.execute(query)]
        return [
            AuditEntry(**{k: v for k, v in row.items() if k != "id"} | {"at": row["at"].replace(tzinfo=UTC)})
            for row in rows
        ]

    def export(self, customer: Customer) -> list[dict[str, Any]]:
        query = select(audit_log).where(audit_log.c.target.in_(customer.sender_ids)).order_by(audit_log.c.id)
        with self._ready().connect() as connection:
            return [
                {**row._mapping, "at": row.at.isoformat()} for row in connection.execute(query)
            ]

    def forget(self, customer: Customer) -> int:
        """The customer's conversation ids become digests; the entries stay."""
        changed = 0
        with self._ready().begin() as connection:
            for sender_id in customer.sender_ids:
                changed += connection.execute(
                    update(audit_log).where(audit_log.c.target == sender_id).values(target=pseudonym(sender_id))
                ).rowcount
        return changed

    def store(self) -> PersonalDataStore:
        return PersonalDataStore("audit_log", self.export, self.forget)
