"""A unit's catalog rows as the catalog kinds read them: lookup, row names, evidence refs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from pathlib import PurePath

from gkcheck.checks.registry import CheckContext, Outcome, unknown
from gkcheck.model import Catalog, CatalogItem, EvidenceRef
from gkcheck.model.catalog import FIELD_ATTRS
from gkcheck.model.construct import builder
from gkcheck.text.normalize import key

NOT_CONFIGURED = "未提供本单位的主动公开事项目录（未配置目录来源），无法核验"
CONTENT_PREFIX = 20  # characters of the 公开内容 key that a record key keeps


@dataclass
class Rows:
    """Every row of every catalog of one unit, with how to name a row in a message."""

    catalogs: list[Catalog]
    items: list[CatalogItem]

    @cached_property
    def several_files(self) -> bool:
        # once per unit's rows: `where` asks for every row (a per-call scan made checks O(n²))
        return several_files(self.items)

    def keys(self, field: str) -> list[str]:
        """`key(item.field(field))` of every row, in row order (worked out once per unit's
        rows for all the rules that read them)."""
        return field_keys(self.items, field)

    def values(self, field: str) -> list[str]:
        """`item.field(field)` of every row, in row order."""
        return column_values(self.items, field)

    def filled(self, field: str) -> list[bool]:
        """`bool(key(item.field(field)))` of every row: whether the cell holds more than
        punctuation, symbols and a list number (the test for an empty cell)."""
        return field_filled(self.items, field)

    def rough(self, field: str) -> list[str]:
        """`key_ideographs(item.field(field))` of every row."""
        return field_rough(self.items, field)

    def where(self, item: CatalogItem) -> str:
        """"第12行" (with the file name when the unit has several catalog files)."""
        pos = item.pos
        if pos.row is None:
            return pos.location()
        text = f"第{pos.row}行"
        return f"{PurePath(pos.file).name} {text}" if self.several_files else text


# What the rules worked out about the rows last asked about (the rules of one unit run
# one after another on the same rows): (rows, {(what, field): result}).
_columns: tuple[list[CatalogItem], dict[tuple[str, str], object]] | None = None


def rows_memo(items: list[CatalogItem]) -> dict[tuple[str, str], object]:
    """A dict for what is worked out about `items`, kept while the same rows are asked
    about: a new one for other rows."""
    global _columns
    # list comparison tests identity first: equal rows (same objects) cost no model __eq__
    if _columns is None or _columns[0] != items:
        _columns = (list(items), {})
    return _columns[1]

# The text fields, and their values in a row's __dict__, read together: one pass over the rows.
_TEXT_FIELDS = tuple(FIELD_ATTRS)
_TEXT_VALUES = itemgetter(*FIELD_ATTRS.values())


def column_values(items: list[CatalogItem], field: str) -> list[str]:
    """`it.field(field)` for every item (remembered)."""
    cols = rows_memo(items)
    col = cols.get(("value", field))
    if col is None:
        if field in FIELD_ATTRS:  # every text column at once
            columns = zip(*map(_TEXT_VALUES, map(vars, items))) if items else [()] * len(_TEXT_FIELDS)
            for name, column in zip(_TEXT_FIELDS, columns):
                # `or ""` as `CatalogItem.field` reads a cell, only where it may change one
                cols["value", name] = list(column) if all(column) else [v or "" for v in column]
            col = cols["value", field]
        else:
            col = cols["value", field] = [it.extra.get(field, "") for it in items]
    return col


def field_keys(items: list[CatalogItem], field: str) -> list[str]:
    """`key(it.field(field))` for every item (remembered)."""
    cols = rows_memo(items)
    col = cols.get(("key", field))
    if col is None:
        col = cols["key", field] = list(map(key, column_values(items, field)))
    return col


def field_filled(items: list[CatalogItem], field: str) -> list[bool]:
    """`[bool(k) for k in field_keys(items, field)]`, without working out the keys of
    cells that surely have one (see `has_key`); remembered."""
    cols = rows_memo(items)
    col = cols.get(("filled", field))
    if col is None:
        keys = cols.get(("key", field))
        if keys is not None:
            col = list(map(bool, keys))
        else:  # columns repeat a few values (全社会, 主动 …): each distinct value once
            values = column_values(items, field)
            distinct = dict.fromkeys(values)
            verdict = dict(zip(distinct, map(has_key, distinct)))
            col = list(map(verdict.__getitem__, values))
        cols["filled", field] = col
    return col


def field_rough(items: list[CatalogItem], field: str) -> list[str]:
    """`key_ideographs(it.field(field))` for every item (remembered)."""
    cols = rows_memo(items)
    col = cols.get(("rough", field))
    if col is None:
        values = column_values(items, field)
        # a column of names repeats a few (the cache has them); others in one pass
        col = list(map(key_ideographs, values)) if field in _NAME_FIELDS else column_ideographs(values)
        cols["rough", field] = col
    return col


_NAME_FIELDS = frozenset({"一级事项", "二级事项", "三级事项"})


def column_ideographs(values: list[str]) -> list[str]:
    """`list(map(key_ideographs, values))`; for a column whose text is NFKC already (as
    good as every catalog's) in one pass over its text: joined at a character that ends
    any normalisation's reach and that no cell holds, each cell's text is as in the
    column's."""
    text = _ROW_BREAK.join(values)
    if len(values) > 1 and text.count(_ROW_BREAK) == len(values) - 1 and unicodedata.is_normalized("NFKC", text):
        return "".join(_IDEOGRAPHS_OR_BREAKS.findall(text)).split(_ROW_BREAK)
    return list(map(key_ideographs, values))


def several_files(items: list[CatalogItem]) -> bool:
    """Whether the rows come from more than one file (remembered)."""
    cols = rows_memo(items)
    found = cols.get(("files", ""))
    if found is None:
        found = cols["files", ""] = len({it.pos.file for it in items}) > 1
    return found


# A Latin letter or a CJK ideograph other than the numerals 一…十 survives `key`:
# normalisation leaves both as they are, `key` keeps letters, and the leading list number
# it drops is made only of digits, numerals 一…十 and punctuation.
_NUMERALS = sorted(map(ord, "一二三四五六七八九十"))


def _ideographs_but_numerals() -> str:
    ranges, lo = [], 0x4E00
    for n in _NUMERALS:
        if n > lo:
            ranges.append(f"{chr(lo)}-{chr(n - 1)}")
        lo = n + 1
    ranges.append(f"{chr(lo)}-\u9fff")
    return "".join(ranges)


_SURELY_KEYED = re.compile(f"[A-Za-z{_ideographs_but_numerals()}]")
_NOT_IDEOGRAPH = re.compile(f"[^{_ideographs_but_numerals()}]+")
_ROW_BREAK = "\x01"  # a control character: NFKC leaves it alone, nothing composes with it
_IDEOGRAPHS_OR_BREAKS = re.compile(f"[{_ROW_BREAK}{_ideographs_but_numerals()}]+")


@lru_cache(maxsize=4096)
def ideographs_of_key(key_text: str) -> str:
    """The CJK ideographs (but the numerals 一…十) of a key, in order."""
    return _NOT_IDEOGRAPH.sub("", key_text)


@lru_cache(maxsize=65536)
def key_ideographs(text: str | None) -> str:
    """`ideographs_of_key(key(text))`, without working out the key: NFKC, then the
    ideographs. Every later step of `key` (unified punctuation, no spaces, lower case,
    NFC, the leading list number, no punctuation or symbols) keeps those ideographs as
    they are and in order, so texts with equal keys have equal `key_ideographs`, and a
    key inside another key has its ideographs inside the other's: a cheap first sieve
    before comparing keys."""
    return _NOT_IDEOGRAPH.sub("", unicodedata.normalize("NFKC", text)) if text else ""


def has_key(text: str | None) -> bool:
    """`bool(key(text))`: whether the text holds more than punctuation, symbols, spaces
    and a list number; decided without `key` for text with a letter or an ideograph."""
    if not text:
        return False
    return _SURELY_KEYED.search(text) is not None or bool(key(text))


def rows_of(ctx: CheckContext) -> tuple[Rows | None, Outcome | None]:
    """The unit's rows, or the `unknown` outcome that says why there are none to check.

    Used by every catalog kind except `catalog.exists`, for which a missing catalog is the
    finding itself: the others have nothing to judge without rows.
    """
    cats = ctx.evidence.catalogs
    if cats is None:
        return None, unknown(NOT_CONFIGURED)
    items = [it for c in cats for it in c.items]
    if not items:
        if ctx.evidence.catalog_errors:
            errs = "；".join(ctx.evidence.catalog_errors[:3])
            return None, unknown(f"本单位的目录无法读取，无法核验：{errs}")
        return None, unknown("未找到本单位目录的任何条目，无法核验（目录缺失由“目录存在”规则报告）")
    return Rows(list(cats), items), None


def item_record(item: CatalogItem, field: str | None = None) -> str:
    """The stable record key of a row: its names and the start of its 公开内容, never its
    row number, so that inserting or deleting rows above it does not make its problems
    look new to a baseline or a waiver.

        row "最低生活保障 / 资金发放信息", 公开内容 "低保资金发放对象、金额（按月）":
        item_record(row)              -> "最低生活保障 / 资金发放信息：低保资金发放对象金额按月"
        item_record(row, "公开时限")  -> "最低生活保障 / 资金发放信息：低保资金发放对象金额按月#公开时限"

    Each part goes through `key` (no spaces, punctuation or list numbers, half-width
    forms). A row with neither names nor 公开内容 falls back to its location.
    """
    names = " / ".join(k for k in (key(item.level1), key(item.level2), key(item.level3)) if k)
    content = key(item.content)[:CONTENT_PREFIX]
    text = f"{names}：{content}" if names and content else names or content or item.pos.location()
    return f"{text}#{field}" if field else text


def label(item: CatalogItem) -> str:
    return item.full_name or "（未命名事项）"


def short(text: str, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# References are made from rows and catalogs the catalog readers have typed already:
# built without validating them again.
_build_ref = builder(EvidenceRef)


def item_ref(item: CatalogItem, quote: str | None = None) -> EvidenceRef:
    pos = item.pos
    return _build_ref({
        "source": "catalog",
        "location": pos.location(),
        "title": item.full_name or None,
        "date": item.updated,
        "quote": quote,
        "file": pos.file,
        "sheet": pos.sheet,
        "row": pos.row,
    })


def catalog_ref(cat: Catalog) -> EvidenceRef:
    return _build_ref({
        "source": "catalog",
        "location": cat.path,
        "title": cat.title or None,
        "date": cat.updated,
        "file": cat.path,
    })


def catalog_name(cat: Catalog) -> str:
    return cat.title or PurePath(cat.path).name
