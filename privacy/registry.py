"""Who a customer is, and the stores that hold their data.

A store registers a name and three functions: `identify` (optional; widens the customer's identifiers,
e.g. the conversations that belong to an e-mail), `export` (everything about the customer, JSON-ready)
and `forget` (erase it; returns how many records went). `expire` (optional) removes what is older than the
retention period. Other packages (analytics) add their tables by registering one more `PersonalDataStore`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class PrivacyError(RuntimeError):
    pass


@dataclass(frozen=True)
class Customer:
    """The identifiers one customer is known by: Rasa conversation (sender) ids and e-mail addresses."""

    query: str
    sender_ids: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()

    def widened(self, sender_ids: Iterable[str] = (), emails: Iterable[str] = ()) -> Customer:
        return Customer(self.query, self.sender_ids | set(sender_ids), self.emails | {e.lower() for e in emails})

    @property
    def known(self) -> bool:
        return bool(self.sender_ids or self.emails)


@dataclass(frozen=True)
class PersonalDataStore:
    name: str
    export: Callable[[Customer], Any]
    forget: Callable[[Customer], int]
    identify: Callable[[Customer], Customer] | None = None
    expire: Callable[[datetime], int] | None = None


def customer_from_query(query: str) -> Customer:
    """An e-mail address (contains @) or a conversation id."""
    query = query.strip()
    if not query:
        raise PrivacyError("give a customer's conversation id or e-mail address")
    if "@" in query:
        return Customer(query, emails=frozenset({query.lower()}))
    return Customer(query, sender_ids=frozenset({query}))


@dataclass
class Registry:
    stores: list[PersonalDataStore] = field(default_factory=list)

    def register(self, store: PersonalDataStore) -> None:
        if any(s.name == store.name for s in self.stores):
            raise PrivacyError(f"a personal-data store named {store.name!r} is already registered")
        self.stores.append(store)

    def resolve(self, query: str) -> Customer:
        """Every identifier of the customer, widened by each store until nothing new is found (two rounds:
        e-mail -> conversations -> the other e-mails given in them)."""
        customer = customer_from_query(query)
        for _ in range(2):
            before = customer
            for store in self.stores:
                if store.identify is not None:
                    customer = store.identify(customer)
            if customer == before:
                break
        return customer

    def export(self, customer: Customer) -> dict[str, Any]:
        return {
            "customer": {"query": customer.query, "sender_ids": sorted(customer.sender_ids),
                         "emails": sorted(customer.emails)},
            **{store.name: store.export(customer) for store in self.stores},
        }  # fmt: skip

    def forget(self, customer: Customer) -> dict[str, int]:
        """Erases from every store, in order; a store that fails stops the run with its name (what went before
        stays erased; running forget again finishes the job)."""
        counts: dict[str, int] = {}
        for store in self.stores:
            try:
                counts[store.name] = store.forget(customer)
            except Exception as exc:
                raise PrivacyError(f"erasing from {store.name} failed: {exc}") from exc
        return counts

    def expire(self, before: datetime) -> dict[str, int]:
        return {store.name: store.expire(before) for store in self.stores if store.expire is not None}
