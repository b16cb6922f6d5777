"""A post's own page: its main text without navigation, its links and attachments.

The main text is the CMS's content container when one is recognised (TRS `TRS_Editor`,
`#zoom`, Hanweb `#zoom` / `.bt_content`, `#UCAP-CONTENT` …), else the element holding
most paragraph text. Attachments are links to pdf, doc, docx, xls, xlsx, wps (and ofd,
et, zip, rar) anywhere in the page outside navigation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from gkcheck.crawl.html import absolute, base_url, drop, link_title, soup_of, squash
from gkcheck.text.dates import parse_date

ATTACHMENT_EXT = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar")

# Content containers of the common CMSs, most specific first: (attribute, value).
_CONTENT = (
    ("class", "TRS_Editor"),
    ("class", "trs_editor_view"),
    ("id", "UCAP-CONTENT"),
    ("id", "zoom"),
    ("id", "fontzoom"),
    ("class", "bt_content"),
    ("class", "wz_content"),
    ("class", "article-content"),
    ("class", "article_content"),
    ("class", "pages_content"),
    ("id", "Zoom"),
    ("id", "zw"),
    ("class", "zw"),
    ("class", "view"),
    ("id", "content"),
    ("class", "content"),
)
_RANK = {key: i for i, key in enumerate(_CONTENT)}
_BLOCKS = frozenset(
    ["p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center"]
)
_CHROME = re.compile(
    r"(^|[\s_-])(nav|menu|header|head|footer|foot|breadcrumb|crumb|position|location|share|print|"
    r"sidebar|side|copyright|banner|search|toolbar|dqwz|wzdh)([\s_-]|$)",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"(发布时间|发布日期|发文日期|成文日期|公开日期|时间|日期)\s*[:：]\s*")


@dataclass
class Body:
    text: str
    title: str | None = None
    date: dt.date | None = None
    links: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (url, title)


def is_attachment(url: str) -> bool:
    path = unquote(urlsplit(url).path).lower()
    return path.rsplit(".", 1)[-1] in ATTACHMENT_EXT if "." in path.rsplit("/", 1)[-1] else False


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        m = soup.find("meta", attrs={"name": re.compile(f"^{re.escape(name)}$", re.IGNORECASE)})
        if isinstance(m, Tag) and m.get("content"):
            return squash(m["content"])
    return None


def _strip_chrome(soup: BeautifulSoup) -> None:
    """Remove navigation, headers, footers, breadcrumbs and the like."""
    for el in soup.find_all(["nav", "header", "footer", "form", "iframe", "select"]):
        el.decompose()
    chosen = []
    for el in soup.find_all(True):
        if el.name in ("body", "html") or not el.attrs:
            continue
        marks = " ".join([*(el.get("class") or []), el.get("id") or ""])
        if marks.strip() and _CHROME.search(marks):
            chosen.append(el)
    ids = {id(el) for el in chosen}
    tops = [el for el in chosen if not any(id(p) in ids for p in el.parents)]
    for el in tops:
        el.decompose()


def _main(soup: BeautifulSoup) -> Tag | None:
    """The content container: a known CMS container, else the parent of most paragraph text."""
    found: list[tuple[int, int, Tag]] = []
    for n, el in enumerate(soup.find_all(True)):
        keys = [("class", c) for c in el.get("class") or []]
        if el.get("id"):
            keys.append(("id", el["id"]))
        ranks = [_RANK[k] for k in keys if k in _RANK]
        if ranks:
            found.append((min(ranks), n, el))
    for _, _, el in sorted(found, key=lambda x: (x[0], x[1])):
        if len(squash(el.get_text())) >= 20:
            return el
    scores: dict[int, tuple[Tag, int]] = {}
    for p in soup.find_all(["p", "br"]):
        parent = p.parent
        if not isinstance(parent, Tag):
            continue
        n = len(squash(p.get_text())) if p.name == "p" else 10
        tag, s = scores.get(id(parent), (parent, 0))
        scores[id(parent)] = (tag, s + n)
    if scores:
        return max(scores.values(), key=lambda x: x[1])[0]
    return soup.body


def _text(el: Tag) -> str:
    """The element's text, a line per block (p, div, tr, li …), cells separated by tabs.
    Walks the tree once without changing it (inserting markers costs O(n²) in bs4)."""
    parts: list[str] = []
    stack: list = [iter(el.children)]
    closers: list[str] = []
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            parts.append(closers.pop()) if closers else None
            continue
        if isinstance(child, Tag):
            if child.name == "br":
                parts.append("\n")
                continue
            block = child.name in _BLOCKS
            if block:
                parts.append("\n")
            closers.append("\n" if block else ("\t" if child.name in ("td", "th") else ""))
            stack.append(iter(child.children))
        elif type(child) in (NavigableString, CData):
            parts.append(str(child))
    lines = []
    for line in "".join(parts).splitlines():
        line = re.sub(r"[ \t\u3000\xa0]+", " ", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def _page_date(soup: BeautifulSoup, full_text: str) -> dt.date | None:
    meta = _meta(soup, "PubDate", "pubdate", "publishdate", "firstpublishedtime", "others")
    if meta:
        d = parse_date(meta)
        if d:
            return d
    for m in _DATE_LABEL.finditer(full_text):
        d = parse_date(full_text[m.end() : m.end() + 24])
        if d:
            return d
    return None


def extract_body(html: str, url: str) -> Body:
    """Main text, title, publication date, links and attachments of a post page."""
    soup = soup_of(html)
    base = base_url(soup, url)
    drop(soup)
    title = _meta(soup, "ArticleTitle", "title")
    if not title:
        h = soup.find(["h1", "h2"])
        title = squash(h.get_text(" ")) if isinstance(h, Tag) and squash(h.get_text(" ")) else None
    if not title and soup.title:
        title = squash(soup.title.get_text()) or None
    date = _page_date(soup, squash(soup.get_text(" ")))

    attachments: list[tuple[str, str]] = []
    seen_att: set[str] = set()
    for a in soup.find_all("a", href=True):
        link = absolute(a.get("href"), base)
        if link and is_attachment(link) and link not in seen_att:
            seen_att.add(link)
            attachments.append((link, link_title(a) or unquote(urlsplit(link).path.rsplit("/", 1)[-1])))

    _strip_chrome(soup)
    main = _main(soup)
    links: list[str] = []
    text = ""
    if isinstance(main, Tag):
        seen: set[str] = set()
        for a in main.find_all("a", href=True):
            link = absolute(a.get("href"), base)
            if link and link not in seen:
                seen.add(link)
                links.append(link)
        text = _text(main)
    return Body(text=text, title=title, date=date, links=links, attachments=attachments)
