"""The analytics commands of `salesbot`, run through main() as a user runs them."""

from __future__ import annotations

from analytics.store import SalesEvent, open_analytics
from bot.cli.main import main
from config.settings import load_settings

EXPERIMENTS = """experiments:
  - name: fewer
    conversion: purchase
    variants:
      - {name: control, share: 0.5}
      - {name: two, share: 0.5, recommendations: 2}
"""


def test_experiments_check_and_report(tmp_path, monkeypatch, capsys):
    path = tmp_path / "experiments.yml"
    path.write_text(EXPERIMENTS)
    monkeypatch.setenv("SALESBOT_EXPERIMENTS_FILE", str(path))
    store = open_analytics(load_settings())
    store.record(SalesEvent("x1", "s1", "exposure", data={"experiment": "fewer", "variant": "two"}))
    assert main(["experiments", "check"]) == 0
    assert "fewer: conversion purchase; control 50%, two 50%" in capsys.readouterr().out
    assert main(["experiments", "report", "--name", "fewer"]) == 0
    out = capsys.readouterr().out
    assert "planned 294 customers per variant" in out and "verdict: TOO EARLY" in out
    path.write_text(EXPERIMENTS.replace("share: 0.5}", "share: 0.7}"))
    assert main(["experiments", "report"]) == 2
    assert "add up to 1.2" in capsys.readouterr().err


def test_experiments_without_a_file_say_which_setting(monkeypatch, capsys):
    monkeypatch.delenv("SALESBOT_EXPERIMENTS_FILE", raising=False)
    assert main(["experiments", "report"]) == 2
    assert "SALESBOT_EXPERIMENTS_FILE" in capsys.readouterr().err


def test_orders_import_and_report(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,amount,currency,conversation_id\no1,120.5,EUR,s1\no2,-3,EUR,\n")
    assert main(["orders", "import", str(orders)]) == 1  # one bad row
    captured = capsys.readouterr()
    assert "1 new order(s) recorded" in captured.out and "row 3: amount -3 must be 0 or more" in captured.err
    profiles = tmp_path / "profiles.csv"
    assert main(["report", "--since", "2026-01-01", "--profiles", str(profiles)]) == 0
    out = capsys.readouterr().out
    assert "revenue from 1 reported order(s): 120.50 EUR" in out and profiles.read_text().startswith("sender_id")
    assert main(["orders", "import", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
