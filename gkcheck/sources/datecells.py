"""Dates in catalog and ledger cells, where a cell is either a date or a mistake.

Date and datetime objects (Excel date cells) and Excel serial day numbers are taken as
they are; text is read by `gkcheck.text.dates.parse_date` (2024-06-24, 2024/6/24,
2024.06.24, 2024年6月24日, 二〇二四年六月二十四日 …). Unlike that reader, a
non-empty cell that holds no valid date is an error here, so the loader can name it.
"""

from __future__ import annotations

import datetime as dt

from gkcheck.text.dates import parse_date as parse_date_text

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
    found = parse_date_text(text)
    if found is None:
        raise ValueError(text)
    return found
