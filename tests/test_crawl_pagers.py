"""Pagers other than createPageHTML and "下一页": script variables, other pager calls,
numbered links (real hrefs, goPage(n) links), page counts in the text. First parse_list's
next pages for each form, then the real crawler reading a site of one column per form
from a loopback FixtureServer: every page of each column is read, nothing else is."""

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from gkcheck.crawl import pagers
from gkcheck.crawl.config import parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.evidence import columns_from_store
from gkcheck.crawl.extract import parse_list
from gkcheck.crawl.fixture_server import serve

REF = dt.date(2024, 12, 31)
ITEMS = "<ul class='list'>" + "".join(
    f"<li><a href='./202406/t202406{d:02d}_{d}.html'>关于开展第{d}批政策宣传活动的通知</a><span>2024-06-{d:02d}</span></li>"
    for d in range(1, 4)
) + "</ul>"  # fmt: skip
COL = "http://h/zfxxgk/tzgg/"


def _pages(pager: str, url: str, profile: str = "generic"):
    return parse_list(f"<html><body>{ITEMS}{pager}</body></html>", url, profile, ref_date=REF)


def _seq(prefix: str, ks, suffix: str) -> list[str]:
    return [f"{prefix}{k}{suffix}" for k in ks]


# ------------------------------------------------------------------ parse_list: next pages

FORMS = [
    # (name, profile, page URL, pager HTML, next_urls, next_is_link, total_pages)
    ("TRS variables, .shtml", "generic", COL + "index.shtml",
     "<script>var countPage = 8//共多少页\nvar currentPage = 0;//当前页</script>",
     _seq(COL + "index_", range(1, 8), ".shtml"), False, 8),
    ("totalPage", "generic", COL + "index.shtml", "<script>var totalPage = 3; var currentPage = 0;</script>",
     _seq(COL + "index_", (1, 2), ".shtml"), False, 3),
    ("pageCount", "generic", COL + "index.shtml", "<script>var pageCount=3, currentPage=0;</script>",
     _seq(COL + "index_", (1, 2), ".shtml"), False, 3),
    ("page_count", "generic", COL + "index.shtml", "<script>var page_count = '3'; var currentPage = '0';</script>",
     _seq(COL + "index_", (1, 2), ".shtml"), False, 3),
    ("maxPage", "generic", COL + "index.shtml", "<script>var maxPage = 3;\nvar curPage = 0;</script>",
     _seq(COL + "index_", (1, 2), ".shtml"), False, 3),
    ("totalpage on the second page", "generic", COL + "index_1.shtml",
     "<script>var totalpage = 3; var currentPage = 1;</script>",
     [COL + "index.shtml", COL + "index_2.shtml"], False, 3),
    ("variables, folder URL, trs", "trs", COL, "<script>var totalPage = 3;</script>",
     _seq(COL + "index_", (1, 2), ".html"), False, 3),
    ("createPage, folder URL", "generic", COL, '<div id="page_div"></div><script>createPage(5, 0, "index", "shtml");</script>',
     _seq(COL + "index_", range(1, 5), ".shtml"), False, 5),
    ("setPage with page_div first", "generic", "http://h/a/list.htm", "<script>setPage('page_div', 3, 0, 'list', 'htm', 45);</script>",
     ["http://h/a/list_1.htm", "http://h/a/list_2.htm"], False, 3),
    ("fenye with variables, third page", "generic", "http://h/a/index_2.html",
     '<script>var pc = 4; var cp = 3; fenye(pc, cp, "index", "html");</script>',
     ["http://h/a/index.html", "http://h/a/index_1.html", "http://h/a/index_3.html"], False, 4),
    ("numbered links, 0-based files, 尾页", "generic", "http://h/a/index.htm",
     '<div class="page"><span>1</span> <a href="index_1.htm">2</a> <a href="index_2.htm">3</a> <a href="index_5.htm">尾页</a></div>',
     _seq("http://h/a/index_", range(1, 6), ".htm"), False, 6),
    ("numbered links, 1-based files, 末页", "generic", "http://h/a/list.htm",
     '<div class="fy"><b>1</b> <a href="list_2.htm">2</a> <a href="list_3.htm">3</a> <a href="list_5.htm">末 页</a></div>',
     _seq("http://h/a/list_", range(2, 6), ".htm"), False, 5),
    ("numbered links on the second page, 共4页", "generic", "http://h/a/index_1.htm",
     '<div class="page"><a href="index.htm">1</a> <span>2</span> <a href="index_2.htm">3</a> <a href="index_3.htm">4</a></div><p>共4页</p>',
     ["http://h/a/index.htm", "http://h/a/index_2.htm", "http://h/a/index_3.htm"], False, 4),
    ("numbered links, no count: the next one only", "generic", "http://h/a/list.jsp",
     '<div class="pages"><a href="?page=1">1</a> <a href="?page=2">2</a> <a href="?page=3">3</a> …</div>',
     ["http://h/a/list.jsp?page=2"], True, None),
    ("numbered links, no count, middle page", "generic", "http://h/a/list.jsp?page=5",
     '<div class="pages"><a href="?page=1">1</a> … <a href="?page=4">4</a> <strong>5</strong> <a href="?page=6">6</a> …</div>',
     ["http://h/a/list.jsp?page=6"], True, None),
    ("[n] links and 共<font>6</font>页", "generic", "http://h/a/index.html",
     '<div class="page">共<font color="red">6</font>页 当前第1页 <a href="index_1.html">[2]</a> <a href="index_2.html">[3]</a></div>',
     _seq("http://h/a/index_", range(1, 6), ".html"), False, 6),
    ("页次：1/4", "generic", "http://h/a/list.html", '<div class="page">页次：1/4 <a href="list_2.html">2</a></div>',
     _seq("http://h/a/list_", range(2, 5), ".html"), False, 4),
    ("bare 1/5 next to numbered links", "generic", "http://h/a/",
     '<div class="page"><span>1/5</span> <a href="index_1.html">2</a> <a href="index_2.html">3</a></div>',
     _seq("http://h/a/index_", range(1, 5), ".html"), False, 5),
    ("bare 1/5 in a pager of <li>s", "generic", "http://h/a/",
     '<ul class="pagination"><li><span>1/5</span></li><li><a href="index_1.html">2</a></li><li><a href="index_2.html">3</a></li></ul>',
     _seq("http://h/a/index_", range(1, 5), ".html"), False, 5),
    ("goPage links, 第1/8页, the script names index_", "generic", COL + "index.shtml",
     ('<div class="page">第1/8页 <span>1</span> <a href="javascript:;" onclick="goPage(2)">2</a> '
      '<a href="javascript:goPage(3)">3</a> <a href="javascript:;" onclick="goPage(8);return false;">尾页</a></div>'
      '<script>function goPage(n){ location.href = n > 1 ? "index_" + (n - 1) + ".shtml" : "index.shtml"; }</script>'),
     _seq(COL + "index_", range(1, 8), ".shtml"), False, 8),
    ("goPage links, trs, 共3页", "trs", COL + "index.shtml",
     '<div class="page">共3页 <a href="#" onclick="goPage(2)">2</a> <a href="#" onclick="goPage(3)">3</a></div>',
     _seq(COL + "index_", (1, 2), ".shtml"), False, 3),
    ("共3页, trs, folder", "trs", COL, '<div class="page">共3页 第1页</div>',
     _seq(COL + "index_", (1, 2), ".html"), False, 3),
    ("recordCount and pageSize, trs", "trs", COL + "index.shtml",
     "<script>var recordCount = 47; var pageSize = 15; var currentPage = 0;</script>",
     _seq(COL + "index_", (1, 2, 3), ".shtml"), False, 4),
    ("totalRecord and perPage with a numbered link", "generic", "http://h/a/list.htm",
     "<div class='page'><b>1</b> <a href='list_2.htm'>2</a></div><script>var totalRecord = '60'; var perPage = '20';</script>",
     ["http://h/a/list_2.htm", "http://h/a/list_3.htm"], False, 3),
    ("共47条 每页15条 with numbered links", "generic", "http://h/a/list.htm",
     '<div class="fy">共47条 每页15条 <b>1</b> <a href="list_2.htm">2</a></div>',
     _seq("http://h/a/list_", range(2, 5), ".htm"), False, 4),
    ("共有记录47条 分4页 with numbered links", "generic", "http://h/a/list.htm",
     '<div class="fy">共有记录47条 分4页 当前第1页 <a href="list_2.htm">2</a></div>',
     _seq("http://h/a/list_", range(2, 5), ".htm"), False, 4),
    ("toPage script appending the page number: 1-based files", "generic", "http://h/a/list.html",
     ('<div class="page">共5页 当前第1页 <a href="javascript:void(0)" onclick="toPage(2)">下一页</a> '
      '<a href="javascript:void(0)" onclick="toPage(5)">尾页</a></div>'
      '<script>function toPage(p){ window.location = "list_" + p + ".html"; }</script>'),
     _seq("http://h/a/list_", range(2, 6), ".html"), False, 5),
    ("?page=1 and 共5页, no links", "generic", "http://h/a/list.jsp?page=1", '<div class="page">共5页 第1页</div>',
     [f"http://h/a/list.jsp?page={n}" for n in range(2, 6)], False, 5),
    ("0-based pageIndex=0, the other parameters kept", "generic", "http://h/a/list.do?channelId=12&pageIndex=0",
     '<div class="page">共3页 当前第1页</div>',
     ["http://h/a/list.do?channelId=12&pageIndex=1", "http://h/a/list.do?channelId=12&pageIndex=2"], False, 3),
    ("last page: nothing more", "generic", "http://h/a/index_2.html",
     '<div class="page">第3/3页 <a href="index.html">1</a> <a href="index_1.html">2</a></div>', [], False, 3),
]  # fmt: skip


@pytest.mark.parametrize("name, profile, url, pager, urls, is_link, total", FORMS, ids=[f[0] for f in FORMS])
def test_pager_forms_give_the_next_pages(name, profile, url, pager, urls, is_link, total):
    page = _pages(pager, url, profile)
    assert page.next_urls == urls
    assert (page.next_is_link, page.total_pages, page.notes) == (is_link, total, [])
    assert len(page.items) == 3  # the items are those of every list page


@pytest.mark.parametrize(
    "text", ["共有 <b>4</b> 页", "第<span>1</span>/<span>4</span>页", "1 / 4 页", "共&nbsp;4&nbsp;页", "总页数：4", "页码:1/4",
             "分4页", "共46条 每页显示<b>12</b>条", "共有记录 <b>37</b> 篇，每页 10 篇"]
)
def test_page_count_texts(text):
    page = _pages(f"<div class='page'>{text}</div>", "http://h/a/index.html", "trs")
    assert page.total_pages == 4 and page.next_urls == _seq("http://h/a/index_", (1, 2, 3), ".html")


@pytest.mark.parametrize("text", ["下一页", "下页》", "后页", "后页 &gt;", "下一頁", "下页&gt;&gt;", "Next", "&raquo;"])
def test_next_page_link_texts(text):
    page = _pages(f"<div class='page'><a href='index.html'>首页</a> <a href='index_1.html'>{text}</a></div>", "http://h/a/index.html")
    assert (page.next_urls, page.next_is_link) == (["http://h/a/index_1.html"], True)


@pytest.mark.parametrize("text", ["前页", "上一页", "首页", "后台管理"])
def test_other_short_links_are_not_next_pages(text):
    page = _pages(f"<div class='nav'><a href='/admin/index_1.html'>{text}</a></div>", "http://h/a/index.html")
    assert page.next_urls == []


@pytest.mark.parametrize(
    "text",
    ["共12条 每页15条", "本栏目共发放补贴300条", "<script>var recordCount = 47;</script>", "<script>var pageSize = 15;</script>"],
)
def test_records_without_a_second_page_or_a_page_size_are_no_pager(text):
    page = _pages(f"<div class='page'>{text}</div>", "http://h/a/index.html", "trs")
    assert (page.next_urls, page.total_pages) == ([], None)


def test_the_next_link_comes_first_and_known_pagers_are_unchanged():
    both = '<div class="page"><a href="index_1.html">2</a> <a href="index_3.html">尾页</a> <a href="index_1.html">下一页</a></div>'
    page = _pages(both + "<script>var countPage = 4; var currentPage = 0;</script>", "http://h/a/index.html")
    assert (page.next_urls, page.next_is_link, page.total_pages) == (["http://h/a/index_1.html"], True, None)
    trs = _pages("<script>var countPage = 9; createPageHTML(countPage, 0, 'index', 'html');</script>", "http://h/a/index.html")
    assert len(trs.next_urls) == 8 and trs.total_pages == 9 and trs.next_is_link is False


NOT_FOLLOWED = [
    ("numbered links to another column and another host", "generic", COL + "index.html",
     ('<div class="page"><span>1</span> <a href="/other/index_1.html">2</a> '
      '<a href="http://example.gov.cn/zfxxgk/tzgg/index_2.html">3</a></div>'), None, []),
    ("year archive links", "generic", COL, '<div class="nian"><a href="2024/">2024</a> <a href="2023/">2023</a></div>', None, []),
    ("no pager, generic: no note", "generic", COL + "index.shtml", "", None, []),
    ("no pager, trs: its note", "trs", COL + "index.shtml", "", None, ["未找到 createPageHTML 分页脚本，按单页处理"]),
    ("共3页 on a page whose file naming cannot be derived", "generic", "http://h/wjj/channels/4301.html",
     '<div class="page">共3页</div>', 3, ["页面显示共3页，但无法确定其余分页的网址，按单页处理"]),
    ("共3页 on a query URL", "trs", "http://h/col/list.jsp?id=3", '<div class="page">共3页</div>', 3,
     ["页面显示共3页，但无法确定其余分页的网址，按单页处理"]),
    ("共3页 on index.shtml with nothing to confirm the _1 naming (generic)", "generic", COL + "index.shtml",
     '<div class="page">共3页</div>', 3, ["页面显示共3页，但无法确定其余分页的网址，按单页处理"]),
    ("a count variable alone, generic", "generic", COL + "index.shtml", "<script>var totalPage = 3;</script>", 3,
     ["页面显示共3页，但无法确定其余分页的网址，按单页处理"]),
    ("a 1-based current page does not confirm the naming", "generic", COL + "index.shtml",
     "<script>var totalPage = 3; var currentPage = 1;</script>", 3, ["页面显示共3页，但无法确定其余分页的网址，按单页处理"]),
    ("goPage links with no naming", "generic", COL + "index.shtml",
     '<div class="page"><span>1</span> <a href="javascript:;" onclick="goPage(2)">2</a></div>', None,
     ["页面显示有翻页链接，但无法确定其余分页的网址，按单页处理"]),
    ("共20条 is a count of posts, 1/1 one page", "generic", COL, '<div class="page"><span>共20条</span><span>1/1</span></div>', None, []),
    ("numbered tabs of a slide show are no pager", "trs", COL + "index.html",
     ('<div class="tabs"><a href="javascript:;" onclick="setTab(1)">1</a> <a href="javascript:;" onclick="setTab(2)">2</a></div>'
      "<script>createPageHTML(1, 0, 'index', 'html');</script>"), 1, []),
    ("slide show tabs, generic: no note", "generic", COL + "index.html",
     '<div class="tabs"><a href="javascript:;" onclick="setTab(1)">1</a> <a href="javascript:;" onclick="showSlide(2)">2</a></div>',
     None, []),
]  # fmt: skip


@pytest.mark.parametrize("name, profile, url, pager, total, notes", NOT_FOLLOWED, ids=[f[0] for f in NOT_FOLLOWED])
def test_pages_not_followed(name, profile, url, pager, total, notes):
    page = _pages(pager, url, profile)
    assert page.next_urls == []
    assert (page.total_pages, page.notes) == (total, notes)


def test_a_huge_page_count_is_capped():
    page = _pages("<script>var countPage = 99999999; var currentPage = 0;</script>", COL + "index.html")
    assert page.total_pages == pagers.MAX_PAGES and len(page.next_urls) == pagers.MAX_PAGES - 1
    assert page.next_urls[-1] == f"{COL}index_{pagers.MAX_PAGES - 1}.html"


# ------------------------------------------------------------ the crawler, one column per form

UNIT = "市测试局"


def _list_page(column: str, n: int, pager: str, charset: str) -> str:
    """Page n (1-based) of a column: three posts of its own, then the pager."""
    lis = "".join(
        f'<li><a href="./art/p{n}_{i}.html">{column}第{n}页第{i}条通知公告</a><span>2024-{13 - n:02d}-{20 - i:02d}</span></li>'
        for i in range(1, 4)
    )
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"><title>{column}</title></head>'
        f'<body><div class="nav"><a href="/">首页</a> <a href="/c1/index.shtml">变量</a></div>'
        f'<ul class="list">{lis}</ul>{pager}</body></html>'
    )


def _numbers(n: int, total: int, href, current="<span class='current'>{n}</span>", window: int = 2) -> str:
    out = []
    for m in range(max(1, n - window), min(total, n + window) + 1):
        out.append(current.format(n=m) if m == n else f'<a href="{href(m)}">{m}</a>')
    return " ".join(out)


def _zero_based(stem: str, ext: str):
    return lambda m: f"{stem}.{ext}" if m == 1 else f"{stem}_{m - 1}.{ext}"


def _one_based(stem: str, ext: str):
    return lambda m: f"{stem}.{ext}" if m == 1 else f"{stem}_{m}.{ext}"


def _go_page(n: int, total: int) -> str:
    """Numbered links that call goPage(m) instead of linking."""
    return " ".join(
        f"<span>{m}</span>" if m == n else f'<a href="javascript:;" onclick="goPage({m})">{m}</a>' for m in range(1, total + 1)
    )


GO_PAGE = '<script>function goPage(n){ window.location.href = n > 1 ? "index_" + (n - 1) + ".shtml" : "index.shtml"; }</script>'

# column name -> (folder, profile, charset, file of page n, pages, pager of page n, column URL)
SITE = {
    "变量分页": ("c1", "generic", "gbk", _zero_based("index", "shtml"), 3,
             lambda n, t: f"<div id='page_div'></div><script>var countPage = {t}//共多少页\nvar currentPage = {n - 1};//当前页</script>",
             "c1/index.shtml"),
    "总页数变量": ("c2", "trs", "utf-8", _zero_based("index", "html"), 4,
              lambda n, t: f"<script>var totalPage = {t}; var currentPage = {n};</script>", "c2/"),
    "createPage": ("c3", "generic", "utf-8", _zero_based("index", "shtml"), 3,
                   lambda n, t: f"<div id='page_div'></div><script>createPage('page_div', {t}, {n - 1}, 'index', 'shtml', 45);</script>",
                   "c3/index.shtml"),
    "fenye": ("c4", "generic", "gbk", _zero_based("list", "htm"), 4,
              lambda n, t: f'<script>var pc = {t}; fenye(pc, {n}, "list", "htm");</script>', "c4/list.htm"),
    "数字链接尾页": ("c5", "generic", "utf-8", _zero_based("index", "htm"), 6,
               lambda n, t: f"<div class='page'>{_numbers(n, t, _zero_based('index', 'htm'))} <a href='index_{t - 1}.htm'>尾页</a></div>",
               "c5/index.htm"),
    "数字链接末页": ("c6", "generic", "gb2312", _one_based("list", "html"), 4,
               lambda n, t: f"<div class='pages'>第{n}/{t}页 {_numbers(n, t, _one_based('list', 'html'), '<b>{n}</b>')} "
                            f"<a href='list_{t}.html'>末页</a></div>",
               "c6/list.html"),
    "查询分页": ("c7", "generic", "utf-8", lambda m: "index.html" if m == 1 else f"index.html@page={m}", 3,
             lambda n, t: f"<div class='pagination'>{_numbers(n, t, lambda m: f'?page={m}', window=1)}</div>", "c7/index.html"),
    "goPage": ("c8", "generic", "utf-8", _zero_based("index", "shtml"), 3,
               lambda n, t: f"<div class='page'>共{t}页 {_go_page(n, t)}</div>{GO_PAGE}", "c8/index.shtml"),
    "共N页文本": ("c9", "trs", "utf-8", _zero_based("index", "html"), 3,
              lambda n, t: f"<div class='page'>共{t}页 当前第{n}页</div>", "c9/"),
    # no page count and no links: 40 records at 15 a page = 3 pages (3 posts a page here: the
    # count is the pager's), TRS naming
    "记录数分页": ("c12", "trs", "gbk", _zero_based("index", "html"), 3,
              lambda n, t: f"<div class='page'>共40条 每页15条 当前第{n}页</div>", "c12/"),
}  # fmt: skip


def _write(root: Path, rel: str, text: str, charset: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(text.encode(charset))


def make_site(root: Path) -> dict[str, set[str]]:
    """The pager site; returns column name -> the titles of all its posts."""
    titles: dict[str, set[str]] = {}
    for name, (folder, _, charset, file_of, total, pager, _) in SITE.items():
        titles[name] = set()
        for n in range(1, total + 1):
            _write(root, f"{folder}/{file_of(n)}", _list_page(name, n, pager(n, total), charset), charset)
            titles[name] |= {f"{name}第{n}页第{i}条通知公告" for i in range(1, 4)}
    # Not to be followed: numbered links to another column and another host ...
    _write(root, "c10/index.html", _list_page("他栏目链接", 1,
           '<div class="page"><span>1</span> <a href="../other/index_1.html">2</a> '
           '<a href="http://example.gov.cn/c10/index_2.html">3</a></div>', "utf-8"), "utf-8")  # fmt: skip
    _write(root, "other/index_1.html", _list_page("其他栏目", 2, "", "utf-8"), "utf-8")
    titles["他栏目链接"] = {f"他栏目链接第1页第{i}条通知公告" for i in range(1, 4)}
    # ... and 共3页 with no file naming to derive (4301_1.html is there, but nothing names it)
    _write(root, "c11/channels/4301.html", _list_page("无法推得", 1, "<div class='page'>共3页</div>", "gbk"), "gbk")
    _write(root, "c11/channels/4301_1.html", _list_page("无法推得", 2, "", "gbk"), "gbk")
    titles["无法推得"] = {f"无法推得第1页第{i}条通知公告" for i in range(1, 4)}
    return titles


COLUMNS = {**{name: (spec[1], spec[6]) for name, spec in SITE.items()},
           "他栏目链接": ("generic", "c10/index.html"), "无法推得": ("generic", "c11/channels/4301.html")}  # fmt: skip


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pagers")
    titles = make_site(tmp / "site")
    config = {
        "defaults": {"delay": 0, "retries": 0, "max_pages": 20, "concurrency_per_host": 4, "timeout": [2, 5]},
        "units": [{"unit": UNIT, "columns": [
            {"name": name, "url": "{base}/" + path, "profile": profile} for name, (profile, path) in COLUMNS.items()
        ]}],
    }  # fmt: skip
    sites = parse_sites(config, tmp / "sites.yaml")
    store = tmp / "gkcheck.db"
    with serve(tmp / "site") as base:
        stats = crawl(sites, store, base=base)
        paths = [r.path + (f"?{r.query}" if r.query else "") for r in base.server.requests]
    cols = columns_from_store(store, sites, {UNIT: "csj"})["csj"]
    con = sqlite3.connect(store)
    notes = dict(con.execute("SELECT name, note FROM columns WHERE crawl_id=?", (stats.crawl_id,)).fetchall())
    con.close()
    return {"stats": stats, "cols": cols, "titles": titles, "paths": paths, "notes": notes}


EXPECTED_PAGES = {"变量分页": 3, "总页数变量": 4, "createPage": 3, "fenye": 4, "数字链接尾页": 6, "数字链接末页": 4,
                  "查询分页": 3, "goPage": 3, "共N页文本": 3, "记录数分页": 3, "他栏目链接": 1, "无法推得": 1}  # fmt: skip


def test_every_page_of_every_pager_form_is_read(crawled):
    cols, titles = crawled["cols"], crawled["titles"]
    assert set(cols) == set(EXPECTED_PAGES)
    for name, pages in EXPECTED_PAGES.items():
        col = cols[name]
        assert (col.status, col.pages) == ("ok", pages), (name, col.status, col.error, col.pages)
        assert {p.title for p in col.posts} == titles[name], name
        assert len(col.posts) == 3 * pages
    assert sum(len(c.posts) for c in cols.values()) == 3 * 38 == 114
    # no loop, no page cap, no page off the site; a column note only where a pager was not followed
    assert dict(crawled["stats"].notes) == {} and dict(crawled["stats"].errors) == {}
    assert {k: v for k, v in crawled["notes"].items() if v} == {"无法推得": "页面显示共3页，但无法确定其余分页的网址，按单页处理"}


def test_the_pages_fetched_are_exactly_the_pages_of_each_column(crawled):
    lists = sorted(p for p in crawled["paths"] if "/art/" not in p and p != "/robots.txt")
    expected = sorted(
        ["/" + spec[0] + "/" + spec[3](n).replace("@", "?") for spec in SITE.values() for n in range(1, spec[4] + 1)]
        + ["/c10/index.html", "/c11/channels/4301.html"]
    )
    # a folder column URL is asked for as the folder, not as its index.html
    expected = sorted(p[: -len("index.html")] if p in ("/c2/index.html", "/c9/index.html", "/c12/index.html") else p for p in expected)
    assert lists == expected
    assert "/other/index_1.html" not in crawled["paths"]  # another column's page
    assert "/c11/channels/4301_1.html" not in crawled["paths"]  # not named by anything on the page


def test_gbk_pages_read_their_posts(crawled):
    col = crawled["cols"]["数字链接末页"]  # gb2312, list_2.html … list_4.html
    assert [p.title for p in col.posts][:4] == [
        "数字链接末页第1页第1条通知公告", "数字链接末页第1页第2条通知公告", "数字链接末页第1页第3条通知公告", "数字链接末页第2页第1条通知公告",
    ]  # fmt: skip
    assert col.posts[0].date == dt.date(2024, 12, 19)


@pytest.mark.parametrize(
    "script, stem, shift",
    [
        ('location = "list_" + p + ".html";', "list", 0),
        ("location = 'list_' + page + '.htm';", "list", 0),
        ('location.href = n > 1 ? "index_" + (n - 1) + ".html" : "index.html";', "index", 1),
        ('location.href = "index_" + (parseInt(n)-1) + ".shtml";', "index", 1),
        ("var countPage = 3;", "index", 1),  # nothing says: the TRS convention
    ],
)
def test_a_pager_script_tells_how_its_files_are_numbered(script, stem, shift):
    assert pagers._script_shift(script, stem) == shift
