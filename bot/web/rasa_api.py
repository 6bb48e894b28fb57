"""The web app's view of the Rasa server's HTTP API (tracker look-ups), with the API token kept server-side."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from config.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
HTTP = web.AppKey("http", aiohttp.ClientSession)


class RasaUnavailable(RuntimeError):
    pass


async def _tracker_call(
    app: web.Application, method: str, path: str, params: dict[str, str], json: Any = None
) -> aiohttp.ClientResponse:
    """One call to Rasa's tracker API with the token added; raises RasaUnavailable naming the URL tried."""
    settings = app[SETTINGS]
    url = f"{settings.rasa_url}{path}"
    if settings.rasa_auth_token:
        params = {**params, "token": settings.rasa_auth_token}
    try:
        async with app[HTTP].request(method, url, params=params, json=json) as response:
            if response.status != 200:
                raise RasaUnavailable(f"{url} answered HTTP {response.status}: {(await response.text())[:200]}")
            await response.read()
            return response
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise RasaUnavailable(f"cannot reach the Rasa server at {url}: {exc!r}") from exc


async def conversation_events(app: web.Application, conversation_id: str) -> list[dict[str, Any]]:
    """The tracker's events since the last restart."""
    response = await _tracker_call(app, "GET", f"/conversations/{conversation_id}/tracker", {})
    tracker = await response.json()
    return tracker.get("events") or []


async def append_events(
    app: web.Application, conversation_id: str, events: list[dict[str, Any]], deliver: bool
) -> None:
    """Appends events to the tracker; with `deliver`, bot messages are sent on the customer's own channel."""
    params = {"output_channel": "latest", "execute_side_effects": "true"} if deliver else {}
    await _tracker_call(app, "POST", f"/conversations/{conversation_id}/tracker/events", params, events)
