"""List pages: the posts a column lists (title, link, date) and where its next pages are.

Profiles (the `profile` of a column in the sites config):

- generic: links with a date nearby (in the same list item or table row); the largest
  family of such items is the list, sidebars of "热点" are left out. Next pages via
  `createPageHTML(...)` if the page has it, a "下一页" link, or the other pagers of
  gkcheck.crawl.pagers (numbered links, goPage(n) links, other pager scripts, page
  counts in script variables or "共8页" text).
- trs: TRS WCM; the same items, pages from `createPageHTML(N, cur, "index", "html")`:
  index.html, index_1.html … index_{N-1}.html; else as generic, the files named by the
  TRS convention (a note says when no pager was found).
- hanweb: Hanweb JCMS; records are CDATA inside `<script type="text/xml"><datastore>`;
  further records come from the `nextgroup` data proxy, paged by query string
  (`startrecord`, `endrecord`, `perpage`).
- css: a custom page described by CSS selectors (item, title, link, date, next).

Whatever the profile, a page answered as JSON or JSONP (a list's data interface) is read
by gkcheck.crawl.json_list.

Dates: 2024-06-24, 2024/6/24, 2024.06.24, 2024年6月24日, and [06-24] whose year comes
from the link (`t20240624_1.html`, `/art/2024/6/24/`), else from the neighbouring items
(lists run newest first), else from the fetch date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree

from gkcheck.crawl import json_list, pagers, tree
from gkcheck.crawl.config import Selectors
from gkcheck.crawl.html import absolute, base_url, drop, link_title, soup_of, squash
from gkcheck.text.dates import date_from_url, find_dates


@dataclass
class ListItem:
    title: str
    url: str
    date: dt.date | None = None
    date_how: str | None = None  # list | list_md (year inferred) | None


@dataclass
class ListPage:
    items: list[ListItem] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)  # pages to fetch after this one, in order
    next_is_link: bool = True  # next_urls is a "下一页" link (False: the full page list, less this page)
    total_pages: int | None = None
    notes: list[str] = field(default_factory=list)
    # For a page listing no posts (see `_no_posts`): it says the column has none (暂无信息,
    # 共0条 …), or a script on it may load the list (which is not run here).
    says_empty: bool = False
    scripted: bool = False


def parse_list(
    html: str,
    url: str,
    profile: str = "generic",
    selectors: Selectors | None = None,
    *,
    ref_date: dt.date | None = None,
) -> ListPage:
    """Items and next pages of one list page. Never raises on odd HTML."""
    ref_date = ref_date or dt.date.today()
    if json_list.looks_like_json(html):  # a data interface (whatever the profile)
        page = _json_page(html, url, ref_date)
        if page is not None:
            return page
    if profile == "hanweb":
        return _hanweb(html, url, ref_date)
    if profile == "css":  # CSS selectors need BeautifulSoup (soupsieve)
        assert selectors is not None
        soup = soup_of(html)
        return _css(soup, base_url(soup, url), selectors, ref_date)
    doc = tree.parse(html)
    base = tree.base_url(doc, url)
    if profile == "homepage":  # every dated link on the page, in page order; no next pages
        tree.drop(doc)
        page = ListPage(items=_dated_links(doc, base, url, ref_date, every_group=True))
        if not page.items:
            _no_posts(page, tree.text(doc, " "), html)
        return page
    trs = pagers.trs_call_pages(html, url)
    tree.drop(doc)
    page = ListPage(items=_dated_links(doc, base, url, ref_date))
    if not page.items:
        _no_posts(page, tree.text(doc, " "), html)
        if not page.says_empty:
            page.items = _undated_links(doc, base, url)
            if page.items:
                page.scripted = False
                page.notes.append(UNDATED_NOTE)
    if trs is not None:
        page.total_pages, page.next_urls = trs
        page.next_is_link = False
        return page
    short: list[tuple[etree._Element, str]] = []  # links with short texts: "2", "尾页" …
    page.next_urls = pagers.next_link(doc, base, short)
    if page.next_urls:
        return page
    found = pagers.other_pages(html, url, base, profile, short)
    if found is not None:
        page.next_urls, page.next_is_link, page.total_pages = found.urls, found.is_link, found.total
        if found.note:
            page.notes.append(found.note)
    elif profile == "trs":
        page.notes.append("未找到 createPageHTML 分页脚本，按单页处理")
    return page


# -- json -------------------------------------------------------------------------------


def _json_page(text: str, url: str, ref: dt.date) -> ListPage | None:
    """A list page answered as JSON or JSONP (gkcheck.crawl.json_list); None if the text
    is not JSON after all."""
    value = json_list.load(text)
    if value is None:
        return None
    found = json_list.read(value, url)
    if found.records:
        items = [ListItem(r.title, r.link, r.date, "list" if r.date else None) for r in found.records]
        page = ListPage(items=items, total_pages=found.total_pages)
    elif found.html:  # the interface hands over the list as HTML
        page = parse_list("\n".join(found.html), url, "generic", ref_date=ref)
        if page.next_urls or not page.items:
            return page
    else:
        return ListPage(total_pages=found.total_pages, says_empty=found.says_empty)
    nxt = json_list.next_page(url, len(page.items), found.total_pages)
    page.next_urls = [nxt] if nxt else []
    return page


# -- a page listing no posts ----------------------------------------------------------

# A list page saying its column has nothing in it: a blank column, as 国办秘函〔2019〕19号
# counts it (栏目开设后没有任何内容, a column "under construction" included).
_SAYS_EMPTY = re.compile(
    r"暂\s*(?:无|没有)\s*(?:相关|任何)?\s*(?:信息|数据|内容|记录|文章|文件|公告|消息|结果)"
    r"|没有(?:找到|查询到|检索到)?(?:任何|相关|符合条件的)?(?:信息|记录|数据|内容|文章)"
    r"|(?:共|总共|合计)\s*[:：]?\s*0\s*(?:条|篇|项|个|页)|(?<![\d.])0\s*条(?:记录|信息|数据)"
    r"|(?:栏目|页面|网站)(?:正在|尚在)?(?:建设|维护)中|(?:信息|内容)(?:正在|尚在)(?:更新|整理|完善)中|敬请期待"
    r"|(?<![a-z])no\s+(?:records?|data|items?|results?|posts?|entries)(?![a-z])",
    re.IGNORECASE,
)
# Spaces next to a Chinese character (暂 无 记 录: letter-spaced in the page's HTML).
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
# A script that fetches data or fills a template: the list may be drawn by it, after the
# page has loaded (AJAX, a JSON interface, Vue or Angular templates, layui tables).
_LOADS_BY_SCRIPT = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\s*\(|\bfetch\s*\(|XMLHttpRequest|\baxios\b|\.load\s*\(\s*['\"]"
    r"|\bjsonp\b|\bv-for\s*=|\bng-repeat\b|\{\{\s*[\w.\[\]]+\s*\}\}|layui\.(?:table|laytpl|flow)|\btemplate\s*\(",
    re.IGNORECASE,
)


# A template the browser fills (Vue, Angular, Alpine): a 暂无数据 in it is the placeholder
# shown while the list is empty on the client, not what the server says of the column.
_CLIENT_TEMPLATE = re.compile(r"\bv-(?:for|if|show)\s*=|\bng-(?:repeat|if)\b|\bx-for\s*=|\{\{\s*[\w.\[\]]+\s*\}\}")


def _no_posts(page: ListPage, text: str, html: str) -> None:
    """Mark a page from which no post was read: whether its text says the column has
    none, else whether a script on it may load the list."""
    if _CLIENT_TEMPLATE.search(html):
        page.says_empty, page.scripted = False, True
        return
    page.says_empty = bool(_SAYS_EMPTY.search(_CJK_SPACE.sub("", text)))
    page.scripted = not page.says_empty and bool(_LOADS_BY_SCRIPT.search(html))


def unread_reason(scripted: bool) -> str:
    """Why a column whose pages were fetched, but listed no post and did not say it has
    none, is not judged blank (Chinese, for the column's error)."""
    if scripted:
        return (
            "列表页已打开，但没有读出任何信息，页面也未说明暂无信息：信息列表可能由脚本加载"
            "（本工具不执行脚本）。请人工核对该栏目，或把栏目网址改为页面读取信息所用的数据接口地址（返回 JSON 的网址）"
        )
    return (
        "列表页已打开，但没有读出任何信息（未找到带日期的信息链接），页面也未说明暂无信息："
        "列表版式可能未被识别。请人工核对该栏目，或在网站栏目配置中用 profile: css 指定列表的选择器"
    )


# -- dates ----------------------------------------------------------------------------


def _item_date(
    text: str, link: str, prev: dt.date | None, ref: dt.date, full: list | None = None
) -> tuple[dt.date | None, str | None]:
    """The date in an item's text (without its title); month-day forms get a year.
    `full`: find_dates(text), where the caller has it."""
    if full is None:
        full = find_dates(text)
    if full:
        return full[0][0], "list"
    from_url = date_from_url(link)
    url_year = from_url.year if from_url else _url_year(link)
    year = url_year or (prev.year if prev else ref.year)
    md = find_dates(text, default_year=year)
    if not md:
        return None, None
    d = md[0][0]
    if url_year is None:
        # Lists run newest first: a month-day after the previous item's is a year earlier;
        # with no previous item, a date after the fetch date is last year's.
        limit = prev or ref
        if d > limit:
            try:
                d = d.replace(year=d.year - 1)
            except ValueError:  # 02-29
                d = d.replace(year=d.year - 1, day=28)
    return d, "list_md"


_URL_YEAR_MONTH = re.compile(r"/((?:19|20)\d{2})(?:0[1-9]|1[0-2])/")
_URL_YEAR = re.compile(r"/((?:19|20)\d{2})/")


def _url_year(link: str) -> int | None:
    """The year of a link's 202406/ or /2024/ folder, as CMSs file articles."""
    path = urlsplit(link).path
    m = _URL_YEAR_MONTH.search(path) or _URL_YEAR.search(path)
    return int(m.group(1)) if m else None


def _text_without(el: etree._Element, a: etree._Element, text=tree.text) -> str:
    """The element's text with the link's own text (the title) taken out; `text` reads
    an element's text (tree.text, or tree.plain_text in a plain document)."""
    return _without(text(el, " "), text(a, " "))


def _soup_text_without(el: Tag, a: Tag) -> str:
    """`_text_without` for a BeautifulSoup element (the css profile)."""
    return _without(el.get_text(" "), a.get_text(" "))


def _without(full: str, own: str) -> str:
    if own:
        full = full.replace(own, " ", 1)
    return squash(full)


# -- generic / trs ----------------------------------------------------------------------

_SIDEBAR = re.compile(r"side|right|left|hot|rank|nav|menu|foot|header|top|link|friend|banner|tab_?hd|zt", re.IGNORECASE)


_STOP = ("body", "html", tree.DOC)


# a page address in a link's script (href="javascript:openDoc('…')", onclick="window.open('…')"):
# a quoted path with a page or file extension, or a quoted absolute path or http(s) URL
_SCRIPT_URL = re.compile(
    r"""['"]((?:https?://|/|\./|\.\./)?[\w\-./%~]+\.(?:s?html?|jsp|aspx?|php|do|pdf|docx?|xlsx?|wps)(?:\?[^'"\s]*)?"""
    r"""|(?:https?://|/)[^'"\s]+)['"]""",
    re.IGNORECASE,
)


def _script_link(a: etree._Element, base: str) -> str | None:
    """The page a link opens from a script instead of its href (None if it names none)."""
    href = a.get("href") or ""
    for code in (a.get("onclick") or "", href if href.strip().lower().startswith("javascript:") else ""):
        m = _SCRIPT_URL.search(code)
        if m:
            return absolute(m.group(1), base)
    return None


_DATE_EDGE = " \t[]()（）【】〔〕<>《》|｜-—:："  # what may stand around a date at the edge of a link's text


def _own_date(a: etree._Element, title: str, text_of, ref: dt.date) -> tuple[str, str] | None:
    """(title, date text) of a link whose own text ends or starts with its date, as a card
    made a link does (`<a><p>标题</p><span>2024-06-24</span></a>`, `<a>标题 [06-24]</a>`);
    None for a date inside the title (关于2024年6月24日停电的通知)."""
    shown = squash(text_of(a, " "))
    if title != shown:  # the title attribute stands for a shortened text: no date in it
        return None
    found = find_dates(shown) or find_dates(shown, default_year=ref.year)
    if not found:
        return None
    for _, (start, end) in (found[-1], found[0]):
        before, after = shown[:start].strip(_DATE_EDGE), shown[end:].strip(_DATE_EDGE)
        if not after and len(before) >= 4:
            return before, shown[start:end]
        if not before and len(after) >= 4:
            return after, shown[start:end]
    return None


def _signature(el: etree._Element) -> tuple:
    sig = []
    node: etree._Element | None = el
    while node is not None and node.tag not in _STOP:
        cls = " ".join(sorted(tree.classes(node)))
        ident = node.get("id") or ""
        sig.append((node.tag, cls, "" if re.search(r"\d", ident) else ident))
        node = node.getparent()
    return tuple(sig)


def _dated_links(
    root: etree._Element, base: str, page_url: str, ref: dt.date, every_group: bool = False
) -> list[ListItem]:
    """The items of the page's list: the largest family of dated links (sidebars count
    less); with `every_group`, the dated links of every family, in page order (a homepage's
    news, notices and documents blocks)."""
    found: list[tuple[tuple, ListItem, str, list]] = []  # (signature of the item element, item, its text, its full dates)
    text_of = tree.plain_text if tree.plain(root) else tree.text  # (one look for the whole page)
    anchors = [(a, tree.link_title(a)) for a in root.iterdescendants("a") if a.get("href") is not None or a.get("onclick")]
    anchors = [(a, title) for a, title in anchors if len(title) >= 4]
    # how many title-like links each element holds (one pass, not one search per link);
    # keyed by the element itself (kept alive), never by id() of a passing lxml proxy
    holds: dict[etree._Element, int] = defaultdict(int)
    for a, _ in anchors:
        for parent in a.iterancestors():
            holds[parent] += 1
    for a, title in anchors:
        link = absolute(a.get("href"), base) or _script_link(a, base)
        if link is None:
            continue
        node, item_el, text = a, None, ""
        for _ in range(5):
            parent = node.getparent()
            if parent is None or parent.tag in _STOP:
                break
            if holds[parent] > 1:
                break
            text = _text_without(parent, a, text_of)
            full = find_dates(text)
            if full or find_dates(text, default_year=ref.year):
                item_el = parent
                break
            node = parent
        if item_el is None:  # a link that holds its own date: <a><p>标题</p><span>2024-06-24</span></a>
            own = _own_date(a, title, text_of, ref)
            if own is not None:
                item_el = a
                title, text = own
                full = find_dates(text)
        if item_el is not None:
            found.append((_signature(item_el), ListItem(title, link), text, full))
    if not found:
        return []
    groups: dict[tuple, list[tuple[ListItem, str, list]]] = defaultdict(list)
    for sig, item, text, full in found:
        groups[sig].append((item, text, full))
    col_dir = page_url.rsplit("/", 1)[0] + "/"

    def score(sig: tuple) -> float:
        items = groups[sig]
        s = len(items) + sum(1 for it, _, _ in items if it.url.startswith(col_dir))
        if any(_SIDEBAR.search(f"{c} {i}") for _, c, i in sig):
            s *= 0.3
        return s

    best = max(groups, key=score)
    chosen = found if every_group else [(best, *entry) for entry in groups[best]]
    out: list[ListItem] = []
    seen: set[str] = set()
    prev: dt.date | None = None
    block = None
    for sig, item, text, full in chosen:
        if sig != block:  # each block of a homepage runs newest first on its own
            block, prev = sig, None
        if item.url in seen:
            continue
        seen.add(item.url)
        item.date, item.date_how = _item_date(text, item.url, prev, ref, full)
        if item.date:
            prev = item.date
        out.append(item)
    return out


# A list whose items carry no date: their dates are read from the post pages (the crawler
# fetches the pages of such posts even in a column whose bodies are not wanted).
UNDATED_NOTE = "列表未标注发布日期，发布日期取自文章页"
_MIN_UNDATED = 3  # items of a list without dates: fewer is no list
_MIN_TITLE = 8  # characters of an undated item's title (menus and link boxes have short ones)


def _undated_links(root: etree._Element, base: str, page_url: str) -> list[ListItem]:
    """The items of a list that shows no dates: the largest family of same-site links
    with titles of a post's length, each alone in its list item or table row; none
    unless there are at least _MIN_UNDATED. A date in an item's link (t20240624_1.html)
    is taken."""
    host = urlsplit(page_url).netloc.lower()
    anchors = [(a, tree.link_title(a)) for a in root.iterdescendants("a") if a.get("href") is not None or a.get("onclick")]
    anchors = [(a, t) for a, t in anchors if len(t) >= _MIN_TITLE]
    holds: dict[etree._Element, int] = defaultdict(int)
    for a, _ in anchors:
        for parent in a.iterancestors():
            holds[parent] += 1
    groups: dict[tuple, list[ListItem]] = defaultdict(list)
    for a, title in anchors:
        link = absolute(a.get("href"), base) or _script_link(a, base)
        if link is None or urlsplit(link).netloc.lower() != host or link.split("#")[0] == page_url:
            continue
        item_el = a
        for _ in range(3):  # up to the highest ancestor holding this link alone
            parent = item_el.getparent()
            if parent is None or parent.tag in _STOP or holds[parent] > 1:
                break
            item_el = parent
        if item_el is a:
            continue  # a link that is no list item of its own
        groups[_signature(item_el)].append(ListItem(title, link))

    def score(sig: tuple) -> float:
        s = len({it.url for it in groups[sig]})
        return s * 0.3 if any(_SIDEBAR.search(f"{c} {i}") for _, c, i in sig) else s

    if not groups:
        return []
    best = max(groups, key=score)
    out: list[ListItem] = []
    seen: set[str] = set()
    for item in groups[best]:
        if item.url not in seen:
            seen.add(item.url)
            d = date_from_url(item.url)
            item.date, item.date_how = (d, "url") if d else (None, None)
            out.append(item)
    return out if len(out) >= _MIN_UNDATED else []


# -- css --------------------------------------------------------------------------------


def _css(soup: BeautifulSoup, base: str, sel: Selectors, ref: dt.date) -> ListPage:
    page = ListPage()
    prev: dt.date | None = None
    seen: set[str] = set()
    for item in soup.select(sel.item):
        title_el = item.select_one(sel.title) if sel.title else item.find("a", href=True)
        if not isinstance(title_el, Tag):
            continue
        if sel.link:
            link_el = item.select_one(sel.link)
        elif title_el.name == "a":
            link_el = title_el
        else:
            link_el = title_el.find("a", href=True) or item.find("a", href=True)
        if not isinstance(link_el, Tag):
            continue
        link = absolute(link_el.get("href"), base)
        title = link_title(title_el) if title_el.name == "a" else squash(title_el.get_text(" "))
        if title_el.name != "a" and isinstance(link_el, Tag) and link_el.get("title") and title.endswith(("…", "...")):
            title = link_title(link_el)
        if not link or not title or link in seen:
            continue
        seen.add(link)
        if sel.date:
            date_el = item.select_one(sel.date)
            text = squash(date_el.get_text(" ")) if isinstance(date_el, Tag) else ""
        else:
            text = _soup_text_without(item, title_el)
        d, how = _item_date(text, link, prev, ref)
        if d:
            prev = d
        page.items.append(ListItem(title, link, d, how))
    if sel.next:
        nxt = soup.select_one(sel.next)
        if isinstance(nxt, Tag):
            link = absolute(nxt.get("href"), base)
            if link:
                page.next_urls = [link]
    if not page.items:
        raw = str(soup)
        drop(soup)
        _no_posts(page, soup.get_text(" "), raw)
    return page


# -- hanweb -----------------------------------------------------------------------------

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.DOTALL | re.IGNORECASE)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.DOTALL | re.IGNORECASE)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_TOTAL_JS = re.compile(r"totalRecord\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE)
_PERPAGE = re.compile(r"perpage\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE)
_PAGING_KEYS = ("startrecord", "endrecord", "perpage")


def _hanweb(html: str, url: str, ref: dt.date) -> ListPage:
    page = ListPage()
    stores = _DATASTORE.findall(html)
    if not stores:
        page.notes.append("未找到大汉 datastore 数据，按普通列表页解析")
        doc = tree.parse(html)
        base = tree.base_url(doc, url)
        tree.drop(doc)
        page.items = _dated_links(doc, base, url, ref)
        if not page.items:
            _no_posts(page, tree.text(doc, " "), html)
        page.next_urls = pagers.next_link(doc, base)
        return page
    prev: dt.date | None = None
    seen: set[str] = set()
    total: int | None = None
    nextgroup: str | None = None
    for store in stores:
        m = _TOTAL.search(store)
        if m:
            total = int(m.group(1))
        ng = _NEXTGROUP.search(store)
        if ng:
            a = next(tree.with_attr(tree.parse(ng.group(1)), "a", "href"), None)
            if a is not None:
                nextgroup = absolute(a.get("href"), url)
        for rec in _RECORD.findall(store):
            frag = tree.parse(rec)
            tree.drop(frag)
            a = next((x for x in tree.with_attr(frag, "a", "href") if absolute(x.get("href"), url)), None)
            if a is None:
                continue
            link = absolute(a.get("href"), url)
            if link in seen:
                continue
            seen.add(link)
            body = tree.first(frag, "body")
            d, how = _item_date(_text_without(frag if body is None else body, a), link, prev, ref)
            if d:
                prev = d
            page.items.append(ListItem(tree.link_title(a), link, d, how))
    # Paging: the data proxy serves records startrecord..endrecord.
    query = dict(parse_qsl(urlsplit(url).query))
    if "startrecord" in query:
        try:
            offset = int(query["startrecord"]) - 1
            group = int(query.get("endrecord", 0)) - offset
        except ValueError:
            offset, group = 0, 0
        proxy = url
    else:
        offset, group, proxy = 0, 0, nextgroup
    perpage = int(query.get("perpage") or (_PERPAGE.search(html).group(1) if _PERPAGE.search(html) else 15))
    if total is None and _TOTAL_JS.search(html):
        total = int(_TOTAL_JS.search(html).group(1))
    first_group = group <= 0
    if first_group:
        group = max(len(page.items), perpage * 3)
    seen_count = offset + len(page.items)
    if total is not None:
        page.total_pages = -(-total // max(perpage, 1))
    if not page.items:  # the data store is the list: an empty one (总数 0) says so
        page.says_empty = total == 0 or not any(_RECORD.search(store) for store in stores)
    # The static page holds the first group (perpage × 3 records); fewer means no more.
    # A data proxy answering fewer records than asked has no more either.
    short = len(page.items) < (perpage * 3 if first_group else group)
    more = not short and (total is None or seen_count < total)
    if proxy and page.items and more:
        page.next_urls = [_with_paging(proxy, seen_count + 1, seen_count + group, perpage)]
    return page


def _with_paging(url: str, start: int, end: int, perpage: int) -> str:
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _PAGING_KEYS]
    pairs += [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(perpage))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs, safe="/"), ""))
