"""Recognising the coded fields of a catalog row: 公开方式, 公开对象, 公开层级.

Each recogniser reads one cell as written (after √ marks were resolved by the reader) and
returns the canonical values it names, and what it could not read:

    read_mode("依申请公开")        -> ({"依申请"}, [])
    read_audience("特定群众")      -> ({"特定群体"}, [])     # the wording of several official directories
    read_level("县(市、区)级、乡级") -> ({"县级", "乡级"}, [])
    read_level("乡、村级")          -> ({"乡级"}, [])
    read_level("省级")              -> (set(), ["省级"])
"""

from __future__ import annotations

import re

from gkcheck.text.normalize import normalize

_PAREN = re.compile(r"\([^()]*\)")
_SPLIT = re.compile(r"[、,;/|]|和|及|与|或")

_MODE = {
    "主动": "主动",
    "主动公开": "主动",
    "依申请": "依申请",
    "依申请公开": "依申请",
    "申请公开": "依申请",
}
_AUDIENCE = {
    "全社会": "全社会",
    "社会公众": "全社会",
    "特定群体": "特定群体",
    "特定群众": "特定群体",
}
_COUNTY = re.compile(r"(?:县|区|市|县区|区县|县市|县市区)级?")
_TOWN = re.compile(r"[乡镇街道村社区]+级?")


def tokens(value: str) -> list[str]:
    """The parts of a cell: normalised, remarks in brackets dropped, split at 、,/和及与或."""
    text = _PAREN.sub("", normalize(value))
    return [t for t in _SPLIT.split(text) if t]


def _read(value: str, table: dict[str, str], accepted: set[str]) -> tuple[set[str], list[str]]:
    got: set[str] = set()
    bad: list[str] = []
    if normalize(value) in accepted:
        return {normalize(value)}, []
    for t in tokens(value):
        if t in table:
            got.add(table[t])
        elif t in accepted:
            got.add(t)
        else:
            bad.append(t)
    return got, bad


def read_mode(value: str, accepted: set[str] = frozenset()) -> tuple[set[str], list[str]]:
    return _read(value, _MODE, accepted)


def read_audience(value: str, accepted: set[str] = frozenset()) -> tuple[set[str], list[str]]:
    return _read(value, _AUDIENCE, accepted)


def read_level(value: str, accepted: set[str] = frozenset()) -> tuple[set[str], list[str]]:
    """县级 / 乡级 and their variants: 县, 区级, 市级 (the own level of a county-level city),
    县(市、区)级; 乡, 镇级, 乡镇级, 街道级, 镇街级, 乡、村级, 村级."""
    if normalize(value) in accepted:
        return {normalize(value)}, []
    got: set[str] = set()
    bad: list[str] = []
    for t in tokens(value):
        if t in accepted:
            got.add(t)
        elif _COUNTY.fullmatch(t):
            got.add("县级")
        elif _TOWN.fullmatch(t):
            got.add("乡级")
        else:
            bad.append(t)
    return got, bad
