"""The pager of a list page: where a column's other list pages are.

`parse_list` (gkcheck.crawl.extract) asks, in this order, and stops at the first answer:

1. `trs_call_pages`: a TRS `createPageHTML(N, cur, "index", "html")` call (arguments may
   be variables: `var countPage = 3`): the full page list index.html, index_1.html …
   index_{N-1}.html.
2. `next_link`: a "下一页" link (its walk also keeps the links with short texts: the
   candidates for the numbered links below).
3. `other_pages`, from the other evidence a page carries:
   - numbered links "1 2 3 … 尾页/末页" with real hrefs on the column's own path
     (`index_1.shtml`, `list_2.htm`, `?page=3`, `column-index-4.shtml`);
   - numbered links that call a script (`onclick="goPage(2)"`, `href="javascript:toPage(3)"`);
   - other pager calls that name the page files: `createPage(8, 0, "index", "shtml")`,
     `setPage('page_div', 8, 0, 'list', 'htm', 160)`, `fenye(...)`;
   - a page count in script variables (`var countPage = 8; var currentPage = 0;`, also
     totalPage, pageCount, page_count, maxPage …) or in the page text ("共8页", "分8页",
     "第1/8页", "页次：1/8", or "1/8" next to numbered links);
   - a record count and a page size, in script variables (`var recordCount = 47;
     var pageSize = 15;`) or in the text ("共47条 每页15条"): 4 pages.

   A page's URL comes from a real link showing its number, else from a naming pattern
   (or a page-number query parameter of the current URL: `?page=1`, `pageNo=1` …):
   the pattern of the numbered links (page n is `index_{n-1}.shtml` when "2" links to
   index_1.shtml, `list_{n}.htm` when it links to list_2.htm), or the TRS convention on
   the current file (index.shtml → index_1.shtml …, a folder → index.html …) when the
   page confirms it: the trs profile, a pager call naming the files, a current-page
   variable equal to the file's 0-based index, or the script's own `"index_"` string.
   With the page count known and every page's URL known, the answer is the full page
   list (`is_link` False); else the next page only, like a "下一页" link. Links to another
   host or another column are never followed, and no URL is made up without a pattern.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from gkcheck.crawl import tree
from gkcheck.crawl.html import absolute, squash

MAX_PAGES = 10_000  # a page count above this is cut (the crawler's own cap is max_pages)


@dataclass
class Pages:
    """What `other_pages` found: pages to fetch after this one, in order."""

    urls: list[str]
    is_link: bool = True  # False: `urls` is the full page list (less this page)
    total: int | None = None
    note: str | None = None


@dataclass
class PageLink:
    """A link of a pager showing a page number (`num`), or 尾页/末页 (`num` None)."""

    num: int | None
    url: str | None  # its real href, absolute (None: a script link)
    call: int | None  # the number a script link passes: goPage(2) -> 2
    el: etree._Element  # the link (kept to read the pager's text around it)


# -- 1. TRS createPageHTML -----------------------------------------------------------------

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_VAR_NUM = r"(?:var\s+|\b){name}\s*=\s*['\"]?(\d+)"
_INT = re.compile(r"\d+")
_STR = re.compile(r"""(['"]).*\1""")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NAME = re.compile(r"[\w\-]+")
_EXT = re.compile(r"\w+")


def _call_args(args: str, html: str) -> tuple[list[int], list[str]]:
    """The numbers (variables read from the page) and strings among a call's arguments."""
    nums: list[int] = []
    strs: list[str] = []
    for a in args.split(","):
        a = a.strip()
        if _INT.fullmatch(a):
            nums.append(int(a))
        elif _STR.fullmatch(a):
            strs.append(a[1:-1])
        elif _IDENT.fullmatch(a):
            v = re.search(_VAR_NUM.format(name=re.escape(a)), html)
            if v:
                nums.append(int(v.group(1)))
    return nums, strs


def _listed(count: int, name: str, ext: str, url: str) -> list[str]:
    """name.ext, name_1.ext … name_{count-1}.ext next to `url`, less `url` itself."""
    pages = [urljoin(url, f"{name}.{ext}" if k == 0 else f"{name}_{k}.{ext}") for k in range(count)]
    here = {url, url + f"{name}.{ext}"} if url.endswith("/") else {url}
    return [p for p in pages if p not in here]


def trs_call_pages(html: str, url: str) -> tuple[int, list[str]] | None:
    """(page count, URLs of the other pages) from a TRS createPageHTML(...) call."""
    for m in _CREATE_PAGE.finditer(html):
        nums, strs = _call_args(m.group(1), html)
        if len(nums) < 2 or len(strs) < 2:
            continue
        count, name, ext = nums[0], strs[-2], strs[-1]
        if count < 1 or not _NAME.fullmatch(name) or not _EXT.fullmatch(ext):
            continue
        return count, _listed(count, name, ext, url)
    return None


# -- 2. "下一页" and the numbered links ------------------------------------------------------

_NEXT_TEXT = {">", ">>", "›", "»"}
_NEXT_WORDS = {"下一页", "下页", "后一页", "后页", "下一頁", "下頁", "next"}  # with or without arrows after them
_ARROWS = " >»›》〉→"
_NUM_TEXT = re.compile(r"\[?\s*(\d{1,5})\s*\]?|第\s*(\d{1,5})\s*页", re.ASCII)
_LAST_TEXT = {"尾页", "末页", "尾 页", "末 页", "[尾页]", "[末页]", "最后一页", "最末页", "尾页>>", "末页>>", "last", ">|", "»|"}
_CALL_ARG = re.compile(r"([A-Za-z_$][\w$]*)\s*\(\s*['\"]?(\d{1,5})['\"]?\s*[,)]")  # goPage(2), toPage('3', …)
_PAGER_NAME = re.compile(r"page|fenye|fy|go|jump|turn", re.IGNORECASE)  # not setTab(2), showSlide(3)


def next_link(root: etree._Element, base: str, short: list[tuple[etree._Element, str]] | None = None) -> list[str]:
    """The "下一页" link. The walk puts the links with a short text it passes in `short`
    ((link, text): the candidates for numbered page links, read by `page_links` only if
    the page has no "下一页" link; this walk is on every list page's path)."""
    for a in tree.elements(root, "a"):
        text = squash(tree.text(a, " ")).lower()
        title = squash(a.get("title") or "")
        if text in _NEXT_TEXT or title == "下一页" or text.startswith("下一页") or text.rstrip(_ARROWS) in _NEXT_WORDS:
            link = absolute(a.get("href"), base)
            if link:
                return [link]
        elif short is not None and len(text) < 9:
            short.append((a, text))
    return []


def page_links(short: list[tuple[etree._Element, str]], base: str) -> list[PageLink]:
    """The numbered page links ("2", "[3]", "第4页", 尾页/末页) among links with short texts."""
    out: list[PageLink] = []
    for a, text in short:
        if text.isdigit() or text in _LAST_TEXT or text.startswith(("[", "第")):
            found = _page_link(a, text, base)
            if found is not None:
                out.append(found)
    return out


def _page_link(a: etree._Element, text: str, base: str) -> PageLink | None:
    m = _NUM_TEXT.fullmatch(text)
    if m:
        num: int | None = int(m.group(1) or m.group(2))
        if num < 1 or 1900 <= num <= 2100:  # a year (archive links "2024 2023 …"), not a page
            return None
    elif text in _LAST_TEXT:
        num = None
    else:
        return None
    href = a.get("href")
    url = absolute(href, base)
    if url is not None:
        return PageLink(num, url, None, a)
    call = _CALL_ARG.search(f"{a.get('onclick') or ''} {href or ''}")
    if call is None or not _PAGER_NAME.search(call.group(1)):
        return None
    return PageLink(num, None, int(call.group(2)), a)


# -- 3. the other forms ----------------------------------------------------------------------

_INDEX_STEMS = ("index", "list", "lists", "default", "more")
_PAGE_EXTS = ("html", "htm", "shtml")
_FILE = re.compile(r"(?P<stem>[\w\-]+?)(?:_(?P<k>\d{1,5}))?\.(?P<ext>s?html?)", re.ASCII)
_COUNT_VARS = ("countPage", "totalPage", "pageCount", "page_count", "maxPage", "totalpage", "pagecount",
               "PageCount", "TotalPage", "totalPages", "pageTotal", "maxpage")  # fmt: skip
# a record count and a page size, when the page count is not given: 47 records, 15 a page = 4 pages
_RECORD_VARS = ("recordCount", "recordcount", "RecordCount", "totalRecord", "totalRecords", "totalrecord",
                "totalCount", "totalcount", "total_count", "record_count", "rowCount", "totalNum", "totalRows")  # fmt: skip
_SIZE_VARS = ("pageSize", "pagesize", "PageSize", "page_size", "perPage", "perpage", "per_page", "pageRecord")
_CUR_VARS = ("currentPage", "curPage", "currPage", "currentpage", "cur_page", "nowPage")
_VAR_VALUE = r"(?<![\w$.]){name}\s*[=:]\s*['\"]?(\d{{1,9}})\b"
_GAP = r"(?:\s|&nbsp;|&#160;|\u3000|<[^<>]{0,80}>)*"
_TOTAL_BEFORE_YE = re.compile(rf"(?:共有?|分|[/／]){_GAP}(\d{{1,5}}){_GAP}\Z")  # "共8", "分8", "/8", "共<b>8</b>" before 页
_RECORDS_TEXT = re.compile(rf"共有?{_GAP}(?:记录{_GAP})?(\d{{1,7}}){_GAP}(?:条|篇)")  # 共47条, 共有记录47条
_SIZE_TEXT = re.compile(rf"每页{_GAP}(?:显示{_GAP})?(\d{{1,4}}){_GAP}(?:条|篇)")  # 每页15条, 每页显示15条
_CUR_BEFORE_SLASH = re.compile(rf"(\d{{1,5}}){_GAP}\Z")  # the "1" of "1/8"
_AFTER_YE = re.compile(  # 页次：1/8, 页码：1/8, 总页数：8
    rf"(?:页[次码]{_GAP}[:：]?{_GAP}(?P<cur>\d{{1,5}}){_GAP}[/／]{_GAP}(?P<total>\d{{1,5}})"
    rf"|页数{_GAP}[:：]{_GAP}(?P<count>\d{{1,5}}))"
)
_BEFORE_YE_ENDS = frozenset("0123456789> ;\t\n\r\u3000\xa0")
_BARE = re.compile(r"(?<![\d/／.\-])(\d{1,4})\s*[/／]\s*(\d{1,4})(?![\d/／.\-])")  # "1/8" next to numbered links


@dataclass
class _Naming:
    """Page n of a pager: `prefix + str(n - shift) + suffix` for n >= 2; page 1 is `first`."""

    prefix: str
    suffix: str
    shift: int  # 1: page 2 is name_1 (TRS, 0-based files); 0: page 2 is name_2
    first: str | None = None

    def url(self, n: int) -> str | None:
        if n == 1:
            return self.first
        return f"{self.prefix}{n - self.shift}{self.suffix}"

    def number(self, url: str) -> int | None:
        """The page number of `url` under this naming (None: not one of its pages)."""
        if self.first is not None and _same_page(url, self.first):
            return 1
        if url.startswith(self.prefix) and url.endswith(self.suffix):
            mid = url[len(self.prefix) : len(url) - len(self.suffix)]
            if mid.isascii() and mid.isdigit():
                return int(mid) + self.shift
        return None


def other_pages(html: str, url: str, base: str, profile: str, short: list[tuple[etree._Element, str]]) -> Pages | None:
    """The other list pages from numbered links (among `short`, as `next_link` left them),
    other pager scripts and page counts (module docstring); None when the page shows no pager."""
    numbered = page_links(short, base)
    scripts = _script_text(html)  # variables and pager calls are looked for in scripts only
    call = _pager_call(scripts) if scripts else None
    count_var = _first_var(scripts, _COUNT_VARS) if scripts else None
    text_total, text_cur = _text_count(html, numbered)
    by_records = _records_pages(scripts, html)
    if not numbered and call is None and count_var is None and (text_total or 0) < 2 and (by_records or 0) < 2:
        return None  # no pager on the page (most single-page columns end here)
    col_dir = _column_dir(url)
    real = [p for p in numbered if p.url is not None and p.url.startswith(col_dir)]
    scripted = [p for p in numbered if p.call is not None]
    here = _here(url)

    # The naming of the pages: the numbered links', else the current file's (if confirmed).
    naming = _links_naming(real, col_dir)
    if naming is None and here is not None:
        stem, ext, index = here
        if call is not None:
            stem, ext = call[1], call[2]
        if call is not None or (stem in _INDEX_STEMS and _trs_confirmed(scripts, profile, stem, index)):
            folder = url.rsplit("/", 1)[0] + "/"
            naming = _Naming(folder + stem + "_", "." + ext, _script_shift(scripts, stem), folder + stem + "." + ext)

    if naming is None:
        naming = _query_naming(url, text_cur or 1)

    # The current page's number.
    cur = next((p.num for p in real if p.num is not None and _same_page(p.url, url)), None)
    if cur is None and naming is not None:
        cur = naming.number(url)
    if cur is None:
        cur = text_cur
    shown = {p.num for p in real + scripted if p.num is not None}
    if cur is None:  # the number the pager shows without a link, between two it links
        cur = next((n for n in sorted(shown) if n + 1 not in shown and n + 2 in shown), 0) + 1

    # The page count: a pager script's, the 尾页 link's, else the page text's.
    last = _last_number(numbered, real, naming)
    top = max(shown, default=0)
    total = next(
        (
            n
            for n in (call[0] if call else None, count_var, last, text_total, by_records)
            if n is not None and n >= max(top, 1)
        ),
        None,
    )
    if total is not None:
        total = min(total, MAX_PAGES)

    urls: dict[int, str] = {}
    for p in real:
        if p.num is not None and p.num not in urls:
            urls[p.num] = p.url
    if total is not None:
        if total <= cur:
            return Pages([], False, total) if total > 1 else None
        if naming is not None:
            for n in range(1, total + 1):
                if n not in urls and n != cur:
                    u = naming.url(n)
                    if u is not None:
                        urls[n] = u
        wanted = [n for n in range(1, total + 1) if n != cur]
        if all(n in urls for n in wanted if n > 1):
            out = _unique([urls[n] for n in wanted if n in urls], url)
            return Pages(out, False, total)
    ahead = sorted(n for n in urls if n > cur)
    if ahead:
        return Pages([urls[ahead[0]]], True, total)
    if total is not None or any(n > cur for n in shown):
        told = f"共{total}页" if total is not None else "有翻页链接"
        return Pages([], True, total, f"页面显示{told}，但无法确定其余分页的网址，按单页处理")
    return None


def _column_dir(url: str) -> str:
    """The folder of a list page (its column's path): links below it are the column's."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path.rsplit("/", 1)[0] + "/"


# a query parameter holding the page number (?page=1, ?pageNo=1&channelId=12 …)
_PAGE_PARAM = re.compile(
    r"(?<=[?&])(page|pageNo|pageNum|pageno|pagenum|pageIndex|pageindex|currentPage|curPage|page_no|pn)=(\d{1,4})(?=&|$)"
)


def _query_naming(url: str, cur: int) -> _Naming | None:
    """The naming of the pages of a list whose URL carries its page number in a query
    parameter (`list.jsp?page=1`), this page being page `cur`: the other pages are the
    same URL with another number (0-based where this page's number is one less than
    `cur`). None for a URL without such a parameter, or with a number not `cur` or `cur - 1`."""
    m = _PAGE_PARAM.search(url.split("#", 1)[0])
    if m is None:
        return None
    shift = cur - int(m.group(2))
    if shift not in (0, 1):
        return None
    prefix, suffix = url[: m.start(2)], url[m.end(2) :]
    return _Naming(prefix, suffix, shift, f"{prefix}{1 - shift}{suffix}")


def _here(url: str) -> tuple[str, str, int] | None:
    """(stem, extension, 0-based page index) of the current file: index_2.shtml ->
    ("index", "shtml", 2); a folder is index.html. None for a query URL or another name."""
    parts = urlsplit(url)
    if parts.query:
        return None
    name = parts.path.rsplit("/", 1)[-1]
    if not name:
        return "index", "html", 0
    m = _FILE.fullmatch(name)
    if m is None:
        return None
    return m.group("stem"), m.group("ext"), int(m.group("k") or 0)


def _same_page(a: str, b: str) -> bool:
    """One page: equal URLs, or a folder and its index file."""
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        if x.endswith("/") and y.startswith(x) and y[len(x) :] in ("index.html", "index.htm", "index.shtml"):
            return True
    return False


def _unique(urls: list[str], url: str) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for u in urls:
        if u not in seen and not _same_page(u, url):
            seen.add(u)
            out.append(u)
    return out


def _links_naming(real: list[PageLink], col_dir: str) -> _Naming | None:
    """The naming of numbered links: the last run of digits in each link's URL (below the
    column's folder) that is its number (shift 0) or its number - 1 (shift 1); the pattern
    most links share."""
    votes: Counter = Counter()
    first: str | None = None
    for p in real:
        if p.num == 1 and first is None:
            first = p.url
        if p.num is None or p.num < 2:
            continue
        tail = p.url[len(col_dir) :]
        for m in reversed(list(_INT.finditer(tail))):
            shift = p.num - int(m.group())
            if shift in (0, 1) and m.group() == str(int(m.group())):
                votes[(col_dir + tail[: m.start()], tail[m.end() :], shift)] += 1
                break
    if not votes:
        return None
    prefix, suffix, shift = votes.most_common(1)[0][0]
    return _Naming(prefix, suffix, shift, first)


def _script_shift(scripts: str, stem: str) -> int:
    """How a script that builds the page files numbers them: 1 (TRS: page n is
    `index_{n-1}`, as in `"index_" + (n - 1)`), or 0 where it appends the page number
    itself (`"list_" + p`: page 2 is list_2). 1 when no script says."""
    m = re.search(rf"""['"]{re.escape(stem)}_['"]\s*\+\s*([^;'"]{{1,60}})""", scripts or "")
    return 0 if m and not re.search(r"-\s*1\b", m.group(1)) else 1


def _trs_confirmed(scripts: str, profile: str, stem: str, index: int) -> bool:
    """The page files follow the TRS convention (name_k.ext, k >= 1, 0-based): the trs
    profile, a current-page variable equal to this file's 0-based index, or a script
    string building the file name ("index_")."""
    if profile == "trs":
        return True
    if not scripts:
        return False
    if f'"{stem}_"' in scripts or f"'{stem}_'" in scripts:
        return True
    cur = _first_var(scripts, _CUR_VARS, minimum=0)
    return cur is not None and cur == index


def _script_text(html: str) -> str:
    """The text of the page's inline scripts, joined (cheap: substring scans)."""
    tag = "<script"
    i = html.find(tag)
    if i < 0:
        tag = "<SCRIPT"
        i = html.find(tag)
    parts: list[str] = []
    while i >= 0:
        j = html.find(">", i)
        if j < 0:
            break
        k = html.find("</" + tag[1:], j)
        if k < 0:
            parts.append(html[j + 1 :])
            break
        if k > j + 1:
            parts.append(html[j + 1 : k])
        i = html.find(tag, k)
    return "\n".join(parts)


def _first_var(html: str, names: tuple[str, ...], minimum: int = 1) -> int | None:
    """The first value >= minimum assigned to one of `names` (`var countPage = 8`,
    `pageCount: 8`); cheap substring checks first."""
    for name in names:
        if name not in html:
            continue
        for m in re.finditer(_VAR_VALUE.format(name=name), html):
            v = int(m.group(1))
            if v >= minimum:
                return v
    return None


def _records_pages(scripts: str, html: str) -> int | None:
    """The page count from a record count and a page size (`var recordCount = 47;
    var pageSize = 15;`, "共47条 每页15条"): 4; None unless both are given."""
    records = _first_var(scripts, _RECORD_VARS, minimum=0) if scripts else None
    size = _first_var(scripts, _SIZE_VARS) if scripts else None
    if (records is None or size is None) and ("条" in html or "篇" in html):
        if records is None:
            m = _RECORDS_TEXT.search(html)
            records = int(m.group(1)) if m else None
        if size is None:
            m = _SIZE_TEXT.search(html)
            size = int(m.group(1)) if m else None
    if records is None or not size:
        return None
    return max(1, -(-records // size))


def _pager_call(scripts: str) -> tuple[int, str, str] | None:
    """(page count, file name, extension) of a pager call other than createPageHTML that
    names the page files: `createPage(8, 0, "index", "shtml")`, `fenye(8, 1, 'list', 'htm')`,
    `setPage('page_div', 8, 0, 'index', 'html', 160)`. Found from its extension string."""
    for ext in _PAGE_EXTS:
        for q in "\"'":
            lit = f"{q}{ext}{q}"
            i = scripts.find(lit)
            while i != -1:
                found = _call_around(scripts, i, ext)
                if found is not None:
                    return found
                i = scripts.find(lit, i + 1)
    return None


def _call_around(text: str, i: int, ext: str) -> tuple[int, str, str] | None:
    start = text.rfind("(", max(0, i - 300), i)
    end = text.find(")", i, i + 120)
    if start < 0 or end < 0 or ")" in text[start:i] or not re.search(r"[\w$]\s*\Z", text[max(0, start - 40) : start]):
        return None
    nums, strs = _call_args(text[start + 1 : end], text)
    if len(nums) < 2 or len(strs) < 2 or strs[-1] != ext:
        return None
    count, name = nums[0], strs[-2]
    if count < 1 or not _NAME.fullmatch(name):
        return None
    return count, name, ext


def _text_count(html: str, numbered: list[PageLink]) -> tuple[int | None, int | None]:
    """(page count, current page) from the page text: "共8页", "第1/8页", "页次：1/8",
    or a bare "1/8" in the pager holding the numbered links."""
    total = cur = None
    i = html.find("页")
    while i != -1 and total is None:
        m = None
        if html[i - 1 : i] in _BEFORE_YE_ENDS:  # cheap: "首页", "下一页" are not looked at
            m = _total_before(html, i)
            if m:
                total = int(m.group(1))
                if html[m.start()] != "共":
                    c = _CUR_BEFORE_SLASH.search(html, max(0, m.start() - 60), m.start())
                    cur = int(c.group(1)) if c else cur
        if m is None and html[i + 1 : i + 2] in ("次", "码", "数"):
            m = _AFTER_YE.match(html, i)
            if m and (m.group("total") or m.group("count")):
                total = int(m.group("total") or m.group("count"))
                cur = int(m.group("cur")) if m.group("cur") else cur
        i = html.find("页", i + 1)
    box = numbered[0].el if total is None and numbered else None
    for _ in range(3):  # the pager around the first numbered link (links may sit in <li>s)
        box = box.getparent() if box is not None else None
        if box is None:
            break
        text = tree.text(box, " ")
        if len(text) > 400:
            break
        m = _BARE.search(text)
        if m and 1 <= int(m.group(1)) <= int(m.group(2)):
            cur, total = int(m.group(1)), int(m.group(2))
            break
    if cur is not None and total is not None and cur > total:
        return None, None
    return total, cur


def _total_before(html: str, i: int) -> re.Match | None:
    """The "共8", "分8" or "/8" (tags and spaces around the number allowed) right before
    html[i] (页), tried from the nearest 共, 分, / and ／ back (anchored matches, no scan of
    the window)."""
    start = max(0, i - 120)
    for sep in ("共", "分", "/", "／"):
        j = html.rfind(sep, start, i)
        for _ in range(4):  # a "/" of a closing tag may come first: </font>
            if j < 0:
                break
            m = _TOTAL_BEFORE_YE.match(html, j, i)
            if m:
                return m
            j = html.rfind(sep, start, j)
    return None


def _last_number(numbered: list[PageLink], real: list[PageLink], naming: _Naming | None) -> int | None:
    """The page number of the 尾页/末页 link: from its URL under the naming, or from its
    script call (goPage(8)) as the numbered script links relate calls to numbers."""
    for p in real:
        if p.num is None and naming is not None:
            n = naming.number(p.url)
            if n is not None:
                return n
    offsets = {p.num - p.call for p in numbered if p.num is not None and p.call is not None}
    offset = offsets.pop() if len(offsets) == 1 else (0 if not offsets else None)
    if offset is None:
        return None
    for p in numbered:
        if p.num is None and p.call is not None:
            return p.call + offset
    return None
