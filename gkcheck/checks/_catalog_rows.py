"""A unit's catalog rows as the catalog kinds read them: lookup, row names, evidence refs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath

from gkcheck.checks.registry import CheckContext, Outcome, unknown
from gkcheck.model import Catalog, CatalogItem, EvidenceRef
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
        # computed once: `where` asks for every row (a per-call scan made checks O(n²))
        return len({it.pos.file for it in self.items}) > 1

    def keys(self, field: str) -> list[str]:
        """`key(item.field(field))` of every row, in row order (worked out once per unit's
        rows for all the rules that read them)."""
        return field_keys(self.items, field)

    def where(self, item: CatalogItem) -> str:
        """"第12行" (with the file name when the unit has several catalog files)."""
        pos = item.pos
        if pos.row is None:
            return pos.location()
        text = f"第{pos.row}行"
        return f"{PurePath(pos.file).name} {text}" if self.several_files else text


_field_keys: tuple[list[CatalogItem], dict[str, list[str]]] | None = None


def field_keys(items: list[CatalogItem], field: str) -> list[str]:
    """`key(it.field(field))` for every item, remembered while the same rows are asked
    about (the rules of one unit run one after another)."""
    global _field_keys
    cached = _field_keys
    if cached is None or len(cached[0]) != len(items) or any(a is not b for a, b in zip(cached[0], items)):
        cached = _field_keys = (list(items), {})
    by_field = cached[1]
    if field not in by_field:
        by_field[field] = [key(it.field(field)) for it in items]
    return by_field[field]


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


def item_ref(item: CatalogItem, quote: str | None = None) -> EvidenceRef:
    pos = item.pos
    return EvidenceRef(
        source="catalog",
        location=pos.location(),
        title=item.full_name or None,
        date=item.updated,
        quote=quote,
        file=pos.file,
        sheet=pos.sheet,
        row=pos.row,
    )


def catalog_ref(cat: Catalog) -> EvidenceRef:
    return EvidenceRef(
        source="catalog",
        location=cat.path,
        title=cat.title or None,
        date=cat.updated,
        file=cat.path,
    )


def catalog_name(cat: Catalog) -> str:
    return cat.title or PurePath(cat.path).name
