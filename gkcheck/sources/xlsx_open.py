"""Opening an xlsx safely, and turning worksheet cells into text.

Before openpyxl (or the direct reader, `xlsx_grid`) sees a file we check that it really
is an Office Open XML zip: an encrypted workbook (an OLE compound file holding
`EncryptionInfo`), an old .xls, a corrupt file, a zip bomb and a sheet far bigger than
any catalog or ledger each get their own Chinese message, before openpyxl spends minutes
and gigabytes on the file.

`read_sheet_grids` gives the catalog reader every sheet's texts and merged ranges: from
`xlsx_grid` when it reads the workbook, else from openpyxl in full mode (same result).
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gkcheck.errors import GkError
from gkcheck.sources.xlsx_grid import SheetGrid, read_grids

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML we are willing to parse
MAX_RATIO = 100  # uncompressed size / file size
RATIO_FLOOR = 10 * 1024 * 1024  # below this many uncompressed bytes the ratio is harmless
# Non-empty cells of one sheet we are willing to load: a catalog has a few hundred to a
# few thousand rows of about a dozen columns. openpyxl needs about 20 s and 500 MB for a
# million cells, so a 100,000-row sheet is refused before it is loaded.
MAX_CELLS = 200_000
KEEP_PART = 8 * 1024 * 1024  # sheet XML up to this size is read once and kept for the reader
_VALUE_TAGS = re.compile(rb"<(?:\w+:)?(?:v|is)>")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class _PlainXls(Exception):
    """The file is an OLE compound file but no encrypted xlsx: an Excel 97-2003 workbook."""


def _load(path: Path, display: str, error: type[GkError]) -> Workbook:
    try:
        return openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a corrupt part can raise almost anything
        raise error(f"无法读取工作簿，文件可能已损坏（{type(exc).__name__}）", display) from None


def read_sheet_grids(path: Path, display: str, error: type[GkError]) -> list[SheetGrid]:
    """Every worksheet's title, cell texts (`sheet_texts`) and merged ranges, of an xlsx
    or an Excel 97-2003 .xls (`xls_open`).

    Read straight from the XML (`xlsx_grid`, about ten times as fast); a workbook that
    reader does not expect is read with openpyxl, which gives the same result or the
    error the user sees. The container is checked first either way.
    """
    try:
        parts = _check_container(path, display, error)
    except _PlainXls:  # an Excel 97-2003 workbook, whatever its name says
        from gkcheck.sources.xls_open import read_xls_grids

        return read_xls_grids(path, display, error)
    try:
        return read_grids(path, parts)
    except Exception:  # anything unexpected: openpyxl decides
        log.debug("xlsx fast reader declined %s", display, exc_info=True)
    return openpyxl_grids(_load(path, display, error))


def openpyxl_grids(wb: Workbook) -> list[SheetGrid]:
    """`read_sheet_grids` of a workbook opened by openpyxl (in full mode); closes it."""
    try:
        return [
            SheetGrid(
                ws.title,
                sheet_texts(ws),
                [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges],
            )
            for ws in wb.worksheets
        ]
    finally:
        wb.close()


def _check_container(path: Path, display: str, error: type[GkError]) -> dict[str, bytes]:
    """Refuse what is no xlsx, an encrypted workbook, a zip bomb or an oversized sheet;
    return the XML of the sheets read while counting their cells (see `_check_cells`).
    An Excel 97-2003 workbook raises `_PlainXls` (read by `xls_open`)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        data = path.read_bytes()
        if any(name in data for name in _ENCRYPTION_STREAMS):
            raise error("工作簿已加密（设置了打开密码），请取消密码后另存为 .xlsx 再检查", display)
        raise _PlainXls()
    if not zipfile.is_zipfile(path):
        raise error("不是有效的 xlsx 文件（文件已损坏或不是 Excel 工作簿）", display)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise error("不是有效的 xlsx 文件（压缩包已损坏）", display) from None
    with zf:
        return _check_parts(zf, path, display, error)


def _check_parts(zf: zipfile.ZipFile, path: Path, display: str, error: type[GkError]) -> dict[str, bytes]:
    infos = zf.infolist()
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise error("不是有效的 xlsx 文件（缺少 [Content_Types].xml）", display)
    total = sum(info.file_size for info in infos)
    size = max(path.stat().st_size, 1)
    if total > MAX_UNCOMPRESSED or (total > RATIO_FLOOR and total / size > MAX_RATIO):
        raise error(
            f"文件解压后约 {total // (1024 * 1024)} MB，是文件大小的 {total // size} 倍，"
            "疑似压缩炸弹，拒绝读取",
            display,
        )
    return _check_cells(zf, display, error)


def _check_cells(zf: zipfile.ZipFile, display: str, error: type[GkError]) -> dict[str, bytes]:
    """Refuse a sheet with more than MAX_CELLS non-empty cells (counted by streaming its
    XML, so a huge sheet costs a second here instead of minutes in openpyxl).

    Returns the XML of the sheets small enough to keep (KEEP_PART bytes), so that the
    reader does not inflate them a second time.
    """
    kept: dict[str, bytes] = {}
    for info in zf.infolist():
        part = info.filename
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        try:
            if info.file_size <= KEEP_PART:  # the declared size: zipfile inflates no more than it
                data = zf.read(info)
                kept[part] = data
                count = _count_tags(data)
            else:
                count = _count_streamed(zf, info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            raise error("不是有效的 xlsx 文件（压缩包已损坏）", display) from None
        if count > MAX_CELLS:
            sheet = _sheet_names(zf).get(part, posixpath.basename(part))
            raise error(
                f"工作表「{sheet}」的非空单元格超过上限 {MAX_CELLS:,} 个，拒绝读取"
                "（主动公开事项目录和工作台账通常只有几百到几千行）；请确认选择的文件无误，"
                "或按领域拆分为多个文件后再检查",
                display,
            )
    return kept


def _count_tags(data: bytes) -> int:
    """`len(_VALUE_TAGS.findall(data))`: plain substring counts unless a tag has a prefix."""
    if b":v>" in data or b":is>" in data:
        return len(_VALUE_TAGS.findall(data))
    return data.count(b"<v>") + data.count(b"<is>")


def _count_streamed(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Value tags in a large sheet part, read a megabyte at a time (stops past MAX_CELLS)."""
    count = 0
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            # a tag cut by the chunk boundary starts at the last "<": carry it over
            cut = data.rfind(b"<")
            if cut == -1 or len(data) - cut > 16:
                cut = len(data)
            count += len(_VALUE_TAGS.findall(data, 0, cut))
            tail = data[cut:]
            if count > MAX_CELLS:
                break
    return count


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name as Excel shows it (best effort)."""
    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = target
    out = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_NS_REL}id"))
        if part:
            out[part] = sheet.get("name") or part
    return out


def cell_text(value: object) -> str:
    """A cell value as the text a reader sees (dates as 2024-06-24, 5.0 as 5)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sheet_texts(ws: Worksheet, blank_run_limit: int = 1000) -> list[list[str]]:
    """The sheet's cell texts row by row (row i of the list is Excel row i+1).

    Trailing blank rows are dropped; scanning stops after `blank_run_limit` blank rows
    in a row, so a sheet formatted down to row 1048576 does not make us read a million
    empty rows.
    """
    rows: list[list[str]] = []
    blank_run = 0
    for values in ws.iter_rows(min_row=1, max_row=ws.max_row, values_only=True):
        texts = [cell_text(v) for v in values]
        if any(texts):
            rows.extend([[]] * blank_run)
            blank_run = 0
            rows.append(texts)
        else:
            blank_run += 1
            if blank_run > blank_run_limit:
                break
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]
