"""Reading a catalog from CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or
GBK/GB18030 as Excel on a Chinese Windows writes it. Row numbers are record numbers
counted from 1, i.e. the row a spreadsheet shows when it opens the file."""

from __future__ import annotations

import csv
import io
from itertools import count, repeat
from pathlib import Path

from gkcheck.errors import CatalogError
from gkcheck.model.catalog import Catalog
from gkcheck.sources.catalog_headers import HEADER_HINT, HEADER_SCAN_ROWS, find_header
from gkcheck.sources.catalog_table import (
    MAX_ITEMS,
    build_body,
    title_and_updated,
    too_many_rows,
)


def read_csv(path: Path, display: str) -> Catalog:
    text = decode(path.read_bytes(), display)
    rows = cell_rows(text, _delimiter(text))  # row i+1's cells
    filled = sum(map(any, rows))
    if not filled:
        raise CatalogError("文件是空的，没有目录内容", display)
    if filled > MAX_ITEMS + HEADER_SCAN_ROWS:  # refused before the rows are read as items
        raise CatalogError(too_many_rows(filled), display)
    layout = find_header(rows)
    if layout is None:
        raise CatalogError(f"{HEADER_HINT}；已查看前{HEADER_SCAN_ROWS}行", display)
    start = layout.first_data
    # every cell a row's own, no merges: (number, cells, own=None, wide_merge=False)
    body = zip(count(start + 1), rows[start:], repeat(None), repeat(False))
    items, warnings = build_body(body, layout, display, None)
    if not items:
        warnings.append("表头下没有事项")
    title, updated = title_and_updated(rows[: layout.top], display, None)
    return Catalog(path=display, title=title, updated=updated, items=items, warnings=warnings)


def cell_rows(text: str, delimiter: str) -> list[list[str]]:
    """The cells of each record, stripped: `[list(map(str.strip, r)) for r in records(...)]`,
    leaving alone the lines without whitespace (most of a catalog's)."""
    lines = _plain_lines(text)
    if lines is None:
        return [list(map(str.strip, rec)) for rec in records(text, delimiter)]
    rows = []
    for line in lines:
        if not line:
            rows.append([])
        elif line.split() == [line]:  # no whitespace anywhere in the line
            rows.append(line.split(delimiter))
        else:
            rows.append(list(map(str.strip, line.split(delimiter))))
    return rows


def records(text: str, delimiter: str) -> list[list[str]]:
    """`list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))`."""
    lines = _plain_lines(text)
    if lines is None:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return [line.split(delimiter) if line else [] for line in lines]


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a text the CSV reader would only split into lines (at \\r\\n, \\n or
    \\r; a blank line is an empty record) and the lines at the delimiter, as str.split
    does several times faster: one without a quote character. None for text with quotes,
    a lone \\r, a NUL (which the reader refuses) or room for a field over the reader's
    size limit: that text is the reader's."""
    if '"' in text or "\x00" in text or len(text) > csv.field_size_limit():
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    lines = text.split("\n")
    if lines[-1] == "":  # the line break ending the last line starts no record
        lines.pop()
    return lines


def decode(data: bytes, display: str) -> str:
    """The file's text; UTF-8 first, then GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        if b"\x00" in data:
            raise CatalogError("不是文本格式的 CSV 文件（含有二进制内容）", display)
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogError(
        f"无法识别文件编码（已尝试 {' 和 '.join(e.upper() for e in encodings)}），"
        "请另存为 UTF-8 编码的 CSV",
        display,
    )


def _delimiter(text: str) -> str:
    """Tab for Excel's "Unicode text" export, comma otherwise."""
    sample = text[:4096]
    return "\t" if sample.count("\t") > sample.count(",") else ","
