"""Turning the field dicts of `catalog_table.build_items` into `CatalogItem`s.

Those dicts are typed by construction (text cells are str, 序号 a str or None, 更新日期 a
date or None, other columns a dict of str, the position a file/sheet/row dict), so
pydantic's validation, a tenth of the time of reading a catalog, finds nothing to check
or convert in them. While `CatalogItem` and `SourcePos` have no validators and the
fields this module knows, the items are built directly, as `model_construct` builds them
but without its generic work; the result equals the validated one (checked once at
import on sample rows). Otherwise, or for a dict with a key the model does not have,
every row is validated as before.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, TypeAdapter

from gkcheck.model.catalog import CatalogItem, SourcePos

_ITEMS = TypeAdapter(list[CatalogItem])

_TEXT_FIELDS = ("level1", "level2", "level3", "content", "basis", "time_limit", "subject", "channels",
                "audience", "mode", "level")
_ITEM_FIELDS = ("seq", *_TEXT_FIELDS[:3], *_TEXT_FIELDS[3:], "updated", "extra", "pos")
_POS_FIELDS = ("file", "sheet", "row")
_TEMPLATE = {name: None if name in ("seq", "updated") else "" for name in _ITEM_FIELDS}
_KNOWN = frozenset(_ITEM_FIELDS)

_new = object.__new__


def _slot_setter(name: str):
    """`lambda model, value: object.__setattr__(model, name, value)` for one of the slots
    every pydantic model has, by its descriptor (a third of the time)."""
    slot = BaseModel.__dict__.get(name)
    if slot is not None and hasattr(slot, "__set__"):
        return slot.__set__
    return lambda model, value: object.__setattr__(model, name, value)


_set_dict = _slot_setter("__dict__")
_set_fields_set = _slot_setter("__pydantic_fields_set__")
_set_extra = _slot_setter("__pydantic_extra__")
_set_private = _slot_setter("__pydantic_private__")


def make_items(fields: list[dict]) -> list[CatalogItem]:
    """`TypeAdapter(list[CatalogItem]).validate_python(fields)`, built directly when safe."""
    if not _DIRECT or any(not _KNOWN.issuperset(f) for f in fields):
        return _ITEMS.validate_python(fields)
    return [_item(f) for f in fields]


def builds_directly() -> bool:
    """Whether items are built without validation (`make_items`, `new_item`)."""
    return _DIRECT


# Every field of an item with its default, in the model's order: the start of the
# `values` that `new_item` takes (copy it).
ITEM_DEFAULTS: dict = _TEMPLATE


def new_item(values: dict, given: set[str], file: str, sheet: str | None, row: int) -> CatalogItem:
    """The item `make_items` builds from a field dict, from that dict's parts: `values`
    holds every field in the model's order (a copy of `ITEM_DEFAULTS` updated with what
    the row gives; `extra` a dict of the item's own; `pos` is set here), `given` the names
    of the fields the dict holds. Only while `builds_directly()`."""
    pos = _new(SourcePos)
    _set_dict(pos, {"file": file, "sheet": sheet, "row": row})
    _set_fields_set(pos, set(_POS_FIELDS))
    _set_extra(pos, None)
    _set_private(pos, None)
    values["pos"] = pos
    item = _new(CatalogItem)
    _set_dict(item, values)
    _set_fields_set(item, given)
    _set_extra(item, None)
    _set_private(item, None)
    return item


def _item(f: dict) -> CatalogItem:
    pos = f["pos"]
    values = _TEMPLATE.copy()  # every field in the model's order, then what the row gives
    values.update(f)
    values["extra"] = dict(f.get("extra") or {})
    item = new_item(values, set(f), pos["file"], pos["sheet"], pos["row"])
    _set_fields_set(item.pos, set(pos))
    return item


def _models_as_expected() -> bool:
    """Whether the models are still the plain ones this module builds: no validators,
    these fields with these defaults, and a sample built both ways identical."""
    for model, names in ((CatalogItem, _ITEM_FIELDS), (SourcePos, _POS_FIELDS)):
        decorators = model.__pydantic_decorators__
        if any(getattr(decorators, kind) for kind in ("validators", "field_validators", "root_validators",
                                                      "model_validators", "field_serializers",
                                                      "model_serializers", "computed_fields")):
            return False
        if tuple(model.model_fields) != names or model.__private_attributes__:
            return False
    samples = [
        {"seq": "1", "updated": None, "extra": {}, "pos": {"file": "a.csv", "sheet": None, "row": 2},
         "level1": "最低生活保障", "content": "标准", "mode": "主动"},
        {"seq": None, "updated": dt.date(2024, 6, 24), "extra": {"备注": "x"},
         "pos": {"file": "b.xlsx", "sheet": "目录", "row": 9}, "level2": "办事指南", "channels": "网站"},
    ]
    for sample, built in zip(_ITEMS.validate_python(samples), [_item(s) for s in samples]):
        for a, b in ((sample, built), (sample.pos, built.pos)):
            if (a != b or a.model_fields_set != b.model_fields_set or list(a.__dict__) != list(b.__dict__)
                    or a.model_dump() != b.model_dump() or a.__pydantic_extra__ != b.__pydantic_extra__
                    or a.__pydantic_private__ != b.__pydantic_private__):
                return False
        if hash(sample.pos) != hash(built.pos):
            return False
    return True


try:
    _DIRECT = _models_as_expected()
except Exception:  # noqa: BLE001 - any surprise in the models: validate as before
    _DIRECT = False
