"""Catalog loading from xlsx, CSV and YAML: layouts units really publish, exact positions,
and a Chinese error naming the file for every way a catalog can be unreadable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gkcheck.errors import CatalogError
from gkcheck.sources.catalog import load_catalog
from gkcheck.sources.catalog_table import checked_channels

REPO = Path(__file__).resolve().parents[1]
CATALOGS = REPO / "catalogs"
HAN = re.compile(r"[\u4e00-\u9fff]")

BASIS = "《社会救助暂行办法》（国务院令第649号）"
T10 = "信息形成或变更之日起10个工作日内"

# The header of the State Council's standard directory table, two rows.
TOP = ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
       "公开对象", None, "公开方式", None, "公开层级", None, "备注"]
SUB = [None, "一级事项", "二级事项", None, None, None, None, None,
       "全社会", "特定群体", "主动", "依申请", "县级", "乡级", None]


def write_two_row_header(ws, row: int, top=TOP, sub=SUB) -> None:
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        ws.cell(row, c, a)
        ws.cell(row + 1, c, b)
        if a and not b:
            ws.merge_cells(start_row=row, start_column=c, end_row=row + 1, end_column=c)
    for c in (2, 9, 11, 13):
        ws.merge_cells(start_row=row, start_column=c, end_row=row, end_column=c + 1)


def put(ws, row: int, values: list) -> None:
    for c, v in enumerate(values, start=1):
        if v is not None:
            ws.cell(row, c, v)


def standard_workbook(path: Path) -> Path:
    """Title row, unit/date line, two-row merged header, √ marks, 一级事项 merged down,
    a blank row, a note row merged across and a 填表人 line in the first cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "社会救助"
    ws.cell(1, 1, "邹城市民政局主动公开事项目录（社会救助领域）")
    ws.merge_cells("A1:O1")
    ws.cell(2, 1, "填报单位：邹城市民政局")
    ws.cell(2, 13, "更新日期：2024年11月20日")
    ws.merge_cells("M2:O2")
    write_two_row_header(ws, 3)
    put(ws, 5, [1, "最低生活保障", "政策法规文件", "低保政策文件及解读", BASIS, T10, "市民政局", "政府网站",
                "√", None, "√", None, "√", None])
    put(ws, 6, [2, None, "办事指南", "最低生活保障标准；申请条件", BASIS, T10, "市民政局", "政府网站、便民服务站",
                "√", "√", "✓", None, "√", "√", "标准每年调整"])
    put(ws, 7, [3, None, "审核信息", "初审对象名单", BASIS, "审核后公示7个工作日", "各镇街", "村务公开栏",
                None, "●", "是", None, None, "√"])
    ws.merge_cells("B5:B7")
    put(ws, 8, [4, "特困人员救助供养", "办事指南", "救助供养标准", BASIS, T10, "市民政局", "政府网站",
                "√", None, None, "√", "√", None])
    # row 9 blank
    ws.cell(10, 1, "注：本目录依据民办函〔2019〕52号编制。")
    ws.merge_cells("A10:O10")
    ws.cell(11, 1, "填表人：张三")
    wb.save(path)
    return path


def test_standard_layout(tmp_path):
    path = standard_workbook(tmp_path / "民政局目录.xlsx")
    cat = load_catalog(path, unit="市民政局", base=tmp_path)

    assert cat.title == "邹城市民政局主动公开事项目录（社会救助领域）"
    assert cat.updated == dt.date(2024, 11, 20)
    assert cat.unit == "市民政局"
    assert cat.path == "民政局目录.xlsx"
    assert [(i.pos.row, i.level1, i.level2) for i in cat.items] == [
        (5, "最低生活保障", "政策法规文件"),
        (6, "最低生活保障", "办事指南"),
        (7, "最低生活保障", "审核信息"),
        (8, "特困人员救助供养", "办事指南"),
    ]
    first, guide, review, tekun = cat.items
    assert first.pos.location() == "民政局目录.xlsx:社会救助!5"
    assert (first.audience, first.mode, first.level) == ("全社会", "主动", "县级")
    assert (guide.audience, guide.mode, guide.level) == ("全社会、特定群体", "主动", "县级、乡级")
    assert (review.audience, review.mode, review.level) == ("特定群体", "主动", "乡级")
    assert (tekun.mode, tekun.level) == ("依申请", "县级")
    assert guide.seq == "2"
    assert guide.content == "最低生活保障标准；申请条件"
    assert guide.basis == BASIS and guide.time_limit == T10
    assert guide.channels == "政府网站、便民服务站"
    assert guide.extra == {"备注": "标准每年调整"}
    assert first.extra == {}
    assert cat.warnings == []


def test_rows_are_exact(tmp_path):
    path = standard_workbook(tmp_path / "目录.xlsx")
    cat = load_catalog(path)
    ws = openpyxl.load_workbook(path)["社会救助"]
    for item in cat.items:
        assert item.pos.sheet == "社会救助"
        assert ws.cell(item.pos.row, 3).value == item.level2
        assert ws.cell(item.pos.row, 4).value == item.content


@pytest.mark.parametrize(
    ("content", "channels", "audience", "mode", "level"),
    [
        ("公开内容(要素)", "公开渠道", "特定群众", "依申请公开", "镇级"),
        ("公开内容（要素）", "公开渠道和载体", "特定群体", "依申请", "乡级"),
        ("公开内容\n（要素）", "公开载体", "特定群体", "依申请公开", "乡、村级"),
        ("要素", "公开渠道及载体", "特定群众", "依申请", "乡镇级"),
    ],
)
def test_header_variants(tmp_path, content, channels, audience, mode, level):
    top = list(TOP)
    sub = list(SUB)
    top[3], top[7] = content, channels
    sub[9], sub[11], sub[13] = audience, mode, level
    wb = openpyxl.Workbook()
    ws = wb.active
    write_two_row_header(ws, 1, top, sub)  # no title row at all
    put(ws, 3, [1, "就业政策法规", "政策文件", "就业创业政策文件", "《中华人民共和国就业促进法》", "实时",
                "市人社局", "政府网站", None, "√", None, "√", None, "√"])
    wb.save(tmp_path / "v.xlsx")
    (item,) = load_catalog(tmp_path / "v.xlsx").items
    assert item.pos.row == 3
    assert item.content == "就业创业政策文件"
    assert item.channels == "政府网站"
    assert (item.audience, item.mode, item.level) == ("特定群体", "依申请", "乡级")


def test_unusual_sub_header_is_its_own_value(tmp_path):
    top = TOP[:13] + [None, None]  # 公开层级 over three sub-columns, the first unusual
    sub = SUB[:12] + ["市级", "县级", "乡级"]
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, (a, b) in enumerate(zip(top, sub), start=1):
        ws.cell(1, c, a)
        ws.cell(2, c, b)
    put(ws, 3, [1, "综合业务", "监督检查", "投诉电话", BASIS, T10, "市民政局", "政府网站",
                "√", None, "√", None, "√", "√", None])
    wb.save(tmp_path / "u.xlsx")
    (item,) = load_catalog(tmp_path / "u.xlsx").items
    assert (item.pos.row, item.level) == (3, "市级、县级")


def test_one_row_header_keeps_values_as_written(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["邹城市教育和体育局主动公开事项目录"])
    ws.append(["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
               "公开对象", "公开方式", "公开层级"])
    ws.append([1, "招生入学", "招生计划", "招生计划数", "《中华人民共和国义务教育法》", "每年招生工作开始前",
               "市教体局", "政府网站", "全社会", "主动", "县级"])
    ws.append([2, "学生资助", "资助名单", "受助学生名单", "《中华人民共和国义务教育法》", "及时",
               "各学校", "学校公示栏", "特定群体", "公开", "县级"])
    wb.save(tmp_path / "one.xlsx")
    cat = load_catalog(tmp_path / "one.xlsx")
    assert cat.title == "邹城市教育和体育局主动公开事项目录"
    assert [(i.pos.row, i.audience, i.mode, i.time_limit) for i in cat.items] == [
        (3, "全社会", "主动", "每年招生工作开始前"),
        (4, "特定群体", "公开", "及时"),
    ]


def test_merged_ranges_and_blank_cells_carry_down_within_a_block(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级事项", "二级事项", "公开内容", "公开依据"])
    ws.append(["最低生活保障", "办事指南", "低保标准", BASIS])
    ws.append([None, "审核信息", "初审名单", None])  # 一级事项 blank below a value, no merge
    ws.append([None, "审批信息", "低保对象名单", None])
    ws.append([])  # a blank row ends the block ...
    ws.merge_cells("D2:D5")  # ... even though the 公开依据 merged over the rows above reaches it
    ws.append([None, "资金发放", "发放总额", "《中华人民共和国政府信息公开条例》"])
    wb.save(tmp_path / "m.xlsx")
    items = load_catalog(tmp_path / "m.xlsx").items
    assert [(i.pos.row, i.level1, i.level2, i.basis) for i in items] == [
        (2, "最低生活保障", "办事指南", BASIS),
        (3, "最低生活保障", "审核信息", BASIS),
        (4, "最低生活保障", "审批信息", BASIS),
        (6, "", "资金发放", "《中华人民共和国政府信息公开条例》"),
    ]


def test_heading_merged_across_the_table_is_no_item(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限"])
    ws.append(["一、社会救助"])
    ws.merge_cells("A2:F2")
    ws.append([1, "临时救助", "办事指南", "救助标准", BASIS, T10])
    ws.append([None, "养老服务"])  # a heading not in the first cell, merged across the table
    ws.merge_cells("B4:F4")
    ws.append([2, None, "补贴政策", "高龄津贴标准", BASIS, T10])
    wb.save(tmp_path / "h.xlsx")
    items = load_catalog(tmp_path / "h.xlsx").items
    assert [(i.pos.row, i.level1, i.level2) for i in items] == [(3, "临时救助", "办事指南"), (5, "", "补贴政策")]


def test_multiple_sheets(tmp_path):
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "社会救助"
    a.append(["序号", "一级事项", "二级事项", "公开内容", "公开依据"])
    a.append([1, "最低生活保障", "办事指南", "低保标准", BASIS])
    info = wb.create_sheet("填报说明")
    info.append(["填报说明"])
    info.append(["1.公开方式请在对应栏内打“√”。"])
    wb.create_sheet("Sheet3")  # empty
    b = wb.create_sheet("养老服务")
    b.append(["说明：养老服务领域"])
    b.append(["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据"])
    b.append([1, "养老服务", "补贴政策", "高龄津贴标准", "《中华人民共和国老年人权益保障法》"])
    b.append([2, "养老服务", "机构名录", "养老机构名称、地址", "《养老机构管理办法》"])
    wb.save(tmp_path / "s.xlsx")
    cat = load_catalog(tmp_path / "s.xlsx")
    assert [(i.pos.sheet, i.pos.row, i.level2) for i in cat.items] == [
        ("社会救助", 2, "办事指南"),
        ("养老服务", 3, "补贴政策"),
        ("养老服务", 4, "机构名录"),
    ]
    assert "工作表「填报说明」未找到目录表头，已跳过" in cat.warnings
    assert "工作表「Sheet3」是空的，已跳过" in cat.warnings


def test_channel_checklist_keeps_checked_entries():
    text = "■政府网站 □政府公报 ■两微一端 □发布会/听证会\n■社区/企事业单位/村公示栏（电子屏） □其他"
    assert checked_channels(text) == "政府网站、两微一端、社区/企事业单位/村公示栏（电子屏）"
    assert checked_channels("☑政府网站☐政府公报") == "政府网站"
    assert checked_channels("政府网站、政务新媒体") == "政府网站、政务新媒体"


def test_unknown_mark_is_a_warning_with_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    write_two_row_header(ws, 1)
    put(ws, 3, [1, "综合业务", "监督检查", "投诉电话", BASIS, T10, "市民政局", "政府网站",
                "√", None, "主动公开", None, "√", None])
    wb.save(tmp_path / "w.xlsx")
    cat = load_catalog(tmp_path / "w.xlsx")
    assert cat.items[0].mode == ""
    assert cat.warnings == ["工作表「Sheet」第3行「公开方式/主动」列应为“√”标记，实际为“主动公开”，已忽略"]


def test_item_update_dates_and_bad_date_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append(["一级事项", "二级事项", "公开内容", "公开依据", "更新日期"])
    ws.append(["临时救助", "办事指南", "救助标准", BASIS, dt.datetime(2024, 6, 24)])
    ws.append(["临时救助", "审核审批信息", "救助对象名单", BASIS, "2024年7月1日"])
    wb.save(tmp_path / "d.xlsx")
    assert [i.updated for i in load_catalog(tmp_path / "d.xlsx").items] == [
        dt.date(2024, 6, 24), dt.date(2024, 7, 1)]

    ws.append(["临时救助", "政策法规文件", "政策文件", BASIS, "2024年13月5日"])
    wb.save(tmp_path / "d.xlsx")
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path / "d.xlsx")
    msg = str(err.value)
    assert "d.xlsx" in msg and "第4行" in msg and "「更新日期」列" in msg and "目录!E4" in msg


# --- CSV ----------------------------------------------------------------------------

def test_csv_gbk_without_bom_two_row_header(tmp_path):
    rows = [
        ["序号", "公开事项", "", "公开内容(要素)", "公开依据", "公开时限", "公开对象", "", "公开方式", ""],
        ["", "一级事项", "二级事项", "", "", "", "全社会", "特定群体", "主动", "依申请"],
        ["1", "最低生活保障", "办事指南", "最低生活保障标准", BASIS, T10, "√", "", "√", ""],
        ["2", "", "审核信息", "初审对象名单\n（姓名、拟保障金额）", BASIS, "审核后公示7个工作日", "", "√", "√", ""],
        ["3", "临时救助", "审核审批信息", "救助对象名单", BASIS, T10, "√", "", "", "√"],
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = tmp_path / "民政局.csv"
    path.write_bytes(buf.getvalue().encode("gbk"))
    cat = load_catalog(path)
    assert [(i.pos.row, i.level1, i.level2, i.audience, i.mode) for i in cat.items] == [
        (3, "最低生活保障", "办事指南", "全社会", "主动"),
        (4, "最低生活保障", "审核信息", "特定群体", "主动"),
        (5, "临时救助", "审核审批信息", "全社会", "依申请"),
    ]
    assert cat.items[1].content == "初审对象名单\n（姓名、拟保障金额）"
    assert cat.items[0].pos.location() == f"{path}:3"


def test_csv_title_and_update_date_above_header(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("邹城市民政局主动公开事项目录,,\n更新日期：2024年11月20日,,\n一级事项,二级事项,公开内容\n"
                    "临时救助,办事指南,救助标准\n", encoding="utf-8")
    cat = load_catalog(path)
    assert (cat.title, cat.updated) == ("邹城市民政局主动公开事项目录", dt.date(2024, 11, 20))
    assert [(i.pos.row, i.level2) for i in cat.items] == [(4, "办事指南")]


def test_csv_utf8_bom_demo_rows_are_exact():
    path = CATALOGS / "市教育和体育局.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    cat = load_catalog(path, base=REPO)
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert len(cat.items) == 13
    for item in cat.items:
        assert item.pos.file == "catalogs/市教育和体育局.csv" and item.pos.sheet is None
        assert records[item.pos.row - 1][2] == item.level2
        assert records[item.pos.row - 1][3] == item.content
    modes = {i.level2: i.mode for i in cat.items}
    assert modes["资助名单"] == "公开"  # planted: not 主动/依申请
    assert "招生结果" not in modes  # planted: missing
    assert [i.level2 for i in cat.items if i.time_limit == "及时"] == ["咨询监督"]


def test_csv_undecodable(tmp_path):
    path = tmp_path / "乱码.csv"
    path.write_bytes("序号,公开内容\n".encode() + b"1,\x80\x80\x81 \n")
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert "乱码.csv" in str(err.value) and "编码" in str(err.value)


# --- YAML ---------------------------------------------------------------------------

def test_yaml_line_numbers_and_keys(tmp_path):
    path = tmp_path / "住建.yaml"
    path.write_text(
        "unit: 市住房和城乡建设局\n"
        "title: 住建局目录\n"
        "updated: 2024-11-20\n"
        "items:\n"
        "  - 一级事项: 住房保障\n"
        "    二级事项: 公租房保障办事指南\n"
        "    公开内容（要素）: 申请条件、申请材料\n"
        "    公开层级: [县级, 乡级]\n"
        "    备注: 每年复核\n"
        "\n"
        "  - level1: 城市综合执法\n"
        "    level2: 执法结果\n"
        "    mode: 公开\n"
        "    updated: 2024/6/3\n",
        encoding="utf-8",
    )
    cat = load_catalog(path, base=tmp_path)
    assert (cat.unit, cat.title, cat.updated) == ("市住房和城乡建设局", "住建局目录", dt.date(2024, 11, 20))
    a, b = cat.items
    assert (a.pos.file, a.pos.sheet, a.pos.row) == ("住建.yaml", None, 5)
    assert b.pos.row == 11 and b.pos.location() == "住建.yaml:11"
    assert a.content == "申请条件、申请材料" and a.level == "县级、乡级" and a.extra == {"备注": "每年复核"}
    assert (b.level1, b.level2, b.mode, b.updated) == ("城市综合执法", "执法结果", "公开", dt.date(2024, 6, 3))


def test_yaml_unit_argument_wins_with_warning(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("unit: 市民政局\nitems: []\n", encoding="utf-8")
    cat = load_catalog(path, unit="市卫生健康局")
    assert cat.unit == "市卫生健康局" and cat.items == []
    assert cat.warnings == ["文件声明的单位“市民政局”与指定的单位“市卫生健康局”不一致，按“市卫生健康局”处理"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unit: 市民政局\nitems:\n  - 一级事项: 低保\n    二级事项 办事指南\n", "缺少冒号"),
        ("unit: 市民政局\nitems:\n  - 一级事项: 低保\n\t二级事项: 办事指南\n", "第4行"),
        ("unit: 市民政局\nitems:\n  - 一级事项: 低保\n    公开依椐: 条例\n", "未知的键“公开依椐”"),
        ("unit: 市民政局\nitems:\n  - 一级事项: 低保\n    公开依椐: 条例\n", "第4行"),
        ("unit: 市民政局\nitem: []\n", "未知的键“item”"),
        ("unit: 市民政局\nitems: 低保\n", "键“items”应为列表"),
        ("- 低保\n- 特困\n", "键值映射"),
        ("unit: 市民政局\nupdated: 上个月\nitems: []\n", "日期“上个月”无法识别"),
        ("unit: 市民政局\nitems:\n  - 低保办事指南\n", "items 的第1项应为键值映射"),
    ],
)
def test_yaml_errors_name_key_and_line(tmp_path, text, expected):
    path = tmp_path / "坏目录.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert expected in str(err.value)
    assert "坏目录.yaml" in str(err.value)


# --- unreadable xlsx and other errors ----------------------------------------------------

def minimal_cfb(stream_names: list[str]) -> bytes:
    """A small but well-formed OLE compound file holding empty streams with these names."""
    sector = 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(sector)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    header[80:512] = b"\xff" * (512 - 80)
    fat = struct.pack("<II", fat_sect, end) + b"\xff" * (sector - 8)

    def entry(name: str, kind: int, left=free, right=free, child=free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[: len(raw)] = raw
        struct.pack_into("<HBBIII", e, 64, len(raw), kind, 1, left, right, child)
        struct.pack_into("<IQ", e, 116, end, 0)
        return bytes(e)

    entries = [entry("Root Entry", 5, child=1 if stream_names else free)]
    for i, name in enumerate(stream_names, start=1):
        entries.append(entry(name, 2, right=i + 1 if i < len(stream_names) else free))
    directory = b"".join(entries).ljust(sector, b"\0")
    return bytes(header) + fat + directory


def zip_bomb(tmp_path: Path) -> Path:
    """A real xlsx whose sheet XML is padded to 40 MB of blanks (it compresses to ~40 KB)."""
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["一级事项", "公开内容"])
    wb.save(good)
    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 40_000_000)
            dst.writestr(info.filename, data)
    return bomb


def error_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    cases: dict[str, tuple[Path, str]] = {}

    def case(name: str, filename: str, expected: str, make) -> None:
        path = tmp_path / filename
        make(path)
        cases[name] = (path, expected)

    case("missing", "不存在.xlsx", "文件不存在", lambda p: None)
    case("corrupt", "损坏.xlsx", "不是有效的 xlsx 文件", lambda p: p.write_bytes(b"PK\x03\x04 this is not a zip"))
    case("text", "文本.xlsx", "不是有效的 xlsx 文件", lambda p: p.write_text("序号,公开内容\n", encoding="utf-8"))

    def not_office(p):
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("readme.txt", "hello")

    case("zip", "普通压缩包.xlsx", "缺少 [Content_Types].xml", not_office)
    case("encrypted", "加密目录.xlsx", "已加密",
         lambda p: p.write_bytes(minimal_cfb(["EncryptionInfo", "EncryptedPackage"])))
    case("xls", "旧格式.xlsx", "Excel 97-2003", lambda p: p.write_bytes(minimal_cfb(["Workbook"])))

    def no_header(p):
        wb = openpyxl.Workbook()
        wb.active.append(["姓名", "电话"])
        wb.active.append(["张三", "0537-5221234"])
        wb.save(p)

    case("no_header", "无表头.xlsx", "未找到目录表头（应包含 公开事项/公开内容/公开依据 等列）", no_header)
    case("empty", "空表.xlsx", "是空的", lambda p: openpyxl.Workbook().save(p))
    case("csv_no_header", "无表头.csv", "未找到目录表头", lambda p: p.write_text("姓名,电话\n张三,1\n", encoding="utf-8"))
    case("csv_empty", "空.csv", "文件是空的", lambda p: p.write_bytes(b"\xef\xbb\xbf\r\n,,\r\n"))
    case("yaml_syntax", "语法错误.yaml", "第2行: YAML 格式错误",
         lambda p: p.write_text("unit: 市民政局\n  title: 目录\nitems: []\n", encoding="utf-8"))
    case("suffix", "目录.txt", "不支持的目录文件类型", lambda p: p.write_text("x", encoding="utf-8"))
    case("xls_suffix", "目录.xls", "另存为 .xlsx", lambda p: p.write_bytes(minimal_cfb(["Workbook"])))
    case("directory", "文件夹.yaml", "文件夹", lambda p: p.mkdir())
    return cases


ERROR_NAMES = ["missing", "corrupt", "text", "zip", "encrypted", "xls", "no_header", "empty",
               "csv_no_header", "csv_empty", "yaml_syntax", "suffix", "xls_suffix", "directory"]


@pytest.mark.parametrize("name", ERROR_NAMES)
def test_unreadable_catalog_gives_chinese_error_naming_file(tmp_path, name):
    path, expected = error_cases(tmp_path)[name]
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    msg = str(err.value)
    assert path.name in msg
    assert expected in msg
    assert HAN.search(err.value.message)


def test_minimal_cfb_is_what_the_encryption_check_reads(tmp_path):
    # The hand-built file must be a compound file whose directory names the streams.
    data = minimal_cfb(["EncryptionInfo", "EncryptedPackage"])
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1") and len(data) == 3 * 512
    assert data[1024 + 128: 1024 + 128 + 28].decode("utf-16-le") == "EncryptionInfo"


def test_zip_bomb_is_refused_before_loading(tmp_path):
    bomb = zip_bomb(tmp_path)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(CatalogError) as err:
        load_catalog(bomb)
    assert "压缩炸弹" in str(err.value) and "炸弹.xlsx" in str(err.value)


# --- the shipped demo catalogs ---------------------------------------------------------

def check_rows_exact(path: Path, items) -> None:
    """Every item's cited sheet and row hold its 二级事项 (column C) and content (column D)."""
    wb = openpyxl.load_workbook(path)
    for item in items:
        ws = wb[item.pos.sheet]
        assert ws.cell(item.pos.row, 3).value == item.level2, item.pos.location()
        assert ws.cell(item.pos.row, 4).value == item.content, item.pos.location()


def test_demo_minzheng():
    path = CATALOGS / "市民政局主动公开事项目录.xlsx"
    cat = load_catalog(path, unit="市民政局", base=REPO)
    assert cat.title == "邹城市民政局主动公开事项目录（社会救助领域）"
    assert cat.updated == dt.date(2024, 11, 20)
    assert len(cat.items) == 17 and cat.warnings == []
    check_rows_exact(path, cat.items)
    names = [i.full_name for i in cat.items]
    assert "临时救助 / 办事指南" not in names  # planted gap
    assert names.count("最低生活保障 / 审批信息") == 2  # planted duplicate
    assert [i.pos.row for i in cat.items if i.basis == "相关规定"] == [13]
    assert [i.full_name for i in cat.items if not i.time_limit] == ["特困人员救助供养 / 供养服务机构"]
    guide = next(i for i in cat.items if i.full_name == "最低生活保障 / 办事指南")
    assert "最低生活保障标准" in guide.content and guide.level == "县级、乡级"
    assert cat.items[0].pos.location() == "catalogs/市民政局主动公开事项目录.xlsx:社会救助!5"


def test_demo_renshe_variant_layout():
    path = CATALOGS / "市人力资源和社会保障局.xlsx"
    cat = load_catalog(path, base=REPO)
    assert len(cat.items) == 12 and cat.title == ""
    assert cat.warnings == ["工作表「填报说明」未找到目录表头，已跳过"]
    check_rows_exact(path, cat.items)
    assert cat.items[0].pos.row == 3 and all(i.pos.sheet == "就业" for i in cat.items)
    assert all(i.channels for i in cat.items)  # read from the 公开渠道 column
    assert [i.level2 for i in cat.items if not i.mode] == ["补贴发放情况"]
    assert [i.level2 for i in cat.items if i.time_limit == "及时"] == ["招聘会信息"]


def test_demo_gangshan_township_layout():
    path = CATALOGS / "钢山街道.xlsx"
    cat = load_catalog(path, base=REPO)
    assert len(cat.items) == 11 and cat.updated == dt.date(2024, 10, 8)
    check_rows_exact(path, cat.items)
    assert {i.level for i in cat.items} == {"乡级"}
    guide = cat.items[1]
    assert (guide.pos.row, guide.full_name) == (6, "最低生活保障 / 办事指南")
    assert guide.channels == "政府网站、两微一端、便民服务站"  # the ■ entries of the checklist
    assert guide.updated == dt.date(2024, 7, 3)
    assert [i.level2 for i in cat.items if not i.basis] == ["补助资金发放"]
    assert [i.level2 for i in cat.items if not i.audience] == ["补贴发放名单"]


@pytest.mark.parametrize(("name", "count", "unit"), [
    ("市住房和城乡建设局.yaml", 7, "市住房和城乡建设局"),
    ("市卫生健康局.yaml", 13, "市卫生健康局"),
])
def test_demo_yaml_catalogs(name, count, unit):
    path = CATALOGS / name
    cat = load_catalog(path, base=REPO)
    assert (len(cat.items), cat.unit) == (count, unit)
    lines = path.read_text(encoding="utf-8").splitlines()
    for item in cat.items:
        line = lines[item.pos.row - 1]
        assert line.strip() in (f"- 一级事项: {item.level1}", f"- level1: {item.level1}")


def test_clean_demo_catalog_is_complete():
    cat = load_catalog(CATALOGS / "市卫生健康局.yaml")
    for item in cat.items:
        assert all([item.level1, item.level2, item.content, item.basis, item.time_limit, item.subject,
                    item.channels])
        assert item.audience in ("全社会", "特定群体") and item.mode == "主动"
        assert item.level in ("县级", "乡级", "县级、乡级")


def test_demo_script_reproduces_the_shipped_xlsx(tmp_path):
    script = REPO / "tools" / "make_demo_catalogs.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("市民政局主动公开事项目录.xlsx", "市人力资源和社会保障局.xlsx", "钢山街道.xlsx"):
        fresh = load_catalog(tmp_path / name)
        shipped = load_catalog(CATALOGS / name)
        assert [i.model_dump(exclude={"pos"}) for i in fresh.items] == [
            i.model_dump(exclude={"pos"}) for i in shipped.items]
        assert [i.pos.row for i in fresh.items] == [i.pos.row for i in shipped.items]


def test_base_outside_path_keeps_path_as_given(tmp_path):
    copy = tmp_path / "x.yaml"
    shutil.copy(CATALOGS / "市卫生健康局.yaml", copy)
    cat = load_catalog(copy, base=REPO)
    assert cat.items[0].pos.file == str(copy)
