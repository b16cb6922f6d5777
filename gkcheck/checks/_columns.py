"""Finding a unit's crawled columns by name: the `ColumnSpec` a rule writes and its lookup.

A rule names a column as a plain string or with synonyms:

    columns: [通知公告, {name: 政策解读, synonyms: [解读回应, 政策解读与回应]}]

Names are compared after `gkcheck.text.normalize.key` (so spaces, full-width forms and
punctuation do not matter). A near name is only ever *suggested*, never taken as a match.
"""

from __future__ import annotations

import datetime as dt
import weakref
from functools import lru_cache, partial
from typing import Any

from pydantic import Field, model_validator

from gkcheck.checks.registry import Params
from gkcheck.model import Column, EvidenceRef
from gkcheck.model.construct import builder
from gkcheck.text.normalize import best_matches, key

# The match key of a column name. A province's units share a few dozen column names,
# looked up by every column rule of every unit: each name's key is worked out once.
_name_key = lru_cache(maxsize=4096)(key)

# Which crawled column to prefer when several match one spec.
_STATUS_RANK = {"ok": 0, "unread": 1, "not_crawled": 2, "unreachable": 3, "not_configured": 4}


class ColumnSpec(Params):
    """A column a rule asks for: `name`, optional `synonyms`, optional own `max_age_days`."""

    name: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)
    max_age_days: int | None = Field(default=None, ge=1)  # read by column.fresh only

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"name": data}
        return data

    def names(self) -> list[str]:
        return [self.name, *self.synonyms]

    def quoted(self) -> str:
        """`“政策解读”` or `“政策解读”（或：解读回应、政策解读与回应）`."""
        if not self.synonyms:
            return f"“{self.name}”"
        return f"“{self.name}”（或：{'、'.join(self.synonyms)}）"


def find_column(columns: dict[str, Column], spec: ColumnSpec) -> tuple[str, Column] | None:
    """The crawled column matching `spec` (by dict key or Column.name), best status first."""
    wanted = {_name_key(n) for n in spec.names()}
    wanted.discard("")
    hits = [
        (label, col)
        for label, col in columns.items()
        if _name_key(label) in wanted or _name_key(col.name) in wanted
    ]
    if not hits:
        return None
    hits.sort(key=lambda h: _STATUS_RANK.get(h[1].status, 9))
    return hits[0]


def suggest(columns: dict[str, Column], spec: ColumnSpec, n: int = 3) -> list[str]:
    """Names of crawled columns close to `spec` (for a "did you mean" note)."""
    names = list(columns)
    found: list[str] = []
    for wanted in spec.names():
        for m in best_matches(wanted, names, cutoff=0.6, n=n):
            name = m[0] if isinstance(m, tuple) else m
            if name not in found:
                found.append(name)
    return found[:n]


def not_found_message(columns: dict[str, Column], spec: ColumnSpec) -> str:
    msg = f"未找到栏目{spec.quoted()}"
    near = suggest(columns, spec)
    if near:
        msg += f"；相近的栏目：{'、'.join(near)}"
    return msg


# What the column rules worked out about a column's posts (such as its newest post):
# the rules of one unit run one after another on the same Column objects. Kept while
# the Column lives (a weak reference drops the entry with it, so that nothing outlives
# the unit's evidence). id(column) -> (weak reference, a copy of its posts list, memo).
_memos: dict[int, tuple[weakref.ref, list, dict]] = {}


def column_memo(col: Column) -> dict:
    """A dict for what is worked out about `col`'s posts, kept while the same Column
    with the same posts is asked about: a new one otherwise."""
    got = _memos.get(id(col))
    # list comparison tests identity first: the same Post objects cost no model __eq__
    if got is not None and got[0]() is col and got[1] == col.posts:
        return got[2]
    memo: dict = {}
    _memos[id(col)] = (weakref.ref(col, partial(_forget, id(col))), list(col.posts), memo)
    return memo


def _forget(ident: int, ref: weakref.ref) -> None:
    """Drop the memo of a Column that is gone (called as it is freed)."""
    got = _memos.get(ident)
    if got is not None and got[0] is ref:
        del _memos[ident]


# Column and post references are made for every column rule of every unit, from values
# the crawl store typed already (text, dates): built without validating them again.
_build_ref = builder(EvidenceRef)


def column_ref(label: str, col: Column) -> EvidenceRef:
    """Evidence pointing at a column (its list page when known)."""
    return _build_ref({"source": "web", "location": col.url or label, "url": col.url, "title": label})


def post_ref(post) -> EvidenceRef:
    return _build_ref({"source": "web", "location": post.url, "url": post.url, "title": post.title, "date": post.date})


def listing_reach(col: Column) -> dt.date | None:
    """For a column whose list stopped at the crawl's page cap: the date of the oldest
    dated post read (lists run newest first, so older posts were not read), or
    `date.max` when none is dated; None for a column read to its end."""
    if not col.cut_at_pages:
        return None
    return min((p.date for p in col.posts if p.date is not None), default=dt.date.max)


def cut_note(label: str, col: Column) -> str:
    """What a cut column's reader should know (Chinese)."""
    reach = listing_reach(col)
    read = f"，读到的最早一条发布于{reach.isoformat()}" if reach not in (None, dt.date.max) else ""
    return f"栏目“{label}”只抓取了前{col.cut_at_pages}页（已达翻页上限）{read}，更早的信息未读取"


CUT_FIX = "在网站栏目配置中调高该栏目的 max_pages（翻页上限）后重新抓取"


def fetch_problem(label: str, col: Column) -> str | None:
    """Why the column's content cannot be judged (Chinese), or None when it was crawled."""
    if col.status == "unreachable":
        why = f"（{col.error}）" if col.error else ""
        return f"栏目“{label}”无法访问{why}"
    if col.status == "unread":
        why = f"（{col.error}）" if col.error else ""
        return f"栏目“{label}”的列表未能读出{why}"
    if col.status == "not_crawled":
        return f"栏目“{label}”已配置但尚未采集"
    if col.status == "not_configured":
        return f"栏目“{label}”未配置网址"
    return None


NO_COLUMNS = "未提供网站栏目采集结果"
