"""The aiohttp application: built by `create_app(settings)`, served by `python -m bot.web`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.web import console, dashboard, guard, retention, suggestions, widget
from bot.web.rasa_api import HTTP, SETTINGS
from config.settings import Settings


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def http_client(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
        app[HTTP] = session
        yield


def create_app(settings: Settings) -> web.Application:
    """Raises WidgetAssetsMissing when the browser-side packages were not installed."""
    app = web.Application(middlewares=[widget.cors, *guard.middlewares(settings)])
    app[SETTINGS] = settings
    app.cleanup_ctx.append(http_client)
    app.cleanup_ctx.append(retention.retention)
    app.router.add_get("/health", health)
    widget.add_routes(app)
    dashboard.add_routes(app)
    console.add_routes(app, settings)
    suggestions.add_routes(app)
    return app
