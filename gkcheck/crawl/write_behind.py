"""The crawl store's writes, made by one thread of their own, a batch per transaction.

A crawl's threads (a few dozen per process) each write a row or three per page. Made by
each thread in turn, every write waits for the store's write lock, and a thread holding
it waits for the interpreter whenever SQLite hands back control; on two cores a crawl
thread spent some 12 ms per page waiting to write. Here a crawl thread hands its
statements over and goes on; one writer thread runs all that is waiting in one
transaction.

What a crawl thread reads back stays consistent: a read of a URL (is this page already
in the crawl, its stored text …) first waits until the writes naming that URL are
committed, and any other read waits until every write handed over so far is
(`settle`). A write that fails is raised to the next thread that hands one over,
reads or settles; the writes of its batch are lost, as a crawl killed before they
were committed loses them, and a resumed crawl fetches those pages again.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable


class Recorder:
    """Stands for the connection inside `with store._tx() as c:`: keeps the statements."""

    __slots__ = ("calls",)

    def __init__(self):
        self.calls: list[tuple[bool, str, object]] = []  # (many, sql, parameters)

    def execute(self, sql: str, params=()) -> None:
        self.calls.append((False, sql, params))

    def executemany(self, sql: str, seq) -> None:
        self.calls.append((True, sql, list(seq)))


class WriteBehind:
    def __init__(self, commit: Callable[[list[Recorder]], None], name: str = "gkcheck-store-writer"):
        """`commit(recorders)` runs their statements in one transaction (on the writer
        thread)."""
        self._commit = commit
        self._cond = threading.Condition()
        self._queue: deque[tuple[tuple[str, ...], Recorder]] = deque()
        self._pending: Counter[str] = Counter()  # URL -> writes naming it, not yet committed
        self._outstanding = 0  # writes handed over, not yet committed
        self._error: BaseException | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, urls: tuple[str, ...], rec: Recorder) -> None:
        with self._cond:
            self._raise()
            if self._closing:
                raise RuntimeError("store closed")
            self._queue.append((urls, rec))
            self._pending.update(urls)
            self._outstanding += 1
            self._cond.notify_all()

    def settle(self, url: str | None = None) -> None:
        """Wait until the writes naming `url` (None: all handed over so far) are committed."""
        with self._cond:
            if url is None:
                while self._outstanding and self._error is None:
                    self._cond.wait()
            else:
                while url in self._pending and self._error is None:
                    self._cond.wait()
            self._raise()

    def close(self) -> BaseException | None:
        """Commit what is waiting and stop the thread; the error that stopped it, if any."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join()
        return self._error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue:
                    return
                batch = list(self._queue)
                self._queue.clear()
            try:
                self._commit([rec for _, rec in batch])
            except BaseException as exc:  # noqa: BLE001 - handed to the crawl threads
                with self._cond:
                    self._error = exc
                    self._queue.clear()
                    self._pending.clear()
                    self._outstanding = 0
                    self._cond.notify_all()
                return
            with self._cond:
                for urls, _ in batch:
                    self._pending.subtract(urls)
                    for u in urls:
                        if self._pending[u] <= 0:
                            del self._pending[u]
                self._outstanding -= len(batch)
                self._cond.notify_all()
