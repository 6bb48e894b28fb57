"""The agent console's HTTP API in process (aiohttp's test server), with a local recorder standing in
for Rasa's HTTP API; tests/e2e/test_handoff.py runs the same routes against the real Rasa server."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
from bot.web.auth import COOKIE
from config.privacy_wiring import agent_accounts, audit_log
from config.settings import Settings
from customers.appdb import NewTicket, open_app_db
from privacy.audit import pseudonym

TOKEN = "s3cret-agent-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "X-Agent-Name": "Sam"}
EVENTS = [
    {"event": "user", "text": "get me a human", "input_channel": "socketio"},
    {"event": "bot", "text": "I'm bringing in a person from our team now."},
    {"event": "pause"},
]


class RasaRecorder:
    """Records what the console posts to Rasa's tracker API and serves a fixed tracker."""

    def __init__(self) -> None:
        self.posted: list[tuple[str, dict, list]] = []

    async def tracker(self, request: web.Request) -> web.Response:
        return web.json_response({"events": EVENTS})

    async def events(self, request: web.Request) -> web.Response:
        self.posted.append((request.match_info["sender"], dict(request.query), await request.json()))
        return web.json_response({"events": []})


def with_console(settings: Settings, check, recorder: RasaRecorder | None = None) -> None:
    async def go() -> None:
        rasa = web.Application()
        recording = recorder or RasaRecorder()
        rasa.router.add_get("/conversations/{sender}/tracker", recording.tracker)
        rasa.router.add_post("/conversations/{sender}/tracker/events", recording.events)
        async with TestServer(rasa, host="127.0.0.1") as rasa_server:
            configured = Settings(**{**settings.__dict__, "rasa_port": rasa_server.port})
            async with TestClient(TestServer(create_app(configured))) as client:
                await check(client)

    asyncio.run(go())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path, agent_token=TOKEN, rasa_auth_token="rasa-token")


def open_ticket(settings: Settings, status: str = "open") -> int:
    ticket = NewTicket(sender_id="cust-1", reason="request_human", status=status, summary="Hand-off: …", shop="demo")
    return open_app_db(settings).create_ticket(ticket).id


def test_without_a_service_token_scripts_are_refused_and_people_sign_in(tmp_path):
    async def check(client):
        response = await client.get("/console/api/tickets", headers=AUTH)
        assert response.status == 401 and "SALESBOT_AGENT_TOKEN" in await response.text()
        assert (await client.get("/console/api/tickets")).status == 401
        page = await (await client.get("/console")).text()
        assert "Agent console" in page and 'id="agent-password"' in page

    with_console(Settings(var_dir=tmp_path), check)
    with_console(Settings(var_dir=tmp_path, env="development"), check)


def test_a_wrong_or_missing_token_is_refused(settings):
    async def check(client):
        assert (await client.get("/console/api/tickets")).status == 401
        wrong = {"Authorization": "Bearer nope"}
        assert (await client.get("/console/api/tickets", headers=wrong)).status == 401
        assert (await client.post("/console/api/tickets/1/resolve", headers=wrong)).status == 401
        assert (await client.get("/console")).status == 200  # the page itself asks for the token

    with_console(settings, check)


def test_listing_tickets_marks_the_agent_online(settings):
    ticket_id = open_ticket(settings)

    async def check(client):
        data = await (await client.get("/console/api/tickets", headers=AUTH)).json()
        assert [t["id"] for t in data["tickets"]] == [ticket_id] and data["agents_online"] == ["Sam"]

    with_console(settings, check)
    assert open_app_db(settings).agents_online(60, "demo") == ["Sam"]


def test_signing_out_takes_the_agent_offline_at_once(settings):
    open_app_db(settings).agent_seen("Sam", "demo")

    async def check(client):
        assert (await client.post("/console/api/sign-out", headers=AUTH)).status == 200

    with_console(settings, check)
    assert open_app_db(settings).agents_online(60, "demo") == []


def test_a_ticket_shows_the_live_transcript_and_whether_the_bot_is_paused(settings):
    ticket_id = open_ticket(settings)

    async def check(client):
        data = await (await client.get(f"/console/api/tickets/{ticket_id}", headers=AUTH)).json()
        assert data["paused"] is True and data["ticket"]["status"] == "open"
        assert [m["sender"] for m in data["transcript"]] == ["customer", "bot", "system"]
        assert (await client.get("/console/api/tickets/999", headers=AUTH)).status == 404

    with_console(settings, check)


def test_a_reply_is_posted_as_a_bot_event_delivered_on_the_customers_channel(settings):
    ticket_id = open_ticket(settings)
    recorder = RasaRecorder()

    async def check(client):
        response = await client.post(f"/console/api/tickets/{ticket_id}/reply", headers=AUTH, json={"text": "Hi!"})
        assert response.status == 200
        empty = await client.post(f"/console/api/tickets/{ticket_id}/reply", headers=AUTH, json={"text": " "})
        assert empty.status == 400

    with_console(settings, check, recorder)
    [(sender, query, events)] = recorder.posted
    assert sender == "cust-1"
    assert query == {"output_channel": "latest", "execute_side_effects": "true", "token": "rasa-token"}
    assert events == [{"event": "bot", "text": "Hi!", "metadata": {"agent": "Sam"}}]


def test_resolving_resumes_the_bot_and_closes_the_ticket(settings):
    ticket_id = open_ticket(settings)
    recorder = RasaRecorder()

    async def check(client):
        response = await client.post(f"/console/api/tickets/{ticket_id}/resolve", headers=AUTH)
        assert (await response.json())["ticket"]["status"] == "resolved"
        again = await client.post(f"/console/api/tickets/{ticket_id}/resolve", headers=AUTH)
        assert again.status == 409
        late = await client.post(f"/console/api/tickets/{ticket_id}/reply", headers=AUTH, json={"text": "hi"})
        assert late.status == 409

    with_console(settings, check, recorder)
    back, resume = recorder.posted[0], recorder.posted[1]
    assert back[1]["output_channel"] == "latest" and back[2][0]["event"] == "bot"
    assert resume[1] == {"token": "rasa-token"}
    assert resume[2] == [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


def test_a_follow_up_ticket_is_resolved_without_touching_the_conversation(settings):
    ticket_id = open_ticket(settings, status="follow_up")
    recorder = RasaRecorder()

    async def check(client):
        assert (await client.post(f"/console/api/tickets/{ticket_id}/resolve", headers=AUTH)).status == 200

    with_console(settings, check, recorder)
    assert recorder.posted == []


def test_rasa_being_down_is_a_clear_503(settings):
    ticket_id = open_ticket(settings)

    async def check(client):
        response = await client.post(f"/console/api/tickets/{ticket_id}/reply", headers=AUTH, json={"text": "Hi"})
        assert response.status == 503 and "not sent" in await response.text()

    async def go():
        configured = Settings(**{**settings.__dict__, "rasa_port": 1})
        async with TestClient(TestServer(create_app(configured))) as client:
            await check(client)

    asyncio.run(go())


# --- agents with their own accounts: sign-in, cookie session, CSRF, shop, audit ---------------------------

PASSWORD = "correct horse battery"


def with_accounts(settings: Settings) -> Settings:
    accounts = agent_accounts(settings)
    accounts.add("Sam", "demo", PASSWORD)
    accounts.add("Kim", "acme", PASSWORD)
    return settings


async def sign_in(client, name: str = "Sam", password: str = PASSWORD) -> dict[str, str]:
    """Signs in; returns the headers a change needs (the CSRF token). The session cookie stays in the client."""
    response = await client.post("/console/api/sign-in", json={"name": name, "password": password})
    assert response.status == 200, await response.text()
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/console"
    return {"X-CSRF-Token": (await response.json())["csrf_token"]}


def test_an_agent_signs_in_and_sees_only_their_shops_hand_offs(settings):
    with_accounts(settings)
    ours = open_ticket(settings)
    theirs = open_app_db(settings).create_ticket(
        NewTicket(sender_id="acme-1", reason="keyword", status="open", summary="…", shop="acme")
    ).id

    async def check(client):
        wrong = await client.post("/console/api/sign-in", json={"name": "Sam", "password": "not the password"})
        assert wrong.status == 401 and "wrong name or password" in await wrong.text()
        await sign_in(client)
        data = await (await client.get("/console/api/tickets")).json()
        assert [t["id"] for t in data["tickets"]] == [ours] and data["agents_online"] == ["Sam"]
        assert (await client.get(f"/console/api/tickets/{theirs}")).status == 404
        assert (await client.get(f"/console/api/tickets/{theirs}/export")).status == 404
        session = await (await client.get("/console/api/session")).json()
        assert (session["agent"], session["shop"]) == ("Sam", "demo")

    with_console(settings, check)
    actions = [(e.agent, e.action) for e in audit_log(settings).entries()]
    assert ("Sam", "sign_in") in actions and ("Sam", "sign_in_failed") in actions


def test_changes_need_the_csrf_token_and_the_web_apps_own_origin(settings):
    with_accounts(settings)
    ticket_id = open_ticket(settings)
    recorder = RasaRecorder()

    async def check(client):
        csrf = await sign_in(client)
        path = f"/console/api/tickets/{ticket_id}/reply"
        assert (await client.post(path, json={"text": "Hi"})).status == 403
        assert (await client.post(path, json={"text": "Hi"}, headers={"X-CSRF-Token": "forged"})).status == 403
        foreign = {**csrf, "Origin": "https://evil.example"}
        assert (await client.post(path, json={"text": "Hi"}, headers=foreign)).status == 403
        assert recorder.posted == []
        assert (await client.post(path, json={"text": "Hi"}, headers=csrf)).status == 200
        assert (await client.post("/console/api/sign-out", headers=csrf)).status == 200
        assert (await client.get("/console/api/tickets")).status == 401

    with_console(settings, check, recorder)
    [(_, _, events)] = recorder.posted
    assert events == [{"event": "bot", "text": "Hi", "metadata": {"agent": "Sam"}}]


def test_every_agent_action_is_audited_with_who_and_when(settings):
    with_accounts(settings)
    ticket_id = open_ticket(settings)

    async def check(client):
        csrf = await sign_in(client)
        base = f"/console/api/tickets/{ticket_id}"
        taken = await (await client.post(f"{base}/take", headers=csrf)).json()
        assert taken["ticket"]["taken_by"] == "Sam"
        assert (await client.post(f"{base}/reply", json={"text": "Hello"}, headers=csrf)).status == 200
        assert (await client.post(f"{base}/resolve", headers=csrf)).status == 200
        exported = await client.get(f"{base}/export")
        assert "attachment" in exported.headers["Content-Disposition"]
        assert [t["id"] for t in (await exported.json())["app_database"]["tickets"]] == [ticket_id]
        erased = await (await client.post(f"{base}/forget", headers=csrf)).json()
        assert erased["erased"]["app_database"] == 1

    with_console(settings, check)
    entries = list(reversed(audit_log(settings).entries()))
    assert [e.action for e in entries] == ["sign_in", "take", "reply", "return_to_bot", "export", "forget"]
    assert {e.agent for e in entries} == {"Sam"} and {e.via for e in entries} == {"password"}
    assert all(abs((datetime.now(UTC) - e.at).total_seconds()) < 60 for e in entries)
    assert {e.target for e in entries[1:]} == {pseudonym("cust-1")}  # forgotten: the conversation id is gone
    assert open_app_db(settings).list_tickets(("open", "follow_up", "resolved")) == []


def test_another_agent_cannot_reply_in_a_taken_conversation(settings):
    with_accounts(settings)
    agent_accounts(settings).add("Ana", "demo", PASSWORD)
    ticket_id = open_ticket(settings)
    open_app_db(settings).take_ticket(ticket_id, "Sam")

    async def check(client):
        csrf = await sign_in(client, "Ana")
        response = await client.post(f"/console/api/tickets/{ticket_id}/reply", json={"text": "Hi"}, headers=csrf)
        assert response.status == 409 and "taken by Sam" in await response.text()

    with_console(settings, check)


def test_an_expired_session_is_refused(settings):
    with_accounts(settings)

    async def check(client):
        await sign_in(client)
        assert (await client.get("/console/api/tickets")).status == 401

    with_console(replace(settings, agent_session_hours=1e-9), check)
