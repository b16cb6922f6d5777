"""Check kinds about policy interpretation (政策解读): interpretation.paired and
interpretation.consistent (task 36).

A policy document and its 解读 are published together and link to each other
(同步起草、同步审签、同步发布). No national day limit was found, so the allowed gap is a
parameter (default: same day to 3 working days). Both kinds share one pairing of
documents to 解读 (`pair_documents`), by title or by a link between the two pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field

from gkcheck.checks._columns import (
    CUT_FIX,
    NO_COLUMNS,
    ColumnSpec,
    cut_note,
    fetch_problem,
    find_column,
    listing_reach,
    not_found_message,
    post_ref,
)
from gkcheck.checks._window import Span, Window, resolve, window_field
from gkcheck.checks.registry import (
    CheckContext,
    Outcome,
    Params,
    check_kind,
    failed,
    passed,
    unknown,
    warned,
)
from gkcheck.model import EvidenceRef, Post
from gkcheck.text.facts import Fact, extract_facts
from gkcheck.text.normalize import key, key_similarity, normalize, similarity
from gkcheck.text.workdays import calendar_note, workdays_between

MAX_LISTED = 8  # facts listed in one message

# ----------------------------------------------------------------------- title helpers

# 〔2024〕12号 after normalize (〔〕 become [], （）become ())
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[\[(]\d{4}[\])]\d{1,4}号")
_QUOTED = re.compile(r"《([^《》]{2,})》")
_INTERP_WORDS = re.compile(r"解读|问答|读懂|图解|答记者问|一图看懂|图读|释义|政策吹风")
_INTERP_PREFIX = (
    r"^(?:[\[(]?(?:政策解读|图文解读|文字解读|图解|解读|视频解读|专家解读|部门解读|媒体解读)[\])]?[:：]?)"
    r"|^(?:一图读懂|一图看懂|图读|图解)[:：]?"
)
_INTERP_SUFFIX = r"(?:的?(?:政策)?解读(?:材料)?|的?(?:政策)?问答|答记者问|释义|政策吹风会?)$"
_INTERP_AFFIXES = re.compile(f"{_INTERP_PREFIX}|{_INTERP_SUFFIX}")
_RE_INTERP_SUFFIX = re.compile(_INTERP_SUFFIX)
# A suffix match starts at most this far before the end: 的政策解读材料, and the line
# break `$` may stand before.
_SUFFIX_REACH = 8


def _strip_interp_affixes(t: str) -> str:
    """_INTERP_AFFIXES.sub("", t), without trying the suffix at every position: a match
    at the start (any alternative), then at most one suffix match near the end."""
    head = _INTERP_AFFIXES.match(t)
    start = head.end() if head else 0
    tail = _RE_INTERP_SUFFIX.search(t, max(start, len(t) - _SUFFIX_REACH))
    if tail is None:
        return t[start:]
    return t[start:tail.start()] + t[tail.end():]


def _strip_doc_number(title: str) -> str:
    t = normalize(title)
    if "号" in t:  # what _DOC_NUMBER ends with
        t = _DOC_NUMBER.sub("", t)
    return _RE_TRAILING_YEAR_NOTE.sub("", t).strip()


_RE_TRAILING_YEAR_NOTE = re.compile(r"\((?:[^()]*\d{4}[^()]*)?\)$")


_RE_DOC_VERB = re.compile(r"^(?:印发|转发|修订|公布|发布)")
_RE_DOC_KIND = re.compile(r"的(?:通知|意见|决定|公告|通告|批复|函)$")
_RE_DOC_KIND_BARE = re.compile(r"(?:通知|公告|通告)$")
_RE_INTERP_VERB = re.compile(r"^(?:印发|转发)")
_RE_INTERP_KIND = re.compile(r"的(?:通知|意见|决定)$")


@lru_cache(maxsize=65536)
def document_core(title: str) -> str:
    """The name a 解读 would use for a document: the 《》 title if quoted, else the title
    without issuer, 关于/印发/转发, 的通知/意见/决定 and document number.

    邹城市人民政府办公室关于印发邹城市最低生活保障审核确认办法的通知（邹政办发〔2024〕3号）
    -> 邹城市最低生活保障审核确认办法
    """
    t = _strip_doc_number(title)
    quoted = _QUOTED.findall(t)
    if quoted:
        return max(quoted, key=len)
    if "关于" in t:
        t = t[t.index("关于") + 2:]
    t = _RE_DOC_VERB.sub("", t)
    t = _RE_DOC_KIND.sub("", t)
    t = _RE_DOC_KIND_BARE.sub("", t)
    return t


@lru_cache(maxsize=65536)
def interpretation_core(title: str) -> str:
    """The document name inside a 解读 title: 《X》 if quoted, else the title without
    解读/问答/一图读懂 words.  《邹城市最低生活保障审核确认办法》政策解读 -> 邹城市最低生活保障审核确认办法"""
    t = _strip_doc_number(title)
    quoted = _QUOTED.findall(t)
    if quoted:
        return max(quoted, key=len)
    for _ in range(3):
        t2 = _strip_interp_affixes(t).strip(" :：-")
        if t2 == t:
            break
        t = t2
    if "关于" in t:
        t = t[t.index("关于") + 2:]
    t = _RE_INTERP_VERB.sub("", t)
    t = _RE_INTERP_KIND.sub("", t)
    return t


def looks_like_interpretation(title: str) -> bool:
    return bool(_INTERP_WORDS.search(title or ""))


# Whose document it is: the issuer is what precedes 关于 in the title.
_REPOSTED = re.compile(r"[\[(【]\s*转载\s*[\])】]|^转载[:：]?|^转发[:：]")
_AREA = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:省|自治区|市|自治州|县|区)")
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:省|自治区)|^(?:北京|天津|上海|重庆)市")
_NATIONAL = re.compile(r"^(?:中共中央|国务院|全国人大|国家|最高人民)|^[\u4e00-\u9fff]{2,8}部(?:办公厅)?$")
_AREA_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:省|自治区|市|自治州|州|县|区|旗)$")


def local_areas(names: Iterable[str]) -> set[str]:
    """The place names a unit's own names carry: 邹城市民政局 beside 市民政局 -> {邹城市}."""
    names = [normalize(n) for n in names if n]
    out = set()
    for full in names:
        m = _AREA.match(full)
        if not m:
            continue
        rest = full[m.end():]
        # the area is the unit's own when a shorter name of the unit follows it
        # (邹城市|民政局 beside 市民政局 / 民政局), not when it is just a word of the name
        if any(n != full and (n == rest or n == full[m.end() - 1:]) for n in names):
            out.add(m.group(0))
    return out


def other_issuer(title: str, local: Iterable[str] = ()) -> str | None:
    """Why a document listed in a unit's column is another organ's (a higher level's) and
    not the unit's own, or None: marked （转载）, or issued (the name before 关于) by a
    national organ, a province, or a place other than the unit's own (`local`, e.g.
    {邹城市}; without it only national and provincial issuers are recognised).

    山东省民政厅关于印发《山东省最低生活保障审核确认办法》的通知（转载） -> 转载
    济宁市人民政府办公室关于……的通知 (local {邹城市}) -> 济宁市
    """
    t = normalize(title)
    if _REPOSTED.search(t):
        return "转载"
    if "关于" not in t[:40]:
        return None
    issuer = t[: t.index("关于")].strip()
    if not issuer:
        return None
    if _NATIONAL.search(issuer):
        return issuer
    m = _PROVINCE.match(issuer)
    if m and m.group(0) not in set(local):
        return m.group(0)
    local = set(local)
    m = _AREA.match(issuer)
    if m and local and m.group(0) not in local:
        return m.group(0)
    return None


def _other_place(core_d: str, core_i: str) -> bool:
    """Two names that differ only in the place they begin with (山东省最低生活保障审核确认办法
    and 邹城市最低生活保障审核确认办法): documents of two issuers, never one pair."""
    a, b = key(core_d), key(core_i)
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    head_a, head_b = a[: len(a) - n], b[: len(b) - n]
    return bool(head_a and head_b and head_a != head_b and _AREA_HEAD.match(head_a) and _AREA_HEAD.match(head_b))


def _doc_numbers(title: str) -> set[str]:
    return set(_doc_number_set(title))


@lru_cache(maxsize=65536)
def _doc_number_set(title: str) -> frozenset[str]:
    t = normalize(title)
    return frozenset(_DOC_NUMBER.findall(t)) if "号" in t else frozenset()


# An http(s) URL that urlsplit takes apart without any of its special cases: ASCII, no
# brackets (IPv6 hosts), no tab or line break (which it deletes).
_PLAIN_URL = re.compile(r"https?://(?P<netloc>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#.*)?", re.I | re.S)
_NOT_PLAIN = re.compile(r"[\[\]\t\r\n]")


@lru_cache(maxsize=65536)
def _url_key(url: str) -> str:
    """A URL as pages are compared: host (lower case), path without a trailing slash,
    query; scheme and fragment dropped."""
    url = url.strip()
    m = _PLAIN_URL.fullmatch(url) if url.isascii() and not _NOT_PLAIN.search(url) else None
    if m is not None:  # what urlsplit gives, read directly
        netloc, path, query = m["netloc"], m["path"], m["query"]
    else:
        parts = urlsplit(url)
        netloc, path, query = parts.netloc, parts.path, parts.query
    path = path.rstrip("/") or "/"
    return f"{netloc.lower()}{path}{'?' + query if query else ''}"


def _links_to(src: Post, dst: Post) -> bool:
    target = _url_key(dst.url)
    return any(_url_key(u) == target for u in src.links)


# --------------------------------------------------------------------------- pairing


@dataclass(frozen=True)
class Pair:
    """A policy document and the 解读 found for it (None when none was found)."""

    document: Post
    interpretation: Post | None
    how: str = ""  # 标题 | 文号 | 链接
    score: float = 0.0


def title_score(document: Post, interp: Post, cutoff: float = 0.0) -> tuple[float, str]:
    """How well a 解读's title names a document: (score 0–1, how). A title score below
    `cutoff` may be given as 0.0 (it is not worked out exactly)."""
    return _title_score(document.title, interp.title, cutoff)


@lru_cache(maxsize=8192)  # a unit's pairing rules compare the same titles
def _title_score(document: str, interp: str, cutoff: float) -> tuple[float, str]:
    if _doc_number_set(document) & _doc_number_set(interp):
        return 1.0, "文号"
    core_d, core_i = document_core(document), interpretation_core(interp)
    if len(key(core_d)) < 4 or len(key(core_i)) < 4:
        return 0.0, ""
    if _other_place(core_d, core_i):
        return 0.0, ""
    return key_similarity(key(core_d), key(core_i), cutoff), "标题"


@dataclass(frozen=True)
class _TitleShape:
    """What a title score reads of one title: its document numbers and the key of its core
    (document_core or interpretation_core), with the count of each character of the key."""

    numbers: frozenset[str]
    core_key: str
    counts: dict[str, int]


def _shape(title: str, core: str) -> _TitleShape:
    core_key = key(core)
    counts: dict[str, int] = {}
    for ch in core_key:
        counts[ch] = counts.get(ch, 0) + 1
    return _TitleShape(_doc_number_set(title), core_key, counts)


@lru_cache(maxsize=65536)
def _document_shape(title: str) -> _TitleShape:
    return _shape(title, document_core(title))


@lru_cache(maxsize=65536)
def _interpretation_shape(title: str) -> _TitleShape:
    return _shape(title, interpretation_core(title))


def _may_reach(doc: _TitleShape, interp: _TitleShape, threshold: float) -> bool:
    """False when the title score (_title_score) of a document and a 解读 is certainly
    below `threshold`, found without comparing the titles: the score is 1.0 for a shared
    document number, else 0.0 or the key similarity of the two cores, which is the larger
    of difflib's ratio and a bonus given only when one key contains the other. The ratio
    is at most difflib's quick_ratio: 2 × (the characters the keys have in common,
    counted with repetition) / (their total length), worked out here the same way."""
    if not threshold > 0.0:
        return True  # a score of 0.0 reaches it
    if doc.numbers and interp.numbers and doc.numbers & interp.numbers:
        return True
    a, b = doc.core_key, interp.core_key
    if len(a) < 4 or len(b) < 4:
        return False  # _title_score gives 0.0
    if a in b or b in a:
        return True
    fewer, more = (doc.counts, interp.counts) if len(doc.counts) <= len(interp.counts) else (interp.counts, doc.counts)
    common = 0
    for ch, n in fewer.items():
        m = more.get(ch)
        if m:
            common += n if n < m else m
    return 2.0 * common / (len(a) + len(b)) >= threshold


def _url_index(posts: list[Post]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Where each post is found by URL key: (own URL key -> positions, key of a URL it
    links to -> positions), positions in `posts` in ascending order."""
    by_url: dict[str, list[int]] = {}
    by_link: dict[str, list[int]] = {}
    for n, post in enumerate(posts):
        by_url.setdefault(_url_key(post.url), []).append(n)
        for link_key in {_url_key(u) for u in post.links}:
            by_link.setdefault(link_key, []).append(n)
    return by_url, by_link


def _linked(doc: Post, interps: list[Post], by_url: dict[str, list[int]], by_link: dict[str, list[int]]) -> list[int]:
    """Positions (ascending) of the 解读 that `doc` links to or that link to `doc` (as
    _links_to either way), other than the document's own page."""
    found = set(by_link.get(_url_key(doc.url), ()))
    for link_key in {_url_key(u) for u in doc.links}:
        found.update(by_url.get(link_key, ()))
    return sorted(n for n in found if interps[n].url != doc.url)


def pair_documents(
    documents: Iterable[Post], interpretations: Iterable[Post], threshold: float = 0.8
) -> list[Pair]:
    """For each document, the 解读 that names it best (title similarity ≥ threshold, the
    same document number) or that links to it / is linked from it. A link wins over a
    title; among titles the highest score wins, then the 解读 closest in date."""
    return _Pairing(list(interpretations)).pairs(documents, threshold)


class _Pairing:
    """`pair_documents` against one list of 解读: each document is paired on its own, so
    a document's pair is worked out once for all the rules that ask (see `_pairing`)."""

    def __init__(self, interps: list[Post]):
        self.interps = interps
        self.by_url, self.by_link = _url_index(interps)
        self.done: dict[tuple[int, float], Pair] = {}  # (id of the document, threshold) -> its pair

    def pairs(self, documents: Iterable[Post], threshold: float) -> list[Pair]:
        out = []
        for doc in documents:
            pair = self.done.get((id(doc), threshold))
            if pair is None or pair.document is not doc:
                pair = self.done[id(doc), threshold] = self._pair(doc, threshold)
            out.append(pair)
        return out

    def _pair(self, doc: Post, threshold: float) -> Pair:
        interps = self.interps
        # A link (score 2) beats every title (at most 1): with a linked 解读 the titles
        # need not be compared.
        linked = _linked(doc, interps, self.by_url, self.by_link)
        if linked:
            found = [(interps[n], 2.0, "链接") for n in linked]
        else:
            found = _title_matches(doc, interps, threshold)
        best: tuple[float, int, Post, str] | None = None
        for interp, score, how in found:
            gap = abs((interp.date - doc.date).days) if interp.date and doc.date else 10**6
            cand = (score, -gap, interp, how)
            if best is None or cand[:2] > best[:2]:
                best = cand
        if best is None:
            return Pair(doc, None)
        return Pair(doc, best[2], best[3], min(best[0], 1.0))


# The pairing of the columns last asked about (a unit's pairing rules, `paired` and
# `consistent`, run one after another on the same columns): (the posts lists the 解读 were
# taken from, kept so that they stay the same objects while it is used; its pairing).
_last_pairing: tuple[tuple[list[Post], ...], _Pairing] | None = None


def _pairing(sources: tuple[list[Post], ...], interps: list[Post]) -> _Pairing:
    """The `_Pairing` of `interps`, the 解读 `_setup` took from the posts lists `sources`
    (which decide them: those of the documents column by their titles, then all of the
    解读 column's when it was read)."""
    global _last_pairing
    last = _last_pairing
    if last is None or len(last[0]) != len(sources) or any(a is not b for a, b in zip(last[0], sources)):
        last = _last_pairing = (sources, _Pairing(interps))
    return last[1]


def _title_matches(doc: Post, interps: list[Post], threshold: float) -> list[tuple[Post, float, str]]:
    """(解读, score, how) of each 解读 whose title names `doc` with a score ≥ threshold, in
    the order given; a pair that cannot reach it (_may_reach) is not scored."""
    found = []
    doc_shape = _document_shape(doc.title)
    for interp in interps:
        if interp.url == doc.url or not _may_reach(doc_shape, _interpretation_shape(interp.title), threshold):
            continue
        score, how = title_score(doc, interp, threshold)
        if not score < threshold:
            found.append((interp, score, how))
    return found


# ------------------------------------------------------------------------------ params

SERVICE_WORDS = (
    "低保", "最低生活保障", "救助", "特困", "补贴", "补助", "津贴", "办理", "申请", "服务", "办事",
    "医疗", "医保", "养老", "就业", "创业", "社保", "社会保险", "住房", "公积金", "入学", "教育",
    "残疾", "优抚", "审批", "许可", "登记", "证照", "收费", "减免", "奖励", "资助",
)
NORMATIVE_WORDS = ("规范性文件", "办法", "规定", "细则", "规则", "实施意见", "若干措施", "暂行")
_NORMATIVE_NUMBER = re.compile(r"规[\[(]\d{4}[\])]")
# whether a title holds any of the words (one search instead of a test per word)
_RE_SERVICE_WORD = re.compile("|".join(map(re.escape, SERVICE_WORDS)))
_RE_NORMATIVE_WORD = re.compile("|".join(map(re.escape, NORMATIVE_WORDS)))


class PairingParams(Params):
    documents_column: ColumnSpec = ColumnSpec(name="政策文件", synonyms=["政府文件", "部门文件", "规范性文件"])
    interpretations_column: ColumnSpec = ColumnSpec(name="政策解读", synonyms=["解读回应", "政策解读与回应"])
    only: Literal["all", "规范性文件", "services"] = "all"
    keywords: list[str] | None = None  # overrides the words `only` filters titles by
    since: Window = window_field()
    threshold: float = Field(default=0.8, ge=0.5, le=1.0)

    def wants(self, post: Post) -> bool:
        title = normalize(post.title)
        if self.keywords is not None:
            return any(normalize(w) in title for w in self.keywords)
        if self.only == "规范性文件":
            return bool(_NORMATIVE_NUMBER.search(title) or _RE_NORMATIVE_WORD.search(title))
        if self.only == "services":
            return _RE_SERVICE_WORD.search(title) is not None
        return True

    def selection(self) -> str:
        if self.keywords is not None:
            return f"标题含{'、'.join(self.keywords)}的"
        return {"all": "", "规范性文件": "规范性", "services": "涉及办事服务的"}[self.only]


class PairedParams(PairingParams):
    max_gap_workdays: int = Field(default=3, ge=0)
    gap_status: Literal["warn", "fail"] = "warn"
    require_links: bool = True


@dataclass
class _Setup:
    pairs: list[Pair]
    span: Span
    label_docs: str
    label_interps: str
    note: str  # said in failure messages (e.g. the 解读 column is missing)
    undated: int  # documents skipped for having no date
    foreign: int = 0  # documents of other issuers (转载, higher levels), not checked
    # the interpretations column stopped at the page cap: (the oldest date read, why)
    interps_cut: tuple[dt.date, str] | None = None


def _setup(ctx: CheckContext, params: PairingParams) -> _Setup | Outcome:
    """Pairs of the documents in the window, or the `unknown` outcome that stops the check."""
    cols = ctx.evidence.columns
    if cols is None:
        return unknown(NO_COLUMNS)
    hit_docs = find_column(cols, params.documents_column)
    if hit_docs is None:
        return unknown(f"{not_found_message(cols, params.documents_column)}，无法核验政策解读")
    label_d, col_d = hit_docs
    problem = fetch_problem(label_d, col_d)
    if problem:
        return unknown(f"{problem}，无法核验政策解读")
    hit_i = find_column(cols, params.interpretations_column)
    note = ""
    # the documents column's posts: 解读 (by their titles) and documents
    interps: list[Post] = []
    docs: list[Post] = []
    for p in col_d.posts:
        (interps if looks_like_interpretation(p.title) else docs).append(p)
    label_i = params.interpretations_column.name
    interps_cut = None
    sources: tuple[list[Post], ...] = (col_d.posts,)  # what `interps` is made of
    if hit_i is None:
        note = f"（{not_found_message(cols, params.interpretations_column)}）"
    else:
        label_i, col_i = hit_i
        problem = fetch_problem(label_i, col_i)
        if problem and col_i.status in ("unreachable", "unread", "not_crawled"):
            return unknown(f"{problem}，无法核验政策解读")
        if problem:
            note = f"（{problem}）"
        else:
            interps += col_i.posts
            sources += (col_i.posts,)
            reach = listing_reach(col_i)
            if reach is not None:
                interps_cut = (reach, cut_note(label_i, col_i))
    span = resolve(params.since, ctx.as_of, ctx.plan_year)
    local = local_areas(ctx.unit.all_names())
    own: list[Post] = []
    foreign = 0  # in the window
    for p in docs:
        if not params.wants(p):
            continue
        if other_issuer(p.title, local):
            foreign += span.contains(p.date)
        else:
            own.append(p)
    undated = sum(1 for p in own if p.date is None) if span.dated_only else 0
    docs = [p for p in own if span.contains(p.date)]
    pairs = _pairing(sources, interps).pairs(docs, params.threshold)
    return _Setup(pairs, span, label_d, label_i, note, undated, foreign, interps_cut)


def _empty_message(s: _Setup, params: PairingParams) -> str:
    msg = f"{s.span.label}“{s.label_docs}”栏目没有{params.selection()}政策文件，无需配套解读"
    if s.undated:
        msg += f"（另有{s.undated}篇无发布日期，未核验）"
    if s.foreign:
        msg += f"（另有{s.foreign}篇为上级或其他机关的文件，不要求本单位解读）"
    return msg


def _title(title: str) -> str:
    """《title》, or “title” when the title itself holds 《》."""
    return f"“{title}”" if "《" in title or "》" in title else f"《{title}》"


def _doc_name(p: Post) -> str:
    when = p.date.isoformat() if p.date else "无发布日期"
    return f"{_title(p.title)}（{when}）"


# ------------------------------------------------------------------ interpretation.paired


@check_kind("interpretation.paired", PairedParams, needs="columns")
def interpretation_paired(ctx: CheckContext, params: PairedParams) -> Iterator[Outcome]:
    """政策文件配套解读：每个政策文件都有解读，与文件同步发布，并相互链接。

    参数：
      documents_column: 政策文件栏目，默认“政策文件”（或：政府文件、部门文件、规范性文件）。
      interpretations_column: 解读栏目，默认“政策解读”（或：解读回应、政策解读与回应）。
      only: all（默认，全部文件）| 规范性文件（标题含办法、规定、细则、实施意见等，或文号含“规”）
            | services（标题涉及低保、救助、补贴、办理、申请等办事服务）。
      keywords: 自定义标题关键词，给出时代替 only 的筛选。
      since: 核验哪段时间发布的文件，默认 plan_year（计划年度）；也可 any 或 {from, to}。
      threshold: 标题相似度阈值，默认 0.8。
      max_gap_workdays: 文件与解读发布相隔的最多工作日数，默认 3（国家未规定天数，按
                        “同步发布”取同日至 3 个工作日，可调整）。工作日按国务院节假日安排计算。
      gap_status: 超过间隔时的结论，warn（默认）或 fail。
      require_links: 是否核验文件与解读相互链接（需采集正文），默认 true。

    配对：解读标题中的《文件名》，或去掉“关于”“印发”“的通知”、文号后的文件名，与文件标题
    相似（≥ threshold）；标题含相同文号；或两页正文之间有链接。“政策文件”栏目中标题含
    解读、问答、一图读懂等的信息也算解读。两个名称只差开头的地名（《山东省最低生活保障
    审核确认办法》与《邹城市最低生活保障审核确认办法》政策解读）是两个机关的文件，不配对。

    上级或其他机关的文件不要求本单位解读，不在核验之列：标题注明“（转载）”，或发文机关
    （标题中“关于”之前的部分）是国家机关、省级机关，或是本单位所在地（如单位别名
    “邹城市民政局”中的“邹城市”）以外的地方（如“济宁市人民政府办公室关于……”）。
    这些文件由发文机关解读。

    判定（每个文件一条，记录为文件网址）：找不到解读 → 不通过；解读与文件相隔超过
    max_gap_workdays 个工作日 → 提醒（或不通过）；要求链接时另出一条：两页正文都已采集
    而未相互链接 → 提醒，正文未采集 → 无法核验。任一栏目无法访问或尚未采集 → 无法核验。
    解读栏目抓到翻页上限（max_pages）为止、读到的解读都晚于该文件而未找到解读 → 无法核验。

    通过的例子：文件《邹城市最低生活保障审核确认办法》2024-06-03 发布，“政策解读”栏目
    2024-06-04 有《邹城市最低生活保障审核确认办法》政策解读，两页互相链接。
    不通过的例子：2024 年发布的《关于调整城乡低保标准的通知》在解读栏目中找不到对应解读。
    """
    s = _setup(ctx, params)
    if isinstance(s, Outcome):
        yield s
        return
    if not s.pairs:
        yield passed(_empty_message(s, params))
        return
    for pair in s.pairs:
        doc, interp = pair.document, pair.interpretation
        record = doc.url
        if interp is None and s.interps_cut is not None and (doc.date is None or doc.date <= s.interps_cut[0]):
            # its interpretation, published with it or later, may be on a page not read
            yield unknown(
                f"{_doc_name(doc)}在已读取的解读中未找到对应解读；{s.interps_cut[1]}，无法确认",
                [post_ref(doc)],
                record=record,
                fix=CUT_FIX,
            )
        elif interp is None:
            yield failed(
                f"{_doc_name(doc)}未找到对应的政策解读{s.note}",
                [post_ref(doc)],
                record=record,
                fix=f"在“{s.label_interps}”栏目同步发布该文件的解读，标题写明《文件名》，并与文件相互链接",
            )
        else:
            yield _timing(pair, params, s)
        if params.require_links and interp is not None:
            yield _linking(pair, s)


def _timing(pair: Pair, params: PairedParams, s: _Setup) -> Outcome:
    doc, interp = pair.document, pair.interpretation
    refs = [post_ref(doc), post_ref(interp)]
    found = f"{_doc_name(doc)}的解读为{_title(interp.title)}（按{pair.how}对应）"
    if doc.date is None or interp.date is None:
        which = "解读" if interp.date is None else "文件"
        return passed(f"{found}；{which}无发布日期，未核验发布间隔", refs, record=doc.url)
    gap = workdays_between(doc.date, interp.date)
    note = calendar_note(min(doc.date, interp.date), max(doc.date, interp.date))
    note = f"（{note}）" if note else ""
    if gap == 0:
        when = "同日发布" if doc.date == interp.date else "相隔0个工作日"
    elif gap > 0:
        when = f"解读晚于文件{gap}个工作日（文件{doc.date.isoformat()}，解读{interp.date.isoformat()}）"
    else:
        when = f"解读早于文件{-gap}个工作日（解读{interp.date.isoformat()}，文件{doc.date.isoformat()}）"
    if abs(gap) > params.max_gap_workdays:
        msg = f"{found}，{when}，超过{params.max_gap_workdays}个工作日，未同步发布{note}"
        fix = "政策文件与解读应同步发布"
        if params.gap_status == "fail":
            return failed(msg, refs, record=doc.url, fix=fix)
        return warned(msg, refs, record=doc.url, fix=fix)
    return passed(f"{found}，{when}{note}", refs, record=doc.url)


def _linking(pair: Pair, s: _Setup) -> Outcome:
    doc, interp = pair.document, pair.interpretation
    refs = [post_ref(doc), post_ref(interp)]
    record = f"{doc.url}#链接"
    if doc.body is None or interp.body is None:
        which = "、".join(n for n, p in (("文件", doc), ("解读", interp)) if p.body is None)
        return unknown(f"{_doc_name(doc)}：未采集到{which}正文，无法核验文件与解读是否相互链接", refs, record=record)
    d2i, i2d = _links_to(doc, interp), _links_to(interp, doc)
    if d2i and i2d:
        return passed(f"{_doc_name(doc)}与解读{_title(interp.title)}相互链接", refs, record=record)
    missing = []
    if not d2i:
        missing.append("文件页未链接解读")
    if not i2d:
        missing.append("解读页未链接文件")
    return warned(
        f"{_doc_name(doc)}与解读{_title(interp.title)}未相互链接：{'，'.join(missing)}",
        refs,
        record=record,
        fix="在文件页面加“相关解读”链接，在解读页面加“原文链接”",
    )


# -------------------------------------------------------------- interpretation.consistent

FactKind = Literal["amount", "percent", "ratio", "date", "time_limit", "age", "phone"]
ALL_KINDS: tuple[str, ...] = ("amount", "percent", "ratio", "date", "time_limit", "age", "phone")
KIND_ZH = {
    "amount": "金额",
    "percent": "比例",
    "ratio": "倍数",
    "date": "日期",
    "time_limit": "时限",
    "age": "年龄条件",
    "phone": "电话",
}


class ConsistentParams(PairingParams):
    kinds: list[FactKind] = Field(default_factory=lambda: list(ALL_KINDS), min_length=1)
    extra_status: Literal["warn", "pass"] = "warn"  # facts only the 解读 states


@dataclass(frozen=True)
class Disagreement:
    stated: Fact  # in the 解读
    actual: Fact  # in the document


@dataclass
class Comparison:
    agreed: list[Fact]
    disagreements: list[Disagreement]
    extra: list[Fact]  # stated in the 解读, not found in the document


def _role_class(f: Fact) -> str:
    if f.kind == "date":
        return f.role or ""
    return f.role if f.role in ("old", "delta") else "current"


def _subjects_match(a: Fact, b: Fact) -> bool:
    ka, kb = a.subject_key, b.subject_key
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    pair = {ka, kb}
    if "城乡低保标准" in pair and pair & {"城市低保标准", "农村低保标准"}:
        return True
    threshold = 0.6 if a.kind == "time_limit" else 0.75
    return _subject_similarity(ka, kb) >= threshold


# `similarity` of two subject keys, remembered: documents and their 解读 name the same
# few subjects (低保标准, 作出决定 …), and every fact of a 解读 is compared with every
# fact of its document.
_subject_similarity = lru_cache(maxsize=16384)(similarity)


def _same_value(a: Fact, b: Fact) -> bool:
    va, vb = a.value, b.value
    if a.kind == "amount":
        return va.yuan == vb.yuan and (va.per is None or vb.per is None or va.per == vb.per)
    if a.kind in ("percent", "ratio"):
        return va.value == vb.value
    if a.kind == "time_limit":
        return va.amount == vb.amount and va.unit == vb.unit
    if a.kind == "age":
        return va.years == vb.years and va.bound == vb.bound
    if a.kind == "phone":
        return va.same(vb)
    return va == vb


def _comparable(a: Fact, b: Fact) -> bool:
    """Could b be the document's statement of the same thing a states?"""
    if a.kind != b.kind or _role_class(a) != _role_class(b):
        return False
    if a.kind == "amount" and a.value.per and b.value.per and a.value.per != b.value.per:
        return False
    return True


def _strong(a: Fact, b: Fact, one_phone_each: bool) -> bool:
    """b is certainly about what a is about (so a differing value is a contradiction).
    `one_phone_each`: the 解读 and the document each state one phone number."""
    if not _comparable(a, b):
        return False
    if _subjects_match(a, b):
        return True
    if a.kind == "date" and a.role == "effective" and b.role == "effective":
        return True
    if a.kind == "phone":
        # one number on each side: the 解读 restates the document's contact line
        return one_phone_each
    return False


def _checked(f: Fact, kinds: set[str]) -> bool:
    """Whether compare_facts checks this fact of a 解读 (a date only with a role)."""
    return f.kind in kinds and not (f.kind == "date" and f.role is None)


def compare_facts(interp_facts: list[Fact], doc_facts: list[Fact], kinds: Iterable[str] = ALL_KINDS) -> Comparison:
    """Check every fact the 解读 states against the document's facts.

    A fact agrees when the document states the same value for a comparable fact (same
    kind, role and unit; the same subject when the document says what it is about); it
    disagrees when the document states the same thing (same subject, or the one
    effective date / the one phone number of each) with another value; else it is extra.
    A change the 解读 states (提高40元, 增长4.5%) also agrees when the document gives the
    old and new values it follows from. Dates with no role (a publication date told as
    background) are not compared.
    """
    kinds = set(kinds)
    result = Comparison([], [], [])
    seen: set[tuple] = set()
    one_phone_each = sum(f.kind == "phone" for f in interp_facts) == 1 and sum(f.kind == "phone" for f in doc_facts) == 1
    doc_by_kind: dict[str, list[Fact]] = {}  # only a fact of the same kind is comparable
    for g in doc_facts:
        doc_by_kind.setdefault(g.kind, []).append(g)
    for f in interp_facts:
        if not _checked(f, kinds):
            continue
        sig = (f.kind, f.subject_key, str(f.value), f.role)
        if sig in seen:
            continue
        seen.add(sig)
        same_kind = doc_by_kind.get(f.kind, ())
        strong = [g for g in same_kind if _strong(f, g, one_phone_each)]
        if strong:
            if any(_same_value(f, g) for g in strong):
                result.agreed.append(f)
            else:
                result.disagreements.append(Disagreement(f, strong[0]))
            continue
        if any(_comparable(f, g) and _same_value(f, g) for g in same_kind) or _delta_follows(f, doc_facts):
            result.agreed.append(f)
        else:
            result.extra.append(f)
    return result


def _delta_follows(f: Fact, doc_facts: list[Fact]) -> bool:
    """A stated change (提高40元 / 增长4.5%) equals new − old of the document's figures."""
    if f.role != "delta" or f.kind not in ("amount", "percent"):
        return False
    amounts = [g for g in doc_facts if g.kind == "amount" and g.subject_key and (not f.subject_key or _subjects_match(f, g))]
    for old in (g for g in amounts if g.role == "old"):
        for new in (g for g in amounts if g.role == "new" and g.subject_key == old.subject_key and g.sentence == old.sentence):
            diff = new.value.yuan - old.value.yuan
            if f.kind == "amount" and diff == f.value.yuan:
                return True
            if f.kind == "percent" and old.value.yuan:
                pct = diff / old.value.yuan * 100
                places = -f.value.value.as_tuple().exponent if f.value.value.as_tuple().exponent < 0 else 0
                if round(pct, places) == f.value.value:
                    return True
    return False


def _said(f: Fact) -> str:
    """What a fact says, with what it is about: 城市低保标准每人每月900元 · 15个工作日内完成调查核实."""
    subject = f.subject or ""
    shown = f.shown()
    if not subject or shown.startswith(subject):
        return shown
    if f.sentence.find(subject, f.sentence.find(f.text)) > f.sentence.find(f.text) >= 0:
        return f"{shown}{subject}"  # the action after a time limit
    return f"{subject}{shown}"


def _quote_ref(post: Post, f: Fact) -> EvidenceRef:
    ref = post_ref(post)
    return ref.model_copy(update={"quote": f.sentence})


@check_kind("interpretation.consistent", ConsistentParams, needs="columns")
def interpretation_consistent(ctx: CheckContext, params: ConsistentParams) -> Iterator[Outcome]:
    """解读与文件一致（任务36）：解读中的金额、比例、日期、时限、年龄条件、电话与文件一致。

    参数：与 interpretation.paired 相同的 documents_column、interpretations_column、only、
    keywords、since、threshold（配对方法相同），另加：
      kinds: 核对哪些内容，默认全部：amount（金额，含计量单位如元/人·月）、percent（比例）、
             ratio（倍数）、date（日期，如执行日期）、time_limit（时限，区分工作日与自然日）、
             age（年龄条件，以上/以下含本数，未满/超过不含）、phone（电话）。
      extra_status: 解读有而文件未提及的内容如何处理，warn（默认）或 pass。

    配对方法和不核验的上级、其他机关文件与 interpretation.paired 相同。

    判定：每个找到解读的文件，从两者正文中提取上述内容，按“说的是什么”（如城市低保标准、
    作出审批决定的时限）对应比较。同一事项数值不同 → 不通过，每处一条，说明两边的原话并
    引用两边的句子；解读有、文件未提及 → 提醒（一条列出）；都一致 → 通过。
    没有解读的文件由 interpretation.paired 报告，这里不重复。文件或解读正文未采集 → 无法核验。

    通过的例子：文件“城市低保标准由每人每月880元提高到920元”，解读“城市低保标准提高到每人每月920元”。
    不通过的例子：解读称“城市低保标准每人每月900元”，文件为“每人每月920元”。
    """
    s = _setup(ctx, params)
    if isinstance(s, Outcome):
        yield s
        return
    paired = [p for p in s.pairs if p.interpretation is not None]
    if not paired:
        if not s.pairs:
            yield passed(_empty_message(s, params))
        else:
            yield passed(
                f"{s.span.label}{len(s.pairs)}篇政策文件都未找到解读，无内容可核对（缺少解读见 interpretation.paired）"
            )
        return
    for pair in paired:
        yield from _consistency(pair, params)


@lru_cache(maxsize=512)
def _facts(text: str) -> tuple[Fact, ...]:
    """extract_facts, once per text: a unit's several consistency rules (one a domain)
    read the same documents."""
    return tuple(extract_facts(text))


def _consistency(pair: Pair, params: ConsistentParams) -> Iterator[Outcome]:
    doc, interp = pair.document, pair.interpretation
    refs = [post_ref(doc), post_ref(interp)]
    missing = [n for n, p in (("文件", doc), ("解读", interp)) if not p.body]
    if missing:
        yield unknown(
            f"{_doc_name(doc)}：未采集到{'、'.join(missing)}正文，无法核对解读与文件是否一致",
            refs,
            record=doc.url,
        )
        return
    interp_facts = _facts(interp.body)
    kinds = set(params.kinds)
    # The document's facts are read only when the 解读 states something to check
    # against them (else the comparison is empty whatever the document says).
    doc_facts = _facts(doc.body) if any(_checked(f, kinds) for f in interp_facts) else ()
    cmp = compare_facts(interp_facts, doc_facts, kinds)
    head = f"解读{_title(interp.title)}与文件{_doc_name(doc)}"
    for d in cmp.disagreements:
        yield failed(
            f"{head}不一致：解读称“{_said(d.stated)}”，文件为“{_said(d.actual)}”",
            [_quote_ref(interp, d.stated), _quote_ref(doc, d.actual)],
            record=f"{doc.url}#{d.stated.kind}:{d.stated.subject_key or ''}:{d.stated.value}",
            fix="按文件原文更正解读中的内容",
        )
    if cmp.extra and params.extra_status == "warn":
        listed = "；".join(f"{KIND_ZH[f.kind]}“{_said(f)}”" for f in cmp.extra[:MAX_LISTED])
        more = f"等{len(cmp.extra)}处" if len(cmp.extra) > MAX_LISTED else ""
        yield warned(
            f"{head}：解读中的{listed}{more}在文件中未找到，请核实",
            [_quote_ref(interp, f) for f in cmp.extra[:MAX_LISTED]] + [post_ref(doc)],
            record=f"{doc.url}#未见于文件",
        )
    if not cmp.disagreements:
        if cmp.agreed:
            listed = "、".join(f"“{_said(f)}”" for f in cmp.agreed[:MAX_LISTED])
            more = f"等{len(cmp.agreed)}项" if len(cmp.agreed) > MAX_LISTED else ""
            yield passed(f"{head}一致：{listed}{more}与文件相符", refs, record=doc.url)
        elif not cmp.extra:
            yield passed(f"{head}：解读未含可核对的金额、比例、日期、时限、年龄或电话", refs, record=doc.url)
