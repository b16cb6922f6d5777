"""Dates as people write them in catalog and ledger cells.

Accepted: date/datetime objects (Excel date cells), 2024-06-24, 2024/6/24, 2024.06.24,
2024年6月24日 (optionally followed by a time), and Excel serial day numbers.
"""

from __future__ import annotations

import datetime as dt
import re

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?$"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """The date in `value`; None when empty; ValueError when it is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel serial number in a cell that lost its date format.
        if 20000 <= value <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(str(value))
    text = str(value).strip()
    if not text:
        return None
    m = _DATE_TEXT.match(text)
    if not m:
        raise ValueError(text)
    year, month, day = (int(g) for g in m.groups())
    return dt.date(year, month, day)  # raises ValueError for 2024-13-01
