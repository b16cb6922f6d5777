"""Finding a required item in a catalog (for `catalog.has_item`).

An item a rule asks for (`ItemSpec`) has a name, synonyms, optionally the 一级事项 it
belongs under, and elements its 公开内容 must mention. Everything is compared on
`gkcheck.text.normalize.key` (no spaces, punctuation, list numbers or full-width forms).

A row matches an item
- by name ("strong"): a name or synonym equals, or is contained in, one of the row's
  事项 names or a run of consecutive levels joined (一级+二级 "最低生活保障办事指南"); when
  the spec gives `level1`, the row must have that 一级事项 (or a level containing it)
  and the name is looked for in the levels below it;
- by content ("weak"): otherwise, the name is mentioned in the row's 公开内容.

A row that does not match may still be *suggested* when its name is similar
(`best_matches`), never taken as a match.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, repeat

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gkcheck.checks._catalog_rows import field_rough, ideographs_of_key, rows_memo
from gkcheck.model import CatalogItem
from gkcheck.text.normalize import best_matches, key, key_similarity


class ItemSpec(BaseModel):
    """One required item: `name`, `synonyms`, optional `level1` (+ `level1_synonyms`),
    optional `contains` (elements of 公开内容; an element given as a list is a set of
    alternatives, e.g. [最低生活保障标准, 低保标准])."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)
    level1: str | None = None
    level1_synonyms: list[str] = Field(default_factory=list)
    contains: list[str | list[str]] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data):
        if isinstance(data, str):
            return {"name": data}
        return data

    @property
    def label(self) -> str:
        return f"{self.level1} / {self.name}" if self.level1 else self.name

    def names(self) -> list[str]:
        return [self.name, *self.synonyms]

    def level1_names(self) -> list[str]:
        return [self.level1, *self.level1_synonyms] if self.level1 else []


@dataclass
class Hit:
    item: CatalogItem
    strength: str  # "name" | "content"
    missing: list[str]  # elements of `contains` not found in the row


def _keys(texts) -> set[str]:
    return {k for k in (key(t) for t in texts) if k}


def _levels(item: CatalogItem) -> list[str]:
    return [k for k in (key(item.level1), key(item.level2), key(item.level3)) if k]


def _contains(needle: str, hay: str) -> bool:
    return needle == hay or (len(needle) >= 2 and needle in hay)


def _level1_at(spec: ItemSpec, levels: list[str]) -> int | None:
    """Index of the row level that is the spec's 一级事项, if any."""
    return _level1_index(_keys(spec.level1_names()), levels)


def _level1_index(wanted: set[str], levels: list[str]) -> int | None:
    """`_level1_at` for the keys `wanted` of the spec's 一级事项 names."""
    for i, lv in enumerate(levels):
        for w in wanted:
            if _contains(w, lv) or (len(lv) >= 2 and lv in w and 2 * len(lv) >= len(w)):
                return i
    return None


def match_row(spec: ItemSpec, item: CatalogItem) -> str | None:
    """"name", "content" or None: how `item` matches `spec` (see the module docstring)."""
    return _Spec(spec).match(_levels(item), lambda: key(item.content))


class _Spec:
    """What matching rows against one `ItemSpec` needs of it, worked out once for all
    the rows: the keys of its names, of its 一级事项 names, of its elements' options."""

    def __init__(self, spec: ItemSpec):
        self.spec = spec
        self.names = _keys(spec.names())
        self.level1 = _keys(spec.level1_names()) if spec.level1 else None
        # (the element as a finding names it, the keys of its options)
        self.elements = [
            (options[0], [key(o) for o in options])
            for options in ([e] if isinstance(e, str) else list(e) for e in spec.contains)
        ]

    def match(self, levels: list[str], content_key: Callable[[], str]) -> str | None:
        """`match_row` of a row with these level keys; `content_key()` gives the key of
        its 公开内容 (asked for only when the levels do not decide)."""
        start = 0
        if self.level1 is not None:
            at = _level1_index(self.level1, levels)
            if at is None:
                return None
            start = at + 1
        below = levels[start:]
        if below:
            # Every run of consecutive levels is part of the run of all of them, so a name of
            # two characters or more is in some run exactly when it is in that one; a shorter
            # name must equal a run.
            whole = "".join(below)
            for n in self.names:
                if len(n) >= 2:
                    if n in whole:
                        return "name"
                elif n in {"".join(below[i:j]) for i in range(len(below)) for j in range(i + 1, len(below) + 1)}:
                    return "name"
        content = content_key()
        if content and any(_contains(n, content) for n in self.names):
            return "content"
        return None

    def missing(self, item: CatalogItem, content_key: str) -> list[str]:
        """`missing_elements(spec, item)`, given the key of the row's 公开内容."""
        if not self.elements:
            return []
        text = content_key + "|" + key(item.level2) + "|" + key(item.level3)
        return [first for first, keys in self.elements if not any(k and k in text for k in keys)]


class _Index:
    """The rows of one catalog, to find the few rows that can match a spec with plain
    substring searches: first in one text of every row's key ideographs (cheap to work
    out, see `key_ideographs`), then, for the rows found, in the row's keys, worked out
    only for those rows. The levels are searched apart from the 公开内容: a row that
    matches by name holds a name in its levels, and only a spec without such a row needs
    the rows holding one in their 公开内容 (`find_item`)."""

    def __init__(self, items: list[CatalogItem]):
        self.items = items
        self._levels: list[list[str] | None] = [None] * len(items)
        self._content: list[str | None] = [None] * len(items)
        self.levels_rough = _RowTexts(
            list(map("".join, zip(field_rough(items, "一级事项"), field_rough(items, "二级事项"),
                                  field_rough(items, "三级事项"))))
        )
        self._rough: _RowTexts | None = None  # the levels', then the 公开内容's: made when asked for

    def levels(self, i: int) -> list[str]:
        """`_levels` of row i."""
        lv = self._levels[i]
        if lv is None:
            lv = self._levels[i] = _levels(self.items[i])
        return lv

    def content_key(self, i: int) -> str:
        """The key of row i's 公开内容."""
        k = self._content[i]
        if k is None:
            k = self._content[i] = key(self.items[i].content)
        return k

    def rows_with_in_levels(self, needles: set[str]) -> list[int]:
        """Indices (in catalog order) of the rows whose levels contain a needle."""
        rough_needles = {ideographs_of_key(n) for n in needles}
        if "" in rough_needles:  # a needle without ideographs: every row may hold it
            candidates: Iterable[int] = range(len(self.items))
        else:
            candidates = self.levels_rough.rows_holding(rough_needles)
        return [i for i in candidates if any(n in "".join(self.levels(i)) for n in needles)]

    def rows_with(self, needles: set[str]) -> list[int]:
        """Indices (in catalog order) of the rows whose levels or 公开内容 contain a needle."""
        rough_needles = {ideographs_of_key(n) for n in needles}
        if "" in rough_needles:
            candidates: Iterable[int] = range(len(self.items))
        else:
            candidates = self.rough().rows_holding(rough_needles)
        return [i for i in candidates if any(n in self.text(i) for n in needles)]

    def text(self, i: int) -> str:
        """Row i's levels' keys, then the key of its 公开内容 (no key holds a \\x00)."""
        return "".join(self.levels(i)) + "\x00" + self.content_key(i)

    def rough(self) -> _RowTexts:
        """Every row's level ideographs, then (after a \\x00) those of its 公开内容."""
        if self._rough is None:
            self._rough = _RowTexts(
                list(map("".join, zip(self.levels_rough.texts, repeat("\x00"), field_rough(self.items, "公开内容"))))
            )
        return self._rough


class _RowTexts:
    """A text per row, joined (at \\x01) to find the rows holding a needle with str.find."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.joined = "\x01".join(texts)
        self.starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0)) if texts else []

    def rows_holding(self, needles: set[str]) -> list[int]:
        """Rows (in order) whose text contains one of `needles` (none holds a \\x01)."""
        found: set[int] = set()
        text = self.joined
        starts = self.starts
        for n in needles:
            at = text.find(n)
            while at != -1:
                row = bisect.bisect_right(starts, at) - 1
                found.add(row)
                at = text.find(n, starts[row + 1] if row + 1 < len(starts) else len(text))
        return sorted(found)


def _index(items: list[CatalogItem]) -> _Index:
    """The index of `items`, kept with what else is worked out about the same rows (one
    unit's rules ask about them one after another)."""
    memo = rows_memo(items)
    idx = memo.get(("index", ""))
    if idx is None:
        idx = memo["index", ""] = _Index(list(items))
    return idx


def missing_elements(spec: ItemSpec, item: CatalogItem) -> list[str]:
    """Elements of `spec.contains` that the row's 公开内容 (or its names) does not mention."""
    text = key(item.content) + "|" + key(item.level2) + "|" + key(item.level3)
    out = []
    for element in spec.contains:
        options = [element] if isinstance(element, str) else list(element)
        if not any(k and k in text for k in (key(o) for o in options)):
            out.append(options[0])
    return out


def find_item(spec: ItemSpec, items: list[CatalogItem]) -> Hit | None:
    """The best row for `spec`: name matches before content matches, then the fewest
    missing elements, then catalog order."""
    wanted = _Spec(spec)
    idx = _index(items)
    # A row that matches by name holds one of the names among its levels: when such rows
    # give a match by name, rows holding a name in their 公开内容 alone cannot win.
    hits = _hits(wanted, idx, idx.rows_with_in_levels(wanted.names))
    strong = [h for h in hits if h.strength == "name"]
    if not strong:
        # every row that holds one of the names among its levels or in its 公开内容
        hits = _hits(wanted, idx, idx.rows_with(wanted.names))
        strong = [h for h in hits if h.strength == "name"] or hits
    if not strong:
        return None
    return min(strong, key=lambda h: len(h.missing))


def _hits(wanted: _Spec, idx: _Index, rows: list[int]) -> list[Hit]:
    """The matches among `rows`, in catalog order."""
    hits = []
    for i in rows:
        strength = wanted.match(idx.levels(i), partial(idx.content_key, i))
        if strength:
            item = idx.items[i]
            hits.append(Hit(item, strength, wanted.missing(item, idx.content_key(i)) if wanted.elements else []))
    return hits


def suggest(spec: ItemSpec, items: list[CatalogItem], cutoff: float) -> CatalogItem | None:
    """The row whose name is most like the spec's (at least `cutoff`), for "是否指…？".

    A row is compared by its most specific level, alone and joined to the levels above it
    ("办事指南", "低保办事指南"); a 一级事项 alone is never suggested. When the spec gives
    `level1`, only rows under a similar 一级事项 (similarity ≥ 0.5) are candidates, and
    they are compared as 一级+name: "特困人员救助供养 / 办事指南" is no suggestion for
    "临时救助 / 办事指南".
    """
    by_text: dict[str, CatalogItem] = {}
    near_level1: dict[tuple[str, ...], bool] = {}  # rows share their upper levels: judge each once
    for item in items:
        levels = [p for p in (item.level1, item.level2, item.level3) if key(p)]
        if len(levels) < 2:
            texts = levels
        elif spec.level1:
            above = tuple(levels[:-1])
            if above not in near_level1:
                near_level1[above] = any(
                    key_similarity(key(a), key(b), 0.5) >= 0.5 for a in spec.level1_names() for b in above
                )
            if not near_level1[above]:
                continue
            texts = ["".join(levels[i:]) for i in range(len(levels) - 1)]
        else:
            texts = ["".join(levels[i:]) for i in range(len(levels))]
        for t in texts:
            by_text.setdefault(t, item)
    if spec.level1:
        queries = [f"{l1}{n}" for l1 in spec.level1_names() for n in spec.names()]
    else:
        queries = spec.names()
    best: tuple[float, int, CatalogItem] | None = None
    order = {id(it): i for i, it in enumerate(items)}
    for q in queries:
        for text, score in best_matches(q, list(by_text), cutoff=cutoff, n=1):
            item = by_text[text]
            cand = (score, -order[id(item)], item)
            if best is None or cand[:2] > best[:2]:
                best = cand
    return best[2] if best else None
