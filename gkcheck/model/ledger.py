from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from gkcheck.model.catalog import SourcePos


class LedgerEntry(BaseModel):
    """Dated evidence of work done that no website shows (工作台账)."""

    model_config = ConfigDict(extra="forbid")

    kind: str  # 专题会议 | 培训 | 政策评价 | 政府开放 | 监督员 | …
    date: dt.date | None
    title: str
    link: str | None = None
    note: str = ""
    pos: SourcePos | None = None
