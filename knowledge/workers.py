"""A bounded worker pool for slow jobs (model generation) that must not pile up.

A thread pool's own queue is unbounded: under load every new customer would wait behind
every earlier generation. `BoundedWorkers` admits at most `workers + max_waiting` jobs;
beyond that it refuses at once (`WorkersBusy`), so the caller can answer without the job.
A job still waiting when its caller gives up is cancelled and never runs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class WorkersBusy(RuntimeError):
    pass


class BoundedWorkers:
    def __init__(self, name: str, workers: int, max_waiting: int) -> None:
        if workers < 1 or max_waiting < 0:
            raise ValueError(f"{name}: need at least one worker and a non-negative queue length")
        self.name = name
        self.workers = workers
        self.max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers + max_waiting)

    def submit(self, func: Callable[[], T]) -> Future[T]:
        """Start or queue `func`; raises `WorkersBusy` when every worker and queue place is taken."""
        if not self._slots.acquire(blocking=False):
            raise WorkersBusy(f"{self.name}: {self.workers} running and {self.max_waiting} waiting already")
        try:
            future = self._pool.submit(func)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    async def run(self, func: Callable[[], T], timeout: float) -> T:
        """Run `func` on a worker and wait at most `timeout` seconds (queueing included).

        On timeout a job that has not started is cancelled; a running one finishes on its
        own time limit, holding its worker until then.
        """
        return await asyncio.wait_for(asyncio.wrap_future(self.submit(func)), timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
