from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["pass", "fail", "warn", "unknown", "waived"]
Severity = Literal["error", "warning", "info"]

STATUSES: tuple[str, ...] = ("pass", "fail", "warn", "unknown", "waived")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
STATUS_ZH: dict[str, str] = {
    "pass": "通过",
    "fail": "不通过",
    "warn": "提醒",
    "unknown": "无法核验",
    "waived": "已豁免",
}
SEVERITY_ZH: dict[str, str] = {"error": "严重", "warning": "一般", "info": "提示"}


class EvidenceRef(BaseModel):
    """A pointer at what a finding is about: a catalog row, a crawled URL, a ledger line."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["catalog", "web", "ledger", "report", "plan", "config"]
    location: str  # `catalogs/民政局.xlsx:目录!12` or a URL
    title: str | None = None  # item name or post title
    date: dt.date | None = None
    quote: str | None = None  # the sentence or cell read
    url: str | None = None
    sheet: str | None = None
    row: int | None = None
    file: str | None = None


class Finding(BaseModel):
    """One outcome of one rule for one unit (and optionally one record)."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    check: str
    title: str = ""
    unit: str  # the unit's name
    unit_id: str
    status: Status
    severity: Severity
    tasks: list[int] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)
    message: str
    fix: str = ""
    basis: str = ""
    record: str | None = None  # stable key of the record within the unit (item, URL …)
    role: Literal["lead", "cooperating"] | None = None
    deadline: dt.date | None = None
    evidence: list[EvidenceRef] = Field(default_factory=list)
    waiver: dict | None = None  # reason, owner, expires when status is waived

    def level(self) -> int:
        """How strongly this finding should fail a run: -1 never, else a SEVERITY_RANK."""
        return finding_level(self.status, self.severity)


def finding_level(status: str, severity: str) -> int:
    """How strongly a finding of this status and severity should fail a run: -1 never,
    else a SEVERITY_RANK (a warning at most for `warn`)."""
    if status == "fail":
        return SEVERITY_RANK[severity]
    if status == "warn":
        return min(SEVERITY_RANK[severity], SEVERITY_RANK["warning"])
    return -1
