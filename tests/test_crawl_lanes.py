"""gkcheck.crawl.lanes.Lanes on a real thread pool: at most `per_host` jobs of a host at
once, each host's jobs in the order they were added, hosts independent of each other,
results by slot, jobs added while the lanes run, errors and `wait`.

Jobs hold on threading events (never on sleeps), so what runs at once is known, not
guessed; every wait has a deadline so a broken Lanes fails instead of hanging."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from gkcheck.crawl.lanes import Lanes

DEADLINE = 10.0  # seconds any single wait may take before the test fails


def _wait_in_thread(lanes: Lanes, poll: float, check=None, within: float = 5.0) -> bool:
    """Whether `lanes.wait(poll, check)` returned within a few seconds (run on a daemon
    thread, so that a wait that never returns fails the test instead of hanging it)."""
    returned = threading.Event()

    def run():
        lanes.wait(poll, check)
        returned.set()

    threading.Thread(target=run, daemon=True).start()
    return returned.wait(within)


class Gauge:
    """Counts the jobs running at once (per host and in all) and the order they started in."""

    def __init__(self):
        self.cond = threading.Condition()
        self.running: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.started: list[tuple[str, int]] = []
        self.done: list[tuple[str, int]] = []

    def enter(self, host: str, n: int) -> None:
        with self.cond:
            self.running[host] = self.running.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.running[host])
            self.started.append((host, n))
            self.cond.notify_all()

    def leave(self, host: str, n: int) -> None:
        with self.cond:
            self.running[host] -= 1
            self.done.append((host, n))
            self.cond.notify_all()

    def wait_for(self, predicate) -> None:
        with self.cond:
            assert self.cond.wait_for(predicate, timeout=DEADLINE), "the jobs did not get there in time"


@pytest.fixture
def pool():
    p = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lanes-test")
    yield p
    p.shutdown(wait=True, cancel_futures=True)


def _blocking_job(gauge: Gauge, release: threading.Event):
    def job(host: str, n: int) -> str:
        gauge.enter(host, n)
        try:
            assert release.wait(DEADLINE), "the test never released the job"
            return f"{host}-{n}"
        finally:
            gauge.leave(host, n)

    return job


@pytest.mark.parametrize("per_host, allowed", [(2, 2), (3, 3), (1, 1), (0, 1)])
def test_at_most_per_host_jobs_of_a_host_at_once(pool, per_host, allowed):
    gauge, release = Gauge(), threading.Event()
    lanes = Lanes(pool, per_host)
    job = _blocking_job(gauge, release)
    try:
        for n in range(6):
            lanes.add("a", job, ("a", n), slot=n)
        # as many as allowed start (the pool has 8 threads: room for more) ...
        gauge.wait_for(lambda: gauge.running.get("a", 0) == allowed)
        # ... and no more while they hold: the pool has idle threads, so a broken limit
        # shows within this time (a correct Lanes never starts another, however loaded)
        time.sleep(0.2)
        with gauge.cond:
            assert gauge.running["a"] == allowed
            assert len(gauge.started) == allowed
    finally:
        release.set()
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    assert lanes.results(6) == [f"a-{n}" for n in range(6)]
    assert gauge.peak["a"] == allowed
    assert len(gauge.done) == 6


def test_each_hosts_jobs_run_in_the_order_added(pool):
    order: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    lock = threading.Lock()

    def job(host: str, n: int) -> int:
        with lock:
            order[host].append(n)
        return n * 10

    lanes = Lanes(pool, 1)
    slot = 0
    for n in range(20):  # hosts interleaved in the adding order
        for host in ("a", "b", "c"):
            lanes.add(host, job, (host, n), slot=slot)
            slot += 1
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    assert order == {h: list(range(20)) for h in order}
    assert lanes.results(60) == [n * 10 for n in range(20) for _ in range(3)]


def test_with_two_lanes_a_hosts_jobs_start_in_the_order_added(pool):
    """per_host=2: a job starts only after every job added before it on its host has."""
    gauge = Gauge()
    gates = [threading.Event() for _ in range(6)]

    def job(host: str, n: int) -> int:
        gauge.enter(host, n)
        try:
            assert gates[n].wait(DEADLINE)
            return n
        finally:
            gauge.leave(host, n)

    lanes = Lanes(pool, 2)
    try:
        for n in range(6):
            lanes.add("a", job, ("a", n), slot=n)
        gauge.wait_for(lambda: len(gauge.started) == 2)
        assert sorted(gauge.started) == [("a", 0), ("a", 1)]
        # let them finish out of order: job 1 first frees a lane for job 2, not a later one
        gates[1].set()
        gauge.wait_for(lambda: len(gauge.started) == 3)
        assert gauge.started[2] == ("a", 2)
        gates[0].set()
        gauge.wait_for(lambda: len(gauge.started) == 4)
        assert gauge.started[3] == ("a", 3)
    finally:
        for g in gates:
            g.set()
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    assert lanes.results(6) == list(range(6))


def test_a_busy_host_holds_up_no_other_host(pool):
    gauge, release = Gauge(), threading.Event()
    lanes = Lanes(pool, 2)
    blocked = _blocking_job(gauge, release)
    b_done = threading.Event()
    b_count = []

    def quick(host: str, n: int) -> str:
        b_count.append(n)
        if len(b_count) == 10:
            b_done.set()
        return f"{host}-{n}"

    try:
        slot = 0
        for n in range(4):  # host a's jobs first: they take both its lanes and hold them
            lanes.add("a", blocked, ("a", n), slot=slot)
            slot += 1
        for n in range(10):
            lanes.add("b", quick, ("b", n), slot=slot)
            slot += 1
        gauge.wait_for(lambda: gauge.running.get("a", 0) == 2)
        assert b_done.wait(DEADLINE), "host b's jobs waited for host a"
        assert b_count == list(range(10))
        with gauge.cond:
            assert gauge.running["a"] == 2 and len(gauge.done) == 0  # a's jobs still held
        assert not lanes.finished.is_set()
    finally:
        release.set()
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    assert lanes.results(14) == [f"a-{n}" for n in range(4)] + [f"b-{n}" for n in range(10)]


def test_results_by_slot_whatever_the_finishing_order(pool):
    first_done = threading.Event()

    def late() -> str:  # slot 0 finishes last
        assert first_done.wait(DEADLINE)
        return "zero"

    def early() -> str:
        first_done.set()
        return "one"

    lanes = Lanes(pool, 2)
    lanes.add("a", late, (), slot=0)
    lanes.add("b", early, (), slot=1)
    lanes.add("b", lambda: "not kept", (), slot=None)
    lanes.add("c", lambda x: x * 2, (21,), slot=3)
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    # slot 2 was never given: None in its place; the unslotted job's result is not kept
    assert lanes.results(4) == ["zero", "one", None, 42]
    assert lanes.results(2) == ["zero", "one"]
    assert lanes.finished.is_set()


def test_jobs_added_by_a_job_are_run(pool):
    lanes = Lanes(pool, 2)
    seen = []
    lock = threading.Lock()

    def leaf(host: str, n: int) -> None:
        with lock:
            seen.append((host, n))

    def parent(host: str, n: int) -> str:
        for k in range(5):  # its children on its own host and on another one
            lanes.add(host, leaf, (host, n * 10 + k))
            lanes.add("other", leaf, ("other", n * 10 + k))
        return f"listed {n}"

    for n in range(3):
        lanes.add("a", parent, ("a", n), slot=n)
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    assert lanes.results(3) == ["listed 0", "listed 1", "listed 2"]
    want = {(h, n * 10 + k) for h in ("a", "other") for n in range(3) for k in range(5)}
    assert len(seen) == 30 and set(seen) == want  # all run before `wait` returned


def test_a_job_added_for_a_host_whose_lanes_had_ended_is_run(pool):
    lanes = Lanes(pool, 2)
    a_first = threading.Event()
    ran = []

    def a_job(tag: str) -> str:
        ran.append(tag)
        if tag == "a-first":
            a_first.set()
        return tag

    def b_job() -> str:
        assert a_first.wait(DEADLINE)
        # wait until host a's lane has ended (no lane left for it), then give it a job:
        # Lanes must start a new lane for it
        end = time.monotonic() + DEADLINE
        while True:
            with lanes._lock:
                if lanes._lanes.get("a", 0) == 0:
                    break
            assert time.monotonic() < end, "host a's lane never ended"
            time.sleep(0.001)
        lanes.add("a", a_job, ("a-late",), slot=2)
        return "b"

    lanes.add("a", a_job, ("a-first",), slot=0)
    lanes.add("b", b_job, (), slot=1)
    assert _wait_in_thread(lanes, 0.05, within=DEADLINE)
    assert lanes.results(3) == ["a-first", "b", "a-late"]
    assert ran == ["a-first", "a-late"]


def test_the_earliest_slot_error_is_raised_and_finished_is_set(pool):
    lanes = Lanes(pool, 1)
    held = threading.Event()

    def fails_late_in_time():  # slot 1: fails after slot 3 has failed
        assert lanes.finished.wait(DEADLINE)
        raise KeyError("slot 1")

    def fails_first():  # slot 3
        raise ValueError("slot 3")

    def holds():
        assert held.wait(DEADLINE)
        return "held"

    lanes.add("a", lambda: "ok", (), slot=0)
    lanes.add("b", fails_late_in_time, (), slot=1)
    lanes.add("c", holds, (), slot=2)
    lanes.add("d", fails_first, (), slot=3)
    try:
        # the first error ends the wait although a job (slot 2) is still running
        assert _wait_in_thread(lanes, 0.01, within=DEADLINE), "wait() did not end on the error"
        assert lanes.finished.is_set()
        assert not held.is_set()
    finally:
        held.set()
    pool.shutdown(wait=True)  # every lane has ended: both errors are recorded
    with pytest.raises(KeyError, match="slot 1"):
        lanes.results(4)
    # once a job failed, nothing more is queued
    lanes.add("e", lambda: "never", (), slot=4)
    with pytest.raises(KeyError, match="slot 1"):
        lanes.results(5)


def test_wait_calls_check_and_raises_what_it_raises(pool):
    lanes = Lanes(pool, 2)
    release = threading.Event()
    calls = []

    class Stop(Exception):
        pass

    def check():
        calls.append(time.monotonic())
        if len(calls) == 3:
            raise Stop("stopped from outside")

    def job():
        assert release.wait(DEADLINE)
        return "done"

    lanes.add("a", job, (), slot=0)
    try:
        with pytest.raises(Stop, match="stopped from outside"):
            lanes.wait(0.01, check)
        assert len(calls) == 3
        assert not lanes.finished.is_set()  # the job is still running
    finally:
        release.set()
    assert _wait_in_thread(lanes, 0.01, lambda: None, within=DEADLINE)
    assert lanes.results(1) == ["done"]


def test_wait_without_check_until_done(pool):
    lanes = Lanes(pool, 1)
    release = threading.Event()
    waited = threading.Event()

    def job():
        assert release.wait(DEADLINE)
        return 7

    lanes.add("a", job, (), slot=0)

    def waiter():
        lanes.wait(0.01)
        waited.set()

    t = threading.Thread(target=waiter, daemon=True)
    t.start()
    # the waiter is still waiting while the job holds (a broken wait would return at once)
    assert not waited.wait(0.2)
    release.set()
    assert waited.wait(DEADLINE)
    t.join(DEADLINE)
    assert lanes.results(1) == [7]


def test_wait_with_no_jobs_returns_at_once(pool):
    lanes = Lanes(pool, 2)
    calls = []
    # a poll of 30 s: returning within 5 s means it did not wait for the event to be set
    assert _wait_in_thread(lanes, 30.0, lambda: calls.append(1)), "wait() with no jobs did not return"
    assert calls == []
    assert lanes.results(0) == []
    assert lanes.results(2) == [None, None]


def test_wait_after_every_job_is_done_returns_at_once(pool):
    lanes = Lanes(pool, 2)
    lanes.add("a", lambda: 1, (), slot=0)
    assert _wait_in_thread(lanes, 0.01, within=DEADLINE)
    calls = []
    assert _wait_in_thread(lanes, 30.0, lambda: calls.append(1)), "wait() after the jobs did not return"
    assert calls == []
    assert lanes.results(1) == [1]
