from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

# Canonical field names of the State Council's 基层政务公开标准目录, in table order.
CATALOG_FIELDS: tuple[str, ...] = (
    "一级事项",
    "二级事项",
    "三级事项",
    "公开内容",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
)


class SourcePos(BaseModel):
    """Where a record came from: file, sheet (xlsx) and 1-based row (as Excel shows it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    sheet: str | None = None
    row: int | None = None

    def location(self) -> str:
        """`catalogs/民政局.xlsx:目录!12`, `catalogs/x.csv:12`, or just the file."""
        loc = self.file
        if self.sheet is not None and self.row is not None:
            return f"{loc}:{self.sheet}!{self.row}"
        if self.row is not None:
            return f"{loc}:{self.row}"
        if self.sheet is not None:
            return f"{loc}:{self.sheet}"
        return loc


class CatalogItem(BaseModel):
    """One row of an active-disclosure catalog (主动公开事项目录)."""

    model_config = ConfigDict(extra="forbid")

    seq: str | None = None  # 序号 as written
    level1: str = ""  # 一级事项
    level2: str = ""  # 二级事项
    level3: str = ""  # 三级事项 (rare)
    content: str = ""  # 公开内容（要素）
    basis: str = ""  # 公开依据
    time_limit: str = ""  # 公开时限
    subject: str = ""  # 公开主体
    channels: str = ""  # 公开渠道和载体
    audience: str = ""  # 公开对象: 全社会 | 特定群体 (as written, after √ marks are resolved)
    mode: str = ""  # 公开方式: 主动 | 依申请
    level: str = ""  # 公开层级: 县级 | 乡级 (may be "县级、乡级")
    updated: dt.date | None = None  # 更新日期 if the catalog has one
    extra: dict[str, str] = Field(default_factory=dict)  # other columns, by header text
    pos: SourcePos

    @property
    def name(self) -> str:
        """The item's most specific name (三级 > 二级 > 一级)."""
        return self.level3 or self.level2 or self.level1

    @property
    def full_name(self) -> str:
        parts = [p for p in (self.level1, self.level2, self.level3) if p]
        return " / ".join(parts)

    def field(self, canonical: str) -> str:
        """Value of a canonical field name (see CATALOG_FIELDS)."""
        attr = FIELD_ATTRS.get(canonical)
        if attr is None:
            return self.extra.get(canonical, "")
        return getattr(self, attr) or ""


FIELD_ATTRS: dict[str, str] = {
    "一级事项": "level1",
    "二级事项": "level2",
    "三级事项": "level3",
    "公开内容": "content",
    "公开依据": "basis",
    "公开时限": "time_limit",
    "公开主体": "subject",
    "公开渠道和载体": "channels",
    "公开对象": "audience",
    "公开方式": "mode",
    "公开层级": "level",
}


class Catalog(BaseModel):
    """A unit's catalog as read from one file."""

    model_config = ConfigDict(extra="forbid")

    path: str
    unit: str | None = None  # unit name/id as declared in the file, if any
    title: str = ""  # title row, e.g. "邹城市民政局主动公开事项目录"
    updated: dt.date | None = None  # catalog-level update date (file metadata or declared)
    items: list[CatalogItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)  # non-fatal reading notes
