"""Per-host politeness shared by the processes of one crawl.

A crawl split over several processes gives each host to one process, but a redirect or a
"next page" link can lead a process to a host another one crawls. So that per-host
concurrency and the delay between two requests hold across processes, every request
first takes a slot of its host here: a count of requests in flight and the time the next
one may start, for each configured host, in shared memory under one lock (held for a few
microseconds). A process waiting for another one's slot polls every few milliseconds;
that only happens when two processes meet on one host, which is rare.

Made in the parent before the worker processes are forked; a crawl in one process does
without it (the fetcher's own semaphore and clock do the same job there).
"""

from __future__ import annotations

import time

_POLL = 0.005  # seconds between two looks at a host taken by another process


class HostGate:
    """Shared per-host slots: at most `concurrency` requests at once, `delay` apart."""

    def __init__(self, ctx, hosts, concurrency: int):
        self.index = {h: i for i, h in enumerate(sorted(hosts))}
        n = max(1, len(self.index))
        self.concurrency = concurrency
        self._lock = ctx.Lock()
        self._busy = ctx.Array("i", n, lock=False)  # requests in flight per host
        self._next = ctx.Array("d", n, lock=False)  # monotonic time the next request may start

    def knows(self, host: str) -> bool:
        return host in self.index

    def enter(self, host: str, delay: float, concurrency: int | None = None) -> float:
        """Take a slot of `host` (waiting while all are taken); the monotonic time the
        request may start (the caller sleeps until then). Call `leave` afterwards."""
        i = self.index[host]
        limit = concurrency or self.concurrency
        while True:
            with self._lock:
                if self._busy[i] < limit:
                    self._busy[i] += 1
                    now = time.monotonic()
                    start = max(now, self._next[i])
                    self._next[i] = start + delay
                    return start
            time.sleep(_POLL)

    def leave(self, host: str) -> None:
        i = self.index[host]
        with self._lock:
            if self._busy[i] > 0:
                self._busy[i] -= 1
