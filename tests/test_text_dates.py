import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkcheck.text.dates import (
    cn_number,
    date_from_url,
    find_dates,
    parse_date,
    parse_month_day_deadline,
)

D = dt.date(2024, 6, 24)
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.exists():
    REALDATA = Path("/work/shared/realdata")


@pytest.mark.parametrize(
    "text",
    [
        "2024-06-24",
        "2024-6-24",
        "2024/6/24",
        "2024/06/24",
        "2024.06.24",
        "2024年6月24日",
        "2024年06月24日",
        "2024 年 6 月 24 日",
        "2024年6月24号",
        "二〇二四年六月二十四日",
        "二○二四年六月二十四日",  # ○ (white circle) as printed in many documents
        "发布时间：2024-06-24 16:10",
        "发布日期:2024-06-24 16:10:33",
        "２０２４年６月２４日",
        "２０２４－０６－２４",
        "来源：市民政局  2024-06-24  浏览次数：12",
    ],
)
def test_full_forms(text):
    assert parse_date(text) == D


@pytest.mark.parametrize("text", ["[06-24]", "06-24", "6月24日", "六月二十四日", "【6/24】", "[6-24]"])
def test_month_day_needs_default_year(text):
    assert parse_date(text) is None
    assert parse_date(text, default_year=2024) == D
    assert parse_date(text, default_year=2023) == dt.date(2023, 6, 24)


@pytest.mark.parametrize(
    "text",
    ["2024-02-30", "2023-02-29", "2024-13-01", "2024年0月5日", "2024年6月31日", "二〇二四年二月三十日", "[02-30]"],
)
def test_invalid_dates_are_none(text):
    assert parse_date(text, default_year=2024) is None


def test_leap_day():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_date("二〇二〇年二月二十九日") == dt.date(2020, 2, 29)


@pytest.mark.parametrize("text", ["", "无日期", "第3号", "12345", "0537-5212345", "闽民救〔2021〕128号", "共56条"])
def test_no_date(text):
    assert parse_date(text, default_year=2024) is None


def test_full_date_wins_over_month_day():
    assert parse_date("6月1日起施行，2024年7月1日发布", default_year=2020) == dt.date(2024, 7, 1)


def test_find_dates_spans_and_context_year():
    text = "本通知自2024年7月1日起执行，有效期至12月31日。"
    got = find_dates(text)
    assert [d for d, _ in got] == [dt.date(2024, 7, 1), dt.date(2024, 12, 31)]
    (a, b) = got[0][1]
    assert text[a:b] == "2024年7月1日"
    (a, b) = got[1][1]
    assert text[a:b] == "12月31日"


def test_find_dates_range_is_not_a_date():
    # "10-15个工作日" is a range of days, not October 15
    assert find_dates("自2024年7月1日起，办理时限10-15个工作日") == [(dt.date(2024, 7, 1), (1, 10))]


def test_find_dates_month_day_without_year_skipped():
    assert find_dates("6月24日发放") == []
    assert find_dates("6月24日发放", default_year=2024)[0][0] == D


def test_find_dates_many_forms():
    text = "2024-06-24、2024/7/1、二〇二四年八月一日和2024.09.30"
    assert [d for d, _ in find_dates(text)] == [
        D,
        dt.date(2024, 7, 1),
        dt.date(2024, 8, 1),
        dt.date(2024, 9, 30),
    ]


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://www.pingtan.gov.cn/zwgk/zdlyxxgk/shbz/shjz/cxdb/202407/t20240710_91828.htm", dt.date(2024, 7, 10)),
        ("http://www.zoucheng.gov.cn/art/2024/6/24/art_1229_123.html", D),
        ("https://www.gov.cn/zhengce/content/2024-06/24/content_6959221.htm", D),
        ("http://x.gov.cn/news/2024/06/24/abc.html", D),
        ("http://x.gov.cn/zfxxgk/20240624/123.html", D),
        ("http://x.gov.cn/col/col1229/index.html", None),
        ("http://x.gov.cn/202406/t20240230_1.html", None),
        ("", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("6月底前", dt.date(2024, 6, 30)),
        ("11月底前", dt.date(2024, 11, 30)),
        ("12月底前", dt.date(2024, 12, 31)),
        ("年底前", dt.date(2024, 12, 31)),
        ("1月31日前", dt.date(2024, 1, 31)),
        ("2月底前", dt.date(2024, 2, 29)),
        ("2025年3月底前", dt.date(2025, 3, 31)),
        ("6月中旬前", dt.date(2024, 6, 20)),
        ("上半年", dt.date(2024, 6, 30)),
        ("第三季度", dt.date(2024, 9, 30)),
        ("十二月底前", dt.date(2024, 12, 31)),
        ("长期坚持", None),
        ("", None),
    ],
)
def test_deadline(text, expected):
    assert parse_month_day_deadline(text, 2024) == expected


def test_deadline_in_other_year():
    assert parse_month_day_deadline("2月底前", 2023) == dt.date(2023, 2, 28)


@pytest.mark.parametrize(
    "text,value", [("六", 6), ("十", 10), ("十二", 12), ("二十四", 24), ("廿四", 24), ("三十一", 31), ("24", 24), ("十十", None), ("", None)]
)
def test_cn_number(text, value):
    assert cn_number(text) == value


def test_real_pingtan_page_header():
    page = (REALDATA / "fujian_pingtan_cxdb_shehuijiuzhu_hotline.page.txt").read_text(encoding="utf-8")
    header = page.splitlines()[1]
    assert header.startswith("发布时间")
    assert parse_date(header) == dt.date(2024, 9, 5)
    link = next(line for line in page.splitlines() if line.startswith("原文链接"))
    assert date_from_url(link.split(": ", 1)[1]) == dt.date(2024, 9, 5)


# -- properties ------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


FORMATS = [
    lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}",
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_small(d.month)}月{_cn_small(d.day)}日",
    lambda d: f"发布时间：{d.year}-{d.month:02d}-{d.day:02d} 16:10",
]

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(max_examples=300, deadline=None, database=None)
@given(d=dates, fmt=st.sampled_from(range(len(FORMATS))))
def test_round_trip(d, fmt):
    assert parse_date(FORMATS[fmt](d)) == d


@settings(max_examples=200, deadline=None, database=None)
@given(
    d=dates,
    fmt=st.sampled_from(range(len(FORMATS))),
    pre=st.text(alphabet="关于发布通知自起执行，。：", max_size=8),
    post=st.text(alphabet="起执行施行前，。", max_size=8),
)
def test_round_trip_in_prose(d, fmt, pre, post):
    # Surrounded by Chinese prose the date is still found.
    text = f"{pre}{FORMATS[fmt](d)}{post}"
    assert any(found == d for found, _ in find_dates(text))


@settings(max_examples=200, deadline=None, database=None)
@given(d=dates)
def test_round_trip_month_day_and_url(d):
    assert parse_date(f"[{d.month:02d}-{d.day:02d}]", default_year=d.year) == d
    assert parse_date(f"{d.month}月{d.day}日", default_year=d.year) == d
    assert date_from_url(f"http://x.gov.cn/{d:%Y%m}/t{d:%Y%m%d}_123.html") == d


@settings(max_examples=500, deadline=None, database=None)
@given(text=st.text(max_size=60), year=st.one_of(st.none(), st.integers(-5000, 5000)))
def test_never_raises(text, year):
    parse_date(text, default_year=year)
    for d, (a, b) in find_dates(text, default_year=year):
        assert isinstance(d, dt.date)
        assert 0 <= a < b <= len(text)
    date_from_url(text)
    parse_month_day_deadline(text, year if year is not None else 2024)


_DATEISH = st.text(alphabet="0123456789-/.年月日号[]〇○一二三四五六七八九十廿卅 底前旬", max_size=30)


@settings(max_examples=500, deadline=None, database=None)
@given(text=_DATEISH, year=st.integers(1, 9999))
def test_never_raises_dateish(text, year):
    parse_date(text, default_year=year)
    find_dates(text, default_year=year)
    date_from_url("/" + text)
    parse_month_day_deadline(text, year)
