"""The parsed 政府信息公开工作年度报告: what `gkcheck.sources.annual_report` returns.

Plain dataclasses, no I/O. A table is a dict of `Row`s keyed by a stable row key
(see `annual_report_layout`); a row holds one `Cell` per column. A cell keeps the
string as printed (`raw`) and the number read from it (`value`), or a `flag` saying
why there is no number: a blank cell, "/" or "—" is missing data, never 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Layout = Literal["2021", "2019", "unknown"]

# Why a cell holds no number.
CellFlag = Literal["blank", "slash", "dash", "text", "unreadable", "absent"]

FLAG_ZH: dict[str, str] = {
    "blank": "空白",
    "slash": "填“/”",
    "dash": "填“—”",
    "text": "填的不是数字",
    "unreadable": "数字连写无法唯一拆分",
    "absent": "未读到",
}


@dataclass
class Cell:
    raw: str
    value: int | Decimal | None = None
    flag: CellFlag | None = None  # None when `value` was read
    # True when digits written together ("801000081") were split into cells by the
    # table's own identities: the identities used cannot then prove anything.
    inferred: bool = False

    @property
    def ok(self) -> bool:
        return self.value is not None


@dataclass
class Row:
    key: str  # stable key, e.g. "新收", "不予公开.1", "行政规范性文件", "行政复议"
    label: str  # the official label
    printed: str  # the label as printed in the document
    cells: dict[str, Cell] = field(default_factory=dict)

    def value(self, col: str) -> int | Decimal | None:
        cell = self.cells.get(col)
        return cell.value if cell is not None else None

    def quote(self) -> str:
        """The row as printed: label and cells, for evidence."""
        cells = " | ".join(c.raw if c.raw != "" else "（空）" for c in self.cells.values())
        return f"{self.printed or self.label} | {cells}"


@dataclass
class Section:
    numeral: str  # 一 … 六
    title: str  # as printed
    text: str  # body up to the next section heading
    start: int  # offset of the heading in AnnualReport.text


@dataclass
class Quote:
    """A number the prose states (本年新收申请 17 件), with the sentence it is in."""

    key: str  # "新收" | "办理" | "上年结转" | "行政复议" | "行政诉讼" | "制发规范性文件"
    value: int
    sentence: str


@dataclass
class AnnualReport:
    source: str  # file path or URL
    title: str = ""
    year: int | None = None  # the year the report covers
    unit: str = ""
    layout: Layout = "unknown"
    layout_evidence: list[str] = field(default_factory=list)  # header words that decided it
    layout_notes: list[str] = field(default_factory=list)  # deviations from the 2021 format
    sections: dict[str, Section] = field(default_factory=dict)
    table2: dict[str, Row] = field(default_factory=dict)
    table3: dict[str, Row] = field(default_factory=dict)
    table4: dict[str, Row] = field(default_factory=dict)
    # How 表三 prints （六）其他处理: three sub-rows (2021), one row (2019), or not found.
    other_rows: Literal["split", "single", "missing"] = "missing"
    quotes: dict[str, Quote] = field(default_factory=dict)
    published: dt.date | None = None  # from the page's own 发布时间, when it shows one
    readers: dict[str, str] = field(default_factory=dict)  # table -> how it was read
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # the whole text, lines joined

    def table(self, name: str) -> dict[str, Row]:
        return {"表二": self.table2, "表三": self.table3, "表四": self.table4}[name]

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        r = self.table(table).get(row)
        return r.cells.get(col) if r is not None else None

    def value(self, table: str, row: str, col: str) -> int | Decimal | None:
        c = self.cell(table, row, col)
        return c.value if c is not None else None

    def section_text(self, numeral: str) -> str | None:
        s = self.sections.get(numeral)
        return s.text if s is not None else None
