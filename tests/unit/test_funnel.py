"""The funnel from Rasa's broker events, sales events and orders; profiles, segments and order import."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from analytics.funnel import STAGES, build_funnel, format_funnel
from analytics.orders import OrderError, import_csv, parse_order, record_order
from analytics.profiles import budget_band, segments, write_profiles_csv
from analytics.store import AnalyticsStore, SalesEvent, broker_events

T0 = datetime(2026, 12, 1, 10, tzinfo=UTC).timestamp()


def rasa(sender: str, channel: str, *turns: dict) -> list[tuple[str, dict]]:
    """Broker rows of one conversation: a user message then what followed, a second apart."""
    events = [{"event": "user", "text": "hi", "input_channel": channel, "timestamp": T0}]
    events += [{**t, "timestamp": T0 + i + 1} for i, t in enumerate(turns)]
    return [(sender, e) for e in events]


@pytest.fixture
def store(tmp_path: Path) -> AnalyticsStore:
    store = AnalyticsStore(f"sqlite:///{tmp_path / 'app.db'}")
    rows = (
        rasa("a", "socketio", {"event": "slot", "name": "category", "value": "laptops"},
             {"event": "slot", "name": "budget", "value": 800},
             {"event": "slot", "name": "purchase_intent", "value": 0.8})
        + rasa("b", "rest", {"event": "user", "text": "Do you sell boats?", "input_channel": "rest"},
               {"event": "bot", "text": "Sorry…", "metadata": {"utter_action": "utter_out_of_scope"}})
        + rasa("c", "rest")
    )  # fmt: skip
    rows += rows[:3]  # Rasa published a's first events again (a replay): counted once
    store.events()
    with store.engine.begin() as connection:
        for sender, event in rows:
            connection.execute(insert(broker_events).values(sender_id=sender, data=json.dumps(event)))
    store.assign("a", "fewer", "two")
    store.assign("b", "fewer", "control")
    for key, sender, kind, data in [
        ("r1", "a", "recommendation_shown", {}),
        ("c1", "a", "link_clicked", {}),
        ("c2", "a", "link_clicked", {}),  # a second click: still one customer who clicked
        ("l1", "a", "lead_captured", {"email": "ann@example.com"}),
        ("h1", "b", "handoff", {}),
        ("n1", "b", "not_sold", {"text": "Do you sell boats?"}),
    ]:
        store.record(SalesEvent(key, sender, kind, skus=["LAP-1"] if kind != "handoff" else [], data=data))
    return store


def test_each_stage_counts_each_customer_once(store):
    record_order(store, parse_order({"order_id": "o1", "amount": "999.00", "currency": "EUR",
                                     "email": "Ann@Example.com"}, "test"))  # fmt: skip
    record_order(store, parse_order({"order_id": "o2", "amount": 20, "currency": "EUR"}, "test"))
    funnel = build_funnel(store)
    assert funnel.counts() == {"conversations": 3, "needs_known": 1, "recommended": 1, "clicked": 1, "lead": 1,
                               "purchase": 1}  # fmt: skip
    assert funnel.by("channel")["rest"]["conversations"] == 2
    by_variant = funnel.by("variant")
    assert by_variant["fewer/control"] == dict.fromkeys(STAGES, 0) | {"conversations": 1}
    assert by_variant["fewer/two"] == dict.fromkeys(STAGES, 1)
    assert funnel.by("day") == {"2026-12-01": funnel.counts()}
    assert funnel.revenue == {"EUR": 1019.0} and funnel.attributed == {"EUR": 999.0}
    rates = funnel.rates()
    assert rates["handoff_rate"] == pytest.approx(1 / 3) and rates["fallback_rate"] == pytest.approx(1 / 4)
    assert funnel.unanswered == [("do you sell boats?", 1)] and funnel.not_sold == [("do you sell boats?", 1)]
    text = format_funnel(funnel)
    assert "purchase" in text and "1,019.00 EUR" in text and "do you sell boats?" in text


def test_since_leaves_out_earlier_conversations(store):
    assert build_funnel(store, datetime(2026, 12, 2, tzinfo=UTC)).counts()["conversations"] == 0
    assert build_funnel(store, datetime(2026, 12, 1, tzinfo=UTC)).counts()["conversations"] == 3


def test_profiles_and_segments(store):
    funnel = build_funnel(store)
    out = io.StringIO()
    write_profiles_csv(out, funnel)
    rows = out.getvalue().splitlines()
    assert len(rows) == 4 and rows[0].startswith("sender_id,email,channel")
    assert "ann@example.com" in rows[1] and "500-999" in rows[1] and "0.80" in rows[1] and "LAP-1" in rows[1]
    found = {(s.by, s.name): s for s in segments(funnel)}
    assert found[("interest", "laptops")].lead_rate == 1.0
    assert found[("stage", "conversations")].customers == 2
    assert budget_band("x") == "unknown" and budget_band(99) == "under 100" and budget_band(1000) == "1000 and more"


def test_orders_match_by_conversation_click_or_email_and_count_once(store):
    token = store.link_token("c", "LAP-1", "https://shop/lap-1")
    cases = [({"conversation_id": "b"}, "conversation"), ({"click": token}, "click"),
             ({"email": "ann@example.com"}, "email"), ({"email": "x@y.z"}, None)]  # fmt: skip
    for i, (key, how) in enumerate(cases):
        order = parse_order({"order_id": f"o{i}", "amount": 1, "currency": "eur", **key}, "test")
        assert record_order(store, order) == (True, how)
        assert record_order(store, order) == (False, how)  # reported again: not added
    assert len(store.orders()) == 4


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"amount": 1, "currency": "EUR"}, "order_id is required"),
        ({"order_id": "o", "amount": "ten", "currency": "EUR"}, "amount 'ten' is not a number"),
        ({"order_id": "o", "amount": 1, "currency": "euro"}, "currency 'euro'"),
        ({"order_id": "o", "amount": 1, "currency": "EUR", "created_at": "yesterday"}, "created_at 'yesterday'"),
        ({"order_id": "o", "amount": 1, "currency": "EUR", "price": 3}, "unknown field"),
    ],
)
def test_a_bad_order_names_where_and_what(raw, message):
    with pytest.raises(OrderError, match=message) as caught:
        parse_order(raw, "orders.csv row 7")
    assert "orders.csv row 7" in str(caught.value)


def test_csv_import_records_the_good_rows_and_names_the_bad(store, tmp_path):
    path = tmp_path / "orders.csv"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    path.write_text(
        "order_id,amount,currency,created_at,email,skus\n"
        f"o1,999,EUR,{yesterday},ann@example.com,LAP-1;ACC-2\n"
        "o2,abc,EUR,,,\n"
        "o3,20,EUR,,,\n"
    )
    result = import_csv(store, path)
    assert (result.added, result.unmatched, result.already) == (2, 1, 0)
    assert result.errors == [f"{path} row 3: amount 'abc' is not a number"]
    again = import_csv(store, path)
    assert (again.added, again.already) == (0, 2)
    [o1] = [o for o in store.orders() if o.order_id == "o1"]
    assert o1.sender_id == "a" and o1.skus == ["LAP-1", "ACC-2"] and o1.matched_by == "email"
    (tmp_path / "bad.csv").write_text("id,total\n1,2\n")
    with pytest.raises(OrderError, match="missing column"):
        import_csv(store, tmp_path / "bad.csv")
