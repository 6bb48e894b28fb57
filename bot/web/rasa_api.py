"""The web app's view of the Rasa server's HTTP API (tracker look-ups), with the API token kept server-side."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from bot.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
HTTP = web.AppKey("http", aiohttp.ClientSession)


class RasaUnavailable(RuntimeError):
    pass


async def conversation_events(app: web.Application, conversation_id: str) -> list[dict[str, Any]]:
    """The tracker's events since the last restart; raises RasaUnavailable naming the URL tried."""
    settings = app[SETTINGS]
    url = f"{settings.rasa_url}/conversations/{conversation_id}/tracker"
    params = {"token": settings.rasa_auth_token} if settings.rasa_auth_token else {}
    try:
        async with app[HTTP].get(url, params=params) as response:
            if response.status != 200:
                raise RasaUnavailable(f"{url} answered HTTP {response.status}: {(await response.text())[:200]}")
            tracker = await response.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise RasaUnavailable(f"cannot reach the Rasa server at {url}: {exc!r}") from exc
    return tracker.get("events") or []
