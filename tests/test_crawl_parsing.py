"""Crawl parts that need no network: sites config, encodings, list pages, post pages, store."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from gkcheck.crawl.body import extract_body
from gkcheck.crawl.config import load_sites, parse_sites
from gkcheck.crawl.encoding import decode_html
from gkcheck.crawl.extract import parse_list
from gkcheck.crawl.store import Store
from gkcheck.errors import ConfigError, SourceError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REF = dt.date(2024, 12, 31)


# --------------------------------------------------------------------------- config


def _write(tmp_path, text: str) -> Path:
    p = tmp_path / "sites.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_demo_sites_config_loads():
    sites = load_sites(FIXTURES / "sites.yaml")
    assert [u.unit for u in sites.units] == [
        "市民政局", "市教育和体育局", "市人力资源和社会保障局", "市住房和城乡建设局", "市卫生健康局", "钢山街道"
    ]  # fmt: skip
    mzj = sites.unit("市民政局")
    assert mzj.column("政策文件").profile == "trs" and mzj.column("政策文件").bodies is True
    assert sites.unit("钢山街道").column("通知公告").selectors.item == "div.lb-list dd"
    assert sites.defaults.timeout == (5.0, 15.0)
    resolved = sites.with_base("http://127.0.0.1:9999/")
    assert resolved.unit("市民政局").columns[0].url == "http://127.0.0.1:9999/mzj/zfxxgk/shjz/index.html"
    assert resolved.hosts() == {"127.0.0.1:9999"}


def test_defaults_are_polite_when_not_given(tmp_path):
    sites = load_sites(_write(tmp_path, "units:\n  - unit: 市民政局\n    columns:\n      - {name: 通知公告, url: 'https://a.gov.cn/tzgg/'}\n"))
    d = sites.defaults
    assert (d.concurrency_per_host, d.delay, d.timeout, d.retries, d.max_bytes, d.max_pages) == (2, 0.5, (5.0, 15.0), 2, 5_000_000, 50)
    assert "gkcheck" in d.user_agent


@pytest.mark.parametrize(
    "text, where, words",
    [
        ("units:\n  - unit: 市民政局\n    columns:\n      - {name: 通知公告, url: 'https://a.gov.cn/', profile: wcm}\n",
         "units[0]（市民政局）.columns[0]（通知公告）.profile", "允许"),
        ("units:\n  - unit: 市民政局\n    columns:\n      - {name: 通知公告, url: 'ftp://a.gov.cn/'}\n",
         "units[0]（市民政局）.columns[0]（通知公告）.url", "http"),
        ("units:\n  - unit: 市民政局\n    columns:\n      - {name: 通知公告, url: 'https://a.gov.cn/', profile: css}\n",
         "units[0]（市民政局）.columns[0]（通知公告）", "selectors"),
        ("units:\n  - unit: 市民政局\n    columns:\n      - {name: 通知公告, url: 'https://a.gov.cn/', profile: css, selectors: {item: 'ul >> li'}}\n",
         "units[0]（市民政局）.columns[0]（通知公告）.selectors.item", "选择器"),
        ("defaults: {delay: -1}\nunits: []\n", "defaults.delay", "过小"),
        ("defaults: {speed: 3}\nunits: []\n", "defaults.speed", "未知配置项"),
        ("units:\n  - unit: 市民政局\n    colums: []\n", "units[0]（市民政局）.columns", "缺少"),
        ("units:\n  - unit: 市民政局\n    columns:\n      - {name: 通知公告, url: 'https://a.gov.cn/'}\n      - {name: 通知公告, url: 'https://a.gov.cn/b'}\n",
         "units[0]（市民政局）", "重复"),
    ],
)  # fmt: skip
def test_bad_config_names_file_and_key(tmp_path, text, where, words):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_sites(path)
    assert err.value.path == str(path)
    assert err.value.where == where
    assert words in err.value.message


def test_bad_yaml_and_missing_base(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_sites(_write(tmp_path, "units:\n  - unit: [\n"))
    assert "YAML" in err.value.message and err.value.where.startswith("第")
    sites = parse_sites({"units": [{"unit": "市民政局", "columns": [{"name": "通知公告", "url": "{base}/a/"}]}]}, "x.yaml")
    with pytest.raises(ConfigError) as err:
        sites.with_base(None)
    assert err.value.where == "units[0].columns[0].url" and "--base" in err.value.message


# -------------------------------------------------------------------------- encoding

GBK_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>社会救助</title></head><body><p>联系人：王堃，城市低保标准每人每月920元。</p></body></html>"
)


def test_gbk_page_with_wrong_utf8_header_decodes():
    data = GBK_PAGE.encode("gbk")  # 堃 is GBK, not GB2312: the page lies about gb2312 too
    text, codec, how = decode_html(data, "text/html; charset=UTF-8")
    assert "王堃" in text and "920元" in text
    assert (codec, how) == ("gb18030", "meta")


def test_gbk_without_any_declaration_and_utf8_header_truth():
    text, codec, how = decode_html("<p>关于调整2024年城乡最低生活保障标准的通知</p>".encode("gb18030"), None)
    assert "最低生活保障" in text and codec == "gb18030"
    text, codec, how = decode_html("<p>政策解读</p>".encode(), "text/html; charset=utf-8")
    assert (text, codec, how) == ("<p>政策解读</p>", "utf-8", "header")
    # A server default of ISO-8859-1 is not believed for Chinese bytes
    text, codec, _ = decode_html('<meta charset="gbk"><p>通知公告</p>'.encode("gbk"), "text/html; charset=ISO-8859-1")
    assert "通知公告" in text and codec == "gb18030"


def test_cut_page_ending_mid_character_still_decodes_with_its_charset():
    data = GBK_PAGE.encode("gbk")
    cut = data[: data.index("元".encode("gbk")) + 1]  # half of a two-byte character
    text, codec, how = decode_html(cut, None, truncated=True)
    assert codec == "gb18030" and how == "meta" and "王堃" in text


# -------------------------------------------------------------------------- list pages

TRS_LIST = """<html><head><meta charset="gbk"></head><body>
<table class="top"><tr><td><a href="/">首页</a> <a href="/jgzn/">机构职能</a></td></tr></table>
<table><tr><td class="left">
  <table class="left_hot"><tr><td><a href="../tzgg/202412/t20241220_9.html">关于2024年第四季度城乡低保新增对象的公示</a></td><td>12-20</td></tr></table>
</td><td>
  <table class="list_table">
    <tr><td>·</td><td><a href="./202406/t20240624_1718050.html" title="关于调整2024年城乡最低生活保障标准的通知">关于调整2024年城乡最低生活保障…</a></td><td>2024-06-24</td></tr>
    <tr><td>·</td><td><a href="./202406/t20240628_1718043.html" title="关于调整2024年特困人员基本生活标准的通知">关于调整2024年特困人员基本生活标准的通知</a></td><td>2024/6/28</td></tr>
    <tr><td>·</td><td><a href="../zcwj/202403/t20240320_5.html">邹城市最低生活保障办事指南</a></td><td>2024年3月20日</td></tr>
    <tr><td>·</td><td><a href="http://mzt.shandong.gov.cn/art/2024/3/1/art_1_2.html">山东省民政厅转发通知</a></td><td>2024.03.01</td></tr>
  </table>
  <script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ if(_nPageCount == null || _nPageCount<=1){return;} }</script>
  <script>var countPage = 3//共多少页
  createPageHTML(countPage, 0, "index", "html");</script>
</td></tr></table></body></html>"""


def test_trs_list_page_items_dates_titles_and_pages():
    url = "http://127.0.0.1:8000/mzj/zfxxgk/shjz/index.html"
    page = parse_list(TRS_LIST, url, "trs", ref_date=REF)
    assert [(i.title, i.date) for i in page.items] == [
        ("关于调整2024年城乡最低生活保障标准的通知", dt.date(2024, 6, 24)),  # full title from the title attribute
        ("关于调整2024年特困人员基本生活标准的通知", dt.date(2024, 6, 28)),
        ("邹城市最低生活保障办事指南", dt.date(2024, 3, 20)),
        ("山东省民政厅转发通知", dt.date(2024, 3, 1)),
    ]  # the sidebar's 热点 link is not a post of this column
    assert page.items[0].url == "http://127.0.0.1:8000/mzj/zfxxgk/shjz/202406/t20240624_1718050.html"
    assert page.items[2].url == "http://127.0.0.1:8000/mzj/zfxxgk/zcwj/202403/t20240320_5.html"
    assert page.total_pages == 3
    assert page.next_urls == [
        "http://127.0.0.1:8000/mzj/zfxxgk/shjz/index_1.html",
        "http://127.0.0.1:8000/mzj/zfxxgk/shjz/index_2.html",
    ]


def test_trs_six_argument_pager_and_folder_url():
    html = "<ul><li><a href='./202401/t20240105_1.html'>一条很长的政策文件标题</a><span>2024-01-05</span></li></ul>" \
           "<script>createPageHTML('page_div', 2, 0, 'index', 'html', 18);</script>"  # fmt: skip
    page = parse_list(html, "http://h/zjj/xxgk/zcwj/", "trs", ref_date=REF)
    assert page.next_urls == ["http://h/zjj/xxgk/zcwj/index_1.html"]  # index.html is this very page


def test_month_day_dates_take_the_year_from_the_link_or_the_list():
    html = """<div class="side-news"><ul><li><a href="/x/1.html">侧栏里的一条新闻标题</a><span>[12-30]</span></li></ul></div>
    <ul class="list-ul">
      <li><span class="date">[12-19]</span><a href="./202412/content_3001.html">2024年第四批就业见习基地拟认定名单公示</a></li>
      <li><span class="date">[01-26]</span><a href="./202401/content_3019.html">关于2024年春节前根治欠薪专项行动的通告</a></li>
      <li><span class="date">[12-15]</span><a href="./content_3020.html">2023年第四批就业见习基地拟认定名单公示</a></li>
      <li><span class="date">[06-24]</span><a href="./a/t20230624_1.html">高校毕业生就业服务月活动公告</a></li>
    </ul><div class="pages"><a href="./">首页</a><a class="next" href="?page=2">下一页</a></div>"""
    page = parse_list(html, "http://h/rsj/xxgk/tzgg/", "generic", ref_date=REF)
    assert [i.date for i in page.items] == [
        dt.date(2024, 12, 19),  # year from the 202412/ folder
        dt.date(2024, 1, 26),
        dt.date(2023, 12, 15),  # no year anywhere: newest first, so after 01-26 comes the year before
        dt.date(2023, 6, 24),  # t20230624 in the link
    ]
    assert {i.date_how for i in page.items} == {"list_md"}
    assert page.next_urls == ["http://h/rsj/xxgk/tzgg/?page=2"]


CARDS = [
    # (name, one item's HTML for k: its link holds the date)
    ("title and date in spans of the link",
     "<li><a href='./202406/t2024060{k}_{k}.html'><p class='tit'>关于开展第{k}批社会救助政策宣传的通知</p>"
     "<span class='time'>2024-06-0{k}</span></a></li>"),
    ("date after the title in the link's text",
     "<li><a href='./202406/t2024060{k}_{k}.html'>关于开展第{k}批社会救助政策宣传的通知 2024-06-0{k}</a></li>"),
    ("[月-日] before the title in the link",
     "<li><a href='./202406/t2024060{k}_{k}.html'><em>[06-0{k}]</em> 关于开展第{k}批社会救助政策宣传的通知</a></li>"),
    ("a card of divs", "<div class='card'><a href='./202406/t2024060{k}_{k}.html'><div class='t'>关于开展第{k}批社会救助政策宣传的通知</div>"
     "<div class='d'>2024年06月0{k}日</div></a></div>"),
]  # fmt: skip


@pytest.mark.parametrize("name, item", CARDS, ids=[c[0] for c in CARDS])
def test_a_link_holding_its_own_date_is_an_item_titled_without_it(name, item):
    html = "<div class='nav'><a href='/'>首页</a></div><ul class='list'>" + "".join(item.format(k=k) for k in (4, 3, 2, 1)) + "</ul>"
    page = parse_list(html, "http://h/mzj/shjz/index.html", "generic", ref_date=REF)
    assert [(i.title, i.date) for i in page.items] == [
        (f"关于开展第{k}批社会救助政策宣传的通知", dt.date(2024, 6, k)) for k in (4, 3, 2, 1)
    ]


SCRIPTED = [
    # (name, the link for item k, its expected URL)
    ("javascript: href", "<a href=\"javascript:openDoc('/art/2024/6/{k}/art_12_{k}.html')\">", "http://h/art/2024/6/{k}/art_12_{k}.html"),
    ("onclick window.open, href #", "<a href='#' onclick=\"window.open('./202406/t2024060{k}_{k}.html','_blank')\">",
     "http://h/mzj/shjz/202406/t2024060{k}_{k}.html"),
    ("onclick and no href", "<a onclick=\"location.href='detail.jsp?id={k}'\">", "http://h/mzj/shjz/detail.jsp?id={k}"),
]  # fmt: skip


@pytest.mark.parametrize("name, link, url", SCRIPTED, ids=[c[0] for c in SCRIPTED])
def test_a_link_that_opens_its_page_from_a_script_is_an_item(name, link, url):
    html = "<ul class='list'>" + "".join(
        f"<li>{link.format(k=k)}关于开展第{k}批社会救助政策宣传的通知</a><span>2024-06-0{k}</span></li>" for k in (4, 3, 2)
    ) + "</ul>"  # fmt: skip
    page = parse_list(html, "http://h/mzj/shjz/index.html", "generic", ref_date=REF)
    assert [(i.url, i.date) for i in page.items] == [(url.format(k=k), dt.date(2024, 6, k)) for k in (4, 3, 2)]


def test_a_script_link_naming_no_page_is_no_item():
    html = "<ul>" + "".join(
        f"<li><a href='javascript:;' onclick=\"track('click','news')\">关于开展第{k}批社会救助政策宣传的通知</a>"
        f"<span>2024-06-0{k}</span></li>" for k in (4, 3)
    ) + "</ul>"  # fmt: skip
    assert parse_list(html, "http://h/a/index.html", "generic", ref_date=REF).items == []


def test_a_date_inside_a_links_title_is_not_its_date():
    html = "<ul>" + "".join(f"<li><a href='./t{k}.html'>关于2024年6月{k}日停电检修的通知</a></li>" for k in (4, 3, 2)) + "</ul>"
    page = parse_list(html, "http://h/a/index.html", "generic", ref_date=REF)
    # read as a list without dates (their dates come from the post pages), not dated by the titles
    assert [(i.url, i.date) for i in page.items] == [(f"http://h/a/t{k}.html", None) for k in (4, 3, 2)]


def test_hanweb_records_and_data_proxy_paging():
    records = "".join(
        f'<record><![CDATA[<li><a href="/art/2024/6/{d}/art_2301_{d}.html" title="关于第{d}号文件的通知全文">关于第{d}号…</a>'
        f"<span>2024-06-{d:02d}</span></li>]]></record>"
        for d in range(1, 16)
    )
    html = (
        '<div id="4401"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=2301&unitid=4401"></a>]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script>"
        "<script>$('#4401').jpage({perPage: 5, totalRecord: 32});</script></div>"
    )
    page = parse_list(html, "http://h/col/col2301/index.html", "hanweb", ref_date=REF)
    assert len(page.items) == 15
    assert page.items[0].title == "关于第1号文件的通知全文" and page.items[0].date == dt.date(2024, 6, 1)
    assert page.items[0].url == "http://h/art/2024/6/1/art_2301_1.html"
    nxt = page.next_urls[0]
    assert nxt == ("http://h/module/web/jpage/dataproxy.jsp?page=1&columnid=2301&unitid=4401"
                   "&startrecord=16&endrecord=30&perpage=5")  # fmt: skip
    full = "<datastore><totalrecord>32</totalrecord><recordset>" + records + "</recordset></datastore>"
    mid = parse_list(full, nxt, "hanweb", ref_date=REF)
    assert mid.next_urls == [nxt.replace("startrecord=16&endrecord=30", "startrecord=31&endrecord=45")]
    short = "<datastore><totalrecord>32</totalrecord><recordset>" + records[: records.index("</record>") + 9] + "</recordset></datastore>"
    last = parse_list(short, mid.next_urls[0], "hanweb", ref_date=REF)
    assert len(last.items) == 1 and last.next_urls == []  # fewer than asked: the last group


def test_hanweb_static_group_smaller_than_a_group_is_complete():
    html = ('<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/dataproxy.jsp?columnid=1"></a>]]></nextgroup>'
            '<recordset><record><![CDATA[<li><a href="/art/2024/1/29/art_1_1.html">2023年政府信息公开工作年度报告</a><span>2024-01-29</span></li>]]></record>'
            "</recordset></datastore></script><script>x.jpage({perPage: 5})</script>")  # fmt: skip
    page = parse_list(html, "http://h/col/col1/index.html", "hanweb", ref_date=REF)
    assert len(page.items) == 1 and page.next_urls == []


def test_css_profile_and_blank_column():
    from gkcheck.crawl.config import Selectors

    sel = Selectors(item="div.lb-list dd", title="a", date="em", next="div.fy a.next")
    html = """<div class="lb-list"><dl><dd><a href="../info/901.html">钢山街道2024年第四季度低保新增对象公示</a><em>2024-12-13</em></dd>
    <dd><a href="../info/902.html">钢山街道关于开展冬季安全隐患排查的通知</a><em>2024-11-26</em></dd></dl></div>
    <div class="fy"><span>1/2</span><a class="next" href="list_2.html">下一页</a></div>"""
    page = parse_list(html, "http://h/gsjd/tzgg/list.html", "css", sel, ref_date=REF)
    assert [(i.url, i.date) for i in page.items] == [
        ("http://h/gsjd/info/901.html", dt.date(2024, 12, 13)),
        ("http://h/gsjd/info/902.html", dt.date(2024, 11, 26)),
    ]
    assert page.next_urls == ["http://h/gsjd/tzgg/list_2.html"]
    blank = parse_list('<div class="lb-list"><dl><dd class="none">暂无信息</dd></dl></div>', "http://h/l.html", "css", sel)
    assert blank.items == [] and blank.next_urls == []


# -------------------------------------------------------------------------- post pages


def test_body_main_text_without_navigation_and_attachments():
    html = """<html><head><meta name="ArticleTitle" content="关于调整2024年城乡最低生活保障标准的通知">
    <meta name="PubDate" content="2024-06-24 16:10"></head><body>
    <table class="top"><tr><td><a href="/">首页</a> <a href="/search/">站内搜索</a></td></tr></table>
    <div class="dqwz">当前位置：首页 &gt; 社会救助</div>
    <table><tr><td>
      <div class="TRS_Editor"><p>城市低保标准由每人每月880元提高到920元，</p><p>自2024年7月1日起执行。</p>
      <p>相关解读：<a href="../../zcjd/202406/t20240624_9.html">政策解读</a></p></div>
      <div class="fj">附件：<a href="./P020240624.xlsx">发放明细.xlsx</a> <a href="/up/指南.PDF">办事指南</a>
      <a href="/up/a.wps">a.wps</a> <a href="/up/b.docx">b</a> <a href="/up/c.doc">c</a> <a href="/up/d.xls">d</a></div>
    </td></tr></table>
    <div class="footer">主办：邹城市民政局 <a href="/sitemap.html">网站地图</a></div>
    <a href="javascript:window.print()">打印本页</a></body></html>"""
    b = extract_body(html, "http://h/mzj/zfxxgk/shjz/202406/t20240624_1.html")
    assert b.text == "城市低保标准由每人每月880元提高到920元，\n自2024年7月1日起执行。\n相关解读：政策解读"
    assert b.title == "关于调整2024年城乡最低生活保障标准的通知" and b.date == dt.date(2024, 6, 24)
    assert b.links == ["http://h/mzj/zfxxgk/zcjd/202406/t20240624_9.html"]
    assert [a[0].rsplit("/", 1)[1] for a in b.attachments] == [
        "P020240624.xlsx", "指南.PDF", "a.wps", "b.docx", "c.doc", "d.xls",
    ]  # fmt: skip
    assert b.attachments[0] == ("http://h/mzj/zfxxgk/shjz/202406/P020240624.xlsx", "发放明细.xlsx")


PAGE_DATES = [
    ("【发布日期】 in brackets", "<div>【发布日期】2024-06-24 【字体：大 中 小】</div>", dt.date(2024, 6, 24)),
    ("[日期] in brackets", "<div>[日期] 2024-06-24</div>", dt.date(2024, 6, 24)),
    ("table cells: 成文日期 first, the publication date wins",
     "<table><tr><th>成文日期</th><td>2024-06-20</td><th>发布日期</th><td>2024-06-24</td></tr></table>", dt.date(2024, 6, 24)),
    ("成文日期 alone", "<table><tr><td>成文日期：</td><td>2024年6月20日</td></tr></table>", dt.date(2024, 6, 20)),
    ("a bare 时间 without a colon is no label", "", None),
]  # fmt: skip


@pytest.mark.parametrize("name, info, date", PAGE_DATES, ids=[c[0] for c in PAGE_DATES])
def test_post_page_date_labels(name, info, date):
    html = (
        "<html><head><title>关于做好低保工作的通知</title></head><body><h1>关于做好低保工作的通知</h1>"
        f"{info}<div id='zoom'><p>为进一步做好城乡最低生活保障工作，现就有关事项通知如下。活动时间 2024年7月1日至7月31日。</p></div>"
        "</body></html>"
    )
    assert extract_body(html, "http://h/a/t.html").date == date


UNLABELLED_DATES = [
    ("a date and source under the title",
     "<h1>关于做好低保工作的通知</h1><div class='info'><span>2024-06-24 10:30</span><span>来源：市民政局</span></div>{body}",
     dt.date(2024, 6, 24)),
    ("a date alone under the title", "<h1>关于做好低保工作的通知</h1><p class='time'>2024年06月24日</p>{body}",
     dt.date(2024, 6, 24)),
    ("the info line inside the text, after the title",
     "<div class='article'><h1>关于做好低保工作的通知</h1><p>2024/06/24 来源：民政局 浏览次数：12</p>"
     "<p>为进一步做好城乡最低生活保障工作，现就有关事项通知如下，请认真贯彻执行。</p><p>一、总体要求。</p></div>",
     dt.date(2024, 6, 24)),
    ("English label", "<h1>关于做好低保工作的通知</h1><p>Published on: 2024-06-24</p>{body}", dt.date(2024, 6, 24)),
    ("the site's clock is not the page's date",
     "<div class='top'>今天是2024年11月27日 星期五</div><h1>关于做好低保工作的通知</h1><p>今天是2024年11月27日</p>{body}", None),
    ("the start of a span is not the page's date",
     "<h1>关于做好低保工作的通知</h1><p>2024年7月1日起施行</p>{body}", None),
    ("a date in the text is not the page's date",
     "<h1>关于做好低保工作的通知</h1><div id='zoom'><p>2024年7月1日，市民政局召开会议，研究部署低保工作。</p></div>", None),
    ("a long passage between title and text is no info line",
     "<h1>关于做好低保工作的通知</h1><div>2024-06-24 " + "相关链接 " * 60 + "</div>{body}", None),
]  # fmt: skip


@pytest.mark.parametrize("name, page, date", UNLABELLED_DATES, ids=[c[0] for c in UNLABELLED_DATES])
def test_post_page_date_without_label(name, page, date):
    body = "<div id='zoom'><p>为进一步做好城乡最低生活保障工作，现就有关事项通知如下，请认真贯彻执行。</p></div>"
    html = f"<html><head><title>关于做好低保工作的通知_邹城市民政局</title></head><body>{page.format(body=body)}</body></html>"
    assert extract_body(html, "http://h/a/t.html").date == date


def test_body_without_known_container_uses_paragraph_density():
    html = """<body><div class="dh"><a href="/">首页</a><a href="/tzgg/">通知公告</a></div>
    <div class="nr-box"><div class="nr-title">钢山街道2024年政务公开工作要点</div>
    <div class="nr-time">发布时间：2024-03-08　来源：钢山街道办事处</div>
    <div class="nr"><p>全面推进基层政务公开标准化规范化建设。</p><p>各社区要明确专人负责。</p></div></div></body>"""
    b = extract_body(html, "http://h/gsjd/info/1.html")
    assert b.text == "全面推进基层政务公开标准化规范化建设。\n各社区要明确专人负责。"
    assert b.date == dt.date(2024, 3, 8)


# ------------------------------------------------------------------------------- store


def test_corrupt_or_foreign_store_is_a_source_error_and_is_not_touched(tmp_path):
    bad = tmp_path / "gkcheck.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    before = bad.read_bytes()
    with pytest.raises(SourceError) as err:
        Store(bad)
    assert err.value.path == str(bad) and "损坏" in err.value.message
    assert bad.read_bytes() == before

    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(SourceError) as err:
        Store(foreign)
    assert "不是 gkcheck" in err.value.message

    newer = tmp_path / "newer.db"
    Store(newer).close()
    con = sqlite3.connect(newer)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(SourceError) as err:
        Store(newer)
    assert "更新版本" in err.value.message


def test_store_schema_and_wal(tmp_path):
    s = Store(tmp_path / "gkcheck.db")
    tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "crawls", "pages", "contents", "columns", "posts", "sightings", "bodies", "files"} <= tables
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"
    s.close()


def test_only_the_latest_unfinished_crawl_can_be_resumed(tmp_path):
    s = Store(tmp_path / "gkcheck.db", base="http://127.0.0.1:8000")
    first = s.begin_crawl("sites.yaml", "http://127.0.0.1:8000", ["市民政局"])
    assert s.unfinished_crawl() == {"id": first, "units": ["市民政局"], "base": "http://127.0.0.1:8000", "config": "sites.yaml"}
    second = s.begin_crawl("sites.yaml", None, None)  # a fresh crawl instead of --resume
    assert [c["status"] for c in s.crawls()] == ["abandoned", "running"]
    s.finish_crawl(second)
    assert s.unfinished_crawl() is None  # the abandoned one is never picked up again
    # URLs under the base are stored without it, and come back with any base
    assert s._in("http://127.0.0.1:8000/mzj/a.html") == "{base}/mzj/a.html"
    assert s._in("http://example.com/mzj/a.html") == "http://example.com/mzj/a.html"
    assert Store.expand("{base}/mzj/a.html", "http://127.0.0.1:9000") == "http://127.0.0.1:9000/mzj/a.html"
    s.close()


def test_homepage_profile_reads_every_dated_block():
    html = """<div class="nav"><a href="/gk/">政府信息公开</a><a href="/hd/">互动交流</a></div>
    <div class="yw"><h2>要闻</h2><ul><li><a href="/yw/3.html">市民政局召开冬季救助工作会议</a><span>2024-12-28</span></li>
    <li><a href="/yw/2.html">市民政局开展冬季救助走访活动</a><span>2024-12-02</span></li></ul></div>
    <div class="tz"><h2>通知公告</h2><table><tr><td><a href="/tz/9.html">关于调整城乡低保标准的通知</a></td><td>[12-30]</td></tr></table></div>
    <div class="right"><a href="/zt/1.html">学习贯彻党的二十届三中全会精神专题</a></div>"""
    page = parse_list(html, "http://h/index.html", "homepage", ref_date=REF)
    assert [(i.url, i.date) for i in page.items] == [
        ("http://h/yw/3.html", dt.date(2024, 12, 28)),
        ("http://h/yw/2.html", dt.date(2024, 12, 2)),
        ("http://h/tz/9.html", dt.date(2024, 12, 30)),
    ]
    assert page.next_urls == []  # a homepage is one page
    generic = parse_list(html, "http://h/index.html", "generic", ref_date=REF)
    assert len(generic.items) == 2  # the generic list: the largest block only
