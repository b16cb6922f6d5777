"""Pages read with lxml (gkcheck.crawl.tree) the way BeautifulSoup read them: the expected
values below are what the BeautifulSoup-based extraction gave for the same pages."""

import datetime as dt

from gkcheck.crawl import tree
from gkcheck.crawl.body import extract_body
from gkcheck.crawl.extract import parse_list

URL = "http://127.0.0.1/a/b.html"


def test_strings_are_split_where_an_element_was_removed_and_blank_ones_collapse():
    doc = tree.parse("<div>前<script>x()</script>后<b>粗</b>\n\n  <!-- c -->尾<pre>  </pre></div>")
    tree.drop(doc)
    div = tree.first(doc, "div")
    assert tree.strings(div) == ["前", "后", "粗", "\n", "尾", "  "]
    assert tree.text(div, "|") == "前|后|粗|\n|尾|  "


def test_ruby_annotations_are_not_text():
    doc = tree.parse("<p>关于<ruby>邹<rt>zōu</rt></ruby>城市</p>")
    assert tree.text(tree.first(doc, "p")) == "关于邹城市"
    assert tree.text(tree.first(doc, "rt")) == "zōu"


def test_cells_on_separate_source_lines_are_separate_lines_of_the_body():
    html = (
        '<html><body><div class="TRS_Editor"><table><tr><td>低保标准</td>\n<td>每人每月 800 元</td></tr></table>'
        "<p>发布时间：2024-06-24</p></div></body></html>"
    )
    body = extract_body(html, URL)
    assert body.text == "低保标准\n每人每月 800 元\n发布时间：2024-06-24"
    assert body.date == dt.date(2024, 6, 24)


def test_script_inside_the_content_leaves_its_neighbours_apart():
    html = '<html><body><div class="content">第一部分<script>var x=1;</script>第二部分的文字内容足够长用于识别正文</div></body></html>'
    assert extract_body(html, URL).text == "第一部分第二部分的文字内容足够长用于识别正文"


def test_links_after_the_closing_html_tag_are_read():
    html = (
        "<html><head><title>标题页</title></head><body><p>正文第一段内容，足够长的一段文字用于识别。</p></body></html>"
        '<!-- c --><a href="/f/附件1.pdf">附件1</a>'
    )
    body = extract_body(html, URL)
    assert body.title == "标题页"
    assert body.attachments == [("http://127.0.0.1/f/附件1.pdf", "附件1")]
    assert body.text == "正文第一段内容，足够长的一段文字用于识别。"


def test_an_empty_page_is_an_empty_body():
    body = extract_body("", URL)
    assert (body.text, body.title, body.date, body.links, body.attachments) == ("", None, None, [], [])
    assert tree.strings(tree.parse("")) == []


def test_list_items_with_comments_and_scripts_between_title_and_date():
    html = (
        '<ul class="list"><li><a href="t20240624_1.html" title="关于调整2024年城乡最低生活保障标准的通知">关于调整2024年城乡…</a>'
        "<!-- x --><span>[06-24]</span></li>"
        '<li><a href="t20231220_2.html">邹城市临时救助实施细则全文</a> <script>d()</script><span>12-20</span></li></ul>'
    )
    page = parse_list(html, "http://127.0.0.1/col/index.html", "generic", ref_date=dt.date(2025, 1, 10))
    assert [(i.title, i.url, i.date, i.date_how) for i in page.items] == [
        ("关于调整2024年城乡最低生活保障标准的通知", "http://127.0.0.1/col/t20240624_1.html", dt.date(2024, 6, 24), "list_md"),
        ("邹城市临时救助实施细则全文", "http://127.0.0.1/col/t20231220_2.html", dt.date(2023, 12, 20), "list_md"),
    ]
