import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from analytics.store import AnalyticsError, AnalyticsStore, Order, SalesEvent, broker_events


@pytest.fixture
def store(tmp_path) -> AnalyticsStore:
    return AnalyticsStore(f"sqlite:///{tmp_path / 'app.db'}")


def test_a_replayed_event_is_stored_once(store):
    event = SalesEvent("rec:s1:m1", "s1", "recommendation_shown", {"e": "b"}, ["L1", "L2"])
    assert store.record(event) is True
    assert store.record(event) is False
    [stored] = store.events()
    assert stored.skus == ["L1", "L2"] and stored.variants == {"e": "b"} and stored.at.tzinfo is not None


def test_unknown_event_kinds_are_refused(store):
    with pytest.raises(AnalyticsError, match="unknown sales event kind 'visit'"):
        store.record(SalesEvent("k", "s", "visit"))


def test_the_first_assignment_stays(store):
    assert store.assign("s1", "e", "b") == "b"
    assert store.assign("s1", "e", "a") == "b"  # shares changed later: the customer keeps their variant
    store.assign("s2", "e", "a")
    assert store.assignments("s1") == {"s1": {"e": "b"}}
    assert store.assignments() == {"s1": {"e": "b"}, "s2": {"e": "a"}}


def test_one_link_token_per_customer_product_and_url(store):
    token = store.link_token("s1", "L1", "https://shop/l1")
    assert store.link_token("s1", "L1", "https://shop/l1") == token
    assert store.link_token("s2", "L1", "https://shop/l1") != token
    assert store.link(token) == ("s1", "L1", "https://shop/l1")
    assert store.link("nope") is None


def test_an_order_reported_twice_counts_once(store):
    order = Order("o-1", 99.0, "EUR", datetime.now(UTC), "s1", "conversation", ["L1"])
    assert store.add_order(order) and not store.add_order(order)
    assert [o.order_id for o in store.orders()] == ["o-1"]


def test_rasa_broker_events_are_read_in_order(store):
    store.events()  # creates the tables, as Rasa's broker would create `events`
    with store.engine.begin() as connection:
        for i, event in enumerate([{"event": "user", "text": "hi"}, {"event": "bot", "text": "hello"}]):
            connection.execute(insert(broker_events).values(id=i + 1, sender_id="s1", data=json.dumps(event)))
        connection.execute(insert(broker_events).values(id=3, sender_id="s1", data="not json"))
    assert [e["event"] for _, e in store.conversation_events()] == ["user", "bot"]
    assert [e["event"] for _, e in store.conversation_events(after_id=1)] == ["bot"]


def test_one_customer_is_exported_and_forgotten(store):
    store.assign("s1", "e", "a")
    store.record(SalesEvent("k1", "s1", "lead_captured", data={"email": "a@b.c"}))
    store.record(SalesEvent("k2", "s2", "lead_captured"))
    store.link_token("s1", "L1", "https://shop/l1")
    store.add_order(Order("o-1", 10.0, "EUR", datetime.now(UTC), "s1", "email"))
    assert [e.sender_id for e in store.events(email="a@b.c")] == ["s1"]
    assert store.events(email="x@b.c") == []
    exported = store.export_sender("s1")
    assert exported["sales_events"][0]["data"] == {"email": "a@b.c"}
    assert len(exported["tracked_links"]) == 1 and len(exported["orders"]) == 1
    json.dumps(exported)  # JSON-ready
    deleted = store.delete_sender("s1")
    assert deleted["sales_events"] == 1 and deleted["experiment_assignments"] == 1
    assert [e.sender_id for e in store.events()] == ["s2"]
    [order] = store.orders()
    assert order.sender_id is None and order.amount == 10.0  # revenue stays, the link to the customer goes


def test_a_bad_url_names_the_setting():
    with pytest.raises(AnalyticsError, match="SALESBOT_APP_DB_URL"):
        AnalyticsStore("nonsense://")
