"""Reading a catalog written as YAML:

    unit: 市民政局
    title: 邹城市民政局主动公开事项目录
    updated: 2024-11-20
    items:
      - 一级事项: 最低生活保障
        二级事项: 办事指南
        公开内容: 最低生活保障标准、申请条件、办理流程
        公开依据: 《社会救助暂行办法》（国务院令第649号）
        公开方式: 主动

Item keys are the canonical Chinese column names (and the header variants the xlsx
reader knows, such as 公开内容（要素）) or the CatalogItem attribute names (level1,
content, mode …). Each item's position is the line of the YAML file it starts on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from gkcheck.engine.yamlio import compose_yaml, read_yaml
from gkcheck.errors import CatalogError
from gkcheck.model.catalog import FIELD_ATTRS, Catalog, CatalogItem, SourcePos
from gkcheck.sources.catalog_headers import NOTE, SEQ, UPDATED, canonical
from gkcheck.sources.datecells import parse_date

_TOP_KEYS = {"unit": "unit", "单位": "unit", "title": "title", "标题": "title",
             "updated": "updated", "更新日期": "updated", "items": "items", "事项": "items"}
_ATTRS = set(FIELD_ATTRS.values())
_JOIN = "、"


def read_yaml_catalog(path: Path, display: str) -> Catalog:
    data = read_yaml(path, CatalogError)
    root = compose_yaml(path.read_text(encoding="utf-8-sig"))
    if not isinstance(data, dict):
        raise CatalogError("目录文件应为键值映射，包含 unit、title、updated、items", display)
    key_lines = _key_lines(root)
    top_lines: dict[str, int] = {}
    fields: dict[str, object] = {}
    for key, value in data.items():
        name = _TOP_KEYS.get(str(key))
        if name is None:
            raise CatalogError(
                f"未知的键“{key}”（允许：unit、title、updated、items）", display, _line(key_lines, key)
            )
        fields[name] = value
        top_lines[name] = key_lines.get(str(key), 0)
    if "items" not in fields:
        raise CatalogError("缺少键“items”（目录事项列表）", display)
    raw_items = fields["items"] if fields["items"] is not None else []
    if not isinstance(raw_items, list):
        raise CatalogError("键“items”应为列表", display, _line(top_lines, "items"))
    items_node = _value_node(root, "items")
    item_nodes = items_node.value if isinstance(items_node, yaml.SequenceNode) else []
    items = [
        _item(raw, node, display, i)
        for i, (raw, node) in enumerate(zip(raw_items, item_nodes), start=1)
    ]
    updated = _date(fields.get("updated"), display, _line(top_lines, "updated"), "updated")
    return Catalog(
        path=display,
        unit=_scalar(fields.get("unit"), display, _line(top_lines, "unit"), "unit") or None,
        title=_scalar(fields.get("title"), display, _line(top_lines, "title"), "title"),
        updated=updated,
        items=items,
    )


def _item(raw: object, node: yaml.Node, display: str, index: int) -> CatalogItem:
    line = node.start_mark.line + 1
    if not isinstance(raw, dict):
        raise CatalogError(f"items 的第{index}项应为键值映射", display, f"第{line}行")
    lines = _key_lines(node)
    values: dict[str, object] = {"extra": {}}
    for key, value in raw.items():
        where = _line(lines, key)
        attr = _attr(str(key))
        if attr is None:
            raise CatalogError(
                f"items 的第{index}项有未知的键“{key}”（应为 一级事项、二级事项、公开内容、公开依据、"
                "公开时限、公开主体、公开渠道和载体、公开对象、公开方式、公开层级 等）",
                display,
                where,
            )
        if attr == "updated":
            values["updated"] = _date(value, display, where, str(key))
        elif attr == "extra":
            if not isinstance(value, dict):
                raise CatalogError(f"键“{key}”应为键值映射", display, where)
            values["extra"].update({str(k): _scalar(v, display, where, str(k)) for k, v in value.items()})
        elif attr.startswith("extra:"):
            values["extra"][attr[6:]] = _scalar(value, display, where, str(key))
        else:
            values[attr] = _scalar(value, display, where, str(key))
    if values.get("seq") == "":
        values["seq"] = None
    return CatalogItem(pos=SourcePos(file=display, row=line), **values)


def _attr(key: str) -> str | None:
    """The CatalogItem attribute an item key stands for."""
    if key in _ATTRS or key in ("seq", "updated", "extra"):
        return key
    found = canonical(key)
    if found in FIELD_ATTRS:
        return FIELD_ATTRS[found]
    if found == SEQ:
        return "seq"
    if found == UPDATED:
        return "updated"
    if found == NOTE:
        return f"extra:{key.strip()}"
    return None


def _scalar(value: object, display: str, where: str | None, key: str) -> str:
    """Text of a value; a list of texts is joined with 、."""
    if value is None:
        return ""
    if isinstance(value, list):
        return _JOIN.join(_scalar(v, display, where, key) for v in value)
    if isinstance(value, (bool, dict)):
        raise CatalogError(f"键“{key}”应为文本", display, where)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: object, display: str, where: str | None, key: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        raise CatalogError(
            f"键“{key}”的日期“{value}”无法识别（应为 2024-06-24 或 2024年6月24日）", display, where
        ) from None


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if k.value == key or _TOP_KEYS.get(k.value) == key), None)


def _line(lines: dict[str, int], key: object) -> str | None:
    line = lines.get(str(key))
    return f"第{line}行" if line else None
