"""Admission control for briefs: one written at a time, a bounded queue behind it.

The LLM is the bottleneck and serialised anyway (one llama.cpp slot; design.md measured no
gain from parallel slots on 2 vCPUs), so the service runs one brief at a time in a worker
thread and lets at most ``queue_size`` wait. A request past that is refused at once
(``QueueFull``, mapped to 429 with ``Retry-After``) instead of piling up. A caller that
gives up (deadline, disconnect) sets the brief's cancel event; its slot is released when
the worker thread has actually stopped, so the queue never overcounts free capacity.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the service is busy; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class Admission:
    def __init__(self, queue_size: int, *, typical_s: float = 20.0) -> None:
        self._capacity = 1 + max(0, queue_size)
        self._inside = 0
        self._worker = asyncio.Semaphore(1)
        # Running mean of brief durations, for Retry-After; 20 s is the seeds' brief here.
        self._typical_s = typical_s

    @property
    def inside(self) -> int:
        """Briefs running or waiting."""
        return self._inside

    def submit(self, work: Callable[[threading.Event], T]) -> tuple[asyncio.Task[T], threading.Event]:
        """Queue ``work(cancel_event)`` to run in the worker thread; raise ``QueueFull`` when full."""
        if self._inside >= self._capacity:
            raise QueueFull(math.ceil(self._typical_s * self._inside))
        self._inside += 1
        cancel = threading.Event()

        async def run() -> T:
            try:
                async with self._worker:
                    if cancel.is_set():
                        raise asyncio.CancelledError
                    started = time.perf_counter()
                    result = await asyncio.to_thread(work, cancel)
                    self._typical_s = 0.8 * self._typical_s + 0.2 * (time.perf_counter() - started)
                    return result
            finally:
                self._inside -= 1

        return asyncio.ensure_future(run()), cancel
