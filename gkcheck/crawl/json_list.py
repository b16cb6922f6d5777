"""List pages served as JSON (or JSONP): the data interface a script-drawn list reads.

Many sites draw a column's list in the browser from an interface such as
`/api/list?channelId=12&pageNo=1`, answering `{"total": 47, "data": {"list": [{"title":
…, "url": …, "publishDate": …}, …]}}`. Pointing a column's `url` at that interface lets
the crawler read it without running any script. The record list and its fields are
found by their contents, whatever the interface calls them:

- the list: the longest array of objects that have a title and a link;
- the title: a field named like one (title, name, subject, 标题 …), else the longest text;
- the link: a field named like one (url, link, href …) holding an address or a path;
- the date: a field named like one (date, time, publishDate, fbrq …) holding a date in
  any of the forms gkcheck.text.dates reads, or a Unix time (seconds or milliseconds).

A text field holding HTML (`{"html": "<ul><li><a …>"}`) is read as an HTML list page.
Next pages: the address's page number (page, pageNo, pageNum, currentPage, p …) plus one,
while records keep coming and the interface's page count (if it gives one) allows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gkcheck.crawl.html import absolute
from gkcheck.text.dates import date_from_url, find_dates

# A JSONP answer: callback( … ); (with an optional comment or `/**/` before it)
_JSONP = re.compile(r"^\s*(?:/\*.*?\*/\s*)?[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.DOTALL)
_JSONP_START = re.compile(r"(?:/\*.*?\*/\s*)?[A-Za-z_$][\w$.]*\s*\(\s*[\[{]", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")

# Field names, lower-cased with _ and - removed, in order of preference.
_TITLE_KEYS = ("title", "doctitle", "articletitle", "infotitle", "subject", "name", "showtitle", "maintitle", "bt", "标题", "名称")
_URL_KEYS = ("url", "link", "href", "docurl", "linkurl", "puburl", "articleurl", "infourl", "detailurl", "path", "pageurl", "链接", "网址")
_DATE_KEYS = (
    "publishdate", "pubdate", "publishtime", "pubtime", "releasedate", "releasetime", "docreltime", "docpubtime",
    "fbrq", "fbsj", "cwrq", "date", "time", "createtime", "createdate", "inputtime", "addtime", "updatetime",
    "发布日期", "发布时间", "日期",
)  # fmt: skip
_TOTAL_PAGE_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal")
_PAGE_PARAMS = ("page", "pageno", "pagenum", "pageindex", "currentpage", "curpage", "pagenumber", "p", "pn")
_LINK_LIKE = re.compile(r"^(?:https?://|/|\./|\.\./)|\.(?:s?html?|jhtml|jsp|aspx?|php|pdf|docx?|xlsx?)(?:[?#]|$)", re.IGNORECASE)
_MAX_DEPTH = 8


def looks_like_json(text: str) -> bool:
    """Whether a fetched list page is JSON or JSONP rather than HTML (by its start)."""
    head = text[:1000].lstrip("\ufeff \t\r\n")
    return head[:1] in ("{", "[") or _JSONP_START.match(head) is not None


def load(text: str) -> object | None:
    """The JSON value of a JSON or JSONP text, None if it is neither."""
    body = text.strip("\ufeff \t\r\n")
    m = _JSONP.match(body) if not body.startswith(("{", "[")) else None
    if m:
        body = m.group(1)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


class JsonRecord:
    """A record of the list: its title, link and date as found."""

    __slots__ = ("date", "link", "title")

    def __init__(self, title: str, link: str, date: dt.date | None):
        self.title, self.link, self.date = title, link, date


class JsonList:
    """What a JSON list page holds: its records, whether it says there are none, its page
    count if given, and HTML fragments to read as a list page when no records are found."""

    def __init__(self) -> None:
        self.records: list[JsonRecord] = []
        self.says_empty = False
        self.total_pages: int | None = None
        self.html: list[str] = []


def read(value: object, base: str) -> JsonList:
    """The records of a JSON list page (see the module docstring)."""
    out = JsonList()
    best: list[JsonRecord] = []
    empty_list_seen = False
    for arr in _arrays(value):
        if not arr:
            empty_list_seen = True
            continue
        records = _records(arr, base)
        if len(records) > len(best):
            best = records
    out.records = best
    out.total_pages = _total_pages(value)
    if not best:
        out.html = [s for s in _strings(value) if "<a " in s or "<a\n" in s]
        out.says_empty = not out.html and (empty_list_seen or _total(value) == 0)
    return out


def next_page(url: str, records: int, total_pages: int | None) -> str | None:
    """The address of the next page of a paged interface, or None."""
    if not records:
        return None
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (k, v) in enumerate(query):
        if k.lower().replace("_", "") in _PAGE_PARAMS and v.isdigit():
            current = int(v)
            if total_pages is not None and current >= total_pages:
                return None
            query[i] = (k, str(current + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    return None


# -- finding the list --------------------------------------------------------------------


def _arrays(value: object, depth: int = 0) -> Iterator[list]:
    """Every array of objects (or empty array) in `value`, outermost first."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        if not value or any(isinstance(x, dict) for x in value):
            yield value
        for x in value:
            if isinstance(x, (dict, list)):
                yield from _arrays(x, depth + 1)
    elif isinstance(value, dict):
        for x in value.values():
            if isinstance(x, (dict, list)):
                yield from _arrays(x, depth + 1)


def _strings(value: object, depth: int = 0) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for x in value:
            yield from _strings(x, depth + 1)
    elif isinstance(value, dict):
        for x in value.values():
            yield from _strings(x, depth + 1)


def _norm_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _pick(obj: dict, names: tuple[str, ...], ok: Callable[[object], bool], hints: tuple[str, ...] = ()) -> object | None:
    """The value of the field of `obj` named first in `names` whose value is `ok`; else of
    the first field whose name contains one of `hints` (publishedTimeStr, docTitleShow …)."""
    by_name = {_norm_key(k): v for k, v in obj.items() if isinstance(k, str)}
    for name in names:
        v = by_name.get(name)
        if v is not None and ok(v):
            return v
    for name, v in by_name.items():
        if v is not None and any(h in name for h in hints) and ok(v):
            return v
    return None


def _is_date(v: object) -> bool:
    return isinstance(v, (str, int, float)) and not isinstance(v, bool) and _as_date(v) is not None


def _is_title(v: object) -> bool:
    return isinstance(v, str) and len(_plain(v)) >= 2


def _is_link(v: object) -> bool:
    return isinstance(v, str) and bool(_LINK_LIKE.search(v.strip()))


def _plain(s: str) -> str:
    return _WS.sub(" ", _TAG.sub("", s)).strip()


def _records(arr: list, base: str) -> list[JsonRecord]:
    out: list[JsonRecord] = []
    seen: set[str] = set()
    for obj in arr:
        if not isinstance(obj, dict):
            continue
        title = _pick(obj, _TITLE_KEYS, _is_title, ("title", "标题"))
        if title is None:  # the longest text that is not a link
            texts = [v for v in obj.values() if isinstance(v, str) and not _is_link(v) and len(_plain(v)) >= 4]
            title = max(texts, key=len, default=None)
        link = _pick(obj, _URL_KEYS, _is_link, ("url", "link", "href"))
        if link is None:
            link = next((v for v in obj.values() if _is_link(v)), None)
        if title is None or link is None:
            continue
        url = absolute(str(link).strip(), base)
        if url is None or url in seen:
            continue
        seen.add(url)
        out.append(JsonRecord(_plain(title), url, _date_of(obj, url)))
    return out


def _date_of(obj: dict, url: str) -> dt.date | None:
    value = _pick(obj, _DATE_KEYS, _is_date, ("date", "time", "rq", "日期", "时间"))
    return _as_date(value) if value is not None else date_from_url(url)


def _as_date(value: str | float) -> dt.date | None:
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit() and len(value.strip()) >= 10):
        n = float(value)
        if n > 1e11:  # milliseconds
            n /= 1000
        if 0 < n < 4e9:
            # Unix time, read in China's time zone (UTC+8), as the sites mean it
            return (dt.datetime.fromtimestamp(n, dt.UTC) + dt.timedelta(hours=8)).date()
        return None
    if isinstance(value, str):
        s = value.strip()
        if len(s) == 8 and s.isdigit():  # 20240624
            try:
                return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
            except ValueError:
                return None
        found = find_dates(s)
        return found[0][0] if found else None
    return None


def _ints(value: object, keys: tuple[str, ...], depth: int = 0) -> Iterator[int]:
    if depth > 3 or not isinstance(value, dict):
        return
    for k, v in value.items():
        if isinstance(k, str) and _norm_key(k) in keys:
            if isinstance(v, int) and not isinstance(v, bool):
                yield v
            elif isinstance(v, str) and v.strip().isdigit():
                yield int(v.strip())
        if isinstance(v, dict):
            yield from _ints(v, keys, depth + 1)


def _total_pages(value: object) -> int | None:
    return next(_ints(value, _TOTAL_PAGE_KEYS), None)


def _total(value: object) -> int | None:
    return next(_ints(value, ("total", "totalcount", "totalrecord", "recordcount", "totalnum", "count")), None)
