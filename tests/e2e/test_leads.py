"""Lead capture in a real conversation over REST: the row lands in the app database and in the CSV export."""

from __future__ import annotations

import csv
import sys
import uuid

import pytest

from customers.appdb import AppDatabase, default_url
from tests.e2e.conftest import run

pytestmark = pytest.mark.e2e


def leads_of(settings, sender: str):
    database = AppDatabase(default_url(settings))
    try:
        return database.list_leads(sender_id=sender)
    finally:
        database.close()


def test_a_consenting_customer_becomes_a_lead(assistant, e2e_settings, tmp_path):
    sender = f"e2e-lead-{uuid.uuid4().hex[:8]}"
    assistant.text(sender, "hi")
    consent = assistant.say(sender, "I'd like to be contacted")
    assert "may we store your name" in consent[0]["text"].lower(), consent
    assert [b["payload"] for b in consent[0]["buttons"]] == ["/affirm", "/deny"]
    assert "name" in assistant.text(sender, "yes").lower()
    assert "email" in assistant.text(sender, "Anna Meyer").lower()

    reask = assistant.text(sender, "anna@@example")
    assert "doesn't look like an email address" in reask and "What's your email address?" in reask, reask
    assert "phone" in assistant.text(sender, "anna.meyer@example.com").lower()
    done = assistant.text(sender, "skip")
    assert "Thanks, Anna Meyer!" in done and "anna.meyer@example.com" in done, done

    [lead] = leads_of(e2e_settings, sender)
    assert (lead.name, lead.email, lead.phone) == ("Anna Meyer", "anna.meyer@example.com", None)
    assert 0 <= lead.purchase_intent <= 1 and set(lead.intent_features) >= {"stage_reached", "engagement"}
    slots = assistant.tracker(sender)["slots"]
    assert slots["lead_email"] is None and slots["lead_consent"] is None  # ready for another lead later
    assert isinstance(slots["purchase_intent"], float)

    out = tmp_path / "leads.csv"
    run([sys.executable, "-m", "bot.cli", "leads", "export", "--csv", str(out)], {})
    rows = [row for row in csv.DictReader(out.open()) if row["sender_id"] == sender]
    assert [(row["name"], row["email"], row["phone"]) for row in rows] == [("Anna Meyer", "anna.meyer@example.com", "")]


def test_without_consent_nothing_is_stored(assistant, e2e_settings):
    sender = f"e2e-nolead-{uuid.uuid4().hex[:8]}"
    assert "may we store" in assistant.text(sender, "send the quote to bob@example.com please").lower()
    reply = assistant.text(sender, "no thanks")
    assert "haven't stored any contact details" in reply, reply
    assert leads_of(e2e_settings, sender) == []
    assert assistant.tracker(sender)["slots"]["lead_email"] is None  # the volunteered address is dropped
