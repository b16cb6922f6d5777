"""Write the binary inputs of the bad-input corpus (xlsx workbooks and fake Office files).

    python tests/bad_inputs/_make.py          # rewrites the committed files in place

The text inputs (YAML, CSV, HTML, TXT) are edited by hand. Inputs too big to commit
(the 100,000-row sheet, the zip bomb) are made at test time by the functions in
`GENERATED`, which tests/test_bad_inputs.py and tests/test_security.py call with the
path to write.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

HEADER = [
    "序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限",
    "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级", "更新日期",
]
ROW = [
    "最低生活保障", "办事指南", "最低生活保障标准、申请条件、办理流程",
    "《社会救助暂行办法》（国务院令第649号）", "信息形成或者变更之日起20个工作日内",
    "邹城市民政局", "政府网站", "全社会", "主动", "县级",
]
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _row(n: int, updated: object = None, **over: str) -> list[object]:
    cells = [n, *ROW, updated if updated is not None else dt.date(2024, 11, 20)]
    for i, name in enumerate(HEADER):
        if name in over:
            cells[i] = over[name]
    return cells


def _save(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps (document properties and zip entries), so that running
    this script again rewrites the committed files byte for byte."""
    wb.properties.created = dt.datetime(2024, 12, 1)
    wb.save(path)
    stamp = (2024, 12, 1, 0, 0, 0)
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2024-12-01T00:00:00Z<", data)
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)


def shifted_header(path: Path) -> None:
    """The header sits below row 15, past where readers look for it (20 lines of notes)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append(["邹城市民政局主动公开事项目录"])
    for i in range(19):
        ws.append([f"填报说明第{i + 1}条：请按标准目录逐项填写"])
    ws.append(HEADER)
    ws.append(_row(1))
    _save(wb, path)


def merged_odd(path: Path) -> None:
    """Merged ranges where no catalog has them: one reaching from the header into the
    data, one across two data columns, one down a whole column, one beyond the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append(HEADER)
    for n in range(1, 7):
        ws.append(_row(n, 二级事项=f"事项{n}"))
    ws.merge_cells("L1:L3")  # 更新日期 header merged down into two data cells
    ws.merge_cells("E3:F3")  # 公开依据 and 公开时限 of one row as one cell
    ws.merge_cells("H2:H7")  # 公开主体 merged down the whole table
    ws.merge_cells("N2:P9")  # a block to the right of and below the table
    ws["N2"] = "审核人：张三"
    _save(wb, path)


def empty_sheet(path: Path) -> None:
    wb = Workbook()
    wb.active.title = "目录"
    _save(wb, path)


def text_in_date(path: Path) -> None:
    """An 更新日期 cell holding words instead of a date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append(HEADER)
    ws.append(_row(1))
    ws.append(_row(2, updated="去年年底", 二级事项="审批信息"))
    _save(wb, path)


def ledger_bad_date(path: Path) -> None:
    """A ledger sheet whose 日期 cell of row 4 is words."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["市民政局政务公开工作台账"])
    ws.append(["单位：市民政局"])
    ws.append(["类型", "日期", "标题", "备注"])
    ws.append(["专题会议", "三月中旬", "2024年政务公开工作专题会议", ""])
    _save(wb, path)


def corrupt(path: Path) -> None:
    """A real workbook cut in half: the zip's central directory is gone."""
    tmp = path.with_suffix(".tmp.xlsx")
    text_in_date(tmp)
    data = tmp.read_bytes()
    tmp.unlink()
    path.write_bytes(data[: len(data) // 2])


def encrypted(path: Path) -> None:
    """What Excel writes for a workbook with an open password: an OLE compound file
    holding the streams EncryptionInfo and EncryptedPackage (contents made up)."""
    names = b"".join(n.encode("utf-16-le") + b"\0\0" for n in ("EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(OLE_MAGIC + bytes(504) + names + bytes(1024))


def old_xls(path: Path) -> None:
    """An Excel 97-2003 file (an OLE compound file without encryption streams)."""
    path.write_bytes(OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(1024))


_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_BOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="目录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)


def big_catalog(path: Path, rows: int = 100_000) -> None:
    """A catalog of `rows` item rows under the standard header (made at test time).

    The sheet XML is written directly, with shared strings as Excel writes them:
    openpyxl's own writer needs about a minute for 1.2 million cells, this a second.
    """
    strings: dict[str, int] = {}
    letters = "ABCDEFGHIJKL"

    def row(r: int, values: list[object]) -> str:
        cells = []
        for col, v in zip(letters, values):
            if isinstance(v, int):
                cells.append(f'<c r="{col}{r}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{col}{r}" t="s"><v>{strings.setdefault(str(v), len(strings))}</v></c>')
        return f'<row r="{r}">{"".join(cells)}</row>'

    body = [row(1, HEADER)]
    body += [row(n + 1, [n, "最低生活保障", f"事项{n}", *ROW[2:], "2024-11-20"]) for n in range(1, rows + 1)]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(body)
        + "</sheetData></worksheet>"
    )
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _BOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        zf.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>',
        )
        zf.writestr("xl/worksheets/sheet1.xml", sheet)


def big_csv(path: Path, rows: int = 100_000) -> None:
    """The same catalog as UTF-8 CSV (made at test time)."""
    lines = [",".join(HEADER)]
    lines += [",".join([str(n), "最低生活保障", f"事项{n}", *ROW[2:], "2024-11-20"]) for n in range(1, rows + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def zip_bomb(path: Path, megabytes: int = 300) -> None:
    """An xlsx-shaped zip whose sheet XML inflates to `megabytes` MB (made at test time).

    The sheet is streamed into the archive in chunks, so writing it needs no memory;
    the file itself is a few hundred KB.
    """
    chunk = b"<!-- " + b"A" * (1024 * 1024 - 9) + b" -->"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)


COMMITTED: dict[str, Callable[[Path], None]] = {
    "catalogs/shifted_header.xlsx": shifted_header,
    "catalogs/merged_odd.xlsx": merged_odd,
    "catalogs/empty_sheet.xlsx": empty_sheet,
    "catalogs/text_in_date.xlsx": text_in_date,
    "catalogs/corrupt.xlsx": corrupt,
    "catalogs/encrypted.xlsx": encrypted,
    "catalogs/old_format.xls": old_xls,
    "ledgers/市民政局_bad_date.xlsx": ledger_bad_date,
}

GENERATED: dict[str, Callable[[Path], None]] = {
    "big_catalog": big_catalog,
    "big_csv": big_csv,
    "zip_bomb": zip_bomb,
}


def main(argv: list[str]) -> int:
    for rel, make in COMMITTED.items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)
        print(f"wrote {rel} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
