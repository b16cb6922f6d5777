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
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gkcheck.checks._catalog_rows import ideographs_of_key, key_ideographs
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
    wanted = _keys(spec.level1_names())
    for i, lv in enumerate(levels):
        for w in wanted:
            if _contains(w, lv) or (len(lv) >= 2 and lv in w and 2 * len(lv) >= len(w)):
                return i
    return None


def match_row(spec: ItemSpec, item: CatalogItem) -> str | None:
    """"name", "content" or None: how `item` matches `spec` (see the module docstring)."""
    return _match(spec, _keys(spec.names()), _levels(item), item)


def _match(spec: ItemSpec, names: set[str], levels: list[str], item: CatalogItem) -> str | None:
    start = 0
    if spec.level1:
        at = _level1_at(spec, levels)
        if at is None:
            return None
        start = at + 1
    below = levels[start:]
    if below:
        # Every run of consecutive levels is part of the run of all of them, so a name of two
        # characters or more is in some run exactly when it is in that one; a shorter name
        # must equal a run.
        whole = "".join(below)
        for n in names:
            if len(n) >= 2:
                if n in whole:
                    return "name"
            elif n in {"".join(below[i:j]) for i in range(len(below)) for j in range(i + 1, len(below) + 1)}:
                return "name"
    content = key(item.content)
    if content and any(_contains(n, content) for n in names):
        return "content"
    return None


class _Index:
    """The rows of one catalog, to find the few rows that can match a spec with plain
    substring searches: first in one text of every row's key ideographs (cheap to work
    out, see `key_ideographs`), then, for the rows found, in the row's keys (all its
    levels, then its 公开内容), worked out only for those rows."""

    def __init__(self, items: list[CatalogItem]):
        self.items = items
        self._levels: list[list[str] | None] = [None] * len(items)
        self._texts: list[str | None] = [None] * len(items)
        rough = [
            key_ideographs(it.level1) + key_ideographs(it.level2) + key_ideographs(it.level3)
            + "\x00" + key_ideographs(it.content)
            for it in items
        ]
        self.rough = "\x01".join(rough)
        self.starts = []
        at = 0
        for t in rough:
            self.starts.append(at)
            at += len(t) + 1

    def levels(self, i: int) -> list[str]:
        """`_levels` of row i."""
        lv = self._levels[i]
        if lv is None:
            lv = self._levels[i] = _levels(self.items[i])
        return lv

    def text(self, i: int) -> str:
        """Row i's levels' keys, then the key of its 公开内容."""
        t = self._texts[i]
        if t is None:
            t = self._texts[i] = "".join(self.levels(i)) + "\x00" + key(self.items[i].content)
        return t

    def rows_with(self, needles: set[str]) -> list[int]:
        """Indices (in catalog order) of the rows whose levels or 公开内容 contain a needle."""
        rough_needles = {ideographs_of_key(n) for n in needles}
        if "" in rough_needles:  # a needle without ideographs: every row may hold it
            candidates: Iterable[int] = range(len(self.items))
        else:
            candidates = self._rough_rows(rough_needles)
        return [i for i in candidates if any(n in self.text(i) for n in needles)]

    def _rough_rows(self, needles: set[str]) -> list[int]:
        """Rows whose key ideographs contain one of `needles` (every row with a key that
        contains the needle they come from is among them)."""
        found: set[int] = set()
        text = self.rough
        for n in needles:
            at = text.find(n)
            while at != -1:
                row = bisect.bisect_right(self.starts, at) - 1
                found.add(row)
                at = text.find(n, self.starts[row + 1] if row + 1 < len(self.starts) else len(text))
        return sorted(found)


_last_index: _Index | None = None


def _index(items: list[CatalogItem]) -> _Index:
    """The index of `items`, reused while the same rows are asked about (one unit's rules)."""
    global _last_index
    idx = _last_index
    # list comparison tests identity first: the same rows cost no model __eq__ (and equal
    # rows have the same index)
    if idx is None or idx.items != items:
        idx = _last_index = _Index(list(items))
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
    names = _keys(spec.names())
    idx = _index(items)
    hits = []
    # A row that matches holds one of the names among its levels or in its 公开内容.
    for i in idx.rows_with(names):
        item = idx.items[i]
        strength = _match(spec, names, idx.levels(i), item)
        if strength:
            hits.append(Hit(item, strength, missing_elements(spec, item)))
    if not hits:
        return None
    strong = [h for h in hits if h.strength == "name"] or hits
    return min(strong, key=lambda h: len(h.missing))


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
