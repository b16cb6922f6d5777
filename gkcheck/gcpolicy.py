"""When Python's cyclic garbage collector runs during an audit.

The collector is set off by the count of container objects allocated, not by memory
use. An audit allocates a great many short-lived ones (a unit's catalog rows, posts and
findings) that reference counting frees anyway, and holds a large, long-lived heap (the
rule pack, the sites config, the unit table): each full collection walks all of it, so
the collector's share of the time grows with the size of the audit (a quarter of the CPU
time of a 1,000-unit audit) and, in forked workers, it writes to every object it walks,
copying pages the parent shares with them.

- `no_cyclic_gc()` pauses the collector over one piece of work (a catalog, a unit); once
  it runs again it collects whatever cycles the work left behind.
- `frozen_heap()` moves every object alive now out of the collector's sight for a
  while (gc.freeze): collections stop walking the long-lived heap, and forked workers
  share it without copying. The objects are handed back to it afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic collector over the `with` block (nothing is freed later than
    reference counting frees it; cycles made in the block wait for the next collection).
    Nested uses and a collector already disabled are left as they are."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects alive on entry (after one collection, so that no garbage is
    frozen) for the `with` block; unfreeze them on exit."""
    if not gc.isenabled():
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
