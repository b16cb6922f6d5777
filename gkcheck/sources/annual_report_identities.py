"""The identities that hold in a correct annual report's tables (FACTS.md), as data.

An `Identity` says `sum(lhs) = sum(rhs)` over named cells. `evaluate` reads the cells
through a lookup and answers holds / broken / missing; a missing cell (blank, "/",
"—", unreadable, row not found) makes the identity `missing`, never a sum with 0.

Used by the readers (to split digits written together and to choose between two
readings of a PDF) and by the check `annual_report.arithmetic` (to report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from gkcheck.sources.annual_report_layout import (
    T3_COLUMNS,
    T3_PARTS,
    T4_COLUMNS,
    T4_GROUPS,
    T4_PARTS,
    t3_result_rows,
    t3_row_order,
    t3_short,
)
from gkcheck.sources.annual_report_model import AnnualReport, Cell


@dataclass(frozen=True)
class Term:
    table: str  # 表二 | 表三 | 表四
    row: str
    col: str
    name: str  # how a message names it


@dataclass(frozen=True)
class Identity:
    id: str  # stable key, e.g. "表三:列:自然人:收支"
    table: str
    where: str  # "自然人列", "“一、本年新收”行", "行政复议"
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    lhs_name: str = ""  # name of a long sum in messages ("各项办理结果之和")
    rhs_name: str = ""


Lookup = Callable[[Term], Cell | None]
Status = Literal["holds", "broken", "missing"]


@dataclass
class Evaluation:
    identity: Identity
    status: Status
    lhs: list[tuple[Term, Cell | None]] = field(default_factory=list)
    rhs: list[tuple[Term, Cell | None]] = field(default_factory=list)

    @property
    def missing(self) -> list[tuple[Term, Cell | None]]:
        return [(t, c) for t, c in (*self.lhs, *self.rhs) if c is None or not c.ok]

    @property
    def inferred(self) -> bool:
        """Some cell was split by the identities themselves: this is no proof."""
        return any(c is not None and c.inferred for _, c in (*self.lhs, *self.rhs))

    def _side(self, side, name: str) -> str:
        total = sum((c.value for _, c in side), start=0)
        if len(side) == 1:
            t, c = side[0]
            return f"{t.name} {_fmt(c.value)}"
        if len(side) <= 7:
            return " + ".join(f"{t.name} {_fmt(c.value)}" for t, c in side) + f" = {_fmt(total)}"
        shown = [f"{t.name} {_fmt(c.value)}" for t, c in side if c.value]
        detail = " + ".join(shown) if shown else "各项均为0"
        rest = "，其余各项为0" if shown and len(shown) < len(side) else ""
        return f"{name or '各项之和'} {_fmt(total)}（{detail}{rest}）"

    def equation(self) -> str:
        """`lhs ≠ rhs` (or `=`) with the numbers; only when no cell is missing."""
        sign = "=" if self.status == "holds" else "≠"
        return f"{self._side(self.lhs, self.identity.lhs_name)} {sign} {self._side(self.rhs, self.identity.rhs_name)}"

    def message(self) -> str:
        return f"{self.identity.table} {self.identity.where}：{self.equation()}"


def _fmt(v) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return str(v)


def evaluate(identity: Identity, lookup: Lookup) -> Evaluation:
    lhs = [(t, lookup(t)) for t in identity.lhs]
    rhs = [(t, lookup(t)) for t in identity.rhs]
    ev = Evaluation(identity, "missing", lhs, rhs)
    if ev.missing:
        return ev
    left = sum((c.value for _, c in lhs), start=0)
    right = sum((c.value for _, c in rhs), start=0)
    ev.status = "holds" if left == right else "broken"
    return ev


def report_lookup(report: AnnualReport) -> Lookup:
    return lambda t: report.cell(t.table, t.row, t.col)


# ---- the identities of one report -----------------------------------------------


def t3_identities(other_rows: str) -> list[Identity]:
    """表三: per column (收支平衡, 总计 = 各项结果) and per row (总计 = 六列之和)."""
    results = t3_result_rows(other_rows)
    out: list[Identity] = []
    for col in T3_COLUMNS:
        out.append(
            Identity(
                id=f"表三:列:{col}:收支",
                table="表三",
                where=f"{col}列",
                lhs=(Term("表三", "新收", col, "本年新收"), Term("表三", "上年结转", col, "上年结转")),
                rhs=(Term("表三", "总计", col, "办理结果总计"), Term("表三", "结转下年度", col, "结转下年度")),
            )
        )
        out.append(
            Identity(
                id=f"表三:列:{col}:结果",
                table="表三",
                where=f"{col}列",
                lhs=(Term("表三", "总计", col, "（七）总计"),),
                rhs=tuple(Term("表三", r, col, t3_short(r)) for r in results),
                rhs_name="各项办理结果之和",
            )
        )
    for row in t3_row_order(other_rows):
        out.append(
            Identity(
                id=f"表三:行:{row}",
                table="表三",
                where=f"“{t3_short(row)}”行",
                lhs=(Term("表三", row, "总计", "总计"),),
                rhs=tuple(Term("表三", row, c, c) for c in T3_PARTS),
            )
        )
    return out


def t4_identities() -> list[Identity]:
    return [
        Identity(
            id=f"表四:{g}",
            table="表四",
            where=g,
            lhs=(Term("表四", g, "总计", "总计"),),
            rhs=tuple(Term("表四", g, c, c) for c in T4_PARTS),
        )
        for g in T4_GROUPS
    ]


def report_identities(report: AnnualReport) -> list[Identity]:
    other = report.other_rows if report.other_rows != "missing" else "split"
    return t3_identities(other) + t4_identities()


def evaluate_report(report: AnnualReport) -> list[Evaluation]:
    lookup = report_lookup(report)
    return [evaluate(i, lookup) for i in report_identities(report)]


def score(report: AnnualReport, table: str) -> tuple[int, int]:
    """How well a reading of `table` validates: (holding − broken identities, cells read)."""
    evs = [e for e in evaluate_report(report) if e.identity.table == table]
    held = sum(e.status == "holds" for e in evs)
    broken = sum(e.status == "broken" for e in evs)
    cells = sum(c.ok for r in report.table(table).values() for c in r.cells.values())
    return held - broken, cells


__all__ = [
    "T3_COLUMNS",
    "T4_COLUMNS",
    "Evaluation",
    "Identity",
    "Lookup",
    "Term",
    "evaluate",
    "evaluate_report",
    "report_identities",
    "report_lookup",
    "score",
    "t3_identities",
    "t4_identities",
]
