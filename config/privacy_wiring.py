"""Turns settings into the privacy objects: the personal-data registry, agent accounts and the audit log.

Apart from config/wiring.py so that the web app and the CLI get these without importing the knowledge stack.
"""

from __future__ import annotations

from typing import Any

from analytics.store import AnalyticsStore, open_analytics
from config.settings import Settings
from customers.appdb import open_app_db
from privacy.accounts import Accounts
from privacy.audit import AuditLog
from privacy.logs import LogFiles
from privacy.registry import Customer, PersonalDataStore, Registry
from privacy.tracker import TrackerEvents, tracker_url


def privacy_registry(settings: Settings) -> Registry:
    """Every store that holds personal data, in the order `forget` erases them: the app database first (its
    leads and tickets lead to the conversations), the analytics tables (same database), the conversations, the
    log lines, the audit log's references."""
    database = open_app_db(settings)

    def identify(customer: Customer) -> Customer:
        sender_ids, emails = database.customer_ids(set(customer.sender_ids), set(customer.emails))
        return customer.widened(sender_ids, emails)

    def export(customer: Customer) -> dict[str, Any]:
        return database.customer_data(set(customer.sender_ids), set(customer.emails))

    def forget(customer: Customer) -> int:
        return database.forget_customer(set(customer.sender_ids), set(customer.emails))

    registry = Registry()
    registry.register(PersonalDataStore("app_database", export, forget, identify, database.expire))
    registry.register(analytics_store(open_analytics(settings)))
    registry.register(TrackerEvents(tracker_url(settings)).store())
    registry.register(LogFiles(settings.var_dir / "logs").store())
    registry.register(audit_log(settings).store())
    return registry


def analytics_store(analytics: AnalyticsStore) -> PersonalDataStore:
    """Experiment assignments, sales events (a lead's e-mail, unanswered questions), tracked links, Rasa's
    broker events; orders stay for the shop's revenue but lose the link to the customer."""

    def identify(customer: Customer) -> Customer:
        leads = [e for email in customer.emails for e in analytics.events(email=email)]
        return customer.widened(sender_ids=[e.sender_id for e in leads])

    def export(customer: Customer) -> dict[str, Any]:
        return {sender_id: analytics.export_sender(sender_id) for sender_id in sorted(customer.sender_ids)}

    def forget(customer: Customer) -> int:
        return sum(sum(analytics.delete_sender(sender_id).values()) for sender_id in customer.sender_ids)

    return PersonalDataStore("analytics", export, forget, identify)


def agent_accounts(settings: Settings) -> Accounts:
    return Accounts(open_app_db(settings).engine)


def audit_log(settings: Settings) -> AuditLog:
    return AuditLog(open_app_db(settings).engine)
