"""Evaluating the units of a large audit in several processes.

The units are cut into contiguous parts, one per process. Each part is evaluated in a
process forked from this one (so the pack, the sources read up front and the evidence
plan are shared, never sent), which sends back what it finds a batch of units at a
time, then what it read of the evidence (`LazyEvidence.child_state`). This process only
collects: the batches are put together in part order, so the result is the same,
finding for finding, as evaluating the units one after another; and no process holds
more than a batch of another's findings.

Only where the operating system can fork (Linux, macOS); elsewhere, and for audits too
small to gain from it, everything runs in this process.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.connection import wait
from typing import Any, TypeVar

from gkcheck.errors import GkError

T = TypeVar("T")

# Below this many units per process, another process costs more than it saves.
MIN_UNITS_PER_JOB = 100


def cpu_count() -> int:
    """Processors this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def plan_jobs(jobs: int | None, units: int) -> int:
    """How many processes to use for `units` units: `jobs` (None or 0: one per processor),
    at most one per MIN_UNITS_PER_JOB units, and 1 where fork is unavailable."""
    want = jobs if jobs and jobs > 0 else cpu_count()
    if want <= 1 or not can_fork():
        return 1
    return max(1, min(want, units // MIN_UNITS_PER_JOB))


def chunks(items: Sequence[T], n: int) -> list[Sequence[T]]:
    """`items` cut into at most `n` contiguous, non-empty parts of nearly equal size."""
    size = math.ceil(len(items) / n) if items else 0
    parts = [items[i * size : (i + 1) * size] for i in range(n)] if size else []
    return [p for p in parts if len(p)] or [items]


def run_parts(
    work: Callable[[Sequence[T]], Iterable[Any]],
    parts: list[Sequence[T]],
    child_state: Callable[[], Any] | None = None,
    after_fork: Callable[[], None] | None = None,
) -> list[tuple[list[Any], Any]]:
    """For every part, in order: (the values `work(part)` yields, `child_state()` taken
    after them), each part in a forked process that first runs `after_fork`. If parts
    fail, the error of the first failing part is raised here once all parts are over:
    a GkError as itself, anything else as a RuntimeError with the child's traceback."""
    ctx = multiprocessing.get_context("fork")
    procs = []
    try:
        for part in parts:
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(writer, work, part, child_state, after_fork), daemon=True)
            proc.start()
            writer.close()
            procs.append((proc, reader))
        values: list[list[Any]] = [[] for _ in parts]
        states: list[Any] = [None] * len(parts)
        failures: dict[int, tuple[str, Any]] = {}
        waiting = {reader: i for i, (_, reader) in enumerate(procs)}
        while waiting:
            for reader in wait(list(waiting)):
                i = waiting[reader]
                try:
                    kind, value = pickle.loads(reader.recv_bytes())
                except EOFError:
                    procs[i][0].join()
                    kind, value = "died", procs[i][0].exitcode
                if kind == "item":
                    values[i].append(value)
                    continue
                del waiting[reader]
                procs[i][0].join()
                if kind == "done":
                    states[i] = value
                else:
                    failures[i] = (kind, value)
        if failures:
            kind, value = failures[min(failures)]
            if kind == "gkerror":
                cls, message, path, where = value
                raise cls(message, path, where)
            if kind == "died":
                raise RuntimeError(f"并行检查的子进程意外退出（退出码 {value}）")
            raise RuntimeError(f"并行检查的子进程出错：\n{value}")
        return list(zip(values, states))
    finally:
        for proc, reader in procs:
            reader.close()
            if proc.is_alive():
                proc.terminate()
                proc.join()


def _child(writer, work, part, child_state, after_fork) -> None:
    try:
        if after_fork is not None:
            after_fork()
        for value in work(part):
            writer.send_bytes(pickle.dumps(("item", value), protocol=pickle.HIGHEST_PROTOCOL))
        state = child_state() if child_state is not None else None
        writer.send_bytes(pickle.dumps(("done", state), protocol=pickle.HIGHEST_PROTOCOL))
    except GkError as exc:
        writer.send_bytes(pickle.dumps(("gkerror", (type(exc), exc.message, exc.path, exc.where))))
    except BaseException:  # noqa: BLE001 - handed to the parent, which raises it
        writer.send_bytes(pickle.dumps(("error", traceback.format_exc())))
    finally:
        writer.close()
