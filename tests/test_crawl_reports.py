"""Annual reports and attachments from the crawl: the 卫健局 demo site's 2023 report is a
PDF attachment (downloaded and read with pdfplumber), its 2022 report a page with tables;
attachment links are checked by HEAD (GET of the first byte when HEAD is refused); a
failed fetch gives an error that the checks answer with `unknown`; a version-1 store is
migrated without losing anything. A real HTTP server on 127.0.0.1 serves the fixtures."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.crawl.config import parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.evidence import columns_from_store
from gkcheck.crawl.fixture_server import Fault, serve
from gkcheck.crawl.reports import (
    has_report_tables,
    is_report_column,
    report_year,
    reports_from_store,
)
from gkcheck.crawl.store import SCHEMA_VERSION, Store
from gkcheck.engine.gather import Sources, gather
from gkcheck.engine.pack import load_pack
from gkcheck.engine.yamlio import read_yaml
from gkcheck.model import Rule, Unit, UnitEvidence

REPO = Path(__file__).resolve().parents[1]
SITES = REPO / "fixtures" / "sites"
CONFIG = REPO / "fixtures" / "sites.yaml"
WJJ = "市卫生健康局"
NAMES = {WJJ: "wjj", "市民政局": "mzj"}
REPORT_2023 = "/wjj/contents/4304/88101.html"
PDF_2023 = "/wjj/contents/4304/P020240123506271849302.pdf"


def _sites(**defaults):
    data = read_yaml(CONFIG)
    data["defaults"] = {**data["defaults"], "delay": 0, "retries": 0, **defaults}
    data["units"] = [u for u in data["units"] if u["unit"] == WJJ]
    return parse_sites(data, CONFIG)


def _check(kind: str, docs, unit_id: str = "wjj", **params):
    k = get_kind(kind)
    ctx = CheckContext(
        unit=Unit(id=unit_id, name=WJJ, kind="department"),
        evidence=UnitEvidence(unit_id=unit_id, annual_reports=docs),
        as_of=dt.date(2024, 12, 31),
        plan_year=2024,
        rule=Rule(id="T", title="t", check=kind),
    )
    return list(k.func(ctx, k.params.model_validate(params)))


def test_report_titles_and_columns():
    assert report_year("邹城市卫生健康局2023年政府信息公开工作年度报告") == 2023
    assert report_year("钢山街道办事处2023年度政府信息公开工作年度报告") == 2023
    assert report_year("政府信息公开年报（2022年）") == 2022
    assert report_year("关于报送2023年政府信息公开工作年度报告的通知") == 2023  # names a report and a year
    assert report_year("政府信息公开工作年度报告") is None  # no year
    assert report_year("邹城市卫生健康局政府信息公开指南") is None
    assert is_report_column("年度报告") and is_report_column("政府信息公开年报") and is_report_column("年度报告专栏")
    assert not is_report_column("政策文件")
    assert has_report_tables("一、本年新收政府信息公开申请数量 … 四、结转下年度继续办理")
    assert not has_report_tables("全文见附件。")


@pytest.fixture(scope="module")
def demo_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    store = tmp / "gkcheck.db"
    sites = _sites()
    with serve(SITES) as base:
        first = crawl(sites, store, base=base)
        docs_first = reports_from_store(store, sites, NAMES)
        second = crawl(sites, store, base=base)
        requests = [(r.method, r.path, r.status) for r in base.server.requests]
    return {"store": store, "sites": sites, "first": first, "second": second,
            "docs": docs_first, "again": reports_from_store(store, sites, NAMES), "requests": requests}  # fmt: skip


def test_the_pdf_report_is_downloaded_and_read(demo_crawl):
    first = demo_crawl["first"]
    assert (first.files_checked, first.files_downloaded, first.files_broken) == (1, 1, 0)
    docs = demo_crawl["docs"]["wjj"]
    assert [(d.year, d.published, d.error) for d in docs] == [
        (2023, dt.date(2024, 1, 23), None),
        (2022, dt.date(2023, 1, 19), None),
    ]
    r23, r22 = docs[0].parsed, docs[1].parsed
    assert docs[0].source.endswith(REPORT_2023) and r23.source == docs[0].source
    assert docs[0].title == "邹城市卫生健康局2023年政府信息公开工作年度报告"
    # 2023: the page says only "全文见附件"; the tables come from the PDF
    assert r23.readers["表三"] == "PDF表格" and r23.unit == "邹城市卫生健康局" and r23.year == 2023
    assert r23.value("表三", "新收", "总计") == 14 and r23.value("表三", "结转下年度", "自然人") == 1
    assert r23.value("表二", "行政规范性文件", "现行有效件数") == 9
    assert sorted(r23.sections) == sorted("一二三四五六")
    # 2022: the tables are in the page itself
    assert r22.readers["表三"] == "网页表格" and r22.value("表三", "新收", "总计") == 9
    # PDF downloads are GETs of the whole file; the xlsx form is only checked by HEAD
    methods = {(m, p) for m, p, _ in demo_crawl["requests"] if not p.endswith(".html")}
    assert ("GET", PDF_2023) in methods and ("HEAD", "/wjj/contents/4301/P020240605318472956103.xlsx") in methods
    assert ("GET", "/wjj/contents/4301/P020240605318472956103.xlsx") not in methods


def test_the_checks_read_the_crawled_reports(demo_crawl):
    docs = demo_crawl["docs"]["wjj"]
    on_time = _check("annual_report.on_time", docs)
    assert [o.status for o in on_time] == ["pass"] and "2024-01-23发布" in on_time[0].message
    arithmetic = _check("annual_report.arithmetic", docs)
    assert {o.status for o in arithmetic} == {"pass"}
    assert any("跨年度核对（2022→2023年）成立" in o.message for o in arithmetic)
    assert [o.status for o in _check("annual_report.sections", docs)] == ["pass"]


def test_a_second_crawl_keeps_the_pdf_and_answers_304(demo_crawl):
    second = demo_crawl["second"]
    assert (second.pages, second.files_downloaded, second.files_not_modified) == (0, 0, 2)
    again = demo_crawl["again"]["wjj"]
    assert again[0].parsed is not None and again[0].parsed.readers["表三"] == "PDF表格"
    with Store(demo_crawl["store"], create=False) as s:
        pdf = [f for u, f in s.files().items() if u.endswith(".pdf")]
        assert len(pdf) == 1 and pdf[0]["status"] == 200 and pdf[0]["has_data"] and pdf[0]["bytes"] > 10_000
    # 304 answers for the GET of the PDF (conditional) and the HEAD of the form
    assert ("GET", PDF_2023, 304) in demo_crawl["requests"]


def test_a_failed_report_page_is_an_error_never_a_missing_report(tmp_path):
    sites = _sites()
    with serve(SITES, faults=[Fault(REPORT_2023, "status", status=500)]) as base:
        stats = crawl(sites, tmp_path / "s.db", base=base)
    assert stats.errors == {"http_500": 1}
    docs = reports_from_store(tmp_path / "s.db", sites, NAMES)["wjj"]
    d23 = next(d for d in docs if d.year == 2023)
    assert d23.parsed is None and "年度报告页面抓取失败" in d23.error and "HTTP 500" in d23.error
    assert d23.published == dt.date(2024, 1, 23)  # the list still dates it
    assert [o.status for o in _check("annual_report.on_time", docs)] == ["pass"]
    sections = _check("annual_report.sections", docs)
    assert [o.status for o in sections] == ["unknown"] and "2023年年度报告无法读取" in sections[0].message
    assert {o.status for o in _check("annual_report.arithmetic", docs)} == {"unknown"}


def test_an_unreachable_report_column_gives_no_report_evidence(tmp_path):
    sites = _sites()
    with serve(SITES, faults=[Fault("/wjj/channels/4304.html", "status", status=503)]) as base:
        crawl(sites, tmp_path / "s.db", base=base)
    assert reports_from_store(tmp_path / "s.db", sites, NAMES) == {"wjj": None}
    on_time = _check("annual_report.on_time", None)
    assert [o.status for o in on_time] == ["unknown"]  # not "no report found": the column failed
    # a store that was never crawled says the same
    assert reports_from_store(tmp_path / "none.db", sites, NAMES) == {"wjj": None}


def test_a_pdf_over_the_size_cap_is_not_read(tmp_path):
    sites = _sites(max_file_bytes=4096)
    with serve(SITES) as base:
        crawl(sites, tmp_path / "s.db", base=base)
    docs = reports_from_store(tmp_path / "s.db", sites, NAMES)["wjj"]
    d23 = docs[0]
    assert d23.year == 2023 and d23.parsed is None
    assert "超过大小上限，未完整下载" in d23.error
    assert [o.status for o in _check("annual_report.sections", docs)] == ["unknown"]


def _post_page(attachments: list[tuple[str, str]]) -> str:
    links = "".join(f'<p><a href="{href}">{title}</a></p>' for href, title in attachments)
    return (
        '<html><head><meta charset="utf-8"><meta name="PubDate" content="2024-06-24"></head><body>'
        '<div class="nav"><a href="/">首页</a></div><h1>发放明细</h1>'
        f'<div id="zoom"><p>2024年6月发放明细见附件。</p>{links}</div></body></html>'
    )


def test_attachment_links_are_checked_and_reported(tmp_path):
    site = tmp_path / "site"
    (site / "col").mkdir(parents=True)
    (site / "col" / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><ul class="list">'
        '<li><a href="./a1.html">2024年6月城乡低保发放明细</a><span>2024-06-24</span></li>'
        "</ul></body></html>",
        encoding="utf-8",
    )
    (site / "col" / "a1.html").write_text(
        _post_page([("./ok.xlsx", "6月明细.xlsx"), ("./gone.xlsx", "缺失的明细.xlsx"),
                    ("./nohead.xlsx", "不支持HEAD.xlsx"), ("http://example.com/f.pdf", "站外附件.pdf")]),
        encoding="utf-8",
    )  # fmt: skip
    (site / "col" / "ok.xlsx").write_bytes(b"PK\x03\x04" + b"x" * 4000)
    (site / "col" / "nohead.xlsx").write_bytes(b"PK\x03\x04" + b"y" * 4000)
    sites = parse_sites(
        {"defaults": {"delay": 0, "retries": 0}, "units": [
            {"unit": "市民政局", "columns": [{"name": "社会救助", "url": "{base}/col/index.html", "bodies": True}]}]},
        tmp_path / "sites.yaml",
    )  # fmt: skip
    store = tmp_path / "s.db"
    # the server refuses HEAD for one file: 405 to the first request, then the GET works
    with serve(site, faults=[Fault("/col/nohead.xlsx", "status", status=405, times=1)]) as base:
        stats = crawl(sites, store, base=base)
        asked = [(r.method, r.path, r.headers.get("range")) for r in base.server.requests if "xlsx" in r.path]
    assert (stats.files_checked, stats.files_broken, stats.notes["offsite_file"]) == (3, 1, 1)
    assert stats.errors == {}  # a broken attachment is a finding about the site, not a crawl error
    assert ("GET", "/col/nohead.xlsx", "bytes=0-0") in asked and ("GET", "/col/ok.xlsx", None) not in asked
    post = columns_from_store(store, sites, {"市民政局": "mzj"})["mzj"]["社会救助"].posts[0]
    got = {a.title: (a.status, a.error) for a in post.attachments}
    assert got == {
        "6月明细.xlsx": (200, None),
        "缺失的明细.xlsx": (404, None),
        "不支持HEAD.xlsx": (200, None),
        "站外附件.pdf": (None, None),  # another site's file: not checked, never called broken
    }
    with Store(store, create=False) as s:
        assert s.file(f"{base}/col/nohead.xlsx") is None  # stored under {base}
        methods = {u.rsplit("/", 1)[1]: f["status"] for u, f in s.files(str(base)).items()}
    assert methods == {"ok.xlsx": 200, "gone.xlsx": 404, "nohead.xlsx": 200}
    links = get_kind("column.links_ok")
    ctx = CheckContext(
        unit=Unit(id="mzj", name="市民政局", kind="department"),
        evidence=UnitEvidence(unit_id="mzj", columns={"社会救助": columns_from_store(store, sites, {"市民政局": "mzj"})["mzj"]["社会救助"]}),
        as_of=dt.date(2024, 12, 31), plan_year=2024, rule=Rule(id="T", title="t", check="column.links_ok"),
    )  # fmt: skip
    out = list(links.func(ctx, links.params.model_validate({})))
    assert [o.status for o in out] == ["fail"]
    assert "附件“缺失的明细.xlsx”无法打开（HTTP 404）" in out[0].message


def test_a_version_1_store_is_migrated_without_losing_data(tmp_path, demo_crawl):
    path = tmp_path / "old.db"
    shutil.copy(demo_crawl["store"], path)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE files")
    con.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    con.commit()
    before = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("crawls", "pages", "posts", "bodies", "contents")}
    con.close()
    with Store(path, create=False) as s:
        version = s.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        after = {t: s.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in before}
        assert version == str(SCHEMA_VERSION) == "2" and after == before and s.files() == {}
    # the migrated store reads as before (attachments simply not yet checked)
    cols = columns_from_store(path, demo_crawl["sites"], NAMES)["wjj"]
    assert len(cols["政策文件"].posts) == 8 and cols["政策文件"].status == "ok"
    # and a newer store is refused untouched
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='3' WHERE key='schema_version'")
    con.commit()
    con.close()
    from gkcheck.errors import SourceError

    with pytest.raises(SourceError, match="更新版本"):
        Store(path, create=False)


def test_gather_takes_store_reports_then_file_reports(tmp_path, demo_crawl):
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(REPO / "fixtures" / "reports" / "ok_2021.html", reports / f"{WJJ}2023年年度报告.html")
    sites_file = tmp_path / "sites.yaml"
    shutil.copy(CONFIG, sites_file)
    pack = load_pack(REPO / "rules" / "zoucheng-2024")
    got = gather(pack, Sources(sites=sites_file, store=demo_crawl["store"], reports=[reports], base=tmp_path), ["wjj", "mzj"])
    wjj = got.evidence["wjj"].annual_reports
    assert [(d.year, d.source.rsplit("/", 1)[-1]) for d in wjj] == [
        (2023, "88101.html"), (2022, "88106.html"), (2023, f"{WJJ}2023年年度报告.html")
    ]  # fmt: skip
    # 市民政局's report column was not crawled into this store: no report evidence from it
    assert got.evidence["mzj"].annual_reports is None
