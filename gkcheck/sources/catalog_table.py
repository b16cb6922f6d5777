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

from gkcheck.errors import CatalogError
from gkcheck.model.catalog import FIELD_ATTRS, CatalogItem
from gkcheck.sources.catalog_headers import MARKS, ColumnSpec, HeaderLayout
from gkcheck.sources.catalog_items import make_items
from gkcheck.sources.datecells import parse_date

# Rows of one catalog file we check: a unit's catalog has a few hundred to a few thousand;
# the catalog checks take a few ms a row, so this bounds a run to well under a minute.
MAX_ITEMS = 10_000

NOT_MARKS = frozenset({"×", "✗", "✘", "否", "无", "-", "—", "/", "／", "○"})
JOIN = "、"

_NOTE_START = re.compile(r"^(注|备注|说明)\s*(\d|[一二三四五六七八九十]|[:：．.、（(]|$)")
_CHECKLIST = re.compile(r"([■□☑☐])\s*([^■□☑☐]*)")
_CHECKED = {"■", "☑"}
_BOX = re.compile("[■□☑☐]")
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
    plan = _Plan.of(layout)
    for row in rows[layout.first_data:]:
        cells = row.cells if len(row.cells) == width else (row.cells + [""] * width)[:width]
        own = row.own if len(row.own) == width else (row.own + [True] * width)[:width]
        if False in own:
            owned = [t for t, o in zip(cells, own) if o and t]
            first = next((i for i, (t, o) in enumerate(zip(cells, own)) if o and t), 0)
        else:  # every cell the row's own (always in CSV): the same, with C loops
            owned = list(filter(None, cells))
            first = cells.index(owned[0]) if owned else 0
        if not owned or row.wide_merge or _is_note(first, owned[0], len(owned), first_col):
            block_level1 = ""  # a blank or note line ends the 一级事项 block
            continue
        item = _item_fields(row.number, cells, layout, path, sheet, warnings, plan)
        if has_level1:
            if not item.get("level1") and block_level1:
                item["level1"] = block_level1  # carried down over its block
            block_level1 = item.get("level1", "")
        fields.append(item)
    # built all at once (see catalog_items: what validation would give, without its cost)
    items = make_items(fields)
    return items, warnings


@dataclass(frozen=True)
class _Plan:
    """A layout's columns split for `_item_fields`: `direct` are (index, attribute) of
    the text columns that alone feed a field (their text is the value as it is); `rest`
    are all other columns, in table order."""

    direct: tuple[tuple[int, str], ...]
    rest: tuple[ColumnSpec, ...]

    @staticmethod
    def of(layout: HeaderLayout) -> _Plan:
        feeding: dict[str, int] = {}
        for c in layout.columns:
            if c.kind in ("text", "mark"):
                feeding[c.field] = feeding.get(c.field, 0) + 1
        direct = tuple(
            (c.index, FIELD_ATTRS[c.field])
            for c in layout.columns
            if c.kind == "text" and feeding[c.field] == 1 and c.field in FIELD_ATTRS
        )
        taken = {i for i, _ in direct}
        return _Plan(direct, tuple(c for c in layout.columns if c.index not in taken))


def _item(
    number: int, cells: list[str], layout: HeaderLayout, path: str, sheet: str | None, warnings: list[str]
) -> CatalogItem:
    """One row's item: text columns joined, √ marks resolved into values."""
    return CatalogItem(**_item_fields(number, cells, layout, path, sheet, warnings))


def _item_fields(
    number: int,
    cells: list[str],
    layout: HeaderLayout,
    path: str,
    sheet: str | None,
    warnings: list[str],
    plan: _Plan | None = None,
) -> dict:
    """The fields of `_item(...)`, to be validated as a CatalogItem."""
    plan = plan or _Plan.of(layout)
    where = f"工作表「{sheet}」" if sheet else ""
    values: dict[str, list[str]] = {}
    seq = None
    updated = None
    extra: dict[str, str] = {}
    for col in plan.rest:
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
    fields = {attr: text for i, attr in plan.direct if (text := cells[i])}
    for k, v in values.items():
        fields[FIELD_ATTRS[k]] = JOIN.join(v)
    if "channels" in fields:
        fields["channels"] = checked_channels(fields["channels"])
    return {"seq": seq, "updated": updated, "extra": extra, "pos": {"file": path, "sheet": sheet, "row": number},
            **fields}


def checked_channels(text: str) -> str:
    """Keep the ticked entries of a "■政府网站 □政府公报 ■两微一端" checklist.

    Text without checkboxes is returned as written.
    """
    if _BOX.search(text) is None:
        return text
    kept = []
    for box, label in _CHECKLIST.findall(text):
        label = label.strip(" \t\r\n、，,；;")
        if box in _CHECKED and label:
            kept.append(label)
    return JOIN.join(kept)


def _is_note(first_col: int, first_text: str, filled: int, table_first_col: int) -> bool:
    """A line of notes (its first filled cell at `first_col` holds `first_text`, `filled`
    cells hold text): text only in the first cell, or starting with 注/备注/说明."""
    if filled == 1 and first_col <= table_first_col:
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
