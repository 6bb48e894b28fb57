"""The hand-off actions run the way rasa-sdk runs them, against a real SQLite app database, and the
notification posted to a local receiver."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_actions import ActionFallback, ActionHandoff
from config.settings import Settings
from customers.appdb import AppDatabaseError, NewLead, open_app_db
from tests.unit.trackers import make_tracker


@pytest.fixture
def settings(tmp_path: Path, use_services) -> Settings:
    configured = Settings(var_dir=tmp_path)
    use_services(settings=configured)
    return configured


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "input_channel": "socketio"}


def said(text: str, intent: str, events: list | None = None, slots: dict | None = None, **given) -> Tracker:
    """The customer's message `text` arrives after `events`: it is the tracker's last event, as Rasa sends it."""
    return make_tracker(
        text, intent, slots, events=[*(events or []), user(text, intent)], sender_id="handoff-test", **given
    )


def run(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher.messages


def slots_of(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_the_second_fallback_in_a_row_hands_off(settings):
    events, messages = run(ActionFallback(), said("blorp", "nlu_fallback"))
    assert events == [] and messages[0]["response"] == "utter_default"
    asked_to_rephrase = {"event": "bot", "text": "Could you rephrase?", "metadata": {"utter_action": "utter_default"}}
    before = [user("blorp", "nlu_fallback"), asked_to_rephrase]
    events, messages = run(ActionFallback(), said("fizz", "nlu_fallback", before))
    assert messages == []
    assert events[0] == {"event": "slot", "name": "handoff_reason", "value": "fallback", "timestamp": None}
    assert events[1]["event"] == "followup" and events[1]["name"] == "action_handoff"


CONVERSATION = [user("I need a laptop for video editing", "inform"), user("how much is the Lumen Air 13?", "ask_price")]
SLOTS = {"category": "laptops", "products_discussed": ["LUM-AIR-13"], "purchase_intent": 0.4}


def test_with_an_agent_online_the_bot_pauses_and_an_open_ticket_is_made(settings):
    database = open_app_db(settings)
    database.agent_seen("Sam", "demo")
    events, messages = run(ActionHandoff(), said("can I talk to a person", "request_human", CONVERSATION, SLOTS))
    assert [m["response"] for m in messages] == ["utter_handoff_started"]
    assert events[-1]["event"] == "pause"
    assert slots_of(events) == {
        "handoff_due": False,
        "handoff_reason": None,
        "handoff_reasons": ["request_human"],
        "sales_stage": "handoff",
    }
    [ticket] = database.list_tickets()
    assert (ticket.sender_id, ticket.status, ticket.reason, ticket.channel) == (
        "handoff-test",
        "open",
        "request_human",
        "socketio",
    )
    assert ticket.products_discussed == ["LUM-AIR-13"] and ticket.needs == {"category": "laptops"}
    assert ticket.purchase_intent == 0.4 and '"how much is the Lumen Air 13?"' in ticket.summary


def test_a_form_in_progress_is_ended_by_the_hand_off(settings):
    open_app_db(settings).agent_seen("Sam", "demo")
    tracker = said("get me a human", "request_human", active_loop="needs_form")
    events, _ = run(ActionHandoff(), tracker)
    assert {"event": "active_loop", "name": None, "timestamp": None} in events and events[-1]["event"] == "pause"


def test_with_nobody_online_a_follow_up_ticket_is_made_and_the_lead_form_offered(settings):
    tracker = said("this is useless", "out_of_scope", CONVERSATION, {"handoff_reason": "negative_sentiment"})
    events, messages = run(ActionHandoff(), tracker)
    assert [m["response"] for m in messages] == ["utter_handoff_nobody"]
    assert events[-1] == {"event": "followup", "name": "lead_form", "timestamp": None}
    assert not any(e["event"] == "pause" for e in events)
    [ticket] = open_app_db(settings).list_tickets()
    assert (ticket.status, ticket.reason) == ("follow_up", "negative_sentiment")
    # Asking again does not pile up tickets or ask for the details twice.
    events, messages = run(ActionHandoff(), tracker)
    assert [m["response"] for m in messages] == ["utter_handoff_already_noted"]
    assert len(open_app_db(settings).list_tickets()) == 1


def test_outside_business_hours_the_customer_is_told_so(settings, use_services):
    tomorrow = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(datetime.now(UTC).weekday() + 1) % 7]
    use_services(settings=replace(settings, business_hours=f"{tomorrow} 00:00-24:00"))
    open_app_db(settings).agent_seen("Sam", "demo")  # online, but the shop is closed today
    _, messages = run(ActionHandoff(), said("a person please", "request_human"))
    assert [m["response"] for m in messages] == ["utter_handoff_closed"]
    assert open_app_db(settings).list_tickets()[0].status == "follow_up"


def test_a_known_lead_is_not_asked_again(settings):
    open_app_db(settings).save_lead(NewLead(sender_id="handoff-test", name="Anna", email="anna@example.com"))
    events, messages = run(ActionHandoff(), said("a person please", "request_human"))
    assert [m["response"] for m in messages] == ["utter_handoff_nobody", "utter_handoff_will_contact"]
    assert not any(e["event"] == "followup" for e in events)
    assert open_app_db(settings).list_tickets()[0].lead == {"name": "Anna", "email": "anna@example.com"}


def test_a_broken_database_is_reported_without_pausing(settings, use_services):
    use_services(settings=replace(settings, app_db_url="postgresql+psycopg2://nobody:pw@127.0.0.1:1/none"))
    events, messages = run(ActionHandoff(), said("a person please", "request_human"))
    assert [m["response"] for m in messages] == ["utter_handoff_failed"]
    assert not any(e["event"] == "pause" for e in events)


def posted_to_webhook(settings, use_services, fmt: str = "generic", tracker: Tracker | None = None) -> list[dict]:
    """Runs the hand-off with a local webhook receiver; returns what it received."""
    received: list[dict] = []

    async def go() -> None:
        async def hook(request: web.Request) -> web.Response:
            received.append(await request.json())
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        use_services(
            settings=replace(settings, handoff_webhook_url=f"http://127.0.0.1:{port}/hook", handoff_webhook_format=fmt)
        )
        open_app_db(settings).agent_seen("Sam", "demo")
        try:
            await ActionHandoff().run(CollectingDispatcher(), tracker or said("human!", "request_human"), {})
        finally:
            await runner.cleanup()

    asyncio.run(go())
    return received


@pytest.mark.parametrize("fmt", ["generic", "slack", "chatwoot"])
def test_a_new_hand_off_is_posted_to_the_webhook(settings, use_services, fmt):
    [payload] = posted_to_webhook(settings, use_services, fmt)
    ticket_id = open_app_db(settings).list_tickets()[0].id
    if fmt == "generic":
        assert payload["ticket"]["id"] == ticket_id and payload["ticket"]["reason"] == "request_human"
    elif fmt == "slack":
        assert payload["text"].startswith(f"New hand-off #{ticket_id} (waiting for an agent)")
    else:
        assert payload["event"] == "conversation_created" and payload["id"] == ticket_id


def test_an_unreachable_webhook_does_not_stop_the_hand_off(settings, use_services):
    use_services(settings=replace(settings, handoff_webhook_url="http://127.0.0.1:1/hook"))
    open_app_db(settings).agent_seen("Sam", "demo")
    events, messages = run(ActionHandoff(), said("human!", "request_human"))
    assert events[-1]["event"] == "pause" and messages[0]["response"] == "utter_handoff_started"


def test_tickets_resolve_once_and_agents_go_offline(settings):
    database = open_app_db(settings)
    database.agent_seen("Sam", "demo")
    database.agent_seen("Sam", "demo")  # a heartbeat updates, it does not add
    assert database.agents_online(60, "demo") == ["Sam"] and database.agents_online(0, "demo") == []
    assert database.agents_online(60, "acme") == []  # an agent of another shop does not take this one's hand-offs
    run(ActionHandoff(), said("a person please", "request_human"))
    [ticket] = database.list_tickets()
    resolved = database.resolve_ticket(ticket.id, "Sam")
    assert (resolved.status, resolved.resolved_by) == ("resolved", "Sam") and resolved.resolved_at is not None
    assert database.list_tickets() == [] and database.list_tickets(("resolved",)) == [resolved]
    with pytest.raises(AppDatabaseError, match="already resolved"):
        database.resolve_ticket(ticket.id, "Sam")
    with pytest.raises(AppDatabaseError, match="no hand-off ticket with id 99"):
        database.resolve_ticket(99, "Sam")


@pytest.mark.parametrize("share", [False, True])
def test_the_webhook_gets_the_customers_personal_data_only_when_allowed(settings, use_services, share):
    open_app_db(settings).save_lead(NewLead("handoff-test", "Anna Meyer", "anna@example.com", "+49 171 2345678"))
    tracker = said("call me on +49 171 2345678, I want a person", "request_human")
    [payload] = posted_to_webhook(replace(settings, share_pii=share), use_services, tracker=tracker)
    sent = json.dumps(payload)
    for personal in ("Anna Meyer", "anna@example.com", "+49 171 2345678"):
        assert (personal in sent) is share, personal
    if not share:
        assert payload["ticket"]["lead"] == {"name": "[name]", "email": "[email]"}
