"""A column whose list page opens but yields no post is not taken as blank unless the
page says so (暂无信息, 共0条 …): a list drawn by a script, or laid out in a way the
parser does not know, is `unread`, and the checks answer unknown for it.

Real pages served by a real HTTP server on 127.0.0.1.
"""

import datetime as dt
from pathlib import Path

import pytest

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.crawl.config import Selectors, parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.evidence import columns_from_store
from gkcheck.crawl.extract import parse_list
from gkcheck.crawl.fixture_server import serve
from gkcheck.model import Rule, Unit, UnitEvidence

UNIT = "市测试局"
REF = dt.date(2024, 12, 31)


def _page(body: str, head: str = "") -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>栏目</title>{head}</head><body>'
        '<div class="nav"><a href="/">首页</a><a href="/about.html">机构概况</a></div>'
        f'<div class="main">{body}</div><div class="foot">主办：邹城市测试局</div></body></html>'
    )


AJAX = _page(
    '<ul id="list"></ul><div id="pager"></div>',
    "<script>$(function(){ $.ajax({url: '/api/list.json?channel=12', dataType: 'json', "
    "success: function(d){ render(d.rows); } }); });</script>",
)
VUE = _page('<ul id="app"><li v-for="item in rows"><a :href="item.url">{{ item.title }}</a><span>{{ item.date }}</span></li></ul>')
# two links with no date: too few to be taken for a list without dates
UNDATED = _page(
    '<div class="box"><p><a href="./a1.html">关于做好第1批城乡低保资金发放工作的通知</a></p>'
    '<p><a href="./a2.html">关于做好第2批城乡低保资金发放工作的通知</a></p></div>'
)
SAYS_NONE = _page('<div class="list"><ul><li class="none">暂无信息</li></ul></div>')
ZERO = _page('<table class="list"></table><div class="page">共0条记录 第1/1页</div>')
BUILDING = _page('<div class="list"><p>本栏目正在建设中，敬请期待！</p></div>')
DATED = _page(
    '<ul class="list">'
    + "".join(f'<li><a href="./d{i}.html">关于做好第{i}批城乡低保资金发放工作的通知</a><span>2024-06-{10 + i}</span></li>' for i in range(1, 4))
    + "</ul>"
)

PAGES = {
    "ajax": AJAX, "vue": VUE, "undated": UNDATED, "none": SAYS_NONE, "zero": ZERO, "building": BUILDING, "dated": DATED,
}  # fmt: skip
COLUMNS = {
    "脚本列表": "ajax", "模板列表": "vue", "无日期列表": "undated",
    "暂无信息": "none", "零条记录": "zero", "建设中": "building", "正常栏目": "dated",
}  # fmt: skip


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unread")
    for name, html in PAGES.items():
        p = tmp / "site" / name / "index.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(html, encoding="utf-8")
    config = {
        "defaults": {"delay": 0, "retries": 0, "max_pages": 2},
        "units": [{"unit": UNIT, "columns": [{"name": c, "url": f"{{base}}/{d}/index.html"} for c, d in COLUMNS.items()]}],
    }
    sites = parse_sites(config, tmp / "sites.yaml")
    store = tmp / "gkcheck.db"
    with serve(tmp / "site") as base:
        stats = crawl(sites, store, base=base)
    return {"stats": stats, "cols": columns_from_store(store, sites, {UNIT: "csj"})["csj"]}


def test_lists_not_read_are_unread_with_the_reason(crawled):
    cols = crawled["cols"]
    for name in ("脚本列表", "模板列表"):
        assert cols[name].status == "unread", name
        assert cols[name].posts == [] and "脚本" in cols[name].error, cols[name].error
    assert cols["无日期列表"].status == "unread" and cols["无日期列表"].posts == []
    assert "版式" in cols["无日期列表"].error and "profile: css" in cols["无日期列表"].error
    for name in ("暂无信息", "零条记录", "建设中"):  # pages that say the column has nothing: blank
        assert (cols[name].status, cols[name].posts, cols[name].error) == ("ok", [], None), name
    assert cols["正常栏目"].status == "ok" and len(cols["正常栏目"].posts) == 3


def test_crawl_counts_unread_columns_apart(crawled):
    stats = crawled["stats"]
    assert (stats.columns_ok, stats.columns_unreachable, stats.columns_unread) == (4, 0, 3)
    assert stats.as_dict()["columns_unread"] == 3
    assert "栏目 正常 4 / 无法访问 0 / 未读出列表 3" in stats.summary_zh()
    assert stats.error_count == 0  # no page failed


def _run(cols, check: str, params: dict):
    unit = Unit(id="csj", name=UNIT)
    ev = UnitEvidence(unit_id="csj", columns=cols)
    kind = get_kind(check)
    rule = Rule(id="T", title="t", check=check, **{"with": params})
    ctx = CheckContext(unit=unit, evidence=ev, as_of=REF, plan_year=2024, rule=rule)
    return list(kind.func(ctx, kind.params.model_validate(params)))


def test_checks_answer_unknown_for_unread_lists_and_fail_for_blank_ones(crawled):
    cols = crawled["cols"]
    unread = ["脚本列表", "模板列表", "无日期列表"]
    blank = ["暂无信息", "零条记录", "建设中"]
    outcomes = _run(cols, "column.not_empty", {"columns": unread + blank + ["正常栏目"]})
    assert [o.status for o in outcomes] == ["unknown"] * 3 + ["fail"] * 3 + ["pass"]
    assert "栏目“脚本列表”的列表未能读出" in outcomes[0].message and "无法判断是否空白" in outcomes[0].message
    fresh = _run(cols, "column.fresh", {"columns": ["脚本列表", "暂无信息"]})
    assert [o.status for o in fresh] == ["unknown", "fail"]
    has = _run(cols, "column.has_post", {"column": "脚本列表", "keywords_any": ["低保"]})
    assert {o.status for o in has} == {"unknown"}
    # the column is there (its page opened): column.exists passes
    assert {o.status for o in _run(cols, "column.exists", {"columns": unread})} == {"pass"}
    # the veto counts the three blank columns, lists the unread ones as not judged
    (veto,) = _run(cols, "site.stale_columns", {"columns": "all", "threshold_blank": 3})
    assert veto.status == "fail" and "3个空白栏目" in veto.message
    assert "3个栏目无法核验，未计入：脚本列表、模板列表、无日期列表" in veto.message


@pytest.mark.parametrize(
    "text",
    ["暂无信息", "暂无相关数据", "暂 无 记 录", "没有找到相关信息", "没有符合条件的记录", "共 0 条", "共：0条",
     "查询到 0 条记录", "本栏目正在建设中", "信息正在更新中", "No records found", "no data"],
)  # fmt: skip
def test_pages_saying_the_column_is_empty(text):
    page = parse_list(_page(f'<div class="list">{text}</div>'), "http://h/l/index.html", ref_date=REF)
    assert page.items == [] and page.says_empty and not page.scripted


@pytest.mark.parametrize("text", ["共10条记录", "共 20 条", "10条信息", "信息公开指南", "联系我们"])
def test_pages_not_saying_so(text):
    page = parse_list(_page(f'<div class="list">{text}</div>'), "http://h/l/index.html", ref_date=REF)
    assert page.items == [] and not page.says_empty


@pytest.mark.parametrize(
    "script",
    ["fetch('/api/news?page=1').then(r => r.json())", "$.getJSON('/list.json', f)", "var x = new XMLHttpRequest();",
     "axios.get('/api/list')", "layui.table.render({elem: '#t', url: '/api/list'})"],
)  # fmt: skip
def test_pages_whose_list_a_script_may_load(script):
    page = parse_list(_page('<ul id="list"></ul>', f"<script>{script}</script>"), "http://h/l/index.html", ref_date=REF)
    assert page.items == [] and page.scripted and not page.says_empty


def test_a_placeholder_in_a_client_template_is_not_taken_for_an_empty_column():
    html = _page('<div id="app"><ul><li v-for="d in rows"><a :href="d.url">{{ d.title }}</a></li></ul>'
                 '<p v-if="rows.length == 0">暂无数据</p></div>')  # fmt: skip
    page = parse_list(html, "http://h/l/index.html", ref_date=REF)
    assert page.items == [] and page.scripted and not page.says_empty
    # a server's own 暂无信息 on a page with an unrelated script (a visit counter) is believed
    counter = _page('<ul class="list"><li>暂无信息</li></ul>', "<script>$.ajax({url: '/count.jsp'})</script>")
    assert parse_list(counter, "http://h/l/index.html", ref_date=REF).says_empty


def test_a_page_with_posts_is_neither():
    page = parse_list(DATED + "<script>$.ajax({url: '/hits'})</script>", "http://h/l/index.html", ref_date=REF)
    assert len(page.items) == 3 and not page.says_empty and not page.scripted


def test_css_and_hanweb_pages_without_posts():
    sel = Selectors(item="ul.list li", title="a", date="span")
    blank = parse_list(SAYS_NONE.replace('class="none"', ""), "http://h/l.html", "css", sel, ref_date=REF)
    assert blank.items == [] and blank.says_empty
    ajax = parse_list(AJAX, "http://h/l.html", "css", sel, ref_date=REF)
    assert ajax.items == [] and ajax.scripted and not ajax.says_empty
    empty_store = '<script type="text/xml"><datastore><totalrecord>0</totalrecord><recordset></recordset></datastore></script>'
    page = parse_list(empty_store, "http://h/col/col1/index.html", "hanweb", ref_date=REF)
    assert page.items == [] and page.says_empty


def _article(title: str, date: str) -> str:
    return _page(f'<h1>{title}</h1><div class="info">发布时间：{date}　来源：市测试局</div><div id="zoom"><p>正文。</p></div>')


def test_a_list_without_dates_is_read_and_dated_from_its_post_pages(tmp_path):
    site = tmp_path / "site" / "tzgg"
    site.mkdir(parents=True)
    titles = [f"关于做好第{i}批城乡低保资金发放工作的通知" for i in range(1, 5)]
    links = "".join(f'<li><a href="./a{i}.html">{t}</a></li>' for i, t in enumerate(titles, 1))
    side = '<div class="right"><ul><li><a href="/x/1.html">热点：全市政务公开工作会议召开</a></li></ul></div>'
    (site / "index.html").write_text(_page(f'<ul class="list">{links}</ul>{side}'), encoding="utf-8")
    for i, t in enumerate(titles, 1):
        if i != 4:  # the fourth post's page is missing
            (site / f"a{i}.html").write_text(_article(t, f"2024-06-{20 - i}"), encoding="utf-8")
    config = {
        "defaults": {"delay": 0, "retries": 0},
        "units": [{"unit": UNIT, "columns": [{"name": "通知公告", "url": "{base}/tzgg/index.html"}]}],
    }
    sites = parse_sites(config, tmp_path / "sites.yaml")
    store = tmp_path / "gkcheck.db"
    with serve(tmp_path / "site") as base:
        stats = crawl(sites, store, base=base)
    col = columns_from_store(store, sites, {UNIT: "csj"})["csj"]["通知公告"]
    assert col.status == "ok"
    assert [(p.title, p.date) for p in col.posts] == [
        (titles[0], dt.date(2024, 6, 19)), (titles[1], dt.date(2024, 6, 18)), (titles[2], dt.date(2024, 6, 17)), (titles[3], None),
    ]  # fmt: skip
    assert col.posts[3].body_status == 404  # a failed page leaves the post undated, and is listed as a failure
    assert stats.error_count == 1 and stats.body_pages == 3
    (fresh,) = _run({"通知公告": col}, "column.fresh", {"columns": ["通知公告"], "max_age_days": 365})
    assert fresh.status == "pass" and "2024-06-19" in fresh.message
    # past the limit, the post whose page failed may be the newer one: not judged
    (late,) = _run({"通知公告": col}, "column.fresh", {"columns": ["通知公告"], "max_age_days": 30})
    assert late.status == "unknown" and "1条信息列表中未标日期、其页面未能打开" in late.message


def test_undated_list_parsing():
    items = "".join(f'<tr><td><a href="/art/t2024060{i}_{i}.html">关于做好第{i}批城乡低保资金发放工作的通知</a></td></tr>' for i in range(1, 4))
    menu = '<ul class="menu"><li><a href="/a.html">机构概况</a></li><li><a href="/b.html">政策文件</a></li><li><a href="/c.html">通知公告</a></li></ul>'
    page = parse_list(_page(menu + f'<table class="list">{items}</table>'), "http://h/tzgg/index.html", ref_date=REF)
    assert [(i.url, i.date, i.date_how) for i in page.items] == [
        (f"http://h/art/t2024060{i}_{i}.html", dt.date(2024, 6, i), "url") for i in range(1, 4)
    ]
    assert "列表未标注发布日期" in page.notes[0] and not page.scripted
    # links to other sites (a box of related sites) are no list of this column
    other = "".join(f'<li><a href="http://www{i}.example.gov.cn/">第{i}个上级部门和兄弟单位的门户网站</a></li>' for i in range(4))
    assert parse_list(_page(f'<ul class="list">{other}</ul>'), "http://h/tzgg/index.html", ref_date=REF).items == []
    # a page that says it is empty is empty, whatever links it has
    said = parse_list(_page(f'<ul class="list">{other}</ul><p>暂无信息</p>'), "http://h/tzgg/index.html", ref_date=REF)
    assert said.items == [] and said.says_empty
