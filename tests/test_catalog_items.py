"""Items built directly (gkcheck.sources.catalog_items) equal validated ones."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from gkcheck.model.catalog import CatalogItem
from gkcheck.sources import catalog_items
from gkcheck.sources.catalog_items import make_items

ROWS = [
    {"seq": "1", "updated": None, "extra": {}, "pos": {"file": "目录.csv", "sheet": None, "row": 4},
     "level1": "最低生活保障", "level2": "办事指南", "content": "申请条件", "basis": "《社会救助暂行办法》",
     "time_limit": "20个工作日内", "subject": "市民政局", "channels": "政府网站", "audience": "全社会",
     "mode": "主动", "level": "县级"},
    {"seq": None, "updated": dt.date(2024, 6, 24), "extra": {"备注": "按季度"},
     "pos": {"file": "目录.xlsx", "sheet": "目录", "row": 12}, "level2": "审核信息"},
]


def test_direct_items_equal_validated_ones():
    assert catalog_items._DIRECT  # the models are the plain ones: the fast way is taken
    validated = TypeAdapter(list[CatalogItem]).validate_python(ROWS)
    built = make_items(ROWS)
    assert built == validated
    for a, b in zip(built, validated):
        assert type(a) is CatalogItem and a.model_fields_set == b.model_fields_set
        assert a.model_dump(mode="json") == b.model_dump(mode="json") and repr(a) == repr(b)
        assert a.pos.location() == b.pos.location() and hash(a.pos) == hash(b.pos)
    assert built[1].updated == dt.date(2024, 6, 24) and built[1].extra == {"备注": "按季度"}
    assert built[1].extra is not ROWS[1]["extra"]  # a copy, as validation makes
    built[0].level3 = "x"  # items stay independent models
    assert built[0].model_fields_set == validated[0].model_fields_set | {"level3"}
    assert "level3" not in built[1].model_fields_set


def test_unknown_keys_are_validated_and_refused():
    with pytest.raises(ValidationError):
        make_items([{**ROWS[0], "colour": "red"}])


def test_models_that_change_are_validated(monkeypatch):
    monkeypatch.setattr(catalog_items, "_DIRECT", False)
    assert make_items(ROWS) == TypeAdapter(list[CatalogItem]).validate_python(ROWS)
