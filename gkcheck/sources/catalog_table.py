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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter

from openpyxl.utils import get_column_letter

from gkcheck.errors import CatalogError
from gkcheck.model.catalog import FIELD_ATTRS, CatalogItem
from gkcheck.sources.catalog_headers import MARKS, ColumnSpec, HeaderLayout
from gkcheck.sources.catalog_items import (
    ITEM_DEFAULTS,
    builds_directly,
    make_items,
    new_item,
)
from gkcheck.sources.datecells import parse_date

# Rows of one catalog file we check: a unit's catalog has a few hundred to a few thousand;
# the catalog checks take a few ms a row, so this bounds a run to well under a minute.
MAX_ITEMS = 10_000

NOT_MARKS = frozenset({"×", "✗", "✘", "否", "无", "-", "—", "/", "／", "○"})
JOIN = "、"

_NOTE_START = re.compile(r"^(注|备注|说明)\s*(\d|[一二三四五六七八九十]|[:：．.、（(]|$)")
_NOTE_FIRST = frozenset("注备说")  # the first characters _NOTE_START matches
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


# A row of a table's body as `build_body` takes it: its 1-based number, its cells, which
# cells are its own (`TableRow.own`; None: all of them) and whether a merge across the
# table covers it (`TableRow.wide_merge`).
BodyRow = tuple[int, list[str], "list[bool] | None", bool]


def build_items(
    rows: list[TableRow], layout: HeaderLayout, path: str, sheet: str | None
) -> tuple[list[CatalogItem], list[str]]:
    """Items and reading notes for the rows below `layout`'s header."""
    body = ((r.number, r.cells, r.own, r.wide_merge) for r in rows[layout.first_data:])
    return build_body(body, layout, path, sheet)


def build_body(
    body: Iterable[BodyRow], layout: HeaderLayout, path: str, sheet: str | None
) -> tuple[list[CatalogItem], list[str]]:
    """Items and reading notes for the rows of a table's body (those below the header).

    Each row's item is what `_item_fields` says, built as `make_items` builds it; rows
    with nothing to note are read by a `_RowReader` without the field dict.
    """
    warnings: list[str] = []
    fields: list[dict] = []  # when the items are validated (see catalog_items)
    items: list[CatalogItem] = []
    direct = builds_directly()
    has_level1 = any(c.kind == "text" and c.field == "一级事项" for c in layout.columns)
    first_col = min((c.index for c in layout.columns), default=0)
    block_level1 = ""
    width = layout.width
    plan = _Plan.of(layout)
    reader = _RowReader(layout, plan, path, sheet)
    for number, cells, own, wide_merge in body:
        if len(cells) != width:
            cells = (cells + [""] * width)[:width]
        if wide_merge or _blank_or_note(cells, own, width, first_col):
            block_level1 = ""  # a blank or note line ends the 一级事项 block
            continue
        if not direct:
            item = _item_fields(number, cells, layout, path, sheet, warnings, plan)
            if has_level1:
                if not item.get("level1") and block_level1:
                    item["level1"] = block_level1  # carried down over its block
                block_level1 = item.get("level1", "")
            fields.append(item)
            continue
        values, given = reader.read(number, cells, warnings)
        if has_level1:  # as above, on the item's values (each field there, "" if not given)
            if not values["level1"] and block_level1:
                values["level1"] = block_level1
                given.add("level1")
            block_level1 = values["level1"]
        items.append(new_item(values, given, path, sheet, number))
    if not direct:
        items = make_items(fields)
    return items, warnings


def _blank_or_note(cells: list[str], own: list[bool] | None, width: int, first_col: int) -> bool:
    """Whether a row (`cells` as wide as the table) is blank or a line of notes, reading
    only the cells that are its own."""
    if own is not None and len(own) != width:
        own = (own + [True] * width)[:width]
    if own is not None and False in own:
        owned = [t for t, o in zip(cells, own) if o and t]
        first = next((i for i, (t, o) in enumerate(zip(cells, own)) if o and t), 0)
        return not owned or _is_note(first, owned[0], len(owned), first_col)
    # every cell the row's own (always in CSV): the same, with C loops
    filled = width - cells.count("")
    if not filled:
        return True
    first_text = cells[0] or next(filter(None, cells))
    return _is_note(cells.index(first_text), first_text, filled, first_col)


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
            updated = _cell_date(text, col, number, path, sheet)
        else:
            extra[col.label] = text
    fields = {attr: text for i, attr in plan.direct if (text := cells[i])}
    for k, v in values.items():
        fields[FIELD_ATTRS[k]] = JOIN.join(v)
    if "channels" in fields:
        fields["channels"] = checked_channels(fields["channels"])
    return {"seq": seq, "updated": updated, "extra": extra, "pos": {"file": path, "sheet": sheet, "row": number},
            **fields}


def _cell_date(text: str, col: ColumnSpec, number: int, path: str, sheet: str | None) -> dt.date | None:
    """The date in a 更新日期 cell; CatalogError when it holds none."""
    try:
        return parse_date(text)
    except ValueError:
        where = f"工作表「{sheet}」" if sheet else ""
        raise CatalogError(
            f"{where}第{number}行「{col.label}」列的日期“{text}”无法识别（应为 2024-06-24 或 2024年6月24日）",
            path,
            f"{sheet}!{get_column_letter(col.index + 1)}{number}" if sheet else None,
        ) from None


class _RowReader:
    """`_item_fields` for the rows of one table, with each column's part decided once:
    the texts of the columns that alone feed a field are the values as they are; the
    columns joined into a field (√ marks, a field over several text columns) are read
    once per distinct combination of their texts (a catalog repeats a few: √ under
    全社会 and 主动 …). A row with a cell to note is read by `_item_fields`."""

    def __init__(self, layout: HeaderLayout, plan: _Plan, path: str, sheet: str | None):
        self.layout = layout
        self.plan = plan
        self.path = path
        self.sheet = sheet
        self.direct_attrs = tuple(attr for _, attr in plan.direct)
        self.direct_texts = _cells_getter([i for i, _ in plan.direct])
        self.joined_cols = tuple(c for c in plan.rest if c.kind in ("text", "mark"))
        self.joined_texts = _cells_getter([c.index for c in self.joined_cols])
        self.seq_cols = tuple(c.index for c in plan.rest if c.kind == "seq")
        self.updated_cols = tuple(c for c in plan.rest if c.kind == "updated")
        self.extra_cols = tuple(c for c in plan.rest if c.kind not in ("text", "mark", "seq", "updated"))
        # texts of the joined columns -> what a row with them starts from (`_start`)
        self.starts: dict[tuple[str, ...], tuple[dict, frozenset[str]] | None] = {}

    def read(self, number: int, cells: list[str], warnings: list[str]) -> tuple[dict, set[str]]:
        """(values, given) of row `number` for `new_item`: every field in the model's
        order, and the names of the fields `_item_fields` gives."""
        joined = self.joined_texts(cells)
        try:
            start = self.starts[joined]
        except KeyError:
            start = self.starts[joined] = _start(self.joined_cols, joined)
        if start is None:  # a mark cell holds something else: _item_fields notes it
            fields = _item_fields(number, cells, self.layout, self.path, self.sheet, warnings, self.plan)
            values = ITEM_DEFAULTS.copy()
            values.update(fields)
            return values, set(fields)
        template, given_by_joined = start
        texts = self.direct_texts(cells)
        values = template.copy()
        values.update(zip(self.direct_attrs, texts))  # an empty text is the default, ""
        given = set(given_by_joined)
        given.update(compress(self.direct_attrs, texts))
        if "channels" in given:
            values["channels"] = checked_channels(values["channels"])
        for i in self.seq_cols:
            if cells[i]:
                values["seq"] = cells[i]
        for col in self.updated_cols:
            if text := cells[col.index]:
                values["updated"] = _cell_date(text, col, number, self.path, self.sheet)
        extra = values["extra"] = {}
        for col in self.extra_cols:
            if text := cells[col.index]:
                extra[col.label] = text
        return values, given


# The fields every `_item_fields` dict holds.
_ALWAYS_GIVEN = ("seq", "updated", "extra", "pos")


def _start(cols: tuple[ColumnSpec, ...], texts: tuple[str, ...]) -> tuple[dict, frozenset[str]] | None:
    """What a row whose text and mark columns `cols` hold `texts` starts from: the
    values of `ITEM_DEFAULTS` with those columns' fields joined as `_item_fields` joins
    them, and the names of the fields its dict holds but for the direct ones. None when a
    mark cell holds neither a mark nor a "no" (`_item_fields` notes it)."""
    values: dict[str, list[str]] = {}
    for col, text in zip(cols, texts):
        if col.kind == "mark":
            if text in MARKS:
                values.setdefault(col.field, []).append(col.value)
            elif text and text not in NOT_MARKS:
                return None
        elif text:
            values.setdefault(col.field, []).append(text)
    joined = {FIELD_ATTRS[k]: JOIN.join(v) for k, v in values.items()}
    return {**ITEM_DEFAULTS, **joined}, frozenset((*_ALWAYS_GIVEN, *joined))


def _cells_getter(indices: Sequence[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """`lambda cells: tuple(cells[i] for i in indices)`, in one C call."""
    if not indices:
        return lambda cells: ()
    if len(indices) == 1:
        only = indices[0]
        return lambda cells: (cells[only],)
    return itemgetter(*indices)


@lru_cache(maxsize=4096)
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
    return first_text[:1] in _NOTE_FIRST and _NOTE_START.match(first_text) is not None


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
