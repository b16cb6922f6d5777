"""Make outside text (catalog cells, crawled titles) harmless in spreadsheet and XML output.

- `inert`: a text that a spreadsheet would take for a formula (it begins with = + - @,
  or with a tab or carriage return followed by one) gets a leading apostrophe, so Excel,
  LibreOffice and a CSV export show it as text and never evaluate it.
- `xml_text`: drops the characters XML 1.0 cannot hold (control characters a crawled page
  may carry), which would otherwise make the whole JUnit file unreadable.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ILLEGAL_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def inert(value):
    """`value` unchanged unless it is text a spreadsheet would read as a formula."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XLSX.sub("", value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def is_inert(value) -> bool:
    return not (isinstance(value, str) and value.startswith(FORMULA_START))


def xml_text(value) -> str:
    return _XML_BAD.sub("", "" if value is None else str(value))
