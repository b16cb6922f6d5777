"""Reading a catalog from CSV: UTF-8 (with or without BOM), UTF-16 with BOM, or
GBK/GB18030 as Excel on a Chinese Windows writes it. Row numbers are record numbers
counted from 1, i.e. the row a spreadsheet shows when it opens the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gkcheck.errors import CatalogError
from gkcheck.model.catalog import Catalog
from gkcheck.sources.catalog_headers import HEADER_HINT, HEADER_SCAN_ROWS, find_header
from gkcheck.sources.catalog_table import (
    MAX_ITEMS,
    TableRow,
    build_items,
    title_and_updated,
    too_many_rows,
)


def read_csv(path: Path, display: str) -> Catalog:
    text = decode(path.read_bytes(), display)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    strip = str.strip
    rows = [TableRow(number=i, cells=list(map(strip, rec))) for i, rec in enumerate(records, 1)]
    if not any(any(r.cells) for r in rows):
        raise CatalogError("文件是空的，没有目录内容", display)
    filled = sum(1 for r in rows if any(r.cells))
    if filled > MAX_ITEMS + HEADER_SCAN_ROWS:  # refused before the rows are read as items
        raise CatalogError(too_many_rows(filled), display)
    layout = find_header([r.cells for r in rows])
    if layout is None:
        raise CatalogError(f"{HEADER_HINT}；已查看前{HEADER_SCAN_ROWS}行", display)
    items, warnings = build_items(rows, layout, display, None)
    if not items:
        warnings.append("表头下没有事项")
    title, updated = title_and_updated([r.cells for r in rows[: layout.top]], display, None)
    return Catalog(path=display, title=title, updated=updated, items=items, warnings=warnings)


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
