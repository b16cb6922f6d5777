"""Date windows shared by check kinds that count dated things (posts, ledger entries).

A rule writes its window as one of

    window: plan_year                      # 1 Jan – 31 Dec of the plan year
    window: any                            # no date limit (undated records count too)
    window: {from: 2024-01-01, to: 2024-06-30}
    window: {last_days: 90}                # the 90 days up to the audit date

Every window ends at the audit date at the latest: the audit is "as of" a date, so a
record dated after it is ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from gkcheck.checks.registry import Params


class Window(Params):
    """A rule's window: a preset name (`plan_year`, `any`), `{from, to}` or `{last_days: N}`."""

    preset: Literal["plan_year", "any"] | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    last_days: int | None = Field(default=None, ge=1)

    model_config = Params.model_config | {"populate_by_name": True}

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"preset": data}
        return data

    @model_validator(mode="after")
    def _one_form(self) -> Window:
        forms = sum(
            [self.preset is not None, self.last_days is not None, self.from_ is not None or self.to is not None]
        )
        if forms == 0:
            raise ValueError("时间窗口应写 plan_year、any、{from, to} 或 {last_days: 天数}")
        if forms > 1:
            raise ValueError("时间窗口只能用 plan_year/any、from/to、last_days 中的一种写法")
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError(f"时间窗口起点 {self.from_} 晚于终点 {self.to}")
        return self


def window_field(default: str = "plan_year"):
    """A `window:` parameter defaulting to a preset (validated like a written value)."""
    return Field(default=default, validate_default=True)


@dataclass(frozen=True)
class Span:
    """A resolved window: inclusive dates; `start is None` means open at the start."""

    start: dt.date | None
    end: dt.date  # never after the audit date
    label: str  # Chinese, e.g. "2024年" or "2024-01-01至2024-06-30期间"
    dated_only: bool = True  # False for `any`: undated records count too

    def contains(self, day: dt.date | None) -> bool:
        if day is None:
            return not self.dated_only
        if day > self.end:
            return False
        return self.start is None or day >= self.start


def resolve(window: Window, as_of: dt.date, plan_year: int) -> Span:
    """Turn a rule's window into concrete dates, capped at the audit date."""
    if window.preset == "any":
        return Span(None, as_of, f"截至{as_of.isoformat()}", dated_only=False)
    if window.preset == "plan_year":
        end = min(dt.date(plan_year, 12, 31), as_of)
        label = f"{plan_year}年" if end.year == plan_year and end.month == 12 and end.day == 31 else (
            f"{plan_year}年（截至{end.isoformat()}）"
        )
        return Span(dt.date(plan_year, 1, 1), end, label)
    if window.last_days is not None:
        start = as_of - dt.timedelta(days=window.last_days - 1)
        return Span(start, as_of, f"近{window.last_days}天内（{start.isoformat()}至{as_of.isoformat()}）")
    end = min(window.to, as_of) if window.to else as_of
    start = window.from_
    if start is None:
        return Span(None, end, f"{end.isoformat()}之前")
    return Span(start, end, f"{start.isoformat()}至{end.isoformat()}期间")
