"""Decode fetched bytes to text the way Chinese government sites need it.

Order: the HTTP header's charset, then the page's `<meta charset>`, then detection.
A declared charset is only believed if the bytes decode with it: a GBK page served
with `charset=UTF-8` (a common server default) is caught and read as GBK. GB2312 and
GBK are read as GB18030, their superset, because pages declared gb2312 routinely use
characters outside it (生僻字 in names).
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)["']""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)

# Charsets that decode any byte string: a header naming one proves nothing.
_PERMISSIVE = {"iso8859-1", "latin-1", "cp1252", "ascii"}
_CHINESE = {"gb2312", "gbk", "gb18030", "hz"}


def normalize(name: str | None) -> str | None:
    """Python codec name for a declared charset, widening GB2312/GBK to GB18030."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in _CHINESE or codec.replace("-", "") in _CHINESE:
        return "gb18030"
    return codec


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def meta_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def _decodes(data: bytes, codec: str, truncated: bool) -> bool:
    """Whether `data` is valid in `codec` (a cut page may end mid-character)."""
    try:
        codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=not truncated)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decode(data: bytes, codec: str) -> str:
    text = data.decode(codec, errors="replace")
    return text.removeprefix("\ufeff")


def decode_html(data: bytes, content_type: str | None = None, truncated: bool = False) -> tuple[str, str, str]:
    """(text, codec, how) for a fetched page; `how` says where the charset came from:
    bom | header | meta | utf-8 | gb18030 | detected | fallback."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8"), "utf-8", "bom"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16", "bom"
    ascii_only = data.isascii()
    declared = [
        (normalize(header_charset(content_type)), "header"),
        (normalize(meta_charset(data)), "meta"),
    ]
    for codec, how in declared:
        if not codec:
            continue
        if codec in _PERMISSIVE and not ascii_only:
            continue  # "charset=ISO-8859-1" on a page of Chinese text is a server default
        if _decodes(data, codec, truncated):
            return _decode(data, codec), codec, how
    # Undeclared or wrongly declared: UTF-8 is strict enough to be recognised reliably;
    # then GB18030, which most legacy Chinese pages are.
    if _decodes(data, "utf-8", truncated):
        return _decode(data, "utf-8"), "utf-8", "utf-8"
    if _decodes(data, "gb18030", truncated):
        return _decode(data, "gb18030"), "gb18030", "gb18030"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except ImportError:  # pragma: no cover - charset_normalizer comes with requests
        best = None
    if best is not None and best.encoding:
        codec = normalize(best.encoding) or "utf-8"
        return _decode(data, codec), codec, "detected"
    return _decode(data, "utf-8"), "utf-8", "fallback"
