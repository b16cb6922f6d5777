"""How long each phase of a run took (`gkcheck check --timings`), for users of large
audits who want to see where the time goes, and for the scale benchmark."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class PhaseTimes:
    """Phases in the order they ran, each with its wall-clock seconds."""

    def __init__(self) -> None:
        self.phases: list[tuple[str, float]] = []
        self._start = time.perf_counter()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the `with` block as the phase `name` (Chinese, as shown to the user); a
        phase that raises is not recorded."""
        start = time.perf_counter()
        yield
        self.phases.append((name, time.perf_counter() - start))

    def line(self) -> str:
        """`用时：读取配置和规则 0.5 秒；收集证据 1.2 秒；…；合计 29.0 秒`."""
        parts = [f"{name} {seconds:.1f} 秒" for name, seconds in self.phases]
        parts.append(f"合计 {time.perf_counter() - self._start:.1f} 秒")
        return "用时：" + "；".join(parts)


class NoTimes(PhaseTimes):
    """Phases not timed (the default)."""

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        yield
