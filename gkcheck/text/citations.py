"""Finding the laws, regulations and documents a 公开依据 cites.

Three kinds of citation are recognised (on the `normalize`d text):

- a title in book-title marks whose name ends like a legal or normative document:
  《中华人民共和国政府信息公开条例》, 《社会救助暂行办法》, 《国务院关于进一步加强和改进
  最低生活保障工作的意见》, 《最低生活保障审核审批办法(试行)》 (a trailing parenthetical
  such as (试行) or (2015年修正) is ignored when reading the ending);
- a bare name without the marks, as catalogs copied from PDFs often have it:
  中华人民共和国就业促进法, 政府信息公开条例, 特困人员认定办法 (names ending in 法 need the
  prefix 中华人民共和国; names ending in 条例 / 办法 / 细则 / 暂行规定 stand alone unless they
  begin with 有关 / 相关);
- a document number: 国办发〔2019〕54号, 民办函〔2019〕52号, 辽政办发(2014)74号, or an order
  number: 国务院令第649号, 国令第711号, 人力资源和社会保障部令第23号.

`vague_basis` names the phrase when a text only waves at the law: 无, 有关规定, 相关规定,
法律法规, 相关政策 ….
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gkcheck.text.normalize import key, normalize

__all__ = ["LAW_SUFFIXES", "Citation", "find_citations", "vague_basis"]

# How the name of a law, regulation, rule or normative document ends.
LAW_SUFFIXES: tuple[str, ...] = (
    "法", "法典", "条例", "办法", "规定", "细则", "意见", "通知", "决定", "规则", "标准", "指引",
    "目录", "规划", "方案", "指南", "纲要", "制度", "规程", "批复", "公告", "解释", "决议",
    "章程", "准则", "清单", "函", "令", "要点", "计划",
)

_TITLE = re.compile(r"《([^《》]{2,120})》")
_TRAILING_PAREN = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\])+$")
_DOCNO = re.compile(r"[\u4e00-\u9fff]{1,16}[\[(]\d{4}[\])]\d{1,5}号")
_ORDER = re.compile(r"[\u4e00-\u9fff]{0,20}令第?\d{1,4}号")
_BARE_LAW = re.compile(r"中华人民共和国[\u4e00-\u9fff]{2,30}?(?:法典|条例|法)(?![\u4e00-\u9fff]*(?:法|条例))")
_BARE_REG = re.compile(r"[\u4e00-\u9fff]{2,30}?(?:实施细则|暂行规定|条例|办法|细则)")
_VAGUE_WORDS = ("有关", "相关", "各类", "其他", "等")
# Between two names in a list; 和 only outside 中华人民共和国.
_SEPARATORS = re.compile(r"[、,;:.●·/|]|以及|及|与|(?<!共)和(?!国)")
_VERB_START = re.compile(r"^(?:根据|依据|按照|依照|参照|遵照|按|依)")

# Phrases that cite nothing (compared on keys, i.e. without punctuation).
_VAGUE = (
    "无", "暂无", "没有", "不适用", "略", "有关规定", "相关规定", "相关法律法规", "有关法律法规",
    "法律法规", "法律法规规定", "国家规定", "国家有关规定", "上级规定", "上级文件", "相关文件",
    "有关文件", "相关政策", "有关政策", "政策规定", "相关政策规定", "按规定", "依法", "依规",
    "法律法规及相关规定", "相关法律法规及政策", "政府信息公开相关规定",
)


@dataclass(frozen=True)
class Citation:
    kind: str  # title | name | docno | order
    text: str  # as found in the normalised text


def find_citations(text: str | None, extra_suffixes: tuple[str, ...] = ()) -> list[Citation]:
    """Every citation of a law, regulation or document in `text`, in order of kind."""
    norm = normalize(text)
    if not norm:
        return []
    suffixes = (*LAW_SUFFIXES, *extra_suffixes)
    out: list[Citation] = []
    for m in _TITLE.finditer(norm):
        name = _TRAILING_PAREN.sub("", m.group(1))
        if name.endswith(suffixes):
            out.append(Citation("title", m.group(0)))
    outside = _TITLE.sub("|", norm)
    for seg in _SEPARATORS.split(outside):
        seg = _VERB_START.sub("", seg)
        m = _BARE_LAW.search(seg) or _BARE_REG.search(seg)
        if m and not any(w in m.group(0) for w in _VAGUE_WORDS):
            out.append(Citation("name", m.group(0)))
    for m in _DOCNO.finditer(norm):
        out.append(Citation("docno", m.group(0)))
    for m in _ORDER.finditer(norm):
        if not any(m.group(0) in c.text or c.text in m.group(0) for c in out if c.kind == "docno"):
            out.append(Citation("order", m.group(0)))
    return out


def vague_basis(text: str | None) -> str | None:
    """The text itself when it is only a vague reference ("有关规定", "无"), else None."""
    k = key(text)
    if not k:
        return None
    for phrase in _VAGUE:
        if k == phrase or (_VERB_START.match(k) and _VERB_START.sub("", k) == phrase):
            return normalize(text)
    return None
