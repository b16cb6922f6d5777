"""The direct xlsx reader (gkcheck.sources.xlsx_grid) gives what openpyxl gives.

Every workbook here is written by openpyxl (inline strings, read by the reader's lxml
path) and then rewritten with a shared-string table as Excel and WPS save it (read by
its pattern path); both readings must equal openpyxl's own (load_workbook in full mode,
`sheet_texts`, `ws.merged_cells`). Workbooks the reader does not expect go to openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from gkcheck.errors import CatalogError
from gkcheck.sources import xlsx_grid
from gkcheck.sources.catalog import load_catalog
from gkcheck.sources.xlsx_grid import SheetGrid, read_grids
from gkcheck.sources.xlsx_open import openpyxl_grids, read_sheet_grids

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(src: Path, dst: Path) -> Path:
    """`src` rewritten as Excel writes it: text in a shared-string table, `<c r=.. s=.. t="s">`."""
    strings: dict[str, int] = {}
    with zipfile.ZipFile(src) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")]:
        root = etree.fromstring(parts[name])
        for c in root.iter(f"{{{MAIN}}}c"):
            if c.get("t") != "inlineStr" or c.find(f"{{{MAIN}}}is") is None:
                continue
            text = "".join(c.find(f"{{{MAIN}}}is").itertext())
            for child in list(c):
                c.remove(child)
            c.set("t", "s")
            etree.SubElement(c, f"{{{MAIN}}}v").text = str(strings.setdefault(text, len(strings)))
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    sst = etree.Element(f"{{{MAIN}}}sst", nsmap={None: MAIN})
    for text in strings:
        t = etree.SubElement(etree.SubElement(sst, f"{{{MAIN}}}si"), f"{{{MAIN}}}t")
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    parts["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8")
    ct = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = ct.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Id="rIdSst" Type="{SST_REL}" Target="sharedStrings.xml"/></Relationships>'
    ).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def edit_sheet(path: Path, edit, sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """Rewrite one sheet part's XML text with `edit(text) -> text`."""
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    parts[sheet] = edit(parts[sheet].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def openpyxl_reading(path: Path) -> list[SheetGrid]:
    return openpyxl_grids(openpyxl.load_workbook(path, read_only=False, data_only=True))


def paths_taken(monkeypatch) -> list[str]:
    """Which reader path each sheet took ("pattern" or "tree")."""
    taken: list[str] = []
    by_pattern, by_tree = xlsx_grid._rows_by_pattern, xlsx_grid._cells_by_tree

    def pattern(*a):
        out = by_pattern(*a)
        if out is not None:
            taken.append("pattern")
        return out

    def tree(*a):
        taken.append("tree")
        return by_tree(*a)

    monkeypatch.setattr(xlsx_grid, "_rows_by_pattern", pattern)
    monkeypatch.setattr(xlsx_grid, "_cells_by_tree", tree)
    return taken


def same_both_ways(path: Path, tmp_path: Path, monkeypatch) -> list[SheetGrid]:
    """Assert the reader equals openpyxl on `path` (tree path) and on its shared-string
    rewrite (pattern path); return openpyxl's reading."""
    taken = paths_taken(monkeypatch)
    expected = openpyxl_reading(path)
    assert read_grids(path) == expected
    assert "tree" in taken  # openpyxl writes inline strings
    shared = with_shared_strings(path, tmp_path / f"sst-{path.name}")
    taken.clear()
    assert read_grids(shared) == openpyxl_reading(shared)
    assert taken and set(taken) == {"pattern"}
    return expected


def catalog_book(path: Path) -> Path:
    """A standard-directory catalog: title row, 更新日期 line, two-row merged header with
    √ marks, 一级事项 merged down over its rows, a date column, a note row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append(["市民政局主动公开事项目录"])
    ws.merge_cells("A1:L1")
    ws.append(["更新日期：", dt.date(2024, 11, 20)])
    ws.append(["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
               "公开对象", None, "公开方式", None, "更新日期"])
    ws.append([None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群体", "主动", "依申请"])
    for rng in ("B3:C3", "I3:J3", "K3:L3", "A3:A4", "D3:D4", "E3:E4", "F3:F4", "G3:G4", "H3:H4", "M3:M4"):
        ws.merge_cells(rng)
    ws.append([1, "最低生活保障", "办事指南", "  申请条件、办理流程 ", "《社会救助暂行办法》", "20个工作日内",
               "市民政局", "政府网站", "√", None, "√", None, dt.datetime(2024, 6, 24)])
    ws.append([2, None, "审核信息", "审核结果", "《社会救助暂行办法》", "7个工作日", "市民政局", "政府网站",
               None, "√", "√", None, dt.date(2024, 6, 25)])
    ws.merge_cells("B5:B6")
    ws.append([3.0, "临时救助", "救助标准", "标准金额", "无", "及时", "市民政局", "■政府网站 □政府公报", "√", None,
               None, "√", "2024年6月24日"])
    ws.append(["注：本目录按年度更新"])
    ws.merge_cells("A8:M8")
    wb.save(path)
    return path


def test_catalog_layout_read_as_openpyxl_reads_it(tmp_path, monkeypatch):
    path = catalog_book(tmp_path / "目录.xlsx")
    grids = same_both_ways(path, tmp_path, monkeypatch)
    (grid,) = grids
    assert grid.title == "目录"
    assert grid.texts[1][:2] == ["更新日期：", "2024-11-20"]
    assert grid.texts[4][3] == "申请条件、办理流程"  # stripped
    assert grid.texts[4][12] == "2024-06-24" and grid.texts[5][12] == "2024-06-25"
    assert grid.texts[6][0] == "3"  # 3.0 as 3
    assert (5, 2, 6, 2) in grid.merges and (1, 1, 1, 12) in grid.merges


def test_catalog_read_through_both_paths_gives_the_same_items(tmp_path):
    path = catalog_book(tmp_path / "目录.xlsx")
    shared = with_shared_strings(path, tmp_path / "目录-sst.xlsx")
    a, b = load_catalog(path), load_catalog(shared)
    assert [it.model_dump(exclude={"pos"}) for it in a.items] == [it.model_dump(exclude={"pos"}) for it in b.items]
    assert [it.level1 for it in a.items] == ["最低生活保障", "最低生活保障", "临时救助"]
    assert a.items[1].audience == "特定群体" and a.items[2].mode == "依申请"
    assert a.updated == dt.date(2024, 11, 20) and a.title == "市民政局主动公开事项目录"


def test_values_of_every_type(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["text", 5, 2.5, 1e20, -0.0, True, False, dt.date(2024, 2, 29), dt.datetime(2024, 6, 24, 9, 30)])
    ws.append([dt.time(12, 30), dt.timedelta(hours=30), 0.5, "  padded  ", "x005F_y", "", None, "0042"])
    ws["C2"].number_format = "0.00%"
    ws["A3"] = 45467
    ws["A3"].number_format = "yyyy年m月d日"
    ws["B3"] = 1.5
    ws["B3"].number_format = "[h]:mm"
    ws["C3"] = 2958466  # past 9999-12-31 in a date format: openpyxl says #VALUE!
    ws["C3"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "types.xlsx")
    (grid,) = same_both_ways(tmp_path / "types.xlsx", tmp_path, monkeypatch)
    shared = openpyxl_reading(tmp_path / "sst-types.xlsx")[0]
    assert shared.texts[1][4] == "y"  # openpyxl drops "x005F_" from shared strings only: so does the reader
    assert grid.texts[0] == ["text", "5", "2.5", "100000000000000000000", "0", "True", "False", "2024-02-29",
                             "2024-06-24 09:30"]
    assert grid.texts[1][:5] == ["12:30:00", "1 day, 6:00:00", "0.5", "padded", "x005F_y"]
    assert grid.texts[2][:3] == ["2024-06-24", "1 day, 12:00:00", "#VALUE!"]


def test_1904_date_system(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active.append(["日期", dt.date(2024, 6, 24)])
    wb.save(tmp_path / "mac.xlsx")
    (grid,) = same_both_ways(tmp_path / "mac.xlsx", tmp_path, monkeypatch)
    assert grid.texts == [["日期", "2024-06-24"]]


def test_formula_cached_values_error_codes_and_entities(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    wb.active.append(["公式", "=A2", "=1/0", "=B9", "=TODAY()"])
    wb.save(tmp_path / "f.xlsx")

    def cache(text: str) -> str:
        text = text.replace("<f>A2</f><v></v>", '<f>A2</f><v>甲 &amp; 乙</v>').replace('r="B1"', 'r="B1" t="str"')
        text = text.replace('<c r="C1"><f>1/0</f><v></v>', '<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v>')
        text = text.replace('<c r="E1"><f>TODAY()</f><v></v>', '<c r="E1" s="0"><f>TODAY()</f><v>45467</v>')
        return text

    edit_sheet(tmp_path / "f.xlsx", cache)
    taken = paths_taken(monkeypatch)
    expected = openpyxl_reading(tmp_path / "f.xlsx")
    assert expected[0].texts == [["公式", "甲 & 乙", "#DIV/0!", "", "45467"]]
    assert read_grids(tmp_path / "f.xlsx") == expected
    shared = with_shared_strings(tmp_path / "f.xlsx", tmp_path / "f-sst.xlsx")
    assert read_grids(shared) == expected
    assert taken[-1] == "tree"  # an entity in a value: the tree resolves it


def test_several_sheets_hidden_and_empty_ones(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    wb.active.title = "第一"
    wb.active.append(["a", "b"])
    hidden = wb.create_sheet("隐藏")
    hidden.append(["c"])
    hidden.sheet_state = "hidden"
    wb.create_sheet("空表")
    styled = wb.create_sheet("格式")
    styled["A1"] = "x"
    styled["F9"].number_format = "0.00"  # a styled empty cell: the sheet is six columns wide
    wb.save(tmp_path / "sheets.xlsx")
    grids = same_both_ways(tmp_path / "sheets.xlsx", tmp_path, monkeypatch)
    assert [g.title for g in grids] == ["第一", "隐藏", "空表", "格式"]
    assert grids[2].texts == [] and grids[3].texts == [["x", "", "", "", "", ""]]


def test_blank_rows_and_the_blank_run_limit(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "top"
    ws["B5"] = "after a gap"
    ws["C1010"] = "after 1000 blank rows"  # not read: sheet_texts stops after 1000 blank rows
    ws["D2000"] = "  "
    wb.save(tmp_path / "gaps.xlsx")
    (grid,) = same_both_ways(tmp_path / "gaps.xlsx", tmp_path, monkeypatch)
    assert len(grid.texts) == 5 and grid.texts[4] == ["", "after a gap", "", ""]


def test_merged_cells_blank_what_they_cover(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 7):
        ws.append([f"r{r}c{c}" for c in range(1, 6)])
    ws.merge_cells("A1:B2")
    ws.merge_cells("D3:D6")
    ws.merge_cells("G8:H12")  # beyond the data: widens and lengthens the sheet
    wb.save(tmp_path / "m.xlsx")
    edit_sheet(tmp_path / "m.xlsx", lambda t: t.replace("</sheetData>", '<row r="3"><c r="B3" t="inlineStr">'
                                                    "<is><t>again</t></is></c></row></sheetData>"))
    (grid,) = same_both_ways(tmp_path / "m.xlsx", tmp_path, monkeypatch)
    assert grid.texts[0] == ["r1c1", "", "r1c3", "r1c4", "r1c5", "", "", ""]
    assert grid.texts[1][:2] == ["", ""] and grid.texts[2][1] == "again"  # a later cell at a place wins
    assert [row[3] for row in grid.texts[2:6]] == ["r3c4", "", "", ""]


def test_rich_text_and_phonetic_runs_in_shared_strings(tmp_path, monkeypatch):
    path = with_shared_strings(catalog_book(tmp_path / "c.xlsx"), tmp_path / "c-sst.xlsx")
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sst = parts["xl/sharedStrings.xml"].decode()
    sst = sst.replace("<si><t>最低生活保障</t></si>",
                      "<si><r><rPr><b/></rPr><t>最低</t></r><r><t>生活保障</t></r><rPh sb=\"0\" eb=\"1\"><t>zui</t></rPh></si>")
    assert "<r><rPr>" in sst
    parts["xl/sharedStrings.xml"] = sst.encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    expected = openpyxl_reading(path)
    assert expected[0].texts[4][1] == "最低生活保障"
    assert read_grids(path) == expected


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('<c r="A1"', '<c', 1),  # a cell without a reference
        lambda t: t.replace('<sheetData>', '<sheetData><!-- a comment -->', 1),
        lambda t: re.sub(r'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="s">', r'<c t="s" r="\1"\2>', t),  # attribute order
        lambda t: t.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1).replace("<", "<x:").replace(
            "<x:/", "</x:").replace("<x:?", "<?"),  # a prefixed namespace
    ],
    ids=["no-ref", "comment", "attr-order", "prefixed"],
)
def test_unusual_sheets_take_the_tree_path(tmp_path, monkeypatch, edit):
    path = with_shared_strings(catalog_book(tmp_path / "c.xlsx"), tmp_path / "c-sst.xlsx")
    edit_sheet(path, edit)
    taken = paths_taken(monkeypatch)
    expected = openpyxl_reading(path)
    assert read_grids(path) == expected
    assert taken == ["tree"]


def test_a_workbook_with_a_chart_sheet_is_left_to_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["a"])
    wb.create_chartsheet("图表")
    wb.save(tmp_path / "chart.xlsx")
    with pytest.raises(xlsx_grid.Unsupported):
        read_grids(tmp_path / "chart.xlsx")


def test_workbooks_the_reader_declines_go_to_openpyxl(tmp_path):
    path = catalog_book(tmp_path / "c.xlsx")
    edit_sheet(path, lambda t: t.replace('s="1"', 's="99"', 1))  # no such cell format
    with pytest.raises(xlsx_grid.Unsupported):
        read_grids(path)
    with pytest.raises(CatalogError) as info:  # openpyxl fails on it: its message, naming the file
        read_sheet_grids(path, "目录.xlsx", CatalogError)
    assert "无法读取工作簿" in info.value.message and info.value.path == "目录.xlsx"


def test_malformed_sheet_xml_is_refused_as_openpyxl_refuses_it(tmp_path):
    path = with_shared_strings(catalog_book(tmp_path / "c.xlsx"), tmp_path / "c-sst.xlsx")
    edit_sheet(path, lambda t: t.replace("</sheetData>", "<row></sheetData>"))
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert "无法读取工作簿，文件可能已损坏" in info.value.message and info.value.path == str(path)


_TEXT = st.text(alphabet=st.sampled_from(list("公开事项 √□■<>&\"'　ab1.、")), max_size=6)
_VALUE = st.one_of(
    st.none(),
    _TEXT,
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(_VALUE, max_size=6), min_size=1, max_size=8),
    merges=st.lists(st.tuples(st.integers(1, 9), st.integers(1, 7), st.integers(0, 3), st.integers(0, 2)), max_size=3),
)
def test_any_small_sheet_reads_as_openpyxl_reads_it(tmp_path, rows, merges):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    taken: list[tuple[int, int, int, int]] = []
    for r, c, h, w in merges:
        box = (r, c, r + h, c + w)
        if (h or w) and not any(r <= b[2] and b[0] <= r + h and c <= b[3] and b[1] <= c + w for b in taken):
            ws.merge_cells(start_row=r, start_column=c, end_row=r + h, end_column=c + w)
            taken.append(box)
    path = tmp_path / "p.xlsx"
    wb.save(path)
    expected = openpyxl_reading(path)
    assert read_grids(path) == expected
    shared = with_shared_strings(path, tmp_path / "p-sst.xlsx")
    assert read_grids(shared) == expected


@pytest.mark.parametrize(
    ("written", "read"),
    [("甲 &amp; 乙", "甲 & 乙"), ("第一行\r\n第二行", "第一行\n第二行"), ("&#x4E00;二", "一二"), ("  两端  ", "两端")],
    ids=["entity", "crlf", "char-ref", "spaces"],
)
def test_shared_strings_a_parser_would_change_are_read_as_openpyxl_reads_them(tmp_path, written, read):
    path = with_shared_strings(catalog_book(tmp_path / "c.xlsx"), tmp_path / "c-sst.xlsx")
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sst = parts["xl/sharedStrings.xml"].decode()
    assert "<si><t>最低生活保障</t></si>" in sst
    parts["xl/sharedStrings.xml"] = sst.replace(
        "<si><t>最低生活保障</t></si>", f'<si><t xml:space="preserve">{written}</t></si>'
    ).encode()
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    expected = openpyxl_reading(path)
    assert expected[0].texts[4][1] == read
    assert read_grids(path) == expected


def test_cell_counts_match_the_streaming_count(tmp_path):
    from gkcheck.sources.xlsx_open import _VALUE_TAGS, _count_tags

    for data in (b'<c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c>', b"<x:c><x:v>1</x:v></x:c><v>2</v>"):
        assert _count_tags(data) == len(_VALUE_TAGS.findall(data)) == 2
