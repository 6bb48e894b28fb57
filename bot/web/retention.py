"""The retention period, applied by the web app: once at start and then every hour, conversations, leads and
tickets older than SALESBOT_RETENTION_DAYS are erased (`salesbot customers expire` does the same at once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.web.rasa_api import SETTINGS
from config.privacy_wiring import privacy_registry

log = logging.getLogger(__name__)
EVERY_SECONDS = 3600.0


async def _expire_every_hour(app: web.Application) -> None:
    settings = app[SETTINGS]
    registry = privacy_registry(settings)
    while True:
        before = datetime.now(UTC) - timedelta(days=settings.retention_days)
        try:
            erased = await asyncio.to_thread(registry.expire, before)
            if any(erased.values()):
                log.info("retention (%s days): erased %s", settings.retention_days, erased)
        except Exception:  # a database away for a while: try again next hour, keep serving
            log.exception("retention: erasing data older than %s failed", before)
        await asyncio.sleep(EVERY_SECONDS)


async def retention(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: runs the hourly task while the app runs (not at all with retention 0)."""
    if app[SETTINGS].retention_days == 0:
        yield
        return
    task = asyncio.create_task(_expire_every_hour(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
