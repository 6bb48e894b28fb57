"""The app database on a real SQLite file, its errors, and the `salesbot leads` command."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from bot.cli import main as cli
from config.settings import Settings
from customers.appdb import AppDatabase, AppDatabaseError, NewLead, default_url, leads, open_app_db


def anna(sender: str = "web-1", **changes) -> NewLead:
    values = {
        "sender_id": sender,
        "name": "Anna Meyer",
        "email": "anna@example.com",
        "phone": "+49 171 2345678",
        "needs": {"category": "laptops", "budget": 1000.0, "use_case": "video editing"},
        "products_discussed": ["L1", "L2"],
        "stage": "closing",
        "purchase_intent": 0.81,
        "intent_features": {"stage_reached": 1.0, "buying_phrases": 0.5},
    }
    return NewLead(**{**values, **changes})


@pytest.fixture
def db(tmp_path: Path) -> Iterator[AppDatabase]:
    database = AppDatabase(f"sqlite:///{tmp_path / 'sub' / 'app.db'}")
    yield database
    database.close()


def test_tables_are_created_on_first_use_and_a_lead_round_trips(db, tmp_path):
    assert not (tmp_path / "sub" / "app.db").exists()
    first = db.save_lead(anna())
    second = db.save_lead(anna("web-2", name="Tom", email="tom@example.org", phone=None, products_discussed=[]))
    assert second == first + 1
    stored = db.list_leads()
    assert [lead.name for lead in stored] == ["Anna Meyer", "Tom"]
    lead = stored[0]
    assert lead.needs == {"category": "laptops", "budget": 1000.0, "use_case": "video editing"}
    assert lead.products_discussed == ["L1", "L2"] and lead.stage == "closing" and lead.purchase_intent == 0.81
    assert lead.intent_features == {"stage_reached": 1.0, "buying_phrases": 0.5}
    assert lead.created_at.tzinfo is not None and lead.outcome is None
    assert abs((datetime.now(UTC) - lead.created_at).total_seconds()) < 60
    assert stored[1].phone is None
    assert [lead.name for lead in db.list_leads(sender_id="web-2")] == ["Tom"]


def test_a_second_process_sees_the_same_leads(db):
    db.save_lead(anna())
    other = AppDatabase(db.url)
    try:
        assert [lead.email for lead in other.list_leads()] == ["anna@example.com"]
    finally:
        other.close()


def test_saving_from_many_threads_loses_nothing(db):
    threads = [threading.Thread(target=db.save_lead, args=(anna(f"t-{i}"),)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(lead.sender_id for lead in db.list_leads()) == sorted(f"t-{i}" for i in range(8))


def test_outcomes_are_recorded_and_checked(db):
    lead_id = db.save_lead(anna())
    db.set_outcome(lead_id, "won")
    assert db.list_leads()[0].outcome == "won"
    with pytest.raises(AppDatabaseError, match="no lead with id 999"):
        db.set_outcome(999, "lost")
    with pytest.raises(AppDatabaseError, match="won, lost"):
        db.set_outcome(lead_id, "maybe")


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://host/db"])
def test_a_bad_url_names_the_setting(url):
    with pytest.raises(AppDatabaseError, match="SALESBOT_APP_DB_URL") as error:
        AppDatabase(url)
    assert "postgresql+psycopg2://" in str(error.value)  # says what a good one looks like


def test_an_unreachable_postgresql_names_the_setting_and_hides_the_password():
    database = AppDatabase("postgresql+psycopg2://shop:s3cret@127.0.0.1:9/leads")
    with pytest.raises(AppDatabaseError, match="cannot open the app database SALESBOT_APP_DB_URL") as error:
        database.list_leads()
    assert "s3cret" not in str(error.value) and "127.0.0.1" in str(error.value)


def test_the_tables_use_portable_types_on_postgresql():
    ddl = str(CreateTable(leads).compile(dialect=postgresql.dialect()))
    assert "SERIAL" in ddl and "JSON" in ddl and "TIMESTAMP WITH TIME ZONE" in ddl


def test_default_url_and_one_database_per_url(tmp_path):
    settings = Settings(var_dir=tmp_path)
    assert default_url(settings) == f"sqlite:///{tmp_path / 'app.db'}"
    assert default_url(Settings(app_db_url="postgresql+psycopg2://u@h/db")) == "postgresql+psycopg2://u@h/db"
    assert open_app_db(settings) is open_app_db(Settings(var_dir=tmp_path))


@pytest.fixture
def cli_db(tmp_path, monkeypatch) -> AppDatabase:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SALESBOT_APP_DB_URL", url)
    return open_app_db(Settings(app_db_url=url))


def test_leads_command_lists_and_exports_csv(cli_db, tmp_path, capsys):
    assert cli.main(["leads"]) == 0
    assert "no leads yet" in capsys.readouterr().out
    cli_db.save_lead(anna())
    cli_db.save_lead(anna("web-2", name="Tom", email="tom@example.org", phone=None, needs={}, stage=None))
    assert cli.main(["leads", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Anna Meyer" in listing and "tom@example.org" in listing and "L1; L2" in listing and "0.81" in listing

    out = tmp_path / "leads.csv"
    assert cli.main(["leads", "export", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [row["email"] for row in rows] == ["anna@example.com", "tom@example.org"]
    assert rows[0]["category"] == "laptops" and rows[0]["budget"] == "1000.0"
    assert rows[0]["products_discussed"] == "L1; L2" and rows[0]["use_case"] == "video editing"
    assert rows[1]["phone"] == "" and rows[1]["stage"] == "" and rows[1]["sender_id"] == "web-2"


def test_outcomes_become_training_data(cli_db, tmp_path, capsys):
    won = cli_db.save_lead(anna())
    cli_db.save_lead(anna("web-2"))  # no outcome yet: not exported
    assert cli.main(["leads", "outcome", str(won), "won"]) == 0
    out = tmp_path / "outcomes.jsonl"
    assert cli.main(["leads", "export", "--training", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows == [{"id": f"lead-{won}", "features": {"stage_reached": 1.0, "buying_phrases": 0.5}, "label": 1}]
    assert cli.main(["leads", "outcome", "12345", "lost"]) == cli.EXIT_USAGE
    assert "no lead with id 12345" in capsys.readouterr().err


def test_leads_command_reports_a_bad_database_url(monkeypatch, capsys):
    monkeypatch.setenv("SALESBOT_APP_DB_URL", "postgresql+psycopg2://shop:pw@127.0.0.1:9/leads")
    assert cli.main(["leads"]) == cli.EXIT_USAGE
    assert "SALESBOT_APP_DB_URL" in capsys.readouterr().err
