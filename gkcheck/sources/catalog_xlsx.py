"""Reading a catalog from an xlsx workbook laid out like the State Council's
基层政务公开标准目录: a title row (and perhaps a unit/date line) above a one- or
two-row header with merged parents, "√" marks, 一级事项 merged down over its rows,
blank and note rows, and perhaps several sheets.

The sheets' texts and merged ranges come from `xlsx_open.read_sheet_grids` (read from
the XML directly; openpyxl in full mode for a workbook that reader does not expect).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from gkcheck.errors import CatalogError
from gkcheck.model.catalog import Catalog, CatalogItem
from gkcheck.sources.catalog_headers import (
    HEADER_HINT,
    HEADER_SCAN_ROWS,
    HeaderLayout,
    find_header,
)
from gkcheck.sources.catalog_table import TableRow, build_items, title_and_updated
from gkcheck.sources.xlsx_grid import Merge, SheetGrid
from gkcheck.sources.xlsx_open import read_sheet_grids


def read_xlsx(path: Path, display: str) -> Catalog:
    return _read_workbook(read_sheet_grids(path, display, CatalogError), display)


def _read_workbook(sheets: list[SheetGrid], display: str) -> Catalog:
    items: list[CatalogItem] = []
    warnings: list[str] = []
    title = ""
    updated: dt.date | None = None
    read = 0
    empty: list[str] = []
    for ws in sheets:
        texts, merges = ws.texts, ws.merges
        if not texts:
            empty.append(ws.title)
            continue
        layout = find_header(_header_view(texts, merges))
        if layout is None:
            warnings.append(f"工作表「{ws.title}」未找到目录表头，已跳过")
            continue
        read += 1
        sheet_items, notes = build_items(_body_rows(texts, merges, layout), layout, display, ws.title)
        if not sheet_items:
            notes.append(f"工作表「{ws.title}」表头下没有事项")
        items += sheet_items
        warnings += notes
        sheet_title, sheet_updated = title_and_updated(texts[: layout.top], display, ws.title)
        title = title or sheet_title
        updated = updated or sheet_updated
    if not read:
        if len(empty) == len(sheets):
            names = "、".join(f"「{n}」" for n in empty)
            raise CatalogError(f"工作表{names}是空的，没有目录内容", display)
        names = "、".join(f"「{ws.title}」" for ws in sheets)
        raise CatalogError(f"{HEADER_HINT}；已查看工作表{names}的前{HEADER_SCAN_ROWS}行", display)
    warnings += [f"工作表「{n}」是空的，已跳过" for n in empty]
    return Catalog(path=display, title=title, updated=updated, items=items, warnings=warnings)


def _header_view(texts: list[list[str]], merges: list[Merge]) -> list[list[str]]:
    """The rows where a header may be, with every merged range filled with its value."""
    limit = min(len(texts), HEADER_SCAN_ROWS + 1)
    view = [list(r) for r in texts[:limit]]
    for r1, c1, r2, c2 in merges:
        if r1 > limit:
            continue
        value = texts[r1 - 1][c1 - 1] if r1 <= len(texts) and c1 <= len(texts[r1 - 1]) else ""
        for r in range(r1, min(r2, limit) + 1):
            for c in range(c1, min(c2, len(view[r - 1])) + 1):
                view[r - 1][c - 1] = value
    return view


def _body_rows(texts: list[list[str]], merges: list[Merge], layout: HeaderLayout) -> list[TableRow]:
    """All rows as `TableRow`s, with merged ranges of the body resolved.

    A range spanning most of the table marks its rows as a title/note line; any other
    range carries its value down its first column (一级事项, or a 公开依据 shared by
    several rows), leaving the copies marked as not the row's own text.
    """
    rows = [TableRow(number=i + 1, cells=list(t)) for i, t in enumerate(texts)]
    wide = max(3, math.ceil(0.6 * layout.width))
    for r1, c1, r2, c2 in merges:
        if r1 <= layout.first_data or r1 > len(rows):
            continue  # header ranges are resolved by _header_view
        if c2 - c1 + 1 >= wide:
            for r in range(r1, min(r2, len(rows)) + 1):
                rows[r - 1].wide_merge = True
            continue
        value = rows[r1 - 1].cells[c1 - 1] if c1 <= len(rows[r1 - 1].cells) else ""
        for r in range(r1 + 1, min(r2, len(rows)) + 1):
            if c1 <= len(rows[r - 1].cells):
                rows[r - 1].cells[c1 - 1] = value
                rows[r - 1].own[c1 - 1] = False
    return rows
