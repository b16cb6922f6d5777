"""HTML trees for list and body extraction: lxml, read the way BeautifulSoup reads them.

Extraction was written against BeautifulSoup over lxml; parsing with lxml directly is
several times faster. These helpers keep BeautifulSoup's view of a parsed page, so that
extraction gives the same answers:

- the document is a wrapper element (`DOC`) holding every top-level node: libxml2 may
  open a second `<html>` for content after `</html>`, which BeautifulSoup also keeps;
- text is read string by string as BeautifulSoup holds it: a run of character data
  between two tags or comments is one string; a string of ASCII whitespace only is one
  space or one newline (outside `<pre>` / `<textarea>`); comments and processing
  instructions are not text, nor is text inside `<script>`, `<style>`, `<template>`,
  `<rt>`, `<rp>` (unless it is read from that element itself);
- a removed element leaves the text around it as separate strings (`remove`).

Elements found here are kept referenced while in use: lxml reuses a Python proxy only
while it is alive, so identities (`id()`) of dropped proxies must not be compared.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import urljoin

from lxml import etree

from gkcheck.crawl.html import full_title

DOC = "gk-document"  # tag of the wrapper element holding a parsed document

_CONTAINERS = frozenset(["rt", "rp", "style", "script", "template"])  # BeautifulSoup's string containers
_PRESERVE = frozenset(["pre", "textarea"])  # whitespace kept inside these
_ASCII_WS = " \n\t\x0c\r"
_DROP = ("script", "style", "noscript", "template")

_local = threading.local()

OPEN, CLOSE, TEXT = "open", "close", "text"  # events of `walk`


def _parser() -> etree.HTMLParser:
    p = getattr(_local, "parser", None)
    if p is None:
        p = _local.parser = etree.HTMLParser(recover=True)
    return p


def parse(html: str) -> etree._Element:
    """The document as a `DOC` element holding its top-level nodes (never raises on odd
    HTML; an empty page gives an empty document). Text is fed as BeautifulSoup feeds it,
    so a `<meta charset>` in already decoded text is not applied again."""
    doc = etree.Element(DOC)
    if html and html[0] == "\ufeff":
        html = html[1:]
    p = _parser()
    try:
        p.feed(html)
        root = p.close()
    except etree.XMLSyntaxError:  # nothing to build a tree of
        _local.parser = None  # (a parser that failed is not reused)
        root = None
    except BaseException:
        _local.parser = None
        raise
    if root is None:
        return doc
    first = root
    while first.getprevious() is not None:
        first = first.getprevious()
    nodes = []
    while first is not None:
        nodes.append(first)
        first = first.getnext()
    for node in nodes:
        tail = node.tail
        doc.append(node)
        node.tail = tail
    return doc


def is_element(node) -> bool:
    return isinstance(node.tag, str)


def elements(root: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """Elements below `root` (not `root` itself) in document order, optionally by tag."""
    if tags:
        return root.iterdescendants(*tags)
    return root.iterdescendants(etree.Element)


def first(root: etree._Element, *tags: str) -> etree._Element | None:
    return next(root.iterdescendants(*tags), None)


def with_attr(root: etree._Element, tag: str, attr: str) -> Iterator[etree._Element]:
    """`tag` elements below `root` having attribute `attr` (any value, "" included)."""
    for el in root.iterdescendants(tag):
        if el.get(attr) is not None:
            yield el


def classes(el: etree._Element) -> list[str]:
    value = el.get("class")
    return value.split() if value else []


def remove(el: etree._Element) -> None:
    """Take `el` out of the tree; the text before and after it stay two strings."""
    parent = el.getparent()
    if parent is None:
        return
    mark = etree.Comment("")
    mark.tail = el.tail
    el.tail = None
    parent.replace(el, mark)


def drop(root: etree._Element, names=_DROP) -> None:
    for el in list(root.iterdescendants(*names)):
        remove(el)


def _norm(s: str, keep: bool) -> str:
    if keep or s.strip(_ASCII_WS):
        return s
    return "\n" if "\n" in s else " "


def _context(el: etree._Element) -> tuple[str | None, bool]:
    """(nearest string container among el's ancestors, whether inside pre/textarea)."""
    container = None
    found = False
    keep = False
    for anc in el.iterancestors():
        tag = anc.tag
        if not found and tag in _CONTAINERS:
            container, found = tag, True
        if tag in _PRESERVE:
            keep = True
    return container, keep


def walk(el: etree._Element, wanted: str | None | bool = True) -> Iterator[tuple[int, object]]:
    """Events of a walk over el's content in document order: (OPEN, element) and
    (CLOSE, element) for each element below el, (TEXT, string) for each string
    BeautifulSoup holds there that `get_text` on el reads (`wanted` True), or whose
    string container is `wanted` (None: plain strings only)."""
    container, keep = _context(el)
    if wanted is True:
        wanted = el.tag if el.tag in _CONTAINERS else None
    # frames: (children iterator, container, keep, element, its parent's container and keep)
    stack: list[tuple] = []
    node, pcont, pkeep = el, container, keep
    while True:
        if node is not None:  # enter an element
            cont, kp = pcont, pkeep
            tag = node.tag
            if tag in _CONTAINERS:
                cont = tag
            if tag in _PRESERVE:
                kp = True
            if node.text and cont == wanted:
                yield TEXT, _norm(node.text, kp)
            stack.append((iter(node), cont, kp, node, pcont, pkeep))
            node = None
        it, cont, kp, cur, ccont, ckeep = stack[-1]
        child = next(it, None)
        if child is None:
            stack.pop()
            if not stack:
                return
            yield CLOSE, cur
            if cur.tail and ccont == wanted:
                yield TEXT, _norm(cur.tail, ckeep)
            continue
        if isinstance(child.tag, str):
            yield OPEN, child
            node, pcont, pkeep = child, cont, kp
        elif child.tail and cont == wanted:  # a comment or processing instruction
            yield TEXT, _norm(child.tail, kp)


_SPECIAL = (*_CONTAINERS, *_PRESERVE)


def plain(el: etree._Element) -> bool:
    """Whether no string container nor pre/textarea is in or around `el`: then its
    strings are plain text/tail strings, whitespace-only ones collapsed."""
    if next(el.iter(*_SPECIAL), None) is not None:
        return False
    return next(el.iterancestors(*_SPECIAL), None) is None


def collapse(s: str) -> str:
    """A string as BeautifulSoup keeps it outside pre/textarea."""
    return s if s.strip(_ASCII_WS) else ("\n" if "\n" in s else " ")


def strings(el: etree._Element) -> list[str]:
    """The strings BeautifulSoup's `el.get_text()` joins, in document order."""
    if plain(el):  # the common case, read by lxml
        return [s if s.strip(_ASCII_WS) else ("\n" if "\n" in s else " ") for s in el.itertext()]
    return [value for kind, value in walk(el) if kind is TEXT]


def text(el: etree._Element, sep: str = "") -> str:
    """BeautifulSoup's `el.get_text(sep)`."""
    return sep.join(strings(el))


def plain_text(el: etree._Element, sep: str = "") -> str:
    """`text(el, sep)` of an element known to be `plain` (a part of a plain document):
    without looking again for what would make it not."""
    return sep.join([s if s.strip(_ASCII_WS) else ("\n" if "\n" in s else " ") for s in el.itertext()])


def base_url(doc: etree._Element, page_url: str) -> str:
    """The page URL, or its <base href> if it has one."""
    b = next(with_attr(doc, "base", "href"), None)
    if b is not None and b.get("href").strip():
        return urljoin(page_url, b.get("href").strip())
    return page_url


def link_title(a: etree._Element) -> str:
    """A link's full title: its `title` attribute where the visible text is cut with "…"
    (or is empty, or is a prefix of the attribute), else the visible text."""
    return full_title(text(a, " "), a.get("title") or "")
