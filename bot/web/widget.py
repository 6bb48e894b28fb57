"""Routes for the chat widget: the demo shop page, the widget's script, style and socket.io client,
its configuration, and the conversation history it shows after a reload or a reconnect.

Why history comes from the tracker (through this app) and not from localStorage: the tracker is the
record of what was really said, so messages the bot sent while the browser was offline or reloading
appear too; the Rasa API token never reaches the browser; and only the session id is kept locally.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.web.rasa_api import SETTINGS, RasaUnavailable, conversation_events
from bot.web.transcript import NotAWidgetConversation, widget_history

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
SOCKET_IO_CLIENT = HERE / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")  # the widget makes 32 hex digits; long enough not to guess
CROSS_ORIGIN_PREFIXES = ("/widget", "/vendor/", "/api/conversations/")  # used from the shop's own pages


class WidgetAssetsMissing(FileNotFoundError):
    pass


def static_file(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    path = STATIC / name

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(path, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})

    return handler


async def socket_io_client(request: web.Request) -> web.StreamResponse:
    headers = {"Content-Type": "text/javascript", "Cache-Control": "max-age=86400"}
    return web.FileResponse(SOCKET_IO_CLIENT, headers=headers)


def socket_url(request: web.Request) -> str:
    """Where the browser finds Rasa's socket.io: SALESBOT_PUBLIC_RASA_URL, or this host on the Rasa port."""
    settings = request.app[SETTINGS]
    return (settings.public_rasa_url or str(request.url.with_port(settings.rasa_port).origin())).rstrip("/")


async def config(request: web.Request) -> web.Response:
    return web.json_response({"socket_url": socket_url(request), "socket_path": "/socket.io"})


async def history(request: web.Request) -> web.Response:
    session_id = request.match_info["session_id"]
    if not SESSION_ID.fullmatch(session_id):
        raise web.HTTPBadRequest(text="a session id is 16 to 64 letters, digits, _ or -")
    try:
        events = await conversation_events(request.app, session_id)
        return web.json_response({"messages": widget_history(events)})
    except NotAWidgetConversation as exc:
        raise web.HTTPNotFound(text="no widget conversation with this id") from exc
    except RasaUnavailable as exc:
        log.warning("history for %s: %s", session_id, exc)
        raise web.HTTPServiceUnavailable(text="the assistant is not reachable right now") from exc


@web.middleware
async def cors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """The widget runs on the shop's pages, another origin: let it read its script, config and history."""
    shared = request.path.startswith(CROSS_ORIGIN_PREFIXES)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if shared:
            exc.headers["Access-Control-Allow-Origin"] = "*"
        raise
    if shared:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def add_routes(app: web.Application) -> None:
    if not SOCKET_IO_CLIENT.exists():
        raise WidgetAssetsMissing(f"{SOCKET_IO_CLIENT} is missing: run `make web-assets` (npm ci in bot/web)")
    app.router.add_get("/", static_file("demo.html", "text/html; charset=utf-8"))
    app.router.add_get("/widget.js", static_file("widget.js", "text/javascript; charset=utf-8"))
    app.router.add_get("/widget.css", static_file("widget.css", "text/css; charset=utf-8"))
    app.router.add_get("/vendor/socket.io.min.js", socket_io_client)
    app.router.add_get("/widget/config", config)
    app.router.add_get("/api/conversations/{session_id}/messages", history)
