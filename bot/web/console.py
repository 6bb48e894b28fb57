"""The agent console: open hand-off tickets of the agent's shop, their live transcripts, taking a
conversation, replies to the customer, "return to bot", and exporting or erasing the customer's data.
Who may call it is decided in bot/web/auth.py (agent accounts with cookie sessions, or the service token);
every action is written to the audit log with who and when.

Replies are BotUttered events posted to the Rasa tracker with output_channel=latest and
execute_side_effects=true, so Rasa delivers them on the customer's own channel (socket.io widget, Slack,
Telegram); a REST-channel customer cannot be pushed to and must poll the tracker.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.web import auth
from bot.web.auth import Agent, audit, signed_in
from bot.web.rasa_api import SETTINGS, RasaUnavailable, append_events, conversation_events
from bot.web.transcript import console_transcript
from config.privacy_wiring import privacy_registry
from config.settings import Settings
from customers.appdb import AppDatabaseError, open_app_db
from privacy.audit import pseudonym
from privacy.registry import PrivacyError, Registry

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_REPLY = 4000
BACK_TO_BOT = "You're back with the shop's assistant. Ask me anything about our products, shipping or returns."
REGISTRY = web.AppKey("privacy_registry", Registry)


async def _ticket(request: web.Request, agent: Agent) -> Any:
    """The ticket in the URL; another shop's ticket is answered as if it did not exist."""
    try:
        ticket_id = int(request.match_info["ticket_id"])
        ticket = await asyncio.to_thread(open_app_db(request.app[SETTINGS]).get_ticket, ticket_id)
    except ValueError as exc:
        raise web.HTTPBadRequest(text="a ticket id is a number") from exc
    except AppDatabaseError as exc:
        raise web.HTTPNotFound(text=str(exc)) from exc
    if ticket.shop != agent.shop:
        raise web.HTTPNotFound(text=f"no hand-off ticket with id {ticket_id}")
    return ticket


async def list_tickets(request: web.Request) -> web.Response:
    """Open and follow-up tickets of the agent's shop; calling this also marks the agent as online (the console
    polls it)."""
    agent = await signed_in(request, change=False)
    database = open_app_db(request.app[SETTINGS])
    await asyncio.to_thread(database.agent_seen, agent.name, agent.shop)
    tickets = await asyncio.to_thread(database.list_tickets, shop=agent.shop)
    seconds = request.app[SETTINGS].agent_online_seconds
    online = await asyncio.to_thread(database.agents_online, seconds, agent.shop)
    return web.json_response({"tickets": [t.as_json() for t in tickets], "agents_online": online})


async def sign_out(request: web.Request) -> web.Response:
    """The agent is offline at once (otherwise after SALESBOT_AGENT_ONLINE_SECONDS without a poll), and a
    cookie session ends."""
    agent = await signed_in(request, change=True)
    await asyncio.to_thread(open_app_db(request.app[SETTINGS]).agent_left, agent.name)
    response = web.json_response({"signed_out": True})
    await auth.end_session(request, response)
    await audit(request, agent, "sign_out")
    return response


async def show_ticket(request: web.Request) -> web.Response:
    agent = await signed_in(request, change=False)
    ticket = await _ticket(request, agent)
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


async def _take(request: web.Request, agent: Agent, ticket: Any) -> Any:
    try:
        return await asyncio.to_thread(open_app_db(request.app[SETTINGS]).take_ticket, ticket.id, agent.name)
    except AppDatabaseError as exc:
        raise web.HTTPConflict(text=str(exc)) from exc


async def take(request: web.Request) -> web.Response:
    """The agent takes the conversation: other agents can read it but not reply."""
    agent = await signed_in(request, change=True)
    ticket = await _ticket(request, agent)
    taken = await _take(request, agent, ticket)
    await audit(request, agent, "take", ticket_id=ticket.id, target=ticket.sender_id)
    return web.json_response({"ticket": taken.as_json()})


async def reply(request: web.Request) -> web.Response:
    """Sends the agent's message; an open ticket nobody holds is taken by the agent who replies."""
    agent = await signed_in(request, change=True)
    ticket = await _ticket(request, agent)
    try:
        text = str((await request.json()).get("text") or "").strip()
    except (ValueError, AttributeError) as exc:
        raise web.HTTPBadRequest(text='send JSON {"text": "…"}') from exc
    if not text or len(text) > MAX_REPLY:
        raise web.HTTPBadRequest(text=f"a reply is 1 to {MAX_REPLY} characters")
    if ticket.status != "open":
        raise web.HTTPConflict(text=f"ticket {ticket.id} is {ticket.status}: the bot owns this conversation")
    if ticket.taken_by != agent.name:
        await _take(request, agent, ticket)
        await audit(request, agent, "take", ticket_id=ticket.id, target=ticket.sender_id)
    event = {"event": "bot", "text": text, "metadata": {"agent": agent.name}}
    try:
        await append_events(request.app, ticket.sender_id, [event], deliver=True)
    except RasaUnavailable as exc:
        log.warning("reply to ticket %s: %s", ticket.id, exc)
        raise web.HTTPServiceUnavailable(text="the assistant is not reachable; the reply was not sent") from exc
    await audit(request, agent, "reply", ticket_id=ticket.id, target=ticket.sender_id, detail={"chars": len(text)})
    return web.json_response({"sent": True})


async def resolve(request: web.Request) -> web.Response:
    """Gives the conversation back to the bot (its slots stay) and closes the ticket."""
    agent = await signed_in(request, change=True)
    ticket = await _ticket(request, agent)
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
        resolved = await asyncio.to_thread(open_app_db(request.app[SETTINGS]).resolve_ticket, ticket.id, agent.name)
    except AppDatabaseError as exc:
        raise web.HTTPConflict(text=str(exc)) from exc
    await audit(request, agent, "return_to_bot", ticket_id=ticket.id, target=ticket.sender_id)
    return web.json_response({"ticket": resolved.as_json()})


async def export_customer(request: web.Request) -> web.Response:
    """Everything stored about the ticket's customer, as a JSON download (what `salesbot customers export` writes)."""
    agent = await signed_in(request, change=False)
    ticket = await _ticket(request, agent)
    registry = request.app[REGISTRY]
    customer = await asyncio.to_thread(registry.resolve, ticket.sender_id)
    data = await asyncio.to_thread(registry.export, customer)
    await audit(request, agent, "export", ticket_id=ticket.id, target=ticket.sender_id)
    return web.Response(
        text=json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="customer-ticket-{ticket.id}.json"'},
    )


async def forget_customer(request: web.Request) -> web.Response:
    """Erases the ticket's customer from every store (the ticket goes too); the audit entry keeps a digest."""
    agent = await signed_in(request, change=True)
    ticket = await _ticket(request, agent)
    registry = request.app[REGISTRY]
    try:
        customer = await asyncio.to_thread(registry.resolve, ticket.sender_id)
        erased = await asyncio.to_thread(registry.forget, customer)
    except PrivacyError as exc:
        log.error("forget (ticket %s): %s", ticket.id, exc)
        raise web.HTTPInternalServerError(text=f"{exc}; run it again to finish") from exc
    await audit(request, agent, "forget", ticket_id=ticket.id, target=pseudonym(ticket.sender_id), detail=erased)
    return web.json_response({"erased": erased})


async def page(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("asset", "console.html")
    types = {"console.html": "text/html", "console.js": "text/javascript", "console.css": "text/css"}
    if name not in types:
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC / name, headers={"Content-Type": f"{types[name]}; charset=utf-8"})


def add_routes(app: web.Application, settings: Settings) -> None:
    auth.setup(app)
    app[REGISTRY] = privacy_registry(settings)
    app.router.add_get("/console", page)
    app.router.add_get("/console/{asset}", page)
    app.router.add_post("/console/api/sign-in", auth.sign_in)
    app.router.add_get("/console/api/session", auth.show_session)
    app.router.add_post("/console/api/sign-out", sign_out)
    app.router.add_get("/console/api/tickets", list_tickets)
    app.router.add_get("/console/api/tickets/{ticket_id}", show_ticket)
    app.router.add_post("/console/api/tickets/{ticket_id}/take", take)
    app.router.add_post("/console/api/tickets/{ticket_id}/reply", reply)
    app.router.add_post("/console/api/tickets/{ticket_id}/resolve", resolve)
    app.router.add_get("/console/api/tickets/{ticket_id}/export", export_customer)
    app.router.add_post("/console/api/tickets/{ticket_id}/forget", forget_customer)
