"""Work ledgers (工作台账) from YAML and xlsx: dates in every form people write them,
exact positions, the declared unit, and Chinese errors naming file and place."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from gkcheck.errors import SourceError
from gkcheck.sources.ledger import ledger_unit, load_ledger

REPO = Path(__file__).resolve().parents[1]
LEDGERS = REPO / "ledgers"
HAN = re.compile(r"[\u4e00-\u9fff]")


def counts(entries, year=2024) -> Counter:
    return Counter(e.kind for e in entries if e.date and e.date.year == year)


def test_demo_ledgers_load_with_their_gaps():
    found = {p.stem: load_ledger(p, base=REPO) for p in sorted(LEDGERS.glob("*.yaml"))}
    assert set(found) == {"市民政局", "市教育和体育局", "市人力资源和社会保障局", "市住房和城乡建设局",
                          "钢山街道", "市卫生健康局"}
    for name, entries in found.items():
        assert ledger_unit(LEDGERS / f"{name}.yaml") == name
        assert all(e.pos.file == f"ledgers/{name}.yaml" for e in entries)
    full = {"专题会议": 1, "培训": 1, "政策评价": 2, "政府开放": 1, "监督员聘任": 1, "政务公开专区": 1,
            "专区活动": 1}
    assert counts(found["市卫生健康局"]) == Counter({**full, "专项评估": 1, "专题调研": 1})
    assert counts(found["市民政局"]) == Counter({**full, "专题会议": 2})
    assert counts(found["市教育和体育局"])["专题会议"] == 0  # only one in 2023
    assert counts(found["市教育和体育局"], 2023)["专题会议"] == 1
    assert counts(found["市人力资源和社会保障局"])["政策评价"] == 1
    assert counts(found["市住房和城乡建设局"])["监督员聘任"] == 0
    assert counts(found["钢山街道"])["政府开放"] == 0


def test_yaml_dates_and_lines():
    path = LEDGERS / "市教育和体育局.yaml"
    entries = load_ledger(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for e in entries:
        assert lines[e.pos.row - 1].strip() == f"- kind: {e.kind}"
    by_title = {e.title: e for e in entries}
    assert by_title["义务教育阶段招生入学政策实施效果评价"].date == dt.date(2024, 6, 28)  # 2024/6/28
    assert by_title["学生资助政策落实情况评价"].date == dt.date(2024, 12, 6)  # 2024年12月6日
    assert by_title["校园开放日暨“家长进课堂”活动"].date == dt.date(2024, 9, 20)  # 2024.09.20
    assert by_title["学生资助政策落实情况评价"].link.startswith("http://www.zoucheng.gov.cn/")
    assert by_title["校园开放日暨“家长进课堂”活动"].link is None


def ledger_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年台账"
    ws.append(["市民政局政务公开工作台账"])
    ws.append(["填报单位：市民政局"])
    ws.append(["序号", "类型", "日期", "标题", "链接", "备注"])
    ws.append([1, "专题会议", dt.datetime(2024, 3, 22), "政务公开工作专题会议", None, "局党组会议"])
    ws.append([2, "政策评价", "2024年7月15日", "低保审核确认细则实施效果评价", "http://127.0.0.1/pj/1.html"])
    ws.append([3, None, "2024/11/5", "临时救助政策实施效果评价", "http://127.0.0.1/pj/2.html"])
    ws.merge_cells("B5:B6")  # 政策评价 merged over two rows
    ws.append([])
    ws.append(["注：本表按季度更新"])
    ws.append([4, "培训", "2024.04.18", "全市民政系统政务公开业务培训"])
    wb.save(path)
    return path


def test_xlsx_ledger(tmp_path):
    path = ledger_workbook(tmp_path / "台账.xlsx")
    entries = load_ledger(path, base=tmp_path)
    assert [(e.pos.row, e.kind, e.date) for e in entries] == [
        (4, "专题会议", dt.date(2024, 3, 22)),
        (5, "政策评价", dt.date(2024, 7, 15)),
        (6, "政策评价", dt.date(2024, 11, 5)),
        (9, "培训", dt.date(2024, 4, 18)),
    ]
    assert entries[0].note == "局党组会议" and entries[0].link is None
    assert entries[2].link == "http://127.0.0.1/pj/2.html"
    assert entries[0].pos.location() == "台账.xlsx:2024年台账!4"
    ws = openpyxl.load_workbook(path)["2024年台账"]
    for e in entries:
        assert ws.cell(e.pos.row, 4).value == e.title
    assert ledger_unit(path) == "市民政局"


def test_xlsx_ledger_header_variants(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["种类", "时间", "事项", "网址"])
    wb.active.append(["政府开放", dt.date(2024, 5, 20), "走进民政开放日", "http://127.0.0.1/kf/1.html"])
    wb.save(tmp_path / "v.xlsx")
    (entry,) = load_ledger(tmp_path / "v.xlsx")
    assert (entry.kind, entry.date, entry.title, entry.link) == (
        "政府开放", dt.date(2024, 5, 20), "走进民政开放日", "http://127.0.0.1/kf/1.html")
    assert ledger_unit(tmp_path / "v.xlsx") is None


def test_bad_date_cell_names_row_and_column(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "台账"
    wb.active.append(["类型", "日期", "标题"])
    wb.active.append(["培训", "2024-04-18", "业务培训"])
    wb.active.append(["专题会议", "上半年", "专题会议"])
    wb.save(tmp_path / "坏日期.xlsx")
    with pytest.raises(SourceError) as err:
        load_ledger(tmp_path / "坏日期.xlsx")
    msg = str(err.value)
    assert "坏日期.xlsx" in msg and "第3行" in msg and "「日期」列" in msg and "“上半年”" in msg


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("不存在.yaml", None, "文件不存在"),
        ("台账.txt", "x", "不支持的台账文件类型"),
        ("无条目.yaml", "unit: 市民政局\n", "entries"),
        ("键错.yaml", "unit: 市民政局\nentries:\n  - kind: 培训\n    dates: 2024-01-01\n", "未知的键“dates”"),
        ("无类型.yaml", "unit: 市民政局\nentries:\n  - date: 2024-01-01\n    title: 培训\n", "缺少类型"),
        ("日期错.yaml", "entries:\n  - kind: 培训\n    date: 2024年13月1日\n", "日期“2024年13月1日”无法识别"),
        ("非列表.yaml", "unit: 市民政局\nentries: 培训\n", "应为列表"),
        ("损坏.xlsx", b"PK\x03\x04 broken", "不是有效的 xlsx 文件"),
    ],
)
def test_ledger_errors(tmp_path, filename, content, expected):
    path = tmp_path / filename
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_ledger(path)
    assert expected in str(err.value)
    assert filename in str(err.value)
    assert HAN.search(err.value.message)


def test_yaml_error_gives_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("unit: 市民政局\nentries:\n  - kind: 培训\n    date: 2024-01-01\n  - kind: 会议\n    when: x\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_ledger(path)
    assert err.value.where == "第5行"


def test_xlsx_without_ledger_header(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "公开内容", "公开依据"])
    wb.save(tmp_path / "目录.xlsx")
    with pytest.raises(SourceError) as err:
        load_ledger(tmp_path / "目录.xlsx")
    assert "未找到台账表头" in str(err.value) and "目录.xlsx" in str(err.value)
