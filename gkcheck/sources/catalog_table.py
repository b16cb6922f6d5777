"""Turning the body of a catalog table into `CatalogItem`s.

Shared by the xlsx and CSV readers, which hand over the rows as text together with
what the layout says about them (which cells are filled in from a merged range above,
which rows are covered by a merge across the table). Here we skip blank and note rows,
carry 一级事项 down over its block, resolve "√" marks into values and keep the checked
entries of a ■/□ channel checklist.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from pydantic import TypeAdapter

from gkcheck.errors import CatalogError
from gkcheck.model.catalog import FIELD_ATTRS, CatalogItem
from gkcheck.sources.catalog_headers import MARKS, HeaderLayout
from gkcheck.sources.datecells import parse_date

# Rows of one catalog file we check: a unit's catalog has a few hundred to a few thousand;
# the catalog checks take a few ms a row, so this bounds a run to well under a minute.
MAX_ITEMS = 10_000

NOT_MARKS = frozenset({"×", "✗", "✘", "否", "无", "-", "—", "/", "／", "○"})
JOIN = "、"

_NOTE_START = re.compile(r"^(注|备注|说明)\s*(\d|[一二三四五六七八九十]|[:：．.、（(]|$)")
_CHECKLIST = re.compile(r"([■□☑☐])\s*([^■□☑☐]*)")
_CHECKED = {"■", "☑"}
_UPDATED_LABEL = re.compile(r"^(?:更新|修订)(?:日期|时间)\s*[:：]?\s*(.*)$")


def too_many_rows(count: int) -> str:
    return (
        f"目录有 {count:,} 行，超过上限 {MAX_ITEMS:,} 行，拒绝检查（主动公开事项目录通常只有"
        "几百到几千行）；请确认选择的文件无误，或按领域拆分为多个文件后再检查"
    )


@dataclass
class TableRow:
    """One row of a sheet or CSV file, as text.

    `own[i]` is False where the text was copied from a merged range above (so a row
    made only of such cells is no item of its own); `wide_merge` marks a row covered by
    a merged range spanning the table (a title or note line).
    """

    number: int  # 1-based row number in the file
    cells: list[str]
    own: list[bool] = field(default_factory=list)
    wide_merge: bool = False

    def __post_init__(self) -> None:
        if not self.own:
            self.own = [True] * len(self.cells)


def build_items(
    rows: list[TableRow], layout: HeaderLayout, path: str, sheet: str | None
) -> tuple[list[CatalogItem], list[str]]:
    """Items and reading notes for the rows below `layout`'s header."""
    fields: list[dict] = []
    warnings: list[str] = []
    has_level1 = any(c.kind == "text" and c.field == "一级事项" for c in layout.columns)
    first_col = min((c.index for c in layout.columns), default=0)
    block_level1 = ""
    width = layout.width
    for row in rows[layout.first_data:]:
        cells = row.cells if len(row.cells) == width else (row.cells + [""] * width)[:width]
        own = row.own if len(row.own) == width else (row.own + [True] * width)[:width]
        owned = [(i, t) for i, (t, o) in enumerate(zip(cells, own)) if o and t]
        if not owned or row.wide_merge or _is_note(owned, first_col):
            block_level1 = ""  # a blank or note line ends the 一级事项 block
            continue
        item = _item_fields(row.number, cells, layout, path, sheet, warnings)
        if has_level1:
            if not item.get("level1") and block_level1:
                item["level1"] = block_level1  # carried down over its block
            block_level1 = item.get("level1", "")
        fields.append(item)
    # validated all at once: about twice as fast as one CatalogItem(...) per row
    items = _ITEMS.validate_python(fields)
    return items, warnings


_ITEMS = TypeAdapter(list[CatalogItem])


def _item(
    number: int, cells: list[str], layout: HeaderLayout, path: str, sheet: str | None, warnings: list[str]
) -> CatalogItem:
    """One row's item: text columns joined, √ marks resolved into values."""
    return CatalogItem(**_item_fields(number, cells, layout, path, sheet, warnings))


def _item_fields(
    number: int, cells: list[str], layout: HeaderLayout, path: str, sheet: str | None, warnings: list[str]
) -> dict:
    """The fields of `_item(...)`, to be validated as a CatalogItem."""
    where = f"工作表「{sheet}」" if sheet else ""
    values: dict[str, list[str]] = {}
    seq = None
    updated = None
    extra: dict[str, str] = {}
    for col in layout.columns:
        text = cells[col.index]
        if col.kind == "mark":
            if text in MARKS:
                values.setdefault(col.field, []).append(col.value)
            elif text and text not in NOT_MARKS:
                warnings.append(f"{where}第{number}行「{col.label}」列应为“√”标记，实际为“{text}”，已忽略")
        elif not text:
            continue
        elif col.kind == "text":
            values.setdefault(col.field, []).append(text)
        elif col.kind == "seq":
            seq = text
        elif col.kind == "updated":
            try:
                updated = parse_date(text)
            except ValueError:
                raise CatalogError(
                    f"{where}第{number}行「{col.label}」列的日期“{text}”无法识别（应为 2024-06-24 或 2024年6月24日）",
                    path,
                    f"{sheet}!{get_column_letter(col.index + 1)}{number}" if sheet else None,
                ) from None
        else:
            extra[col.label] = text
    fields = {FIELD_ATTRS[k]: JOIN.join(v) for k, v in values.items()}
    if "channels" in fields:
        fields["channels"] = checked_channels(fields["channels"])
    return {"seq": seq, "updated": updated, "extra": extra, "pos": {"file": path, "sheet": sheet, "row": number},
            **fields}


def checked_channels(text: str) -> str:
    """Keep the ticked entries of a "■政府网站 □政府公报 ■两微一端" checklist.

    Text without checkboxes is returned as written.
    """
    if not any(box in text for box in "■□☑☐"):
        return text
    kept = []
    for box, label in _CHECKLIST.findall(text):
        label = label.strip(" \t\r\n、，,；;")
        if box in _CHECKED and label:
            kept.append(label)
    return JOIN.join(kept)


def _is_note(owned: list[tuple[int, str]], table_first_col: int) -> bool:
    """A line of notes: text only in the first cell, or starting with 注/备注/说明."""
    first_col, first_text = owned[0]
    if len(owned) == 1 and first_col <= table_first_col:
        return True
    return bool(_NOTE_START.match(first_text))


def title_and_updated(above: list[list[str]], path: str, sheet: str | None) -> tuple[str, dt.date | None]:
    """The title (first text above the header that is no "label：value" line) and an
    更新日期 given near it, as "更新日期：2024年11月20日" or as a label cell followed by
    a date cell."""
    where = f"工作表「{sheet}」" if sheet else ""
    title = ""
    updated = None
    for r, row in enumerate(above, start=1):
        for c, text in enumerate(row):
            m = _UPDATED_LABEL.match(text)
            if m:
                at, value = c, m.group(1)
                if not value:  # the date is in a cell of its own to the right
                    at, value = next(((j, t) for j, t in enumerate(row) if j > c and t), (c, ""))
                try:
                    updated = updated or parse_date(value)
                except ValueError:
                    raise CatalogError(
                        f"{where}第{r}行的更新日期“{value}”无法识别（应为 2024-06-24 或 2024年6月24日）",
                        path,
                        f"{sheet}!{get_column_letter(at + 1)}{r}" if sheet else None,
                    ) from None
            elif text and not title and ":" not in text and "：" not in text:
                title = text
    return title, updated
