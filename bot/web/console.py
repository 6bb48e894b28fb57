"""The agent console: open hand-off tickets, their live transcripts, replies to the customer, and
"return to bot". Behind SALESBOT_AGENT_TOKEN (sent as `Authorization: Bearer <token>`); without a token
the console's routes are not served, unless SALESBOT_ENV=development.

Replies are BotUttered events posted to the Rasa tracker with output_channel=latest and
execute_side_effects=true, so Rasa delivers them on the customer's own channel (socket.io widget, Slack,
Telegram); a REST-channel customer cannot be pushed to and must poll the tracker.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.web.rasa_api import SETTINGS, RasaUnavailable, append_events, conversation_events
from bot.web.transcript import console_transcript
from config.settings import Settings
from customers.appdb import AppDatabaseError, open_app_db

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
AGENT_NAME = re.compile(r"[\w .@-]{1,100}")
MAX_REPLY = 4000
BACK_TO_BOT = "You're back with the shop's assistant. Ask me anything about our products, shipping or returns."


def console_enabled(settings: Settings) -> bool:
    return bool(settings.agent_token) or settings.env == "development"


def _agent(request: web.Request) -> str:
    """The agent's name for presence and the transcript; the token is checked in constant time."""
    settings = request.app[SETTINGS]
    if settings.agent_token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), settings.agent_token.encode()):
            raise web.HTTPUnauthorized(text="send the agent token as 'Authorization: Bearer <SALESBOT_AGENT_TOKEN>'")
    name = request.headers.get("X-Agent-Name", "agent").strip() or "agent"
    if not AGENT_NAME.fullmatch(name):
        raise web.HTTPBadRequest(text="X-Agent-Name: up to 100 letters, digits, spaces, . @ _ or -")
    return name


async def _ticket(request: web.Request) -> Any:
    try:
        ticket_id = int(request.match_info["ticket_id"])
        return await asyncio.to_thread(open_app_db(request.app[SETTINGS]).get_ticket, ticket_id)
    except ValueError as exc:
        raise web.HTTPBadRequest(text="a ticket id is a number") from exc
    except AppDatabaseError as exc:
        raise web.HTTPNotFound(text=str(exc)) from exc


async def list_tickets(request: web.Request) -> web.Response:
    """Open and follow-up tickets; calling this also marks the agent as online (the console polls it)."""
    agent = _agent(request)
    database = open_app_db(request.app[SETTINGS])
    await asyncio.to_thread(database.agent_seen, agent)
    tickets = await asyncio.to_thread(database.list_tickets)
    online = await asyncio.to_thread(database.agents_online, request.app[SETTINGS].agent_online_seconds)
    return web.json_response({"tickets": [t.as_json() for t in tickets], "agents_online": online})


async def sign_out(request: web.Request) -> web.Response:
    """The agent is offline at once (otherwise after SALESBOT_AGENT_ONLINE_SECONDS without a poll)."""
    await asyncio.to_thread(open_app_db(request.app[SETTINGS]).agent_left, _agent(request))
    return web.json_response({"signed_out": True})


async def show_ticket(request: web.Request) -> web.Response:
    _agent(request)
    ticket = await _ticket(request)
    leads = await asyncio.to_thread(open_app_db(request.app[SETTINGS]).list_leads, ticket.sender_id)
    try:
        events = await conversation_events(request.app, ticket.sender_id)
    except RasaUnavailable as exc:
        log.warning("transcript of ticket %s: %s", ticket.id, exc)
        raise web.HTTPServiceUnavailable(text="the assistant is not reachable right now") from exc
    pauses = [e["event"] for e in events if e.get("event") in ("pause", "resume")]
    return web.json_response(
        {
            "ticket": ticket.as_json(),
            "paused": bool(pauses) and pauses[-1] == "pause",
            "transcript": console_transcript(events),
            "leads": [{"name": lead.name, "email": lead.email, "phone": lead.phone} for lead in leads],
        }
    )


async def reply(request: web.Request) -> web.Response:
    agent = _agent(request)
    ticket = await _ticket(request)
    try:
        text = str((await request.json()).get("text") or "").strip()
    except (ValueError, AttributeError) as exc:
        raise web.HTTPBadRequest(text='send JSON {"text": "…"}') from exc
    if not text or len(text) > MAX_REPLY:
        raise web.HTTPBadRequest(text=f"a reply is 1 to {MAX_REPLY} characters")
    if ticket.status != "open":
        raise web.HTTPConflict(text=f"ticket {ticket.id} is {ticket.status}: the bot owns this conversation")
    event = {"event": "bot", "text": text, "metadata": {"agent": agent}}
    try:
        await append_events(request.app, ticket.sender_id, [event], deliver=True)
    except RasaUnavailable as exc:
        log.warning("reply to ticket %s: %s", ticket.id, exc)
        raise web.HTTPServiceUnavailable(text="the assistant is not reachable; the reply was not sent") from exc
    return web.json_response({"sent": True})


async def resolve(request: web.Request) -> web.Response:
    """Gives the conversation back to the bot (its slots stay) and closes the ticket."""
    agent = _agent(request)
    ticket = await _ticket(request)
    if ticket.status == "open":
        # `resume` alone is not enough: without action_listen the next message falls back.
        back = [{"event": "bot", "text": BACK_TO_BOT}]
        resume = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        try:
            await append_events(request.app, ticket.sender_id, back, deliver=True)
            await append_events(request.app, ticket.sender_id, resume, deliver=False)
        except RasaUnavailable as exc:
            log.warning("resolve ticket %s: %s", ticket.id, exc)
            raise web.HTTPServiceUnavailable(text="the assistant is not reachable; the bot was not resumed") from exc
    try:
        resolved = await asyncio.to_thread(open_app_db(request.app[SETTINGS]).resolve_ticket, ticket.id, agent)
    except AppDatabaseError as exc:
        raise web.HTTPConflict(text=str(exc)) from exc
    return web.json_response({"ticket": resolved.as_json()})


async def page(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("asset", "console.html")
    types = {"console.html": "text/html", "console.js": "text/javascript", "console.css": "text/css"}
    if name not in types:
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC / name, headers={"Content-Type": f"{types[name]}; charset=utf-8"})


async def disabled(request: web.Request) -> web.Response:
    return web.Response(status=503, text="The agent console is off: set SALESBOT_AGENT_TOKEN (see docs/handoff.md).")


def add_routes(app: web.Application, settings: Settings) -> None:
    if not console_enabled(settings):
        log.warning("agent console disabled: SALESBOT_AGENT_TOKEN is empty (SALESBOT_ENV=development allows none)")
        app.router.add_route("*", "/console{tail:.*}", disabled)
        return
    app.router.add_get("/console", page)
    app.router.add_get("/console/{asset}", page)
    app.router.add_get("/console/api/tickets", list_tickets)
    app.router.add_post("/console/api/sign-out", sign_out)
    app.router.add_get("/console/api/tickets/{ticket_id}", show_ticket)
    app.router.add_post("/console/api/tickets/{ticket_id}/reply", reply)
    app.router.add_post("/console/api/tickets/{ticket_id}/resolve", resolve)
