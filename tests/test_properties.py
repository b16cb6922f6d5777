"""Property tests (hypothesis): the text readers never crash on any text and keep their
promises, working-day arithmetic is consistent, and a catalog of random cell text loads
with one item per filled row or is refused with a CatalogError.

The example database is off (nothing is written to .hypothesis/) and the example
counts are modest, so the module runs in well under 30 seconds.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gkcheck.errors import CatalogError
from gkcheck.sources.catalog import load_catalog
from gkcheck.text.dates import MAX_YEAR, MIN_YEAR, date_from_url, find_dates, parse_date
from gkcheck.text.facts import extract_facts
from gkcheck.text.normalize import key, normalize, similarity
from gkcheck.text.workdays import (
    CalendarGapWarning,
    add_workdays,
    is_workday,
    workdays_between,
)

# Applied to each test (not loaded as a global profile, which would change other modules).
PROFILE = settings(
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text as it arrives from catalogs and web pages: Chinese, digits (ASCII, full-width,
# Chinese numerals), date words and separators, punctuation, odd whitespace, and any
# other character now and then.
_PIECES = st.sampled_from(
    list("0123456789０１２３４５６７８９〇一二三四五六七八九十廿年月日号-/.．:：，。、（）《》【】[] \t\n\u3000\xa0")
    + ["2024", "二〇二四", "年底", "前", "工作日", "元", "每人每月", "提高到", "自", "起执行", "%", "百分之", "周岁",
       "0537-", "12345", "标准", "低保", "城市", "农村", "特困", "以上", "不低于", "不超过", "个", "内", "\u200b"]
)
CN_TEXT = st.one_of(
    st.lists(_PIECES, max_size=40).map("".join),
    st.text(max_size=80),
)

COVERED = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31))  # chinese_calendar's years


# ------------------------------------------------------------------------- dates


@PROFILE
@given(CN_TEXT, st.one_of(st.none(), st.integers(min_value=-5, max_value=10_000)))
def test_parse_date_never_raises(text, default_year):
    d = parse_date(text, default_year=default_year)
    assert d is None or (isinstance(d, dt.date) and MIN_YEAR <= d.year <= MAX_YEAR)


@PROFILE
@given(CN_TEXT)
def test_find_dates_spans_lie_inside_the_text(text):
    for d, (a, b) in find_dates(text):
        assert isinstance(d, dt.date)
        assert 0 <= a < b <= len(text)


@PROFILE
@given(st.text(max_size=120))
def test_date_from_url_never_raises(url):
    d = date_from_url("http://127.0.0.1/" + url)
    assert d is None or isinstance(d, dt.date)


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")) + ("" if ones == 0 and tens else _CN_DIGITS[ones])


FORMATS = {
    "iso": lambda d: d.isoformat(),
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dots": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "chinese-numerals": lambda d: "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_small(d.month)}月{_cn_small(d.day)}日",
    "full-width": lambda d: d.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    "in-a-sentence": lambda d: f"发布时间：{d.year}年{d.month:02d}月{d.day:02d}日 16:10　来源：市民政局",
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@PROFILE
@given(d=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_format_then_parse_gives_the_same_date(fmt, d):
    assert parse_date(FORMATS[fmt](d)) == d


# -------------------------------------------------------------------- workdays


@PROFILE
@given(COVERED, st.integers(min_value=0, max_value=120))
def test_workdays_between_inverts_add_workdays(d, n):
    later = add_workdays(d, n)
    assert later >= d
    assert workdays_between(d, later) == n
    if n:
        assert is_workday(later)


@PROFILE
@given(COVERED, st.integers(min_value=1, max_value=120))
def test_counting_back_from_a_workday(d, n):
    assume(is_workday(d))
    earlier = add_workdays(d, -n)
    assert earlier < d and is_workday(earlier)
    assert workdays_between(d, earlier) == -n
    assert add_workdays(earlier, n) == d


@PROFILE
@given(COVERED, COVERED)
def test_workdays_between_is_antisymmetric_and_additive(a, b):
    assert workdays_between(a, b) == -workdays_between(b, a)
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert workdays_between(a, b) == workdays_between(a, mid) + workdays_between(mid, b)


@PROFILE
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)), st.integers(-40, 40))
def test_years_outside_the_calendar_fall_back_to_weekdays(d, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarGapWarning)
        later = add_workdays(d, n)
        assert workdays_between(d, later) == n if n >= 0 else True
        assert workdays_between(d, later) * n >= 0


# --------------------------------------------------------------- normalisation


@PROFILE
@given(CN_TEXT)
def test_normalize_is_idempotent_and_has_no_whitespace(text):
    once = normalize(text)
    assert normalize(once) == once
    assert not any(ch.isspace() for ch in once)


@PROFILE
@given(CN_TEXT)
def test_key_is_idempotent(text):
    once = key(text)
    assert key(once) == once
    assert key(normalize(text)) == once


@PROFILE
@given(CN_TEXT, CN_TEXT)
def test_similarity_is_symmetric_and_bounded(a, b):
    s = similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == similarity(b, a)
    if key(a):
        assert similarity(a, a) == 1.0


# ----------------------------------------------------------------------- facts


@PROFILE
@given(CN_TEXT)
def test_extract_facts_never_raises_and_spans_hold_the_words(text):
    for fact in extract_facts(text):
        a, b = fact.span
        assert 0 <= a < b <= len(text)
        assert text[a:b] == fact.text
        assert fact.kind in ("amount", "percent", "ratio", "date", "time_limit", "age", "phone")
        fact.shown()  # renders without error


# ------------------------------------------------------------ crawler extraction

_TAGS = st.sampled_from([
    "<html>", "</html>", "<body>", "<ul>", "<li>", "</li>", "<a href='/art/1.html'>", "<a href=\"javascript:x\">",
    "</a>", "<span>", "</span>", "<table><tr><td>", "</td></tr></table>", "<script>var x='<li>'</script>",
    "<!--", "-->", "<meta charset='gbk'>", "<base href='http://127.0.0.1/a/'>", "下一页", "createPageHTML(3, 0, 'index', 'html');",
    "<![CDATA[", "]]>", "<datastore><recordset><record>", "</record>", "&amp;", "&#x0;", "<", ">", "\x00",
])
HTML_ISH = st.lists(st.one_of(_TAGS, _PIECES), max_size=60).map("".join)


@PROFILE
@given(HTML_ISH, st.sampled_from(["generic", "trs", "hanweb"]))
def test_list_extraction_never_raises_and_links_are_absolute(html, profile):
    from gkcheck.crawl.extract import parse_list

    page = parse_list(html, "http://127.0.0.1:8000/col/index.html", profile, ref_date=dt.date(2024, 12, 31))
    for item in page.items:
        assert item.url.startswith(("http://", "https://")), item.url
    for url in page.next_urls:
        assert url.startswith(("http://", "https://")), url


@PROFILE
@given(HTML_ISH)
def test_body_extraction_never_raises(html):
    from gkcheck.crawl.body import extract_body

    body = extract_body(html, "http://127.0.0.1:8000/art/1.html")
    assert isinstance(body.text, str)
    for url in body.links:
        assert not url.lower().startswith(("javascript:", "data:", "file:")), url


@PROFILE
@given(st.binary(max_size=300), st.sampled_from([None, "text/html", "text/html; charset=UTF-8", "text/html; charset=gbk",
                                                  "text/html; charset=x-unknown"]), st.booleans())
def test_decoding_any_bytes_never_raises(data, content_type, truncated):
    from gkcheck.crawl.encoding import decode_html

    text, codec, how = decode_html(data, content_type, truncated)
    assert isinstance(text, str) and codec and how


# -------------------------------------------------------------- catalog loading

HEADER = ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限",
          "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级"]

# Characters openpyxl can write (no control characters, no surrogates).
_CELL_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
CELL = st.one_of(
    st.just(""),
    st.text(_CELL_CHARS, max_size=30),
    st.sampled_from(["√", "主动", "依申请", "全社会", "特定群体", "县级", "/", "—", "=1+1", "@SUM(A1)", "-", " ", "注：", "0"]),
)
# 一级事项 and 二级事项 of an item row: some text that is a name, not a formula or a note
NAME = st.text(_CELL_CHARS, min_size=1, max_size=20).filter(
    lambda t: t.strip() and not t.lstrip().startswith(("=", "注", "备注", "说明"))
)
ROW = st.tuples(NAME, NAME, *[CELL] * (len(HEADER) - 3))
ROWS = st.lists(st.one_of(ROW, st.just(None)), min_size=1, max_size=12)  # None: a blank row


@settings(PROFILE, max_examples=25)
@given(rows=ROWS)
def test_catalog_of_random_cells_loads_one_item_per_filled_row(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("cat") / "市民政局目录.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append(HEADER)
    n = 0
    for row in rows:
        if row is None:
            ws.append([])
            continue
        n += 1
        ws.append([n, *row])
    wb.save(path)
    try:
        cat = load_catalog(path)
    except CatalogError as exc:
        assert "市民政局目录.xlsx" in exc.render()
        return
    assert len(cat.items) == n
    assert [it.pos.row for it in cat.items] == sorted(it.pos.row for it in cat.items)
    for it in cat.items:
        assert it.level1 and it.level2
        assert it.pos.sheet == "目录"


@settings(PROFILE, max_examples=20)
@given(updated=st.one_of(st.text(_CELL_CHARS, max_size=20), st.dates(min_value=dt.date(2000, 1, 1))))
def test_catalog_date_cell_loads_or_names_the_cell(tmp_path_factory, updated):
    path = tmp_path_factory.mktemp("cat") / "日期.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.append([*HEADER, "更新日期"])
    ws.append([1, "最低生活保障", "办事指南", "标准", "《社会救助暂行办法》", "20个工作日内", "市民政局",
               "政府网站", "全社会", "主动", "县级", updated])
    wb.save(path)
    try:
        cat = load_catalog(path)
    except CatalogError as exc:
        assert "日期.xlsx" in exc.render() and "目录!L2" in exc.render()
        return
    assert len(cat.items) == 1
    if isinstance(updated, dt.date):
        assert cat.items[0].updated == updated
