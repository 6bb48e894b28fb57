"""Suggested replies for the agent console: the rep script (knowledge/rep_scripts.py) of the product the
handed-off customer talked about last, built the same way as `salesbot scripts`. The agent sends one as it
is or edits it first. The web app builds its own knowledge engine on the first request (decided answers
only, no language model), so the console costs nothing until suggestions are asked for."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from aiohttp import web

from bot.web.auth import signed_in
from bot.web.console import _ticket
from bot.web.rasa_api import SETTINGS
from config.settings import Settings
from knowledge.engine import KnowledgeEngine
from knowledge.rep_scripts import rep_script

ENGINE: web.AppKey[dict[str, KnowledgeEngine]] = web.AppKey("suggestions_engine", dict)
_building = threading.Lock()


def _engine(app: web.Application) -> KnowledgeEngine:
    with _building:
        if "engine" not in app[ENGINE]:
            from config.wiring import build_engine

            settings: Settings = app[SETTINGS]
            app[ENGINE]["engine"] = build_engine(replace(settings, llm_backend="none"))
        return app[ENGINE]["engine"]


def _suggestions(app: web.Application, skus: list[str]) -> dict[str, object]:
    engine = _engine(app)
    by_sku = {p.sku: p for p in engine.products()}
    discussed = [by_sku[s] for s in reversed(skus) if s in by_sku]
    if not discussed:
        return {"product": None, "replies": []}
    script = rep_script(engine, discussed[0])
    return {"product": discussed[0].name, "replies": script.replies(), "questions": script.questions}


async def suggestions(request: web.Request) -> web.Response:
    agent = await signed_in(request, change=False)
    ticket = await _ticket(request, agent)
    return web.json_response(await asyncio.to_thread(_suggestions, request.app, ticket.products_discussed))


def add_routes(app: web.Application) -> None:
    app[ENGINE] = {}
    app.router.add_get("/console/api/tickets/{ticket_id}/suggestions", suggestions)
