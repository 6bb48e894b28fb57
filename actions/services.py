"""Builds the knowledge engine once per process, on first use (never at import), and runs its work.

rasa-sdk imports every module in this package at start-up, so heavy work must wait
until an action actually runs. Two separate pools keep the action server's event loop
free and keep quick turns from waiting behind the model:
- lookups (retrieval, catalogue and database work): `run_blocking`, several threads;
- generation: `run_generation`, one worker for the one model, with a short bounded queue.
  When the queue is full the caller gets `WorkersBusy` at once and sends the rendered facts.

`use` installs a ready engine or settings instead (tests), `reset` forgets everything built.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from config.settings import Settings, load_settings
from knowledge.engine import KnowledgeEngine
from knowledge.workers import BoundedWorkers

log = logging.getLogger(__name__)
T = TypeVar("T")

_engine: KnowledgeEngine | None = None
_settings: Settings | None = None
_lookups: ThreadPoolExecutor | None = None
_generation: BoundedWorkers | None = None
_lock = threading.Lock()  # held while the engine loads (seconds): never taken on the event loop
_pools_lock = threading.Lock()


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def engine() -> KnowledgeEngine:
    """The one engine, built on first use (in a worker thread: the first call takes seconds)."""
    global _engine
    if _engine is not None:  # loaded: no lock, so the event loop may call this
        return _engine
    with _lock:
        if _engine is None:
            from config.wiring import build_engine

            _engine = build_engine(settings())
            _engine.warm()
            _engine.store.load_index()  # the in-memory vector index, so the first search is quick too
        return _engine


def lookups() -> ThreadPoolExecutor:
    global _lookups
    with _pools_lock:
        if _lookups is None:
            _lookups = ThreadPoolExecutor(max_workers=settings().lookup_workers, thread_name_prefix="lookup")
        return _lookups


def generation() -> BoundedWorkers:
    global _generation
    with _pools_lock:
        if _generation is None:
            _generation = BoundedWorkers("generation", workers=1, max_waiting=settings().llm_queue)
        return _generation


def use(*, engine: KnowledgeEngine | None = None, settings: Settings | None = None) -> None:
    """Run with this engine and/or these settings instead of building them from the environment (tests).

    New settings also mean new worker pools, sized from them on next use.
    """
    global _engine, _settings
    if engine is not None:
        with _lock:
            _engine = engine
    if settings is not None:
        _settings = settings
        _drop_pools()


def reset() -> None:
    """Forget the engine, the settings and the pools: the next use builds them from the environment again."""
    global _engine, _settings
    with _lock:
        _engine = None
    _settings = None
    _drop_pools()


def _drop_pools() -> None:
    global _lookups, _generation
    with _pools_lock:
        lookups, generation = _lookups, _generation
        _lookups = _generation = None
    if lookups is not None:
        lookups.shutdown(wait=False)  # work already running finishes; the idle threads end
    if generation is not None:
        generation.shutdown()


async def run_blocking(func: Callable[[], T]) -> T:
    """Run quick blocking work (retrieval, catalogue, database) off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(lookups(), func)


async def run_generation(func: Callable[[], T], timeout: float) -> T:
    """Run model work on the generation worker; raises `WorkersBusy` when its queue is full."""
    return await generation().run(func, timeout)
