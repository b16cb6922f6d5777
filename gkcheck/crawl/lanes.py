"""Jobs worked off host by host on a thread pool, as many at once per host as it allows.

Each host's jobs wait in their own queue, in the order they were added; up to
`per_host` lanes (pool tasks) take a host's next job whenever their last one is done. A
job may add more jobs (a list page's posts) while the lanes run; a host whose lanes had
finished gets new ones.

One shared queue of all jobs (a pool task per job) lets the pool's threads pile up
waiting for one busy host's turn while other hosts' jobs wait behind them; lanes keep
every host busy up to its limit and no thread waiting on a host.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


class Lanes:
    def __init__(self, pool: ThreadPoolExecutor, per_host: int):
        self.pool = pool
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._queues: dict[str, deque] = {}
        self._lanes: dict[str, int] = {}  # host -> lanes running
        self._running = 0
        self._results: dict[int, object] = {}
        self._errors: list[tuple[int, BaseException]] = []
        self.finished = (
            threading.Event()
        )  # set when every lane is done, or on a job's error

    def add(
        self, host: str, fn: Callable, args: tuple, slot: int | None = None
    ) -> None:
        """Queue fn(*args) for `host`; its result kept under `slot` (None: not kept)."""
        with self._lock:
            if self._errors:
                return
            self._queues.setdefault(host, deque()).append((slot, fn, args))
            if self._lanes.get(host, 0) < self.per_host:
                self._lanes[host] = self._lanes.get(host, 0) + 1
                self._running += 1
                self.finished.clear()
                start = True
            else:
                start = False
        if start:
            self.pool.submit(self._lane, host)

    def _lane(self, host: str) -> None:
        queue = self._queues[host]
        while True:
            with self._lock:
                if self._errors or not queue:
                    self._lanes[host] -= 1
                    self._running -= 1
                    if self._running == 0:
                        self.finished.set()
                    return
                slot, fn, args = queue.popleft()
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - re-raised by `results`
                with self._lock:
                    self._errors.append((slot if slot is not None else -1, exc))
                self.finished.set()
                continue  # (the loop's next turn ends the lane)
            if slot is not None:
                self._results[slot] = result

    def wait(self, poll: float, check: Callable[[], None] | None = None) -> None:
        """Until every lane is done or a job has failed; `check()` (which may raise) is
        called every `poll` seconds meanwhile."""
        with self._lock:
            if self._running == 0:
                return
        while not self.finished.wait(poll):
            if check is not None:
                check()

    def results(self, n: int) -> list:
        """The results of slots 0 … n-1; the error of the earliest failed job (by slot)
        raised instead, if any."""
        with self._lock:
            if self._errors:
                raise min(self._errors, key=lambda e: e[0])[1]
        return [self._results.get(i) for i in range(n)]
