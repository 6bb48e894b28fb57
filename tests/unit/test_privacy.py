"""The privacy library on real SQLite files: redaction, export and erasure across every store (checked by
searching every table and log afterwards), the retention period, agent accounts and the CLI."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, insert, update

from analytics.store import Order, SalesEvent, broker_events, open_analytics
from bot.cli import main as cli
from config.privacy_wiring import agent_accounts, audit_log, privacy_registry
from config.settings import Settings
from customers.appdb import Consent, NewLead, NewTicket, leads, open_app_db
from privacy.redact import RedactingLogRecord, install_log_redaction, redact, redact_json
from privacy.registry import PersonalDataStore, PrivacyError, Registry

ANNA = "anna.meyer@example.com"
TOM = "tom@example.org"


# --- redaction --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"mail me at {ANNA} please", "mail me at [email] please"),
        ("call +49 171 2345678 or 0171-2345678, or (555) 123-4567", "call [phone] or [phone], or [phone]"),
        ("my number is 5551234567.", "my number is [phone]."),
        ("my card is 4111 1111 1111 1111", "my card is [card]"),
        ("I live at 12 Baker Street, London", "I live at [address], London"),
        ("send it to Hauptstraße 5 in Berlin", "send it to [address] in Berlin"),
    ],
)
def test_personal_data_is_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Lumen Air 13 costs 1,299.00 EUR and weighs 1.2 kg",
        "LUM-AIR-13 has 16 GB RAM, a 13.3 inch screen and 2560x1600 pixels",
        "sizes 2560 1600 and 1920 1080",
        "order 4111 1111 1111 1112 is not a card (Luhn fails)",
        "I need it for 2 people, budget 900",
    ],
)
def test_product_facts_are_left_alone(text):
    assert redact(text) == text


def test_known_names_and_nested_json_are_redacted():
    payload = {"summary": "Customer: Anna Meyer, anna@example.com.", "lead": {"name": "Anna Meyer"}, "n": 3}
    assert redact_json(payload, known=["Anna Meyer"]) == {
        "summary": "Customer: [name], [email].", "lead": {"name": "[name]"}, "n": 3
    }  # fmt: skip


def test_log_lines_are_redacted_whichever_logger_writes_them():
    previous = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test.privacy.redaction")
    logger.addHandler(handler)
    try:
        install_log_redaction()
        assert logging.getLogRecordFactory() is RedactingLogRecord
        logger.warning("lead %s saved (phone %s)", ANNA, "+49 171 2345678")
    finally:
        logging.setLogRecordFactory(previous)
        logger.removeHandler(handler)
    assert stream.getvalue() == "lead [email] saved (phone [phone])\n"


# --- a customer's data in every store -------------------------------------------------------------------


def rasa_events_table(path: Path, rows: list[tuple[str, float, dict]]) -> None:
    """Rasa 3.6's SQLTrackerStore table, as Rasa creates it, with these (sender_id, timestamp, event) rows."""
    engine = create_engine(f"sqlite:///{path}")
    events = Table(
        "events", MetaData(),
        Column("id", Integer, primary_key=True), Column("sender_id", String(255), index=True),
        Column("type_name", String(255)), Column("timestamp", Float), Column("intent_name", String(255)),
        Column("action_name", String(255)), Column("data", Text),
    )  # fmt: skip
    events.metadata.create_all(engine)
    with engine.begin() as connection:
        for sender_id, ts, event in rows:
            values = {"sender_id": sender_id, "type_name": event["event"], "timestamp": ts, "data": json.dumps(event)}
            connection.execute(insert(events).values(**values))
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path)


@pytest.fixture
def two_customers(settings: Settings) -> Settings:
    """Anna: a web conversation where she left a lead and a ticket, and a Telegram one where she only typed her
    e-mail; Tom: one conversation with a lead. Logs and the audit log mention both."""
    now = time.time()
    rasa_events_table(
        Path(settings.tracker_db_path),
        [
            ("web-anna", now - 60, {"event": "user", "text": "I want a laptop", "timestamp": now - 60}),
            ("web-anna", now - 50, {"event": "user", "text": f"I'm Anna Meyer, {ANNA}", "timestamp": now - 50}),
            ("tg-anna", now - 40, {"event": "user", "text": f"it's {ANNA.upper()} again", "timestamp": now - 40}),
            ("web-tom", now - 30, {"event": "user", "text": f"tom here: {TOM}", "timestamp": now - 30}),
        ],
    )
    database = open_app_db(settings)
    database.save_lead(NewLead("web-anna", "Anna Meyer", ANNA, "+49 171 2345678"))
    database.save_consent(Consent("web-anna", "contact", "May we contact you?", "yes", datetime.now(UTC), ANNA))
    database.create_ticket(NewTicket("web-anna", "request_human", "open", "Customer: Anna Meyer", shop="demo",
                                     lead={"name": "Anna Meyer", "email": ANNA}))  # fmt: skip
    database.save_lead(NewLead("web-tom", "Tom", TOM))
    logs = settings.var_dir / "logs"
    logs.mkdir()
    (logs / "actions.log").write_text("start\nhand-off for web-anna failed\nlead of web-tom saved\n")
    (logs / "actions.log.1").write_text("turn of tg-anna took 2.1 s\n")  # rotated away earlier
    audit_log(settings).record("Sam", "password", "reply", shop="demo", ticket_id=1, target="web-anna")
    return settings


def everything_stored(settings: Settings) -> str:
    """Every row of every table of both databases and every log line, as one text to search."""
    text = []
    for path in (settings.var_dir / "app.db", Path(settings.tracker_db_path)):
        with sqlite3.connect(path) as connection:
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                text += [repr(row) for row in connection.execute(f"SELECT * FROM {table}")]
    text += [path.read_text() for path in (settings.var_dir / "logs").glob("*")]
    return "\n".join(text).lower()


def test_an_email_finds_every_conversation_and_record_of_the_customer(two_customers):
    registry = privacy_registry(two_customers)
    customer = registry.resolve(ANNA)
    assert customer.sender_ids == {"web-anna", "tg-anna"} and customer.emails == {ANNA}
    data = registry.export(customer)
    assert set(data["conversations"]) == {"web-anna", "tg-anna"}
    assert data["conversations"]["web-anna"][1]["text"] == f"I'm Anna Meyer, {ANNA}"
    assert [lead["name"] for lead in data["app_database"]["leads"]] == ["Anna Meyer"]
    assert [t["sender_id"] for t in data["app_database"]["tickets"]] == ["web-anna"]
    assert data["app_database"]["consents"][0]["wording"] == "May we contact you?"
    assert data["logs"] == {
        "actions.log": ["hand-off for web-anna failed"],
        "actions.log.1": ["turn of tg-anna took 2.1 s"],
    }
    assert [entry["action"] for entry in data["audit_log"]] == ["reply"]
    json.dumps(data, default=str)  # JSON-ready
    assert registry.resolve("web-anna").sender_ids == {"web-anna", "tg-anna"}  # by id: via the lead's e-mail


def test_forget_leaves_nothing_of_the_customer_in_any_store_and_keeps_the_others(two_customers):
    registry = privacy_registry(two_customers)
    erased = registry.forget(registry.resolve(ANNA))
    assert erased == {"app_database": 3, "analytics": 0, "conversations": 3, "logs": 2, "audit_log": 1}
    stored = everything_stored(two_customers)
    for trace in (ANNA, "anna meyer", "web-anna", "tg-anna", "2345678"):
        assert trace not in stored, trace
    assert TOM in stored and "web-tom" in stored  # the other customer is untouched
    [entry] = audit_log(two_customers).entries()
    assert entry.agent == "Sam" and entry.target.startswith("sha256:")  # who acted stays, not on whom
    assert set(registry.forget(registry.resolve(ANNA)).values()) == {0}


def test_forget_erases_the_analytics_rows_too_and_keeps_the_orders_revenue(two_customers):
    analytics = open_analytics(two_customers)
    for sender in ("web-anna", "web-tom"):
        analytics.assign(sender, "fewer", "two")
        analytics.link_token(sender, "LAP-1", "https://shop.example/lap-1")
        with analytics.engine.begin() as connection:  # Rasa's SQL event broker's copy of the conversation
            connection.execute(insert(broker_events).values(sender_id=sender, data=json.dumps({"text": sender})))
    analytics.record(SalesEvent("lead:web-anna", "web-anna", "lead_captured", data={"email": ANNA}))
    analytics.record(SalesEvent("not-sold:tg-anna", "tg-anna", "not_sold", data={"text": "a pink kayak"}))
    analytics.record(SalesEvent("lead:web-tom", "web-tom", "lead_captured", data={"email": TOM}))
    analytics.add_order(Order("o-1", 99.5, "EUR", datetime.now(UTC), "web-anna", "email", ["LAP-1"]))
    registry = privacy_registry(two_customers)
    customer = registry.resolve(ANNA)
    exported = registry.export(customer)["analytics"]
    assert [e["kind"] for e in exported["web-anna"]["sales_events"]] == ["lead_captured"]
    assert exported["tg-anna"]["sales_events"][0]["data"]["text"] == "a pink kayak"
    assert [o["order_id"] for o in exported["web-anna"]["orders"]] == ["o-1"]

    erased = registry.forget(customer)
    assert erased["analytics"] == 6  # assignment, link, broker event, two sales events, the order's link
    stored = everything_stored(two_customers)
    for trace in (ANNA, "web-anna", "tg-anna", "pink kayak"):
        assert trace not in stored, trace
    assert [(o.order_id, o.amount, o.sender_id) for o in analytics.orders()] == [("o-1", 99.5, None)]
    assert analytics.export_sender("web-tom")["sales_events"][0]["data"] == {"email": TOM}  # Tom is untouched
    assert registry.forget(registry.resolve(ANNA))["analytics"] == 0


def test_an_email_only_the_analytics_know_still_finds_the_conversation(settings):
    """The lead itself may be gone (retention), its sales event still names the e-mail."""
    open_analytics(settings).record(SalesEvent("lead:web-old", "web-old", "lead_captured", data={"email": TOM}))
    registry = privacy_registry(settings)
    assert registry.resolve(TOM.upper()).sender_ids == {"web-old"}
    assert registry.forget(registry.resolve(TOM))["analytics"] == 1


def test_a_second_store_with_a_registered_name_is_refused(settings):
    registry = privacy_registry(settings)
    with pytest.raises(PrivacyError, match="already registered"):
        registry.register(PersonalDataStore("analytics", list, len))


def test_a_store_that_fails_is_named_and_what_went_before_stays_erased():
    gone: list[str] = []

    def broken(customer):
        raise OSError("disk full")

    registry = Registry()
    registry.register(PersonalDataStore("first", dict, lambda c: gone.append("first") or 1))
    registry.register(PersonalDataStore("second", dict, broken))
    with pytest.raises(PrivacyError, match="erasing from second failed: disk full"):
        registry.forget(registry.resolve("x"))
    assert gone == ["first"]
    with pytest.raises(PrivacyError, match="conversation id or e-mail"):
        registry.resolve("  ")


def test_the_retention_period_removes_old_conversations_leads_and_tickets_only(two_customers):
    old = datetime.now(UTC) - timedelta(days=200)
    engine = create_engine(f"sqlite:///{two_customers.tracker_db_path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE events SET timestamp = ? WHERE sender_id = 'web-anna'", (old.timestamp(),))
    engine.dispose()
    database = open_app_db(two_customers)
    with database.engine.begin() as connection:
        connection.execute(update(leads).where(leads.c.sender_id == "web-anna").values(created_at=old))
    erased = privacy_registry(two_customers).expire(datetime.now(UTC) - timedelta(days=180))
    assert erased == {"app_database": 1, "conversations": 2}
    assert [lead.sender_id for lead in database.list_leads()] == ["web-tom"]
    registry = privacy_registry(two_customers)
    assert set(registry.export(registry.resolve(ANNA))["conversations"]) == {"tg-anna"}


def test_without_any_conversation_yet_the_tracker_store_has_nothing(settings):
    registry = privacy_registry(settings)
    customer = registry.resolve(ANNA)
    assert registry.export(customer)["conversations"] == {} and registry.forget(customer)["conversations"] == 0


# --- agent accounts ------------------------------------------------------------------------------------------


def test_passwords_are_bcrypt_hashes_and_a_session_needs_the_right_one(settings):
    accounts = agent_accounts(settings)
    accounts.add("Sam", "demo", "correct horse battery")
    with sqlite3.connect(settings.var_dir / "app.db") as connection:
        [(stored,)] = connection.execute("SELECT password_hash FROM agent_accounts").fetchall()
    assert stored.startswith("$2b$12$") and "correct" not in stored
    assert accounts.sign_in("Sam", "wrong password!!", timedelta(hours=1)) is None
    assert accounts.sign_in("Nobody", "correct horse battery", timedelta(hours=1)) is None
    new = accounts.sign_in("Sam", "correct horse battery", timedelta(hours=1))
    assert new is not None and accounts.session(new.token).shop == "demo"
    with sqlite3.connect(settings.var_dir / "app.db") as connection:
        assert new.token not in repr(connection.execute("SELECT * FROM agent_sessions").fetchall())
    accounts.sign_out(new.token)
    assert accounts.session(new.token) is None


def test_sessions_expire_and_end_with_a_new_password_or_a_removed_account(settings):
    accounts = agent_accounts(settings)
    accounts.add("Sam", "demo", "correct horse battery")
    assert accounts.session(accounts.sign_in("Sam", "correct horse battery", timedelta(0)).token) is None
    live = accounts.sign_in("Sam", "correct horse battery", timedelta(hours=8)).token
    accounts.reset("Sam", "another long password")
    assert accounts.session(live) is None
    live = accounts.sign_in("Sam", "another long password", timedelta(hours=8)).token
    accounts.remove("Sam")
    assert accounts.session(live) is None and accounts.list() == []


@pytest.mark.parametrize(
    ("name", "shop", "password", "message"),
    [
        ("Sam", "demo", "short", "at least 12 characters"),
        ("Sam", "demo", "ä" * 40, "at most 72 bytes"),
        ("Sam<script>", "demo", "correct horse battery", "agent name"),
        ("Sam", "Demo Shop", "correct horse battery", "shop 'Demo Shop'"),
    ],
)
def test_bad_account_details_are_refused_with_the_reason(settings, name, shop, password, message):
    with pytest.raises(PrivacyError, match=message):
        agent_accounts(settings).add(name, shop, password)


def test_an_agent_name_is_taken_once_and_unknown_names_are_reported(settings):
    accounts = agent_accounts(settings)
    accounts.add("Sam", "demo", "correct horse battery")
    with pytest.raises(PrivacyError, match="exists already"):
        accounts.add("Sam", "acme", "correct horse battery")
    with pytest.raises(PrivacyError, match="no agent named 'Kim'"):
        accounts.reset("Kim", "correct horse battery")
    with pytest.raises(PrivacyError, match="no agent named 'Kim'"):
        accounts.remove("Kim")


# --- the CLI -----------------------------------------------------------------------------------------------


def run_cli(monkeypatch, settings: Settings, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setenv("SALESBOT_VAR_DIR", str(settings.var_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(argv)


def test_cli_manages_agents(monkeypatch, settings, capsys):
    assert run_cli(monkeypatch, settings, ["agents", "add", "Sam", "--shop", "acme", "--password-stdin"],
                   "correct horse battery\n") == 0  # fmt: skip
    assert run_cli(monkeypatch, settings, ["agents"]) == 0
    assert "Sam" in capsys.readouterr().out
    assert run_cli(monkeypatch, settings, ["agents", "reset", "Sam", "--password-stdin"], "short\n") == 2
    assert "at least 12 characters" in capsys.readouterr().err
    assert agent_accounts(settings).sign_in("Sam", "correct horse battery", timedelta(hours=1)).session.shop == "acme"
    assert run_cli(monkeypatch, settings, ["agents", "remove", "Sam"]) == 0
    assert agent_accounts(settings).list() == []


def test_cli_exports_and_forgets_a_customer_and_audits_both(monkeypatch, two_customers, tmp_path, capsys):
    out = tmp_path / "anna.json"
    assert run_cli(monkeypatch, two_customers, ["customers", "export", ANNA, "--out", str(out)]) == 0
    assert set(json.loads(out.read_text())["conversations"]) == {"web-anna", "tg-anna"}
    assert run_cli(monkeypatch, two_customers, ["customers", "forget", ANNA]) == 2  # not a terminal, no --yes
    assert "--yes" in capsys.readouterr().err
    assert ANNA in everything_stored(two_customers)
    assert run_cli(monkeypatch, two_customers, ["customers", "forget", ANNA, "--yes"]) == 0
    stored = everything_stored(two_customers)
    assert ANNA not in stored and "web-anna" not in stored and "tg-anna" not in stored
    actions = [(e.action, e.via) for e in audit_log(two_customers).entries()]
    assert ("forget", "cli") in actions and ("export", "cli") in actions


def test_cli_applies_the_retention_period_now(monkeypatch, two_customers, capsys):
    monkeypatch.setenv("SALESBOT_RETENTION_DAYS", "0")
    assert run_cli(monkeypatch, two_customers, ["customers", "expire"]) == 0
    assert "kept without limit" in capsys.readouterr().out
    monkeypatch.setenv("SALESBOT_RETENTION_DAYS", "30")
    assert run_cli(monkeypatch, two_customers, ["customers", "expire"]) == 0
    assert "conversations 0" in capsys.readouterr().out  # everything is recent
