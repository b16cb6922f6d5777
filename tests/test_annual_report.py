"""Annual reports: reading the real reports in ../shared/realdata/ and the fixtures, and
what the annual_report.* checks say about them.

The expected values were read off the documents themselves (the Hongze PDFs rendered
page by page, the Pingtan page texts by hand); where a check reports something, the
test also confirms it against an independent extraction (the pypdf .pdftotext.txt).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.errors import SourceError
from gkcheck.model import AnnualReportDoc, Rule, Unit, UnitEvidence
from gkcheck.sources.annual_report import (
    doc_from_case,
    parse_html,
    parse_pdf,
    parse_report,
    parse_text,
    report_from_pdf,
)
from gkcheck.sources.annual_report_cells import (
    RawRow,
    build_t2,
    build_t3,
    build_t4,
    split_candidates,
)
from gkcheck.sources.annual_report_grid import grid_t2, grid_t3, grid_t4, html_grids
from gkcheck.sources.annual_report_layout import T3_COLUMNS
from gkcheck.sources.annual_report_pdf import read_pdf

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
HZ = "jiangsu_huaian_hongze_district_gov_{}_annual_report_xxgk"
PT = "fujian_pingtan_gwh_{}_annual_report_xxgk.page.txt"


# ---- parsed once per session -----------------------------------------------------------


@pytest.fixture(scope="module")
def hz_pdf():
    """Each Hongze PDF opened once: its pdfplumber tables, word rows and text."""
    return {y: read_pdf(REAL / f"{HZ.format(y)}.pdf") for y in (2023, 2024)}


@pytest.fixture(scope="module")
def hz23(hz_pdf):
    return report_from_pdf(hz_pdf[2023], str(REAL / f"{HZ.format(2023)}.pdf"))


@pytest.fixture(scope="module")
def hz24(hz_pdf):
    return report_from_pdf(hz_pdf[2024], str(REAL / f"{HZ.format(2024)}.pdf"))


@pytest.fixture(scope="module")
def pt23():
    return parse_report(REAL / PT.format(2023))


@pytest.fixture(scope="module")
def pt24():
    return parse_report(REAL / PT.format(2024))


def values(report, table, row):
    return [c.value for c in report.table(table)[row].cells.values()]


def run(kind: str, docs, plan_year: int, **params):
    k = get_kind(kind)
    ctx = CheckContext(
        unit=Unit(id="u", name="测试单位"),
        evidence=UnitEvidence(unit_id="u", annual_reports=docs),
        as_of=dt.date(plan_year, 12, 31),
        plan_year=plan_year,
        rule=Rule(id="r", title="t", check=kind),
    )
    return list(k.func(ctx, k.params(**params)))


def doc(report, published=None):
    return AnnualReportDoc(year=report.year, source=Path(report.source).name, published=published,
                           title=report.title, parsed=report)


# ---- Hongze PDFs: values read ---------------------------------------------------------


def test_hongze_identity(hz23, hz24):
    assert (hz23.year, hz23.unit) == (2023, "洪泽区人民政府")
    assert (hz24.year, hz24.unit) == (2024, "淮安市洪泽区人民政府")
    for r in (hz23, hz24):
        assert r.layout == "2021"
        assert list(r.sections) == ["一", "二", "三", "四", "五", "六"]
        assert r.other_rows == "single"  # （六）其他处理 printed as one row
        assert r.readers == {"表二": "PDF表格", "表三": "PDF表格", "表四": "PDF表格"}
        assert r.warnings == []


def test_hongze_2024_table2(hz24):
    assert values(hz24, "表二", "规章") == [0, 0, 0]
    assert values(hz24, "表二", "行政规范性文件") == [3, 0, 8]
    assert [values(hz24, "表二", k)[0] for k in ("行政许可", "行政处罚", "行政强制")] == [9487, 2776, 84]
    assert values(hz24, "表二", "行政事业性收费") == [Decimal(7545)]


def test_hongze_2023_table2(hz23):
    assert values(hz23, "表二", "行政规范性文件") == [0, 5, 5]
    assert [values(hz23, "表二", k)[0] for k in ("行政许可", "行政处罚", "行政强制")] == [550, 4119, 195]
    assert values(hz23, "表二", "行政事业性收费") == [Decimal("7730.28")]


HZ24_TOTALS = {
    "新收": 95, "上年结转": 0, "予以公开": 50, "部分公开": 9,
    "不予公开.1": 0, "不予公开.2": 0, "不予公开.3": 1, "不予公开.4": 0, "不予公开.5": 0,
    "不予公开.6": 1, "不予公开.7": 1, "不予公开.8": 0,
    "无法提供.1": 31, "无法提供.2": 1, "无法提供.3": 0,
    "不予处理.1": 1, "不予处理.2": 0, "不予处理.3": 0, "不予处理.4": 0, "不予处理.5": 0,
    "其他处理": 0, "总计": 95, "结转下年度": 0,
}
HZ23_TOTALS = dict(
    HZ24_TOTALS, 新收=21, 予以公开=0, 部分公开=4, **{"不予公开.1": 1, "不予公开.3": 0, "无法提供.1": 10,
                                                 "无法提供.2": 3}, 总计=21,
)


def test_hongze_table3_total_column(hz23, hz24):
    for report, totals in ((hz23, HZ23_TOTALS), (hz24, HZ24_TOTALS)):
        assert {k: r.value("总计") for k, r in report.table3.items()} == totals
        # every applicant was a natural person: 自然人 = 总计, the five 法人 columns 0
        for row in report.table3.values():
            assert row.value("自然人") == row.value("总计")
            assert [row.value(c) for c in T3_COLUMNS[1:6]] == [0] * 5


def test_hongze_table4(hz23, hz24):
    assert values(hz24, "表四", "行政复议") == [1, 1, 0, 0, 2]
    assert values(hz24, "表四", "未经复议直接起诉") == [1, 0, 0, 0, 1]
    assert values(hz24, "表四", "复议后起诉") == [2, 0, 1, 0, 3]
    # 2023 as printed (page 4): 10 1 0 0 | 总计 0, and 复议后起诉 5 0 0 0 | 总计 0
    assert values(hz23, "表四", "行政复议") == [10, 1, 0, 0, 0]
    assert values(hz23, "表四", "未经复议直接起诉") == [0, 0, 0, 0, 0]
    assert values(hz23, "表四", "复议后起诉") == [5, 0, 0, 0, 0]


@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_both_pdf_readings_agree(year, hz_pdf):
    """pdfplumber's ruled tables and the word-position reading of the text layer."""
    content = hz_pdf[year]
    readings = []
    for rows in (content.tables, content.word_rows):
        t2, _ = build_t2(grid_t2(rows, "2021"), "2021")
        raws, other = grid_t3(rows)
        t3, warn = build_t3(raws, other)
        t4, _ = build_t4(grid_t4(rows))
        assert warn == [] and other == "single" and len(t3) == 23 and len(t2) == 6
        readings.append({(k, c): cell.value for t in (t2, t3, t4) for k, r in t.items() for c, cell in r.cells.items()})
    assert readings[0] == readings[1]


@pytest.mark.parametrize("year", [2023, 2024])
def test_hongze_pdftotext_reads_the_same(year, hz23, hz24):
    pdf = {2023: hz23, 2024: hz24}[year]
    txt = parse_report(REAL / f"{HZ.format(year)}.pdftotext.txt")
    assert txt.readers["表三"] == "文本"
    for table in ("表二", "表三", "表四"):
        a = {(k, c): x.value for k, r in pdf.table(table).items() for c, x in r.cells.items()}
        b = {(k, c): x.value for k, r in txt.table(table).items() for c, x in r.cells.items()}
        assert a == b, table


# ---- Hongze: what the checks say ------------------------------------------------------


def test_hongze_arithmetic_2023(hz23, hz24):
    out = run("annual_report.arithmetic", [doc(hz23), doc(hz24)], plan_year=2024)
    by = {o.status: [x.message for x in out if x.status == o.status] for o in out}
    assert "2023年年度报告表三勾稽关系成立：共37项" in by["pass"]
    # 表四 as printed does not add up (see the page): two identities break, one holds
    assert by["fail"] == [
        "2023年年度报告表四 行政复议：总计 0 ≠ 结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11",
        "2023年年度报告表四 复议后起诉：总计 0 ≠ 结果维持 5 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 5",
    ]
    assert "2023年年度报告正文数字与表格一致：本年新收申请21件" in by["pass"]
    assert "warn" not in by
    # true of the document: an independent extraction prints the same row
    text = (REAL / f"{HZ.format(2023)}.pdftotext.txt").read_text(encoding="utf-8")
    assert "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0" in text
    fail = next(o for o in out if o.status == "fail")
    assert fail.evidence[0].source == "report"
    assert fail.evidence[0].quote == "行政复议 | 10 | 1 | 0 | 0 | 0"


def test_hongze_arithmetic_2024_with_cross_year(hz23, hz24):
    out = run("annual_report.arithmetic", [doc(hz23), doc(hz24)], plan_year=2025)
    msgs = {o.status: [x.message for x in out if x.status == o.status] for o in out}
    assert "fail" not in msgs
    assert "2024年年度报告表三勾稽关系成立：共37项" in msgs["pass"]
    assert "2024年年度报告表四勾稽关系成立：共3项" in msgs["pass"]
    assert msgs["pass"][-1] == (
        "跨年度核对（2023→2024年）成立：表二“规章”现行有效件数 0 = 0 + 0 − 0；"
        "表二“行政规范性文件”现行有效件数 8 = 5 + 3 − 0；表三上年结转与2023年结转下年度一致（7列）"
    )
    assert msgs["warn"] == [
        (
            "2024年年度报告正文与表格不一致：正文称本年新收申请17件（“2024 年，区政府办代表区政府受理政府信息公开申请 17 件，"
            "均已在法定期限内予以答复。”），表三“一、本年新收”总计为95"
        ),
        "2024年年度报告表二“行政许可”本年处理决定数量为 9487，2023年为 550，变化为17.2倍，请核实",
    ]
    text_warn = next(o for o in out if "正文与表格不一致" in o.message)
    assert [e.quote for e in text_warn.evidence] == [
        "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。",
        "一、本年新收政府信息公开申请数量 | 95 | 0 | 0 | 0 | 0 | 0 | 95",
    ]
    # true of the documents (independent pypdf extraction)
    t23 = (REAL / f"{HZ.format(2023)}.pdftotext.txt").read_text(encoding="utf-8")
    t24 = (REAL / f"{HZ.format(2024)}.pdftotext.txt").read_text(encoding="utf-8")
    assert "行政规范性文件 0 5 5" in t23 and "行政规范性文件 3 0 8" in t24
    assert "四、结转下年度继续办理 0 0 0 0 0 0 0" in t23
    assert "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0" in t24
    assert "行政许可 550" in t23 and "行政许可 9487" in t24
    assert "申请 17 件" in t24.replace("\n", "") and "一、本年新收政府信息公开申请数量 95" in t24


def test_hongze_sections_and_on_time(hz23, hz24):
    out = run("annual_report.sections", [doc(hz24)], plan_year=2025)
    assert [o.status for o in out] == ["warn", "pass"]
    assert "表三“（六）其他处理”只有一行" in out[0].message
    assert out[0].evidence[0].quote == "（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0"
    # the PDFs carry no publication date; only the store knows it
    out = run("annual_report.on_time", [doc(hz23)], plan_year=2024)
    assert [o.status for o in out] == ["unknown"]
    out = run("annual_report.on_time", [doc(hz23, dt.date(2024, 1, 30))], plan_year=2024)
    assert [o.status for o in out] == ["pass"]


# ---- Pingtan page texts: cells run together -------------------------------------------


def test_pingtan_2023_table2_not_guessed(pt23):
    row = pt23.table2["行政规范性文件"]
    assert [(c.value, c.flag, c.raw) for c in row.cells.values()] == [(None, "unreadable", "77132470")] * 3
    assert any("77132470" in w and "未猜测" in w for w in pt23.warnings)
    assert values(pt23, "表二", "规章") == [0, 0, 0]
    assert [values(pt23, "表二", k)[0] for k in ("行政许可", "行政处罚", "行政强制")] == [2629, 1330, 54]
    assert values(pt23, "表二", "行政事业性收费") == [Decimal("5949.088667")]


def test_pingtan_2023_tables(pt23):
    assert (pt23.year, pt23.unit, pt23.published) == (2023, "平潭综合实验区", dt.date(2024, 3, 8))
    assert pt23.other_rows == "split"
    new = pt23.table3["新收"]
    assert [c.value for c in new.cells.values()] == [80, 1, 0, 0, 0, 0, 81]
    assert all(c.inferred for c in new.cells.values())  # "801000081": split by 总计 = 六列之和
    assert values(pt23, "表三", "部分公开") == [19, 1, 0, 0, 0, 0, 20]
    assert values(pt23, "表三", "无法提供.1") == [31, 0, 0, 0, 0, 0, 31]
    assert values(pt23, "表三", "其他处理.3") == [1, 0, 0, 0, 0, 0, 1]
    assert not pt23.table3["其他处理.3"].cells["总计"].inferred  # "1000001": one digit per cell
    # 表四 "110024001510102": 15 digits for 15 cells, no identity needed
    assert values(pt23, "表四", "行政复议") == [1, 1, 0, 0, 2]
    assert values(pt23, "表四", "未经复议直接起诉") == [4, 0, 0, 1, 5]
    assert values(pt23, "表四", "复议后起诉") == [1, 0, 1, 0, 2]
    assert not any(c.inferred for r in pt23.table4.values() for c in r.cells.values())
    assert {k: q.value for k, q in pt23.quotes.items()} == {
        "新收": 81, "办理": 81, "行政复议": 2, "行政诉讼": 7, "制发规范性文件": 77,
    }


def test_pingtan_2024_tables(pt24):
    assert [c.raw for c in pt24.table2["行政规范性文件"].cells.values()] == ["6233440"] * 3
    assert values(pt24, "表三", "新收") == [217, 1, 0, 0, 0, 0, 218]
    assert values(pt24, "表三", "其他处理.3") == [1, 1, 0, 0, 0, 0, 2]
    # "21317000001324019": 17 digits for 15 cells; one split satisfies the three sums
    assert values(pt24, "表四", "行政复议") == [2, 1, 3, 1, 7]
    assert values(pt24, "表四", "未经复议直接起诉") == [0, 0, 0, 0, 0]
    assert values(pt24, "表四", "复议后起诉") == [13, 2, 4, 0, 19]
    assert all(c.inferred for r in pt24.table4.values() for c in r.cells.values())


def test_pingtan_checks(pt23, pt24):
    docs = [doc(pt23), doc(pt24)]
    out = run("annual_report.arithmetic", docs, plan_year=2024)
    assert not [o for o in out if o.status == "fail"]
    warn = [o.message for o in out if o.status == "warn"]
    assert warn == [
        (
            "2023年年度报告表二“行政规范性文件”行的本年制发件数、本年废止件数、现行有效件数数字连写无法唯一拆分"
            "（原文“77132470”），按缺失数据处理，未计为0，相关勾稽关系未核验；正文称本年制发规范性文件77件，未据此拆分"
        )
    ]
    assert "2023年年度报告正文数字与表格一致：本年新收申请81件、办理申请81件、行政复议2件、行政诉讼7件" in [
        o.message for o in out
    ]
    t3_pass = next(o.message for o in out if o.message.startswith("2023年年度报告表三勾稽关系成立"))
    assert "涉及按勾稽关系拆分的连写数字" in t3_pass
    out = run("annual_report.arithmetic", docs, plan_year=2025)
    cross = next(o.message for o in out if o.message.startswith("跨年度核对"))
    assert "因数据缺失未核对：表二“行政规范性文件”现行有效件数" in cross
    # published 2024-03-08: late for a department (1月31日), in time for a government (3月31日)
    assert run("annual_report.on_time", docs, plan_year=2024)[0].message == (
        "2023年年度报告于2024-03-08发布（日期取自页面上的“发布时间”），晚于截止日期2024-01-31（逾期37天）"
    )
    assert run("annual_report.on_time", docs, plan_year=2024, deadline="03-31")[0].status == "pass"
    out = run("annual_report.sections", docs, plan_year=2024)
    assert [(o.status, o.message) for o in out if o.status != "pass"] == [
        ("warn", "2023年年度报告第五部分的编号错乱：“一是…三是…三是”")
    ]
    assert "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音；三是开拓创新不够有力" in pt23.sections["五"].text


# ---- HTML with merged cells -----------------------------------------------------------


def test_html_grid_expands_spans():
    grids = html_grids((FIX / "ok_2021.html").read_text(encoding="utf-8"))
    t3 = next(g for g in grids if any(c and "本年新收" in c for row in g for c in row))
    assert len(t3[0]) == 10  # 3 label columns + 7 value columns
    assert t3[0][:4] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, None, "申请人情况"]
    assert t3[1][3:5] == ["自然人", "法人或其他组织"] and t3[2][3] is None  # rowspan=2 on 自然人
    deny = next(row for row in t3 if row[2] == "1.属于国家秘密")
    assert deny[:2] == [None, "（三）不予公开"]  # 三、本年度办理结果 spans 22 rows
    last = next(row for row in t3 if row[2] == "3.其他")
    assert last[:2] == [None, None]


def test_parse_html_fixture():
    r = parse_html((FIX / "ok_2021.html").read_text(encoding="utf-8"), "ok_2021.html")
    assert (r.year, r.unit, r.published, r.layout) == (2023, "示例市民政局", dt.date(2024, 1, 20), "2021")
    assert r.readers == {"表二": "网页表格", "表三": "网页表格", "表四": "网页表格"}
    assert r.warnings == []  # the text reading of the page agrees with the grids
    assert values(r, "表二", "行政规范性文件") == [3, 1, 15]
    assert values(r, "表二", "行政许可") == [120]  # colspan=3
    assert values(r, "表三", "新收") == [10, 2, 0, 0, 0, 0, 12]
    assert values(r, "表三", "无法提供.1") == [2, 1, 0, 0, 0, 0, 3]
    assert values(r, "表三", "其他处理.3") == [0] * 7
    assert values(r, "表四", "未经复议直接起诉") == [0, 0, 0, 1, 1]


def test_2019_layout_fixture():
    r = parse_report(FIX / "trial_2019.html")
    assert r.layout == "2019" and r.other_rows == "single"
    assert values(r, "表二", "行政处罚") == [120, -3, 310]
    assert values(r, "表二", "政府集中采购") == [6, Decimal("85.3")]


# ---- splitting run-together digits ----------------------------------------------------


def test_split_candidates():
    assert split_candidates(["0000000"], 7) == [("0",) * 7]
    cands = split_candidates(["801000081"], 7)
    assert ("80", "1", "0", "0", "0", "0", "81") in cands and len(cands) > 1
    assert len(split_candidates(["77132470"], 3)) > 1
    assert split_candidates(["12", "0"], 2) == [("12", "0")]


def test_ambiguous_t3_row_left_unreadable():
    # "1120000013": 11|2|0|0|0|0|13 and 1|12|0|0|0|0|13 both satisfy 总计 = 六列之和
    rows, warnings = build_t3({"新收": RawRow("新收", "一、本年新收", ["1120000013"], exact=False)}, "split")
    assert [c.flag for c in rows["新收"].cells.values()] == ["unreadable"] * 7
    assert "未猜测" in warnings[0]


# ---- errors and dispatch ---------------------------------------------------------------


def test_source_errors(tmp_path):
    with pytest.raises(SourceError) as e:
        parse_report(FIX / "not_a_report.html")
    assert "未找到政府信息公开工作年度报告的内容" in e.value.message and "not_a_report.html" in str(e.value)
    fake = tmp_path / "报告.pdf"
    fake.write_text("不是PDF", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        parse_pdf(fake)
    assert "无法打开PDF文件" in e.value.message and e.value.path == str(fake)
    with pytest.raises(SourceError) as e:
        parse_report(tmp_path / "没有这个文件.txt")
    assert e.value.message == "年度报告文件不存在"
    with pytest.raises(SourceError):
        parse_text("随便一段文字，没有年度报告。")
    with pytest.raises(SourceError) as e:
        doc_from_case({"year": 2023, "pdf": "x.pdf"}, tmp_path)
    assert "未知的键：pdf" in e.value.message


def test_doc_from_case_keeps_read_errors(tmp_path):
    d = doc_from_case({"year": 2023, "published": "2024-01-10", "html_file": "not_a_report.html"}, FIX)
    assert d.parsed is None and d.published == dt.date(2024, 1, 10) and "未找到" in d.error
    d = doc_from_case({"text_file": "prev_2022.txt"}, FIX)
    assert d.year == 2022 and d.source == "prev_2022.txt" and d.parsed.quotes["新收"].value == 9


def test_pdf_reading_that_validates_is_kept(hz_pdf):
    """A misread ruled table (one cell off) loses to the word-position reading."""
    content = hz_pdf[2024]
    tables = [list(row) for row in content.tables]
    row = next(r for r in tables if len(r) > 3 and (r[1] or "").startswith("（二）部分公开"))
    assert row[3] == "9"
    row[3] = "8"
    report = report_from_pdf(dataclasses.replace(content, tables=tables), "hongze-2024.pdf")
    assert report.readers["表三"] == "PDF文字层"
    assert report.value("表三", "部分公开", "自然人") == 9
    assert report.warnings == [
        (
            "表三按PDF表格读取的结果与采用的PDF文字层不同（（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
            "/自然人：9 与 8），采用勾稽关系更一致的读法"
        )
    ]


def test_cell_flags():
    from gkcheck.sources.annual_report_cells import parse_cell

    got = [(c.value, c.flag) for c in map(parse_cell, ["12", "", "/", "—", "无", "1.5", "-3", "07"])]
    assert got == [(12, None), (None, "blank"), (None, "slash"), (None, "dash"), (None, "text"),
                   (None, "text"), (None, "text"), (7, None)]
    assert parse_cell("7,730.28", "amount").value == Decimal("7730.28")
    assert parse_cell("+2", "delta").value == 2 and parse_cell("-3", "delta").value == -3


def test_just_none():
    from gkcheck.checks.annual_report import just_none

    assert all(map(just_none, ["", "无。", "暂无", "本年度无其他需要报告的事项。", "2024年，无其他需要报告的事项"]))
    assert not just_none("2024年，无收取信息处理费情况。")  # Pingtan's section 六: a statement, not "无"
