"""gkcheck.model.construct.builder makes the instances model_construct makes."""

import datetime as dt

import pytest

from gkcheck.model import Attachment, CatalogItem, Post, SourcePos
from gkcheck.model.construct import builder


def test_post_built_equals_validated_post():
    values = {
        "title": "关于调整2024年城乡低保标准的通知",
        "url": "http://127.0.0.1/a/1.html",
        "date": dt.date(2024, 6, 1),
        "first_seen": dt.datetime(2024, 6, 2, 8, 0),
        "last_seen": dt.datetime(2024, 12, 1, 8, 0),
        "body": "城市低保标准由每人每月920元提高到950元。",
        "body_status": 200,
        "body_error": None,
        "body_skipped": None,
        "links": ["http://127.0.0.1/a/2.html"],
        "attachments": [builder(Attachment)({"url": "http://127.0.0.1/f.pdf", "title": "附件"})],
    }
    built = builder(Post)(dict(values))
    assert built == Post(**values)
    assert built.model_dump() == Post(**values).model_dump()
    assert built.model_fields_set == set(values)
    assert built.attachments[0].status is None and built.attachments[0].error is None


def test_absent_fields_get_their_defaults_and_fresh_lists():
    build = builder(CatalogItem)
    a = build({"level1": "社会救助", "pos": SourcePos(file="x.csv", row=3)})
    b = build({"level1": "就业", "pos": SourcePos(file="x.csv", row=4)})
    assert a == CatalogItem.model_construct(level1="社会救助", pos=SourcePos(file="x.csv", row=3))
    assert a.content == "" and a.updated is None and a.seq is None
    a.extra["备注"] = "x"
    assert b.extra == {}  # a default factory is called for every instance
    assert a.model_fields_set == {"level1", "pos"}


def test_models_with_hooks_are_refused():
    from pydantic import BaseModel, PrivateAttr

    class WithPrivate(BaseModel):
        x: int = 0
        _cache: dict = PrivateAttr(default_factory=dict)

    with pytest.raises(TypeError):
        builder(WithPrivate)


def test_mutable_plain_default_is_copied_and_data_factory_refused():
    from pydantic import BaseModel, Field

    class Plain(BaseModel):
        tags: list[str] = ["a"]  # pydantic copies such a default for every instance
        when: dt.date = dt.date(2024, 1, 1)

    build = builder(Plain)
    a, b = build({}), build({})
    a.tags.append("b")
    assert b.tags == ["a"] and Plain.model_fields["tags"].default == ["a"]
    assert a.when == dt.date(2024, 1, 1) and a == Plain.model_construct(tags=["a", "b"])

    class FromData(BaseModel):
        x: int = 1
        y: int = Field(default_factory=lambda data: data["x"] + 1)

    with pytest.raises(TypeError):
        builder(FromData)
