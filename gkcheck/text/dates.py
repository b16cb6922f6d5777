"""Chinese dates as government websites and documents write them.

    parse_date("发布时间：2024-06-24 16:10")          -> date(2024, 6, 24)
    parse_date("二〇二四年六月二十四日")                -> date(2024, 6, 24)
    parse_date("[06-24]", default_year=2024)          -> date(2024, 6, 24)
    date_from_url(".../202406/t20240624_123.html")    -> date(2024, 6, 24)
    find_dates("自2024年7月1日起至12月31日止")          -> [(2024-07-01, span), (2024-12-31, span)]
    parse_month_day_deadline("6月底前", 2024)          -> date(2024, 6, 30)

Nothing here raises on odd input: text that holds no valid date gives None or [].
Impossible dates (2024-02-30) are not dates.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re

__all__ = [
    "MIN_YEAR",
    "MAX_YEAR",
    "cn_number",
    "narrow",
    "date_from_url",
    "find_dates",
    "find_dates_narrow",
    "parse_date",
    "parse_month_day_deadline",
]

# Years outside this range are taken for something else (a document number, a count).
MIN_YEAR = 1900
MAX_YEAR = 2100

# One-to-one replacements (so spans found in the translated text are valid in the original).
_WIDE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "－": "-",
        "／": "/",
        "．": ".",
        "：": ":",
        "％": "%",
        "［": "[",
        "］": "]",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u3000": " ",
        "\xa0": " ",
    }
)

# The characters _WIDE replaces, and what each becomes. No replacement is itself replaced.
_WIDE_CHARS = {chr(c): r for c, r in _WIDE.items()}
_RE_WIDE_CHAR = re.compile("[" + "".join(re.escape(c) for c in _WIDE_CHARS) + "]")


def narrow(text: str) -> str:
    """Full-width digits and ASCII-like marks made ASCII, one character for one, so that
    a span found in the result is the same span in `text`."""
    if not isinstance(text, str):
        return text.translate(_WIDE)
    # What text.translate(_WIDE) gives, done as one str.replace per character present:
    # a text holds few of them, and translate reads every character through the table.
    for ch in set(_RE_WIDE_CHAR.findall(text)):
        text = text.replace(ch, _WIDE_CHARS[ch])
    return text


_CN_DIGIT = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0,
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_YEAR_DIGITS = "〇○零Ｏ一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十廿卅两"


def cn_number(text: str) -> int | None:
    """Value of a Chinese or Arabic whole number below 10000: 六, 十二, 二十四, 廿四,
    三十一, 一百, 一百零五, 两千, 24.

    A run of digit characters without 十/百/千 (二〇二四) is not a number here (a year is
    read digit by digit elsewhere). Returns None if `text` is not such a number.
    """
    if not isinstance(text, str):
        return None
    text = narrow(text.strip())
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    units = {"十": 10, "百": 100, "千": 1000}
    value = 0
    pending: int | None = None
    last_unit = 10000
    zero_seen = False
    for i, ch in enumerate(text):
        if ch in ("廿", "卅"):
            if i != 0:
                return None
            value, last_unit = (20 if ch == "廿" else 30), 10
        elif ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            if pending is not None:
                return None
            if d == 0:
                zero_seen = True
            else:
                pending = d
        elif ch in units:
            u = units[ch]
            if u >= last_unit:
                return None
            n = pending if pending is not None else (1 if u == 10 and value == 0 else None)
            if n is None:
                return None
            value += n * u
            pending, last_unit, zero_seen = None, u, False
        else:
            return None
    if pending is not None:
        if zero_seen or last_unit in (10000, 10):
            value += pending
        else:  # 一百五 = 150
            value += pending * last_unit // 10
    return value


def _cn_year(text: str) -> int | None:
    if len(text) != 4:
        return None
    digits = [_CN_DIGIT.get(c) for c in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _make_date(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    if y is None or m is None or d is None:
        return None
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# -- full dates -------------------------------------------------------------------------

# A look-behind at the start of a number is written after its first digit:
# `\d(?<![\d.]\d)` reads as `(?<![\d.])\d`. A pattern that begins with a character
# class lets the regex engine skip ahead to the next digit; one that begins with a
# look-behind is tried at every position of the text.

# 2024-06-24, 2024-6-24, 2024/6/24, 2024.06.24 (one separator used throughout)
_RE_NUMERIC = re.compile(r"(\d(?<![\d.]\d)\d{3})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?![\d])")
# 2024年6月24日, 2024 年 06 月 24 日, 2024年6月24号
_RE_CJK = re.compile(r"(\d(?<!\d\d)\d{3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# 二〇二四年六月二十四日
_RE_CN = re.compile(
    rf"([{_CN_YEAR_DIGITS}O0]{{4}})\s*年\s*([{_CN_SMALL}]{{1,3}})\s*月\s*([{_CN_SMALL}]{{1,4}})\s*[日号]"
)

# -- month-day (year from context) ------------------------------------------------------

# [06-24], [6-24], 【06/24】
_RE_MD_BRACKET = re.compile(r"[\[【(（]\s*(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*[\]】)）]")
# 06-24, 06/24 (two digits each, not part of a longer number or date)
_RE_MD_DASH = re.compile(r"(?<![\d\-/.:])(\d{2})([-/])(\d{2})(?![\d\-/.:])")
# 6月24日, 6月24号
_RE_MD_CJK = re.compile(r"(\d(?<![\d年]\d)\d?)\s*月\s*(\d{1,2})\s*[日号]")
# 六月二十四日
_RE_MD_CN = re.compile(rf"(?<![{_CN_SMALL}年])([{_CN_SMALL}]{{1,3}})月([{_CN_SMALL}]{{1,4}})[日号]")


def _claim(mask: bytearray, span: tuple[int, int]) -> bool:
    """Mark the characters of `span` as read, if none of them is yet; whether it was free."""
    a, b = span
    if mask.find(1, a, b) >= 0:
        return False
    mask[a:b] = b"\x01" * (b - a)
    return True


def find_dates(text: str, default_year: int | None = None) -> list[tuple[dt.date, tuple[int, int]]]:
    """Every date in `text` with its (start, end) span, in text order.

    Full dates (2024-06-24, 2024年6月24日, 二〇二四年六月二十四日 …) are always found.
    Month-day forms (6月24日, [06-24]) take the year of the nearest full date before
    them in the same text, else `default_year`; without either they are skipped.
    A bare 06-24 is read only when `default_year` is given (a list page's date cell).
    """
    if not text:
        return []
    try:
        t = narrow(text)
    except Exception:  # pragma: no cover - translate only fails on non-str
        return []
    return find_dates_narrow(t, default_year)


def find_dates_narrow(text: str, default_year: int | None = None) -> list[tuple[dt.date, tuple[int, int]]]:
    """`find_dates` of a text already passed through `narrow` (for a caller that has
    narrowed it anyway): the same result, without translating the text again."""
    t = text
    # Each form needs characters of its own: the numeric forms a separator - / . , the
    # forms in words 月 and 日 or 号, and the full ones 年 too. A form whose characters
    # are absent is not looked for (text with none of them holds no date).
    has_sep = "-" in t or "/" in t or "." in t
    has_month = ("月" in t) and ("日" in t or "号" in t)
    has_year = has_month and "年" in t
    if not (has_sep or has_month):
        return []
    found: list[tuple[dt.date | None, tuple[int, int], bool]] = []  # (date, span, is_full)
    mask = bytearray(len(t) + 1)  # characters already read as part of a date

    # A matched but impossible date (2024-02-30) still claims its span, so that its
    # pieces are not read again as a month-day date.
    if has_sep:
        for m in _RE_NUMERIC.finditer(t):
            if _claim(mask, m.span()):
                found.append((_make_date(int(m[1]), int(m[3]), int(m[4])), m.span(), True))
    if has_year:
        for m in _RE_CJK.finditer(t):
            if _claim(mask, m.span()):
                found.append((_make_date(int(m[1]), int(m[2]), int(m[3])), m.span(), True))
        for m in _RE_CN.finditer(t):
            d = _make_date(_cn_year(m[1]), cn_number(m[2]), cn_number(m[3]))
            if _claim(mask, m.span()):
                found.append((d, m.span(), True))

    partial: list[tuple[int, int, tuple[int, int]]] = []  # (month, day, span)
    for rx, needed in ((_RE_MD_BRACKET, has_sep), (_RE_MD_CJK, has_month)):
        for m in rx.finditer(t) if needed else ():
            groups = [g for g in m.groups() if g not in ("-", "/", ".")]
            if _claim(mask, m.span()):
                partial.append((int(groups[0]), int(groups[1]), m.span()))
    # Bare 06-24 only where the caller says the text is a dated listing (default_year):
    # in prose "10-15个工作日" is a range, not October 15.
    for m in _RE_MD_DASH.finditer(t) if default_year is not None and has_sep else ():
        if _claim(mask, m.span()):
            partial.append((int(m[1]), int(m[3]), m.span()))
    for m in _RE_MD_CN.finditer(t) if has_month else ():
        mo, da = cn_number(m[1]), cn_number(m[2])
        if mo is not None and da is not None and _claim(mask, m.span()):
            partial.append((mo, da, m.span()))

    if not found and not partial:
        return []
    full_sorted = sorted((span[0], d.year) for d, span, _ in found if d is not None)
    starts = [start for start, _ in full_sorted]
    for mo, da, span in partial:
        i = bisect.bisect_left(starts, span[0])  # full dates starting before this one
        year = full_sorted[i - 1][1] if i else default_year
        if year is not None:
            found.append((_make_date(year, mo, da), span, False))

    out = [(d, span) for d, span, _ in found if d is not None]
    out.sort(key=lambda x: x[1][0])
    return out


def parse_date(text: str, default_year: int | None = None) -> dt.date | None:
    """The first date in `text`, or None.

    A full date anywhere in the text wins over a month-day form; month-day forms
    ([06-24], 06-24, 6月24日) need `default_year`.
    """
    if not isinstance(text, str) or not text:
        return None
    dates = find_dates(text, default_year=None)
    if dates:
        return dates[0][0]
    if default_year is None:
        return None
    dates = find_dates(text, default_year=default_year)
    return dates[0][0] if dates else None


# -- dates in article URLs ---------------------------------------------------------------

_URL_PATTERNS = (
    # TRS WCM: /202406/t20240624_123.html
    re.compile(r"/t(\d{4})(\d{2})(\d{2})_\d+"),
    # Hanweb JCMS: /art/2024/6/24/art_1229_123.html
    re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/"),
    # gov.cn / xinhua: /2024-06/24/content_123.htm
    re.compile(r"/(\d{4})-(\d{1,2})/(\d{1,2})/"),
    # /2024/06/24/...
    re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})/"),
    # /20240624/..., _20240624.html, content_20240624_1.html
    re.compile(r"[/_]((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.])"),
)


def date_from_url(url: str) -> dt.date | None:
    """The publication date encoded in an article URL (TRS `t20240624_123.html`,
    Hanweb `/art/2024/6/24/`, `/2024-06/24/content_…`), or None."""
    if not isinstance(url, str) or not url:
        return None
    for rx in _URL_PATTERNS:
        for m in rx.finditer(url):
            d = _make_date(int(m[1]), int(m[2]), int(m[3]))
            if d is not None:
                return d
    return None


# -- deadlines of a work plan -----------------------------------------------------------

_RE_DEADLINE_DAY = re.compile(
    rf"(?:(\d{{4}})\s*年\s*)?([\d{_CN_SMALL}]{{1,3}})\s*月\s*([\d{_CN_SMALL}]{{1,4}})\s*[日号]"
)
_RE_DEADLINE_MONTH = re.compile(
    rf"(?:(\d{{4}})\s*年\s*)?([\d{_CN_SMALL}]{{1,3}})\s*月\s*(底|末|份|上旬|中旬|下旬)?"
)
_RE_DEADLINE_YEAR = re.compile(r"(?:(\d{4})\s*年\s*)?(年底|年末|年内|全年|年度内|本年度|下半年|上半年)")
_RE_QUARTER = re.compile(r"(?:(\d{4})\s*年\s*)?(?:第)?([一二三四1-4])\s*季度")


def _month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= month <= 12) or not (MIN_YEAR <= year <= MAX_YEAR):
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_month_day_deadline(text: str, year: int) -> dt.date | None:
    """The deadline a plan's 完成时限 names, in `year` unless the text gives a year.

    6月底前 -> 06-30; 11月底前 -> 11-30; 12月底前 / 年底前 / 年内 -> 12-31;
    1月31日前 -> 01-31; 6月中旬前 -> 06-20; 6月上旬 -> 06-10; 上半年 -> 06-30;
    第三季度 -> 09-30; 6月前 / 6月 -> 06-30. None for 长期坚持, 持续推进 and the like.
    """
    if not isinstance(text, str) or not text:
        return None
    t = text.translate(_WIDE)
    m = _RE_DEADLINE_DAY.search(t)
    if m:
        y = int(m[1]) if m[1] else year
        d = _make_date(y, cn_number(m[2]), cn_number(m[3]))
        if d is not None:
            return d
    m = _RE_DEADLINE_YEAR.search(t)
    if m:
        y = int(m[1]) if m[1] else year
        return _month_end(y, 6 if m[2] == "上半年" else 12)
    m = _RE_QUARTER.search(t)
    if m:
        y = int(m[1]) if m[1] else year
        q = "一二三四".find(m[2]) + 1 if m[2] in "一二三四" else int(m[2])
        return _month_end(y, q * 3)
    m = _RE_DEADLINE_MONTH.search(t)
    if m:
        y = int(m[1]) if m[1] else year
        month = cn_number(m[2])
        if month is None:
            return None
        end = _month_end(y, month)
        if end is None:
            return None
        part = m[3]
        if part == "上旬":
            return end.replace(day=10)
        if part == "中旬":
            return end.replace(day=20)
        return end
    return None
