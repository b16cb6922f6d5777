"""Evaluating the units of a large audit in several processes.

The units are cut into contiguous chunks, one per process. The first chunk is evaluated
in this process; each other chunk in a process forked from it (so the pack, the loaded
sources and the evidence plan are shared, never sent). A child sends back its findings,
the check errors it met and what it read of the evidence (see `LazyEvidence.child_state`)
in one pickle; the results are put together in chunk order, so the result is the same,
finding for finding, as evaluating the units one after another.

Only where the operating system can fork (Linux, macOS); elsewhere, and for audits too
small to gain from it, everything runs in this process.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from gkcheck.errors import GkError

T = TypeVar("T")

# Below this many units per process, a second process costs more than it saves.
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
    """`items` cut into `n` contiguous parts of nearly equal size, in order."""
    size = math.ceil(len(items) / n) if items else 0
    parts = [items[i * size : (i + 1) * size] for i in range(n)] if size else []
    return [p for p in parts if len(p)] or [items]


def run_chunks(
    work: Callable[[Sequence[T]], Any],
    parts: list[Sequence[T]],
    child_state: Callable[[], Any] | None = None,
    after_fork: Callable[[], None] | None = None,
) -> list[tuple[Any, Any]]:
    """[(work(part), state)] for every part, in order: the first part here, the others in
    forked processes, where `after_fork` runs first and `child_state()` is taken last
    (its value is None for the part run here). An exception in a child is raised here:
    a GkError as itself, anything else as a RuntimeError carrying the child's traceback."""
    ctx = multiprocessing.get_context("fork")
    children = []
    for part in parts[1:]:
        reader, writer = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(writer, work, part, child_state, after_fork), daemon=True)
        proc.start()
        writer.close()
        children.append((proc, reader))
    try:
        results = [(work(parts[0]), None)]
        for proc, reader in children:
            try:
                payload = reader.recv_bytes()
            except EOFError:
                proc.join()
                raise RuntimeError(f"并行检查的子进程意外退出（退出码 {proc.exitcode}）") from None
            kind, value = pickle.loads(payload)
            proc.join()
            if kind == "ok":
                results.append(value)
            elif kind == "gkerror":
                cls, message, path, where = value
                raise cls(message, path, where)
            else:
                raise RuntimeError(f"并行检查的子进程出错：\n{value}")
        return results
    finally:
        for proc, reader in children:
            reader.close()
            if proc.is_alive():
                proc.terminate()
                proc.join()


def _child(writer, work, part, child_state, after_fork) -> None:
    try:
        if after_fork is not None:
            after_fork()
        value = work(part)
        state = child_state() if child_state is not None else None
        payload = pickle.dumps(("ok", (value, state)), protocol=pickle.HIGHEST_PROTOCOL)
    except GkError as exc:
        payload = pickle.dumps(("gkerror", (type(exc), exc.message, exc.path, exc.where)))
    except BaseException:  # noqa: BLE001 - handed to the parent, which raises it
        payload = pickle.dumps(("error", traceback.format_exc()))
    writer.send_bytes(payload)
    writer.close()
