"""A crawl split over several processes: the hosts shared out among forked workers.

The crawler is CPU-bound (HTTP, parsing, storing) on a busy site set, and one Python
process uses one core. `ProcessPhases` runs the phases of `crawler._Run.execute` in
worker processes instead of threads of this one:

- each configured host belongs to one worker for the whole crawl (the hosts of the
  column URLs shared out by their number of columns, largest first, each to the least
  loaded worker; any other host to the least loaded worker the first time a job needs
  it), so a host's connections, cookies and robots.txt stay in one process;
- every job of a phase goes to the worker of its URL's host, in the order the parent
  made the jobs in; a phase ends when every worker has done its part (the parent then
  dedups the posts, in config order, exactly as a one-process crawl does); while reading
  the lists a worker fetches the post pages of its own hosts, and tells the parent which
  with the lists' results;
- per-host concurrency and delay hold across the workers (gkcheck.crawl.hostgate), for
  the rare request that leads a worker to another worker's host (a redirect, a link);
- all write to the same SQLite store (WAL) under the one crawl id the parent made, each
  through a writer thread of its own (gkcheck.crawl.write_behind); the writers take turns
  under one lock made before the fork; the parent keeps no connection open across it;
- progress events are relayed to the parent, which alone talks to the terminal;
  statistics are summed at the end;
- a worker dies with its parent (Linux `PR_SET_PDEATHSIG`, and a watchdog), ignores
  Ctrl-C (the parent stops the workers: they finish the pages in flight and leave), and
  on an error tells the parent, which stops the others.

Workers are forked (Linux): they share the parent's loaded modules and configuration;
where fork is missing the crawl runs in one process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import sys
import threading
import time
from multiprocessing.connection import wait

from gkcheck.crawl.fetch import Fetcher, host_of
from gkcheck.crawl.hostgate import HostGate
from gkcheck.crawl.store import Store
from gkcheck.errors import ConfigError

MAX_AUTO = 4  # at most this many worker processes unless asked for more
MIN_COLUMNS = 8  # fewer columns than this: one process (forking is not worth it)
_STOP_GRACE = 60.0  # seconds the workers get to finish their pages in flight when stopped


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


def plan_processes(requested: int | None, units) -> int:
    """How many processes crawl `units`: `requested` (None: as many as there are cores,
    at most MAX_AUTO, one for a crawl of fewer than MIN_COLUMNS columns), never more than
    there are hosts of column URLs (a host is never split), one where fork is missing."""
    if requested is not None and requested < 1:
        raise ConfigError("进程数应至少为 1", None, "--processes")
    columns = [c for u in units for c in u.columns]
    hosts = {host_of(c.url) for c in columns}
    if requested is None:
        if len(columns) < MIN_COLUMNS:
            return 1
        requested = min(os.cpu_count() or 1, MAX_AUTO)
    n = min(requested, len(hosts))
    return n if n > 1 and can_fork() else 1


def share_hosts(units, n: int) -> dict[str, int]:
    """Host -> worker for the hosts of the column URLs: by number of columns, largest
    first (ties by name), each to the least loaded worker (ties: the lowest number)."""
    weight: dict[str, int] = {}
    for u in units:
        for c in u.columns:
            h = host_of(c.url)
            weight[h] = weight.get(h, 0) + 1
    load = [0] * n
    owner: dict[str, int] = {}
    for h in sorted(weight, key=lambda h: (-weight[h], h)):
        k = min(range(n), key=lambda i: (load[i], i))
        owner[h] = k
        load[k] += weight[h]
    return owner


class _Relay:
    """The progress object of a worker: events sent to the parent."""

    def __init__(self, conn, lock: threading.Lock):
        self.conn = conn
        self.lock = lock

    def _send(self, name: str, kw: dict) -> None:
        with self.lock:
            self.conn.send(("ev", name, kw))

    def page(self, **kw) -> None:
        self._send("page", kw)

    def column_done(self, **kw) -> None:
        self._send("column_done", kw)

    def file(self, **kw) -> None:
        self._send("file", kw)


class WorkerFailed(Exception):
    """A worker process reported an error or died."""


class ProcessPhases:
    """Runs a crawl's phases in `n` forked worker processes (see the module docstring)."""

    def __init__(
        self, n: int, cfg, units, store_path, base: str | None, crawl_id: int, concurrency: int | None,
        delay: float | None, relay: bool, today,
    ):  # fmt: skip
        self.n = n
        self.cfg = cfg
        self.units = units
        self.store_path = store_path
        self.base = base
        self.crawl_id = crawl_id
        self.concurrency = concurrency
        self.delay = delay
        self.relay = relay
        self.today = today
        self.progress = None  # set by the run (the parent's progress object)
        self.owner = share_hosts(units, n)
        self.load = [0] * n
        self.worker_stats: list = []  # each worker's CrawlStats, once the phases are done
        self._early: dict[str, tuple[str, str]] = {}  # post pages the workers fetched while reading the lists
        self._unit_index = {id(u): i for i, u in enumerate(units)}
        self._ctx = mp.get_context("fork")
        self.procs: list = []
        self.conns: list = []

    # -- life --------------------------------------------------------------------------

    def start(self) -> None:
        """Fork the workers (before the parent starts any thread of its own)."""
        ctx = self._ctx
        fetch_conc = self.concurrency or self.cfg.defaults.concurrency_per_host
        self.stop = ctx.Event()
        self.gate = HostGate(ctx, self.cfg.hosts(), fetch_conc)
        # the workers' writes to the store take turns under one lock: one waiting is woken
        # as soon as the other is done, where SQLite's own busy wait sleeps (1, 2, 5 … 100 ms)
        self.write_lock = ctx.Lock()
        parent = os.getpid()
        for k in range(self.n):
            mine, theirs = ctx.Pipe(duplex=True)
            hosts = sum(1 for w in self.owner.values() if w == k)
            p = ctx.Process(
                target=_worker_main, name=f"gkcrawl-{k + 1}", daemon=True,
                args=(theirs, [*self.conns, mine], self.stop, self.gate, self, hosts, parent, k),
            )  # fmt: skip
            p.start()
            theirs.close()
            self.procs.append(p)
            self.conns.append(mine)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._close()
        else:
            self._abort()
        return False

    def _close(self) -> None:
        for conn in self.conns:
            conn.send(("close", None))
        for _, stats in sorted(self._collect(set(range(self.n)), until=("stats",)).items()):
            self.worker_stats.append(stats)
        self._join(10.0)

    def _abort(self) -> None:
        """Stop the workers (those busy finish their pages in flight), then make sure they
        are gone."""
        self.stop.set()
        for conn in self.conns:
            try:
                conn.send(("close", None))  # for a worker waiting for its next phase
            except OSError:
                pass
        try:
            self._collect(set(range(self.n)), until=("stopped", "stats", "error"), deadline=_STOP_GRACE)
        except BaseException:  # noqa: BLE001 - a second Ctrl-C, a worker that died: kill what is left
            pass
        for p in self.procs:
            if p.is_alive():
                p.kill()
        self._join(5.0)

    def _join(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        for p in self.procs:
            p.join(max(0.0, end - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1.0)
        for conn in self.conns:
            conn.close()

    # -- phases --------------------------------------------------------------------------

    def _worker_of(self, url: str) -> int:
        h = host_of(url)
        k = self.owner.get(h)
        if k is None:
            k = self.owner[h] = min(range(self.n), key=lambda i: (self.load[i], i))
        self.load[k] += 1
        return k

    def _run(self, kind: str, jobs: list[tuple], url_of) -> list:
        """Send each job to its host's worker (in order); results in job order."""
        parts: list[list] = [[] for _ in range(self.n)]
        for i, job in enumerate(jobs):
            parts[self._worker_of(url_of(job))].append((i, job))
        busy = {k for k in range(self.n) if parts[k]}
        for k in busy:
            self.conns[k].send((kind, [job for _, job in parts[k]]))
        out: list = [None] * len(jobs)
        for k, results in self._collect(busy, until=("done",)).items():
            if kind == "lists":  # (results, the post pages the worker fetched meanwhile)
                results, early = results
                self._early.update(early)
            for (i, _), r in zip(parts[k], results):
                out[i] = r
        return out

    def lists(self, jobs: list[tuple]) -> list:
        """The lists' results; each worker also tells which post pages it fetched while
        reading them (`early`)."""
        coded = [(self._unit_index[id(u)], u.columns.index(c), c.url) for u, c in jobs]
        self._early.clear()
        return self._run("lists", coded, lambda job: job[2])

    def early(self) -> dict[str, tuple[str, str]]:
        return self._early

    def bodies(self, jobs: list[tuple]) -> None:
        self._run("bodies", jobs, lambda job: job[2].url)

    def files(self, jobs: list[tuple]) -> None:
        self._run("files", jobs, lambda job: job[2])

    def _collect(self, waiting: set[int], until: tuple[str, ...], deadline: float | None = None) -> dict[int, object]:
        """Relay the workers' events until each of `waiting` sends a message of a kind in
        `until`; their payloads by worker. A worker's error or death raises."""
        waiting = set(waiting)
        got: dict[int, object] = {}
        end = None if deadline is None else time.monotonic() + deadline
        while waiting:
            if end is not None and time.monotonic() > end:
                raise WorkerFailed("抓取子进程未能按时结束")
            by_obj = {}
            for k in waiting:
                by_obj[self.conns[k]] = (k, False)
                by_obj[self.procs[k].sentinel] = (k, True)
            for obj in wait(list(by_obj), timeout=0.5):
                k, ended = by_obj[obj]
                if k not in waiting:
                    continue
                conn = self.conns[k]
                try:
                    if not ended:
                        self._handle(k, conn.recv(), waiting, got, until)
                        continue
                    while k in waiting and conn.poll():  # its last words, sent before it ended
                        self._handle(k, conn.recv(), waiting, got, until)
                except EOFError:
                    pass
                if k in waiting:
                    waiting.discard(k)
                    self.procs[k].join(1.0)
                    raise WorkerFailed(f"抓取子进程 {k + 1} 意外退出（退出码 {self.procs[k].exitcode}）")
        return got

    def _handle(self, k: int, msg: tuple, waiting: set[int], got: dict, until: tuple[str, ...]) -> None:
        kind = msg[0]
        if kind == "ev":
            if self.progress is not None:
                fn = getattr(self.progress, msg[1], None)
                if fn is not None:
                    fn(**msg[2])
            return
        if kind == "error":
            waiting.discard(k)
            if "error" in until:
                return
            what, text = msg[1], msg[2]
            if what == "sqlite":
                raise sqlite3.DatabaseError(text)
            raise WorkerFailed(f"抓取子进程 {k + 1} 出错：{text}")
        if kind in until:
            waiting.discard(k)
            got[k] = msg[1]


# -- the worker ------------------------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """Be killed when the parent dies, however it dies (no orphan writing to the store)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch():
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="gkcrawl-watchdog", daemon=True).start()


def _worker_main(
    conn, parents_ends: list, stop, gate: HostGate, plan: ProcessPhases, hosts: int, parent: int, worker: int
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    for end in parents_ends:  # the parent's ends of the pipes, inherited by the fork
        end.close()
    from gkcheck.crawl.crawler import CrawlStats, _Run, _Stopped, thread_pool

    lock = threading.Lock()

    def send(msg) -> None:
        with lock:
            conn.send(msg)

    cfg, units = plan.cfg, plan.units
    store = None
    fetcher = None
    pool = None
    try:
        store = Store(plan.store_path, write_lock=plan.write_lock)
        store.base = plan.base.rstrip("/") if plan.base else None
        store.write_behind()
        fetcher = Fetcher(cfg.defaults, cfg.hosts(), concurrency=plan.concurrency, delay=plan.delay, gate=gate)
        stats = CrawlStats(crawl_id=plan.crawl_id)
        run = _Run(cfg, store, plan.crawl_id, fetcher, stats, _Relay(conn, lock) if plan.relay else None)
        run.today = plan.today
        run.external_stop = stop
        run.owns = lambda host: plan.owner.get(host) == worker  # the hosts given to this worker at the start
        pool = thread_pool(hosts, fetcher.concurrency)
        while True:
            kind, jobs = conn.recv()
            if kind == "close":
                break
            try:
                if kind == "lists":  # sent as (unit index, column index, url)
                    jobs = [(units[ui], units[ui].columns[ci]) for ui, ci, _ in jobs]
                results = run.run_phase(pool, kind, jobs)
                store.settle()  # what the parent reads next is committed
            except _Stopped:
                run.stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
                send(("stopped", None))
                return
            send(("done", (results, run.early) if kind == "lists" else []))
        stats.requests = fetcher.requests_made
        send(("stats", stats))
    except sqlite3.Error as exc:
        _report(send, run_stop=locals().get("run"), pool=pool, what="sqlite", text=str(exc))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which stops the crawl
        _report(send, run_stop=locals().get("run"), pool=pool, what=type(exc).__name__, text=repr(exc))
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if fetcher is not None:
            fetcher.close()
        if store is not None:
            store.close()
        conn.close()


def _report(send, run_stop, pool, what: str, text: str) -> None:
    if run_stop is not None:
        run_stop.stop.set()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
    try:
        send(("error", what, text))
    except OSError:
        pass


