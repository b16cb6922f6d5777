"""Small helpers over BeautifulSoup shared by list and body extraction."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from gkcheck.crawl.fetch import clean_url

_WS = re.compile(r"[\s\u3000\xa0]+")
_CUT = ("…", "...", "..", "⋯", "……")
SKIP_HREF = ("javascript:", "#", "mailto:", "tel:", "data:", "vbscript:")


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def squash(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def base_url(soup: BeautifulSoup, page_url: str) -> str:
    """The page URL, or its <base href> if it has one."""
    b = soup.find("base", href=True)
    if isinstance(b, Tag) and b["href"].strip():
        return urljoin(page_url, b["href"].strip())
    return page_url


def absolute(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL of a link, None for javascript:, #, mailto: and the like."""
    if not href:
        return None
    href = href.strip().replace("\\", "/")
    if not href or href.lower().startswith(SKIP_HREF):
        return None
    url = clean_url(urljoin(base, href))
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url


def is_cut(text: str) -> bool:
    return text.rstrip().endswith(_CUT)


def link_title(a: Tag) -> str:
    """A link's full title: its `title` attribute where the visible text is cut with "…"
    (or is empty, or is a prefix of the attribute), else the visible text."""
    return full_title(a.get_text(" "), a.get("title") if isinstance(a.get("title"), str) else "")


def full_title(shown: str, attr: str) -> str:
    """`link_title` from a link's visible text and its `title` attribute."""
    shown, attr = squash(shown), squash(attr or "")
    if not attr:
        return shown
    if not shown or is_cut(shown):
        return attr
    stem = shown.rstrip("…. ⋯")
    if len(attr) > len(shown) and stem and attr.startswith(stem):
        return attr
    return shown


def drop(soup: BeautifulSoup | Tag, names=("script", "style", "noscript", "template")) -> None:
    for el in soup.find_all(list(names)):
        el.decompose()
