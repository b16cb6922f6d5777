"""The Excel 台账 (ledger.xlsx), written with openpyxl.

Sheets: 汇总 (units, scores with their coverage “已核验 X/Y”, counts, ranking, notes),
任务矩阵 (unit × task, coloured), then one sheet per unit with one row per task that
applies to it (and per general requirement): 序号, 工作任务, 具体要求, 完成时限, 状态,
证据, 存在问题, 整改建议.
Headers are frozen, widths set, status cells coloured. Every text goes through
`safe.inert`, so no cell written from outside data starts a formula.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from gkcheck.model import AuditResult, Finding
from gkcheck.model.finding import STATUS_ZH
from gkcheck.report.safe import inert
from gkcheck.report.scores import SCORING_ZH
from gkcheck.report.view import (
    STATUS_ORDER,
    coverage_low,
    coverage_text,
    deadline_text,
    evidence_text,
    fmt_date,
    fmt_score,
    matrix,
    ranking,
    task_map,
    task_numbers,
    task_short,
    unit_views,
    worst_status,
)

SUMMARY_SHEET = "汇总"
MATRIX_SHEET = "任务矩阵"
UNIT_COLUMNS = [
    ("序号", 7),
    ("工作任务", 20),
    ("具体要求", 44),
    ("完成时限", 11),
    ("状态", 10),
    ("证据", 46),
    ("存在问题", 50),
    ("整改建议", 40),
]
FILL = {
    "pass": "C8E6C9",
    "fail": "EF9A9A",
    "warn": "FFCC80",
    "unknown": "D1C4E9",
    "waived": "B2DFDB",
    None: "EEEEEE",
}
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="D0D0D0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MAX_CELL = 32000  # Excel holds at most 32767 characters in a cell
MAX_LINES = 12
UNKNOWN_FIX = "无法自动核验：请补充相应证据（目录、网站栏目、台账或年度报告）后重新检查，或人工核验"

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_names(names: list[str], reserved: tuple[str, ...] = (SUMMARY_SHEET, MATRIX_SHEET)) -> list[str]:
    """Excel-safe, unique sheet names (≤ 31 characters, none of []:*?/\\)."""
    taken = {r.casefold() for r in (*reserved, "History")}
    out = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", name).strip().strip("'") or "单位"
        base = base[:31]
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"({n})"
            candidate = base[: 31 - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _styles(wb: Workbook) -> None:
    """Register the named styles once; assigning a name per cell is far cheaper than
    assigning font, fill, border and alignment objects to every cell."""
    specs: dict[str, tuple] = {
        "wrap": (WRAP, None, None),
        "center": (CENTER, None, None),
        "label": (Alignment(vertical="top"), None, Font(bold=True)),
        "top": (Alignment(vertical="top"), None, None),
        "header": (CENTER, HEADER_FILL, HEADER_FONT),
    }
    for status, color in FILL.items():
        specs[_status_style(status)] = (CENTER, PatternFill("solid", fgColor=color), None)
    for name, (align, fill, font) in specs.items():
        ns = NamedStyle(name=f"gk-{name}")
        ns.alignment = align
        ns.border = BORDER
        if fill is not None:
            ns.fill = fill
        if font is not None:
            ns.font = font
        wb.add_named_style(ns)


def _status_style(status: str | None) -> str:
    return f"s-{status or 'na'}"


def _put(ws, row: int, col: int, value, style: str = "wrap"):
    if isinstance(value, str) and len(value) > MAX_CELL:
        value = value[:MAX_CELL] + "…"
    cell = ws.cell(row=row, column=col, value=inert(value))
    cell.style = f"gk-{style}"
    return cell


def _header(ws, row: int, titles: list[tuple[str, float]]):
    for col, (title, width) in enumerate(titles, 1):
        _put(ws, row, col, title, "header")
        ws.column_dimensions[get_column_letter(col)].width = width


def _title(ws, text: str, span: int):
    ws.cell(row=1, column=1, value=inert(text)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    ws.row_dimensions[1].height = 24


def _lines(items: list[str]) -> str:
    seen = list(dict.fromkeys(i for i in items if i))
    if len(seen) > MAX_LINES:
        seen = seen[:MAX_LINES] + [f"……另有 {len(seen) - MAX_LINES} 条"]
    return "\n".join(seen)


def _row_cells(findings: list[Finding]) -> tuple[str | None, str, str, str]:
    """Status, evidence, problems and fixes of the findings of one task row."""
    status = worst_status(f.status for f in findings)
    evidence = [evidence_text(ev) for f in findings for ev in f.evidence]
    problems = []
    for f in findings:
        if f.status == "pass":
            continue
        line = f"【{STATUS_ZH[f.status]}】{f.message}（{f.rule}）"
        if f.waiver and f.status == "waived":
            line += f"；豁免理由：{f.waiver.get('reason')}，至 {f.waiver.get('expires')}"
        elif f.waiver and f.waiver.get("expired"):
            line += f"；豁免已于 {f.waiver.get('expires')} 过期"
        problems.append(line)
    fixes = [" ".join(f.fix.split()) for f in findings if f.fix and f.status in ("fail", "warn")]
    if not fixes and status == "unknown":
        fixes = [UNKNOWN_FIX]
    return status, _lines(evidence), _lines(problems), _lines(fixes)


def _unit_rows(result: AuditResult, findings: list[Finding]) -> list[list]:
    tasks = task_map(result)
    reqs = {str(r.get("id")): r for r in result.requirements if r.get("id")}
    by_task: dict[int, list[Finding]] = {}
    by_req: dict[str, list[Finding]] = {}
    other: dict[str, list[Finding]] = {}
    for f in findings:
        for n in f.tasks:
            by_task.setdefault(n, []).append(f)
        for g in f.requirements:
            by_req.setdefault(g, []).append(f)
        if not f.tasks and not f.requirements:
            other.setdefault(f.rule, []).append(f)
    rows = []
    for n in sorted(by_task):
        t = tasks.get(n)
        rows.append(
            [n, task_short(t, n), (t or {}).get("requirement", ""), deadline_text(t), *_row_cells(by_task[n])]
        )
    for g in sorted(by_req, key=lambda g: (len(g), g)):
        r = reqs.get(g) or {}
        rows.append(
            [
                g,
                r.get("title") or "总体要求",
                r.get("text", ""),
                fmt_date(r.get("deadline")),
                *_row_cells(by_req[g]),
            ]
        )
    for rule, fs in other.items():
        rows.append(["—", fs[0].title or rule, fs[0].basis, "", *_row_cells(fs)])
    return rows


def _summary_sheet(wb: Workbook, result: AuditResult, names: dict[str, str]):
    ws = wb.active
    ws.title = SUMMARY_SHEET
    cols = [("排名", 7), ("单位", 26), ("类型", 10), ("得分", 9), ("已核验", 9)]
    first_status = len(cols) + 1
    cols += [(STATUS_ZH[s], 10) for s in STATUS_ORDER]
    cols += [("计分规则数", 11), ("工作表", 24)]
    _title(ws, f"政务公开工作台账 · {result.pack_name or result.pack}", len(cols))
    meta = f"截至 {fmt_date(result.as_of)}；规则包 {result.pack}"
    if result.generated_at:
        meta += f"；生成于 {fmt_date(result.generated_at)}"
    _put(ws, 2, 1, meta, "top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(cols))
    _header(ws, 3, cols)
    kind_zh = {"department": "部门", "town": "镇街", "office": "机构"}
    row = 4
    for rank, u in ranking(result):
        detail = u.score_detail or {}
        values = [
            rank if rank is not None else "—",
            u.name,
            kind_zh.get(u.kind, u.kind),
            u.score if u.score is not None else "—",
            coverage_text(u),
        ]
        values += [u.counts.get(s, 0) for s in STATUS_ORDER]
        values += [detail.get("scored", "—"), names.get(u.id, "")]
        for col, v in enumerate(values, 1):
            style = "wrap" if col == 2 else "center"
            if first_status <= col < first_status + len(STATUS_ORDER) and v:
                style = _status_style(STATUS_ORDER[col - first_status])
            elif col == first_status - 1 and coverage_low(u):
                style = _status_style("unknown")
            _put(ws, row, col, v, style)
        row += 1
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(cols))}{max(row - 1, 3)}"
    row += 1
    extra = [("计分方法", SCORING_ZH)]
    extra += [("运行问题", e) for e in result.errors]
    extra += [("说明", n) for n in result.notes]
    for label, text in extra:
        _put(ws, row, 1, label, "label")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(cols))
        _put(ws, row, 2, text)
        ws.row_dimensions[row].height = max(18, 15 * (1 + len(text) // 90))
        row += 1


def _matrix_sheet(wb: Workbook, result: AuditResult):
    ws = wb.create_sheet(MATRIX_SHEET)
    numbers = task_numbers(result)
    grid = matrix(result)
    cols = [("单位", 24)] + [(str(n), 5) for n in numbers] + [("得分", 8)]
    _header(ws, 1, cols)
    views = unit_views(result)
    for r, v in enumerate(views, 2):
        _put(ws, r, 1, v.summary.name)
        for c, n in enumerate(numbers, 2):
            cell = grid[v.summary.id][n]
            short = STATUS_ZH[cell.status][:2] if cell.status else "—"
            _put(ws, r, c, short, _status_style(cell.status))
        _put(ws, r, len(numbers) + 2, fmt_score(v.summary.score), "center")
    ws.freeze_panes = "B2"
    note = (
        "说明：每格为该单位在该任务下各项结果中最差的一项（不通过 > 提醒 > 无法核验 > 通过）；“—”为不适用。"
    )
    ws.cell(row=len(views) + 3, column=1, value=note)


def _unit_sheet(wb: Workbook, result: AuditResult, view, title: str):
    ws = wb.create_sheet(title)
    u = view.summary
    head = f"{u.name} · 政务公开工作台账（截至 {fmt_date(result.as_of)}）  得分 {fmt_score(u.score)}"
    if coverage_text(u) != "—":
        head += f"（已核验 {coverage_text(u)} 条规则）"
    if view.rank is not None:
        head += f"  第{view.rank}名"
    _title(ws, head, len(UNIT_COLUMNS))
    _header(ws, 2, UNIT_COLUMNS)
    for r, values in enumerate(_unit_rows(result, view.findings), 3):
        status = values[4]
        values[4] = STATUS_ZH[status] if status else "不适用"
        for c, v in enumerate(values, 1):
            if c == 5:
                _put(ws, r, c, v, _status_style(status))
            else:
                _put(ws, r, c, v, "center" if c in (1, 4) else "wrap")
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(UNIT_COLUMNS))}{max(ws.max_row, 2)}"


def render_xlsx(result: AuditResult) -> bytes:
    wb = Workbook()
    _styles(wb)
    views = unit_views(result)
    titles = sheet_names([v.summary.name for v in views])
    _summary_sheet(wb, result, {v.summary.id: t for v, t in zip(views, titles, strict=True)})
    _matrix_sheet(wb, result)
    for v, t in zip(views, titles, strict=True):
        _unit_sheet(wb, result, v, t)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["render_xlsx", "sheet_names"]
