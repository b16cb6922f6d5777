"""Reading an Excel 97-2003 workbook (.xls, as offices and WPS still save catalogs and
ledgers) into the same sheet grids as an xlsx (`xlsx_grid.SheetGrid`), with xlrd.

Cell texts as `xlsx_open.cell_text` gives them for an xlsx: dates as 2024-06-24 (date
cells by their number format), 5.0 as 5, text stripped; a cell covered by a merged range,
other than its top-left one, is blank. An encrypted, corrupt or oversized workbook is
refused with the error the caller names, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gkcheck.errors import GkError
from gkcheck.sources.xlsx_grid import SheetGrid
from gkcheck.sources.xlsx_open import cell_text

# An .xls holds at most 65,536 rows × 256 columns; a file larger than this is no catalog.
MAX_XLS_BYTES = 50 * 1024 * 1024
# Blank rows in a row after which the rest of a sheet is not read (as for an xlsx).
BLANK_RUN_LIMIT = 1000


def read_xls_grids(path: Path, display: str, error: type[GkError]) -> list[SheetGrid]:
    """Every worksheet's title, cell texts and merged ranges (1-based, inclusive)."""
    import xlrd  # only when an .xls is read

    size = path.stat().st_size
    if size > MAX_XLS_BYTES:
        raise error(f"文件过大（{size / 1024 / 1024:.0f} MB），不像一份目录或台账；请检查文件", display)
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise error("工作簿已加密（设置了打开密码），请取消密码后另存再检查", display) from None
        raise error(f"无法读取 Excel 97-2003（.xls）文件（{exc}）；请在 Excel 或 WPS 中打开后另存为 .xlsx", display) from None
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds on a damaged file
        raise error(f"无法读取 Excel 97-2003（.xls）文件，文件可能已损坏（{type(exc).__name__}）；请在 Excel 或 WPS 中打开后另存为 .xlsx", display) from None
    try:
        return [_grid(book, i) for i in range(book.nsheets)]
    except Exception as exc:  # noqa: BLE001
        raise error(f"无法读取 Excel 97-2003（.xls）文件中的工作表，文件可能已损坏（{type(exc).__name__}）；请在 Excel 或 WPS 中打开后另存为 .xlsx", display) from None
    finally:
        book.release_resources()


def _grid(book, index: int) -> SheetGrid:
    import xlrd

    sheet = book.sheet_by_index(index)
    rows: list[list[str]] = []
    blank_run = 0
    for r in range(sheet.nrows):
        texts = [_text(book, sheet.cell(r, c), xlrd) for c in range(sheet.ncols)]
        if any(texts):
            rows.extend([[] for _ in range(blank_run)])
            blank_run = 0
            rows.append(texts)
        else:
            blank_run += 1
            if blank_run > BLANK_RUN_LIMIT:
                break
    merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells if rlo < len(rows)]
    for r1, c1, r2, c2 in merges:  # only the top-left cell of a merged range holds its value
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            for c in range(c1 if r > r1 else c1 + 1, min(c2, len(row)) + 1):
                row[c - 1] = ""
    width = max([len(r) for r in rows] + [c2 for _, _, _, c2 in merges], default=0)
    book.unload_sheet(index)
    return SheetGrid(sheet.name, [r + [""] * (width - len(r)) for r in rows], merges)


def _text(book, cell, xlrd) -> str:
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_DATE:
        try:
            when = xlrd.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell_text(value)
        return cell_text(when if when.time() != dt.time(0, 0) else when.date())
    if kind == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERR")
    return cell_text(value)
