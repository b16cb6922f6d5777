"""Opening an xlsx safely, and turning worksheet cells into text.

Before openpyxl sees a file we check that it really is an Office Open XML zip: an
encrypted workbook (an OLE compound file holding `EncryptionInfo`), an old .xls, a
corrupt file and a zip bomb each get their own Chinese message.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gkcheck.errors import GkError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML we are willing to parse
MAX_RATIO = 100  # uncompressed size / file size
RATIO_FLOOR = 10 * 1024 * 1024  # below this many uncompressed bytes the ratio is harmless

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


def open_workbook(path: Path, display: str, error: type[GkError]) -> Workbook:
    """Open `path` with openpyxl (cached formula values, merged cells kept)."""
    _check_container(path, display, error)
    try:
        return openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a corrupt part can raise almost anything
        raise error(f"无法读取工作簿，文件可能已损坏（{type(exc).__name__}）", display) from None


def _check_container(path: Path, display: str, error: type[GkError]) -> None:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        data = path.read_bytes()
        if any(name in data for name in _ENCRYPTION_STREAMS):
            raise error("工作簿已加密（设置了打开密码），请取消密码后另存为 .xlsx 再检查", display)
        raise error("这是旧版 Excel 97-2003（.xls）文件，请在 Excel 中另存为 .xlsx", display)
    if not zipfile.is_zipfile(path):
        raise error("不是有效的 xlsx 文件（文件已损坏或不是 Excel 工作簿）", display)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise error("不是有效的 xlsx 文件（压缩包已损坏）", display) from None
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
