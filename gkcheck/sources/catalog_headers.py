"""Recognising the header of a 基层政务公开标准目录 table.

Real catalogs write the same columns many ways: 公开内容（要素） or 公开内容(要素),
公开渠道和载体 or just 公开渠道, sub-headers 依申请公开 for 依申请, 特定群众 for
特定群体, 镇级 for 乡级. This module maps header text to the canonical field names of
`CATALOG_FIELDS` and works out the column layout of a one- or two-row header:

    序号 | 公开事项      | 公开内容（要素） | … | 公开对象          | 公开方式      | 公开层级
         | 一级 | 二级   |                 |   | 全社会 | 特定群体 | 主动 | 依申请 | 县级 | 乡级

Columns under 公开对象 / 公开方式 / 公开层级 that carry a sub-header are *mark*
columns: a "√" in the cell means the item has that value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gkcheck.model.catalog import CATALOG_FIELDS
from gkcheck.text.normalize import normalize

SEQ = "序号"
UPDATED = "更新日期"
NOTE = "备注"  # kept in CatalogItem.extra
ITEM_PARENT = "公开事项"  # merged parent of 一级事项 / 二级事项 / 三级事项
LEVELS = ("一级事项", "二级事项", "三级事项")

# Normalised header text -> canonical key (a CATALOG_FIELDS name, 序号, 更新日期 or 公开事项).
_LABELS: dict[str, str] = {
    "序号": SEQ,
    "编号": SEQ,
    "公开事项": ITEM_PARENT,
    "事项": ITEM_PARENT,
    "事项名称": ITEM_PARENT,
    "公开事项名称": ITEM_PARENT,
    "一级事项": "一级事项",
    "一级事项名称": "一级事项",
    "二级事项": "二级事项",
    "二级事项名称": "二级事项",
    "三级事项": "三级事项",
    "三级事项名称": "三级事项",
    "公开内容(要素)": "公开内容",
    "公开内容": "公开内容",
    "公开内容要素": "公开内容",
    "公开内容及要素": "公开内容",
    "公开要素": "公开内容",
    "要素": "公开内容",
    "公开依据": "公开依据",
    "公开时限": "公开时限",
    "公开主体": "公开主体",
    "公开责任主体": "公开主体",
    "公开渠道和载体": "公开渠道和载体",
    "公开渠道及载体": "公开渠道和载体",
    "公开渠道与载体": "公开渠道和载体",
    "公开渠道": "公开渠道和载体",
    "公开载体": "公开渠道和载体",
    "公开对象": "公开对象",
    "公开方式": "公开方式",
    "公开层级": "公开层级",
    "更新日期": UPDATED,
    "更新时间": UPDATED,
    "备注": NOTE,
}

# Sub-headers under a merged parent: normalised text -> canonical value.
_CHILDREN: dict[str, dict[str, str]] = {
    ITEM_PARENT: {"一级事项": "一级事项", "二级事项": "二级事项", "三级事项": "三级事项",
                  "一级": "一级事项", "二级": "二级事项", "三级": "三级事项"},
    "公开对象": {"全社会": "全社会", "特定群体": "特定群体", "特定群众": "特定群体",
                 "特定对象": "特定群体"},
    "公开方式": {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"},
    "公开层级": {"县级": "县级", "乡级": "乡级", "镇级": "乡级", "乡镇级": "乡级",
                 "乡(镇)级": "乡级", "乡、村级": "乡级", "乡村级": "乡级",
                 "县级、乡级": "县级、乡级", "县、乡级": "县级、乡级"},
}

# What a tick in a mark column looks like.
MARKS = frozenset({"√", "✓", "✔", "✔️", "☑", "●", "是", "✅"})

# A header row must name at least one of these to be taken for a catalog header.
_CORE = {ITEM_PARENT, "一级事项", "二级事项", "公开内容", "公开依据"}

HEADER_HINT = "未找到目录表头（应包含 公开事项/公开内容/公开依据 等列）"
HEADER_SCAN_ROWS = 15

_PARENS = re.compile(r"[(\[][^)\]]*[)\]]")


@lru_cache(maxsize=4096, typed=True)  # typed: the text may come as a number
def norm(text: str) -> str:
    """Header text in one spelling: no spaces or line breaks, half-width parentheses,
    without a leading * (required-field mark) or trailing colon."""
    return normalize(str(text)).strip("*:")


@lru_cache(maxsize=4096, typed=True)
def canonical(text: str) -> str | None:
    """The canonical key a header cell names, or None (an unknown or blank header)."""
    n = norm(text)
    if not n:
        return None
    return _LABELS.get(n) or _LABELS.get(_PARENS.sub("", n))


@lru_cache(maxsize=4096, typed=True)
def child_value(parent: str, text: str) -> str | None:
    """The canonical value a sub-header names under `parent` (全社会, 依申请, 乡级 …)."""
    table = _CHILDREN.get(parent)
    if not table:
        return None
    n = norm(text)
    return table.get(n) or table.get(_PARENS.sub("", n))


@dataclass(frozen=True)
class ColumnSpec:
    """What one column of the table holds.

    kind: `text` (field is a CATALOG_FIELDS name), `mark` (a √ means `value` for field),
    `seq`, `updated`, or `extra` (kept in CatalogItem.extra under `label`).
    """

    index: int
    kind: Literal["text", "mark", "seq", "updated", "extra"]
    label: str  # the header as written (parent/sub for two-row headers)
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class HeaderLayout:
    top: int  # index of the first header row in the rows given
    height: int  # 1 or 2 header rows
    columns: tuple[ColumnSpec, ...]
    width: int  # columns from the first to the last labelled one

    @property
    def first_data(self) -> int:
        return self.top + self.height


def score(row: Sequence[str]) -> set[str]:
    """The distinct canonical keys a row names."""
    return {k for k in (canonical(t) for t in row if t) if k}


def find_header(rows: Sequence[Sequence[str]], scan: int = HEADER_SCAN_ROWS) -> HeaderLayout | None:
    """Locate the header among the first `scan` rows and describe its columns.

    The header is the first row that names two or more known columns, one of them a
    core column (公开事项 / 一级事项 / 二级事项 / 公开内容 / 公开依据). Title rows,
    unit/date lines and notes above it never match, since only whole-cell labels count.
    """
    top = next(
        (i for i, row in enumerate(rows[:scan]) if len(keys := score(row)) >= 2 and keys & _CORE),
        None,
    )
    if top is None:
        return None
    head_row = tuple(rows[top])
    sub_row = tuple(rows[top + 1]) if top + 1 < len(rows) else ()
    if all(type(t) is str for t in (*head_row, *sub_row)):
        height, columns, width = _layout_of_text(head_row, sub_row)
    else:
        height, columns, width = _layout(head_row, sub_row)
    return HeaderLayout(top=top, height=height, columns=columns, width=width)


@lru_cache(maxsize=256)
def _layout_of_text(head_row: tuple[str, ...], sub_row: tuple[str, ...]) -> tuple[int, tuple[ColumnSpec, ...], int]:
    """`_layout` of header rows of text, remembered: the catalogs of a province mostly
    share one template, and with it one header."""
    return _layout(head_row, sub_row)


def _layout(head_row: Sequence[str], sub_row: Sequence[str]) -> tuple[int, tuple[ColumnSpec, ...], int]:
    """(height, columns, width) of the header whose first row is `head_row`, followed by
    `sub_row` (a second header row, or the first data row)."""
    head = list(head_row)
    sub = list(sub_row)
    sub += [""] * (len(head) - len(sub))
    head += [""] * (len(sub) - len(head))
    _spread_parents(head, sub)
    two_rows = _is_sub_header(head, sub)
    columns = _columns(head, sub if two_rows else [""] * len(head))
    labelled = [c.index for c in columns]
    width = (max(labelled) + 1) if labelled else 0
    return (2 if two_rows else 1), tuple(columns), width


def _is_sub_header(head: Sequence[str], sub: Sequence[str]) -> bool:
    """Whether `sub` is a second header row: it names a sub-header under a parent
    (全社会 under 公开对象 …) and holds nothing but header text. The first data row
    of a one-row header can hold 全社会 under 公开对象 too, but also item names."""
    found = False
    for h, s in zip(head, sub):
        if not s:
            continue
        parent = canonical(h)
        if parent in _CHILDREN and child_value(parent, s):
            found = True
        elif parent in _CHILDREN and parent != ITEM_PARENT and norm(s) not in MARKS:
            continue  # an unusual sub-header (市级 …) under 公开对象/方式/层级
        elif norm(s) != norm(h) and canonical(s) is None:
            return False
    return found


def _spread_parents(head: list[str], sub: list[str]) -> None:
    """Copy a parent label into the blank cells to its right that hold its sub-headers.

    Merged cells arrive already filled from xlsx; CSV leaves them blank.
    """
    parent = None
    for i, text in enumerate(head):
        if text:
            key = canonical(text)
            parent = text if key in _CHILDREN else None
        elif parent and child_value(canonical(parent), sub[i]):
            head[i] = parent


def _columns(head: Sequence[str], sub: Sequence[str]) -> list[ColumnSpec]:
    columns: list[ColumnSpec] = []
    used_levels = {canonical(h) for h in head} | {
        child_value(ITEM_PARENT, s) for h, s in zip(head, sub) if canonical(h) == ITEM_PARENT
    }
    for i, (h, s) in enumerate(zip(head, sub)):
        key = canonical(h)
        if not h and s:  # a label only in the second row (vertical merge not filled)
            h, s, key = s, "", canonical(s)
        label = f"{h.strip()}/{s.strip()}" if s and s.strip() != h.strip() else h.strip()
        if key == ITEM_PARENT:
            level = child_value(ITEM_PARENT, s)
            if level is None:  # 公开事项 without sub-headers: next unused level
                level = next((lv for lv in LEVELS if lv not in used_levels), None)
                if level is None:
                    columns.append(ColumnSpec(i, "extra", label))
                    continue
                used_levels.add(level)
            columns.append(ColumnSpec(i, "text", label, field=level))
        elif key in _CHILDREN:
            value = child_value(key, s)
            if value is None and s and norm(s) != norm(h):
                value = s.strip()  # an unusual sub-header: its own text is the value
            if value is None:
                columns.append(ColumnSpec(i, "text", label, field=key))
            else:
                columns.append(ColumnSpec(i, "mark", label, field=key, value=value))
        elif key == SEQ:
            columns.append(ColumnSpec(i, "seq", label))
        elif key == UPDATED:
            columns.append(ColumnSpec(i, "updated", label))
        elif key in CATALOG_FIELDS:
            columns.append(ColumnSpec(i, "text", label, field=key))
        elif h.strip():
            columns.append(ColumnSpec(i, "extra", label))
    return columns
