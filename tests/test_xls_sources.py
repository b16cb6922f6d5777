"""Excel 97-2003 workbooks (.xls, real files written by xlwt): a catalog and a ledger read
exactly as the same sheet saved as xlsx (by openpyxl) is read; an .xls saved under an
.xlsx name is read too; a damaged one is refused with a message naming the file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwt

from gkcheck.errors import CatalogError, SourceError
from gkcheck.sources.catalog import load_catalog
from gkcheck.sources.ledger import ledger_unit, load_ledger

REPO = Path(__file__).resolve().parents[1]

# A catalog laid out like the standard directories: a title merged across, a two-row
# header with merged parents and √ marks, 一级事项 merged down, a date, a number, a note.
CATALOG_ROWS = [
    ["市民政局主动公开事项目录", None, None, None, None, None, None, None],
    ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开对象", None, "更新日期"],
    [None, "一级事项", "二级事项", None, None, "全社会", "特定群体", None],
    [1, "社会救助", "最低生活保障", "低保标准、申请条件、办理流程", "《社会救助暂行办法》", "√", None, dt.date(2024, 6, 24)],
    [2, None, "特困人员救助供养", "救助供养标准", "《社会救助暂行办法》", None, "√", dt.date(2024, 5, 6)],
    [3, "养老服务", "养老机构", "养老机构名录", "《养老机构管理办法》", "√", None, "2024年3月1日"],
    ["注：本目录每年更新", None, None, None, None, None, None, None],
]
CATALOG_MERGES = [(1, 1, 1, 8), (2, 2, 2, 3), (2, 6, 2, 7), (2, 1, 3, 1), (2, 4, 3, 4), (2, 5, 3, 5), (2, 8, 3, 8), (4, 2, 5, 2)]

LEDGER_ROWS = [
    ["市民政局政务公开工作台账"],
    ["填报单位：市民政局"],
    ["序号", "类型", "日期", "标题", "链接", "备注"],
    [1, "专题会议", dt.datetime(2024, 3, 22), "政务公开工作专题会议", None, "局党组会议"],
    [2, "政策评价", "2024年7月15日", "低保审核确认细则实施效果评价", "http://127.0.0.1/pj/1.html"],
    [3, None, dt.datetime(2024, 11, 5, 9, 30), "临时救助政策实施效果评价", "http://127.0.0.1/pj/2.html"],
]
LEDGER_MERGES = [(5, 2, 6, 2)]


def write_xls(path: Path, rows: list[list], merges: list[tuple[int, int, int, int]], sheet: str = "目录") -> Path:
    """rows (None = no cell) and merges (min_row, min_col, max_row, max_col, 1-based) as an .xls."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    times = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    merged = {(r1, c1) for r1, c1, _, _ in merges}
    covered = {(r, c) for r1, c1, r2, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - merged
    for r1, c1, r2, c2 in merges:
        value = rows[r1 - 1][c1 - 1] if c1 <= len(rows[r1 - 1]) else None
        ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, "" if value is None else value)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is None or (r, c) in merged or (r, c) in covered:
                continue
            if isinstance(value, dt.datetime):
                ws.write(r - 1, c - 1, value, times)
            elif isinstance(value, dt.date):
                ws.write(r - 1, c - 1, value, dates)
            else:
                ws.write(r - 1, c - 1, value)
    wb.save(str(path))
    return path


def write_xlsx(path: Path, rows: list[list], merges: list[tuple[int, int, int, int]], sheet: str = "目录") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(path)
    return path


def _items(catalog):
    return [item.model_dump(exclude={"pos"}) | {"row": item.pos.row, "sheet": item.pos.sheet} for item in catalog.items]


def test_xls_catalog_reads_as_the_same_xlsx(tmp_path):
    xls = load_catalog(write_xls(tmp_path / "市民政局目录.xls", CATALOG_ROWS, CATALOG_MERGES), base=tmp_path)
    xlsx = load_catalog(write_xlsx(tmp_path / "市民政局目录.xlsx", CATALOG_ROWS, CATALOG_MERGES), base=tmp_path)
    assert _items(xls) == _items(xlsx)
    assert [(i.level1, i.level2, i.updated) for i in xls.items] == [
        ("社会救助", "最低生活保障", dt.date(2024, 6, 24)),
        ("社会救助", "特困人员救助供养", dt.date(2024, 5, 6)),  # 一级事项 merged down
        ("养老服务", "养老机构", dt.date(2024, 3, 1)),
    ]
    assert xls.items[0].seq == "1" and xls.items[0].audience == xlsx.items[0].audience
    assert xls.items[0].pos.location() == "市民政局目录.xls:目录!4"
    assert (xls.title, xls.warnings) == (xlsx.title, xlsx.warnings)


def test_xls_under_an_xlsx_name_is_read(tmp_path):
    # offices rename files: an .xls saved as "….xlsx" is read for what it is
    path = write_xls(tmp_path / "real.xls", CATALOG_ROWS, CATALOG_MERGES)
    renamed = tmp_path / "市民政局目录.xlsx"
    path.rename(renamed)
    assert len(load_catalog(renamed).items) == 3


def test_xls_ledger_reads_as_the_same_xlsx(tmp_path):
    xls = write_xls(tmp_path / "台账.xls", LEDGER_ROWS, LEDGER_MERGES, sheet="2024年台账")
    xlsx = write_xlsx(tmp_path / "台账.xlsx", LEDGER_ROWS, LEDGER_MERGES, sheet="2024年台账")
    a, b = load_ledger(xls, base=tmp_path), load_ledger(xlsx, base=tmp_path)
    assert [(e.kind, e.date, e.title, e.link, e.note, e.pos.row) for e in a] == [
        (e.kind, e.date, e.title, e.link, e.note, e.pos.row) for e in b
    ]
    assert [(e.kind, e.date) for e in a] == [
        ("专题会议", dt.date(2024, 3, 22)), ("政策评价", dt.date(2024, 7, 15)), ("政策评价", dt.date(2024, 11, 5)),
    ]  # fmt: skip
    assert ledger_unit(xls) == "市民政局"


@pytest.mark.parametrize("content", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage"])
def test_damaged_xls_is_refused_naming_the_file(tmp_path, content):
    path = tmp_path / "坏目录.xls"
    path.write_bytes(content)
    with pytest.raises(CatalogError) as err:
        load_catalog(path, base=tmp_path)
    assert "坏目录.xls" in err.value.render() and "无法读取 Excel 97-2003（.xls）文件" in err.value.render()
    (tmp_path / "坏台账.xls").write_bytes(content)
    with pytest.raises(SourceError) as err:
        load_ledger(tmp_path / "坏台账.xls", base=tmp_path)
    assert "坏台账.xls" in err.value.render()


def test_validate_command_on_an_xls_catalog(tmp_path):
    path = write_xls(tmp_path / "市民政局目录.xls", CATALOG_ROWS, CATALOG_MERGES)
    out = subprocess.run(
        [sys.executable, "-m", "gkcheck.cli", "validate", str(path), "--unit", "市民政局",
         "--rules", str(REPO / "rules" / "zoucheng-2024"), "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert out.returncode in (0, 1), out.stderr  # 1: some catalog rule fails, as on the xlsx
    assert "Traceback" not in out.stderr
    findings = json.loads(out.stdout)["findings"]
    # the catalog was read: its rules were judged on it, with the .xls as their evidence
    judged = [f for f in findings if f["status"] in ("pass", "fail") and f["check"].startswith("catalog.")]
    assert judged and any(e.get("location", "").endswith("市民政局目录.xls") for f in judged for e in f["evidence"])
