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
from gkcheck.text.dates import find_dates, parse_date

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
    re.compile(
        r"(?:发布时间|发布日期|公开日期|发布于|(?i:published(?: on)?|publish(?:ed)? date|release date|posted on))"
        r"\s*[:：】\]]?\s*"
    ),
    re.compile(r"(?:发文日期|成文日期)\s*[:：】\]]?\s*"),
    re.compile(r"(?:时间|日期|(?i:date))\s*[:：】\]]\s*"),
)
# A page whose date has no label at all shows it in the line between the title and the
# text (`2024-06-24 10:30　来源：市民政局　浏览次数：12`). Only a full date counts there,
# not one that is the site's clock (今天是2024年11月27日 星期五) or a span (2024年7月1日起).
_INFO_LINE_MAX = 200  # characters between the title and the text, spaces not counted
_INFO_LINE_SHORT = 80  # an info line inside the main text, after the title
_INFO_WORDS = re.compile(r"来源|作者|浏览|点击|阅读|字号|访问|编辑|发布者|发布人|发布机构|供稿|次数")
_DATE_OR_TIME = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?|\d{1,2}:\d{2}(?::\d{2})?")
_CLOCK_BEFORE = re.compile(r"(?:今天是|今日|当前日期|当前时间|现在是)\s*[:：]?\s*$")
_SPAN_AFTER = re.compile(r"^\s*(?:起|至|到|止|前|后|以前|以后|之前|之后|—|-|~|～)")
_FULL_YEAR = re.compile(r"^(?:\d{4}|[〇零○OΟ0一二三四五六七八九]{4})")


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


def _page_date(doc: etree._Element) -> tuple[dt.date | None, str | None]:
    """(the date a <meta> or a label gives, the page's text when it was read: only when
    no <meta> gives the date)."""
    meta = _meta(doc, "PubDate", "pubdate", "publishdate", "firstpublishedtime", "others")
    if meta:
        d = parse_date(meta)
        if d:
            return d, None
    full_text = squash(tree.text(doc, " "))
    for label in _DATE_LABELS:
        for m in label.finditer(full_text):
            d = parse_date(full_text[m.end() : m.end() + 24])
            if d:
                return d, full_text
    return None, full_text


def _info_line_date(full_text: str, anchors: list[str], text: str) -> dt.date | None:
    """The date of the page's info line: the first full date between its title (the
    first of `anchors` found) and its main `text`, when no more than such a line stands
    between them; or, where the main text opens with the title, in the short line that
    follows it. Spaces are not compared: the page's text and the main text break lines
    differently."""
    lines = text.split("\n")
    keys = ["".join(a.split()) for a in anchors]
    if len(lines) > 1 and "".join(lines[0].split()) in keys:
        line = lines[1]
        if len(line) <= _INFO_LINE_SHORT and (_INFO_WORDS.search(line) or _only_a_date(line)):
            return _line_date(line)
        return None
    bare, where = _without_spaces(full_text)
    head = "".join(text.split())[:20]
    start = bare.find(head) if head else -1
    for key in keys:
        at = bare.rfind(key, 0, start) if key and start > 0 else -1
        if at < 0:
            continue
        gap = start - (at + len(key))
        if 0 < gap <= _INFO_LINE_MAX:
            return _line_date(full_text[where[at + len(key) - 1] + 1 : where[start]])
        return None
    return None


def _line_date(line: str) -> dt.date | None:
    """The first full date of an info line that is neither the site's clock nor the
    start of a span."""
    for d, (i, j) in find_dates(line):
        if _FULL_YEAR.match(line[i:j]) and not _CLOCK_BEFORE.search(line[:i]) and not _SPAN_AFTER.match(line[j:]):
            return d
    return None


def _only_a_date(line: str) -> bool:
    """Whether the line holds a date (and perhaps a time) and little else."""
    rest = _DATE_OR_TIME.sub("", line)
    return len(rest.strip()) <= 4 and rest != line


def _without_spaces(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, and for each of its characters the index in `text`."""
    where = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in where), where


def extract_body(html: str, url: str) -> Body:
    """Main text, title, publication date, links and attachments of a post page."""
    doc = tree.parse(html)
    base = tree.base_url(doc, url)
    tree.drop(doc)
    title = _meta(doc, "ArticleTitle", "title")
    h = tree.first(doc, "h1", "h2")
    heading = squash(tree.text(h, " ")) if h is not None else ""
    if not title:
        title = heading or None
    if not title:
        t = tree.first(doc, "title")
        if t is not None:
            title = squash(tree.text(t)) or None
    date, full_text = _page_date(doc)

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
    if date is None and full_text and text:
        date = _info_line_date(full_text, [a for a in (heading, title) if a], text)
    return Body(text=text, title=title, date=date, links=links, attachments=attachments)
