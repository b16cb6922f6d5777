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

from lxml import etree

from gkcheck.crawl import tree
from gkcheck.crawl.html import absolute, squash
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
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
# A post page's date labels, most telling first: its publication, then its writing, then a
# bare 时间/日期. The specific labels may stand without a colon (table cells, 【发布日期】);
# a bare one needs a colon or a closing bracket (not 活动时间 2024年7月1日至…).
_DATE_LABELS = (
    re.compile(r"(?:发布时间|发布日期|公开日期|发布于)\s*[:：】\]]?\s*"),
    re.compile(r"(?:发文日期|成文日期)\s*[:：】\]]?\s*"),
    re.compile(r"(?:时间|日期)\s*[:：】\]]\s*"),
)


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


def _meta(doc: etree._Element, *names: str) -> str | None:
    """The content of the first <meta> whose name is one of `names` (in that order of
    preference; the first such <meta> counts even if it has no content)."""
    metas = [m for m in tree.elements(doc, "meta") if m.get("name") is not None]
    if not metas:
        return None
    for name in names:
        pattern = _META_NAMES.get(name)
        if pattern is None:
            pattern = _META_NAMES[name] = re.compile(f"^{re.escape(name)}$", re.IGNORECASE)
        m = next((m for m in metas if pattern.search(m.get("name"))), None)
        if m is not None and m.get("content"):
            return squash(m.get("content"))
    return None


_META_NAMES: dict[str, re.Pattern] = {}  # meta name -> its pattern, compiled once

_CHROME_TAGS = ("nav", "header", "footer", "form", "iframe", "select")


def _strip_chrome(doc: etree._Element) -> None:
    """Remove navigation, headers, footers, breadcrumbs and the like."""
    for el in list(tree.elements(doc, *_CHROME_TAGS)):
        tree.remove(el)
    chosen = []
    for el in tree.elements(doc):
        if el.tag in ("body", "html") or not len(el.attrib):
            continue
        marks = " ".join([*tree.classes(el), el.get("id") or ""])
        if marks.strip() and _CHROME.search(marks):
            chosen.append(el)
    marked = set(chosen)
    tops = [el for el in chosen if not any(p in marked for p in el.iterancestors())]
    for el in tops:
        tree.remove(el)


def _main(doc: etree._Element) -> etree._Element | None:
    """The content container: a known CMS container, else the parent of most paragraph text."""
    found: list[tuple[int, int, etree._Element]] = []
    for n, el in enumerate(tree.elements(doc)):
        keys = [("class", c) for c in tree.classes(el)]
        if el.get("id"):
            keys.append(("id", el.get("id")))
        ranks = [_RANK[k] for k in keys if k in _RANK]
        if ranks:
            found.append((min(ranks), n, el))
    for _, _, el in sorted(found, key=lambda x: (x[0], x[1])):
        if len(squash(tree.text(el))) >= 20:
            return el
    scores: dict[etree._Element, int] = {}
    for p in tree.elements(doc, "p", "br"):
        parent = p.getparent()
        if parent is None:
            continue
        n = len(squash(tree.text(p))) if p.tag == "p" else 10
        scores[parent] = scores.get(parent, 0) + n
    if scores:
        return max(scores.items(), key=lambda x: x[1])[0]
    return tree.first(doc, "body")


def _text(el: etree._Element) -> str:
    """The element's text, a line per block (p, div, tr, li …), cells separated by tabs."""
    parts: list[str] = []
    if tree.plain(el):
        _plain_parts(el, parts, tree.collapse)
    else:
        _walk_parts(el, parts)
    # (no line break is among _SPACES: one substitution over the whole text is the same
    # as one per line, and much cheaper)
    lines = []
    for line in _SPACES.sub(" ", "".join(parts)).splitlines():
        line = line.strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def _plain_parts(el: etree._Element, parts: list[str], collapse) -> None:
    """`_text`'s pieces of an element without string containers (recursive: libxml2
    nests elements at most 256 deep)."""
    if el.text:
        parts.append(collapse(el.text))
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            if tag == "br":
                parts.append("\n")
            elif tag in _BLOCKS:
                parts.append("\n")
                _plain_parts(child, parts, collapse)
                parts.append("\n")
            else:
                _plain_parts(child, parts, collapse)
                if tag == "td" or tag == "th":
                    parts.append("\t")
        if child.tail:
            parts.append(collapse(child.tail))


def _walk_parts(el: etree._Element, parts: list[str]) -> None:
    """`_text`'s pieces of any element (string containers, pre), by `tree.walk`."""
    skip: etree._Element | None = None  # a <br>: its own content (if any) is not read
    for kind, value in tree.walk(el, None):
        if skip is not None:
            if kind is tree.CLOSE and value is skip:
                skip = None
            continue
        if kind is tree.TEXT:
            parts.append(value)
        elif value.tag == "br":  # (an OPEN: its CLOSE is skipped)
            parts.append("\n")
            skip = value
        elif kind is tree.OPEN:
            if value.tag in _BLOCKS:
                parts.append("\n")
        else:
            parts.append("\n" if value.tag in _BLOCKS else ("\t" if value.tag in ("td", "th") else ""))


def _page_date(doc: etree._Element) -> dt.date | None:
    meta = _meta(doc, "PubDate", "pubdate", "publishdate", "firstpublishedtime", "others")
    if meta:
        d = parse_date(meta)
        if d:
            return d
    full_text = squash(tree.text(doc, " "))  # (only read when no <meta> gives the date)
    for label in _DATE_LABELS:
        for m in label.finditer(full_text):
            d = parse_date(full_text[m.end() : m.end() + 24])
            if d:
                return d
    return None


def extract_body(html: str, url: str) -> Body:
    """Main text, title, publication date, links and attachments of a post page."""
    doc = tree.parse(html)
    base = tree.base_url(doc, url)
    tree.drop(doc)
    title = _meta(doc, "ArticleTitle", "title")
    if not title:
        h = tree.first(doc, "h1", "h2")
        title = squash(tree.text(h, " ")) or None if h is not None else None
    if not title:
        t = tree.first(doc, "title")
        if t is not None:
            title = squash(tree.text(t)) or None
    date = _page_date(doc)

    attachments: list[tuple[str, str]] = []
    seen_att: set[str] = set()
    for a in tree.with_attr(doc, "a", "href"):
        link = absolute(a.get("href"), base)
        if link and is_attachment(link) and link not in seen_att:
            seen_att.add(link)
            attachments.append((link, tree.link_title(a) or unquote(urlsplit(link).path.rsplit("/", 1)[-1])))

    _strip_chrome(doc)
    main = _main(doc)
    links: list[str] = []
    text = ""
    if main is not None:
        seen: set[str] = set()
        for a in tree.with_attr(main, "a", "href"):
            link = absolute(a.get("href"), base)
            if link and link not in seen:
                seen.add(link)
                links.append(link)
        text = _text(main)
    return Body(text=text, title=title, date=date, links=links, attachments=attachments)
