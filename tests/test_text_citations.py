"""gkcheck.text.citations on 公开依据 cells of real standard directories."""

from __future__ import annotations

import pytest

from gkcheck.text.citations import find_citations, vague_basis


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("《中华人民共和国政府信息公开条例》", [("title", "《中华人民共和国政府信息公开条例》")]),
        ("《社会救助暂行办法》(国务院令第649号)", [("title", "《社会救助暂行办法》"), ("order", "国务院令第649号")]),
        ("《最低生活保障审核审批办法（试行）》", [("title", "《最低生活保障审核审批办法(试行)》")]),
        ("国办发〔2019〕54号", [("docno", "国办发[2019]54号")]),
        ("辽政办发(2014)74号", [("docno", "辽政办发(2014)74号")]),
        ("人力资源和社会保障部令第23号", [("order", "人力资源和社会保障部令第23号")]),
        ("●中华人民共和国政 府信息公开条例", [("name", "中华人民共和国政府信息公开条例")]),
        ("《信息公开条例》及相关规定", [("title", "《信息公开条例》")]),
        ("相关法律法规及政府信息公开条例", [("name", "政府信息公开条例")]),
        ("中华人民共和国土地管理法实施条例", [("name", "中华人民共和国土地管理法实施条例")]),
        (
            "中华人民共和国就业促进法和人力资源市场暂行条例",
            [("name", "中华人民共和国就业促进法"), ("name", "人力资源市场暂行条例")],
        ),
        ("《民政部关于印发〈特困人员认定办法〉的通知》", [("title", "《民政部关于印发<特困人员认定办法>的通知》")]),
        ("《邹城市政府工作报告》", []),
        ("有关管理办法", []),
        ("根据上级文件精神", []),
        ("", []),
    ],
)
def test_find_citations(text, found):
    assert [(c.kind, c.text) for c in find_citations(text)] == found


def test_extra_suffixes():
    assert find_citations("《联合国儿童权利公约》") == []
    assert [c.text for c in find_citations("《联合国儿童权利公约》", ("公约",))] == ["《联合国儿童权利公约》"]


@pytest.mark.parametrize("text", ["无", "相关规定", "有关规定", "法律法规", "按照有关规定", " 相关 法律法规 "])
def test_vague_basis(text):
    assert vague_basis(text) is not None


@pytest.mark.parametrize("text", ["根据上级文件精神", "《社会救助暂行办法》", ""])
def test_not_vague(text):
    assert vague_basis(text) is None
