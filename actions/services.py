"""Builds the knowledge engine once per process, on first use (never at import).

rasa-sdk imports every module in this package at start-up, so heavy work must wait
until an action actually runs. Generation runs in one worker thread so the action
server's event loop stays free for other customers.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.settings import Settings, load_settings
from knowledge.engine import KnowledgeEngine

log = logging.getLogger(__name__)
T = TypeVar("T")

_engine: KnowledgeEngine | None = None
_settings: Settings | None = None
_lock = threading.Lock()
# One model instance answers one prompt at a time; retrieval is quick and shares the pool.
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="knowledge")


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def engine() -> KnowledgeEngine:
    global _engine
    with _lock:
        if _engine is None:
            from bot.wiring import build_engine

            _engine = build_engine(settings())
            _engine.warm()
        return _engine


async def run_blocking(func: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(_pool, func)
