"""Check kind standards.published (task 17): the social-assistance standards are published
with amount, unit and effective date, adjusted in time and never silently lowered.

《社会救助暂行办法》第十条: the 最低生活保障标准 is set and published by the province or
the districted city and adjusted in time with living costs. Urban standards are stated in
元/人·月, rural ones in 元/人·年 or 元/人·月; a year's adjustment names its effective date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, model_validator

from gkcheck.checks._columns import (
    NO_COLUMNS,
    ColumnSpec,
    fetch_problem,
    find_column,
    post_ref,
)
from gkcheck.checks._window import Window, resolve, window_field
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
from gkcheck.model import CatalogItem, EvidenceRef, Post
from gkcheck.text.facts import (
    SUBJECT_SYNONYMS,
    Amount,
    Fact,
    extract_facts,
    sentences,
    subject_key,
)
from gkcheck.text.normalize import key, similarity


class StandardSpec(Params):
    """A standard a rule asks for: `name` and optional `synonyms` (a plain string is a name)."""

    name: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"name": data}
        return data

    def names(self) -> list[str]:
        """The rule's names plus the known synonyms of a known standard."""
        out = [self.name, *self.synonyms]
        canon = subject_key(self.name)
        for extra in (canon, *SUBJECT_SYNONYMS.get(canon, ())) if canon in SUBJECT_SYNONYMS else ():
            if extra not in out:
                out.append(extra)
        return out

    def keys(self) -> set[str]:
        return {subject_key(n) for n in self.names()} | {key(n) for n in self.names()}


DEFAULT_STANDARDS = [
    StandardSpec(name="城市低保标准", synonyms=["城市居民最低生活保障标准", "城市最低生活保障标准"]),
    StandardSpec(name="农村低保标准", synonyms=["农村居民最低生活保障标准", "农村最低生活保障标准"]),
    StandardSpec(name="特困人员基本生活标准", synonyms=["特困人员救助供养标准"]),
    StandardSpec(name="临时救助标准"),
]


class PublishedParams(Params):
    column: ColumnSpec = ColumnSpec(name="社会救助", synonyms=["城乡低保", "最低生活保障", "社会救助信息"])
    standards: list[StandardSpec] = Field(default_factory=lambda: [s.model_copy() for s in DEFAULT_STANDARDS], min_length=1)
    effective_within: Window = window_field()
    also_catalog: bool = False
    max_age_days: int = Field(default=365, ge=1)  # not adjusted for longer than this
    stale_status: Literal["warn", "fail"] = "warn"


# ------------------------------------------------------------------------------ reading


@dataclass
class Mention:
    """Where a standard was read: one post (or catalog row) and what it said about it."""

    ref: EvidenceRef
    date: dt.date | None  # the post's publication date
    found_name: bool = False  # the standard's name occurs in the text
    amount: Fact | None = None  # the current amount stated for it
    # A standard set as a multiple of another (临时救助标准按城市低保月标准的1至6倍确定):
    # published, but with no amount of its own to compare across years.
    relative: Fact | None = None
    old: Fact | None = None  # a former amount (由…提高到…)
    effective: dt.date | None = None
    effective_fact: Fact | None = None
    name_sentence: str | None = None  # the first sentence naming the standard

    @property
    def complete(self) -> bool:
        if self.effective is None:
            return False
        return (self.amount is not None and self.amount.value.per is not None) or self.relative is not None

    @property
    def stated(self) -> Fact | None:
        """The fact that states the standard: its amount, else its multiple of another."""
        return self.amount or self.relative


@dataclass(frozen=True)
class _Terms:
    """What reading a text for one `StandardSpec` needs of it, worked out once per spec
    (a rule's params serve every unit, and every sentence and fact of every post is
    compared with them)."""

    names: tuple[str, ...]  # StandardSpec.names()
    name_keys: tuple[str, ...]  # the key of each name
    keys: frozenset[str]  # StandardSpec.keys()
    urban_or_rural: bool  # the urban or the rural 低保标准: 城乡低保标准 names it too


_TERMS: dict[tuple[str, tuple[str, ...]], _Terms] = {}


def _terms(spec: StandardSpec) -> _Terms:
    """The `_Terms` of `spec` (remembered by its name and synonyms)."""
    by = (spec.name, tuple(spec.synonyms))
    terms = _TERMS.get(by)
    if terms is None:
        names = tuple(spec.names())
        keys = frozenset(spec.keys())
        terms = _TERMS[by] = _Terms(names, tuple(map(key, names)), keys, bool(keys & _URBAN_AND_RURAL))
    return terms


_URBAN_AND_RURAL = frozenset({"城市低保标准", "农村低保标准"})
_URBAN_RURAL_KEYS = tuple(key(n) for n in ("城乡低保标准", *SUBJECT_SYNONYMS["城乡低保标准"]))


def _about(f: Fact, terms: _Terms) -> bool:
    """Whether the fact is about the standard whose terms are `terms`."""
    if not f.subject:
        return False
    sk = f.subject_key
    if sk in terms.keys:
        return True
    # 城乡低保标准统一提高到每人每月920元: one figure for both urban and rural
    if sk == "城乡低保标准" and terms.urban_or_rural:
        return True
    return _similar_to_any(f.subject, terms.names)


@lru_cache(maxsize=16384)
def _similar_to_any(subject: str, names: tuple[str, ...]) -> bool:
    """Whether `subject` is at least 0.85 similar to one of `names` (remembered: posts
    name the same few subjects)."""
    return any(similarity(subject, n) >= 0.85 for n in names)


def _key_names(k: str, terms: _Terms, loose: bool = True) -> bool:
    """Whether a text whose key is `k` names the standard (with `loose`, 城乡低保标准
    names the urban and rural ones)."""
    if any(nk and nk in k for nk in terms.name_keys):
        return True
    if loose and terms.urban_or_rural:
        return any(uk in k for uk in _URBAN_RURAL_KEYS)
    return False


def _sentence_keys(text: str) -> list[tuple[str, str]]:
    """(sentence, its key) of each sentence of `text`, for `_read`."""
    return [(sent, key(sent)) for sent, _ in sentences(text)]


def _read(
    text: str,
    facts: list[Fact],
    ref: EvidenceRef,
    date: dt.date | None,
    spec: StandardSpec,
    sentence_keys: list[tuple[str, str]] | None = None,
) -> Mention:
    """What `text` (whose facts are `facts`, whose sentences and their keys are
    `sentence_keys` when given) says about the standard `spec`."""
    m = Mention(ref=ref, date=date)
    terms = _terms(spec)
    sents = sentence_keys if sentence_keys is not None else _sentence_keys(text)
    m.name_sentence = next((x for x, k in sents if _key_names(k, terms, loose=False)), None) or next(
        (x for x, k in sents if _key_names(k, terms)), None
    )
    m.found_name = m.name_sentence is not None
    effective_dates = [f for f in facts if f.kind == "date" and f.role == "effective"]
    for f in facts:
        if f.kind != "amount" or not _about(f, terms):
            continue
        m.found_name = True
        if f.role == "old":
            m.old = m.old or f
        elif f.current and m.amount is None:
            m.amount = f
    if m.amount is None:
        m.relative = next((f for f in facts if f.kind == "ratio" and _about(f, terms)), None)
        m.found_name = m.found_name or m.relative is not None
    if m.stated is not None:
        # the effective date of the same sentence, else the text's (新标准自…起执行)
        same = [d for d in effective_dates if d.sentence == m.stated.sentence]
        chosen = (same or effective_dates or [None])[0]
        if chosen is not None:
            m.effective, m.effective_fact = chosen.value, chosen
    return m


def _post_text(p: Post) -> str:
    return f"{p.title}。\n{p.body or ''}"


def _catalog_text(item: CatalogItem) -> str:
    parts = [item.level1, item.level2, item.level3, item.content, *item.extra.values()]
    return "。".join(x for x in parts if x)


def _catalog_ref(item: CatalogItem) -> EvidenceRef:
    return EvidenceRef(
        source="catalog",
        location=item.pos.location(),
        title=item.full_name,
        file=item.pos.file,
        sheet=item.pos.sheet,
        row=item.pos.row,
        quote=item.content or None,
    )


def _with_quote(ref: EvidenceRef, *facts: Fact | None) -> EvidenceRef:
    quotes = []
    for f in facts:
        if f is not None and f.sentence not in quotes:
            quotes.append(f.sentence)
    return ref.model_copy(update={"quote": " ".join(quotes) or ref.quote})


# ------------------------------------------------------------------------------ history


_UNIT_SEP = re.compile(r"[·./／⋅‧•・]")


def _per_of_unit(unit: str | None) -> str | None:
    """元/人·月 -> 人·月, 元/人/年 -> 人·年, 元/月 -> 月."""
    if not unit:
        return None
    u = str(unit).replace("元", "").replace("／", "/").strip().lstrip("/").strip("()（）")
    parts = [p for p in _UNIT_SEP.split(u.replace("/", "·")) if p]
    who = next((p for p in parts if p in ("人", "户")), None)
    when = next((p for p in parts if p in ("月", "年", "日", "次")), None)
    if who and when:
        return f"{who}·{when}"
    return who or when


@dataclass(order=True)
class Point:
    when: dt.date  # effective date, or 1 Jan of the year given
    yuan: Decimal = field(compare=False)
    per: str | None = field(compare=False)
    source: str = field(compare=False)  # Chinese: where the figure comes from


def _history_points(history: Any, spec: StandardSpec) -> list[Point]:
    table = (history or {}).get("standards") if isinstance(history, dict) else None
    if not isinstance(table, dict):
        return []
    keys = spec.keys()
    points = []
    for name, rows in table.items():
        if subject_key(str(name)) not in keys and key(str(name)) not in keys:
            continue
        for row in rows or []:
            if not isinstance(row, dict):
                continue
            try:
                yuan = Decimal(str(row.get("amount")).replace(",", ""))
                year = int(row.get("year"))
            except (InvalidOperation, TypeError, ValueError):
                continue
            when = row.get("effective")
            if isinstance(when, str):
                try:
                    when = dt.date.fromisoformat(when)
                except ValueError:
                    when = None
            if not isinstance(when, dt.date):
                when = dt.date(year, 1, 1)
            points.append(Point(when, yuan, _per_of_unit(row.get("unit")), f"{year}年（历史记录）"))
    return points


def _mention_points(mentions: list[Mention]) -> list[Point]:
    points = []
    for m in mentions:
        when = m.effective or m.date
        if m.amount is not None and when is not None:
            points.append(Point(when, m.amount.value.yuan, m.amount.value.per, f"《{m.ref.title}》"))
        if m.old is not None and m.amount is not None and when is not None:
            # 由880元提高到920元: 880 was in force before the new figure
            points.append(Point(when - dt.timedelta(days=1), m.old.value.yuan, m.old.value.per, f"《{m.ref.title}》所述调整前标准"))
    return points


def _amount_str(yuan: Decimal, per: str | None) -> str:
    return str(Amount(yuan, per))


# ------------------------------------------------------------------------------- check


@check_kind("standards.published", PublishedParams, needs="columns")
def standards_published(ctx: CheckContext, params: PublishedParams) -> Iterator[Outcome]:
    """社会救助标准公开（任务17）：每项标准公布了金额、计量单位和执行日期，在计划年度内
    调整，且没有下调。

    参数：
      column: 栏目，默认“社会救助”（或：城乡低保、最低生活保障、社会救助信息）。
      standards: 标准名称列表，每项是名称或 {name, synonyms}；默认 城市低保标准（城市居民
                 最低生活保障标准）、农村低保标准、特困人员基本生活标准（特困人员救助供养标准）、
                 临时救助标准。常见的别称自动识别。
      effective_within: 执行日期应落在的时间窗口，默认 plan_year（计划年度）。
      also_catalog: 同时在主动公开目录的事项（如“办事指南”）中查找，默认 false。
      max_age_days: 距最近一次执行日期超过多少天算未及时调整，默认 365。
      stale_status: 未及时调整时的结论，warn（默认）或 fail。

    判定（每项标准一条，引用读到的句子）：栏目信息（标题和正文）中找到该标准，带金额、
    单位（如元/人·月、元/人·年）和执行日期（如“自2024年7月1日起执行”），执行日期在窗口内
    → 通过；找到但缺金额、单位或执行日期 → 不通过并说明缺什么；执行日期不在窗口内 → 不通过；
    找不到 → 不通过；比上一次（历史记录 history.standards，或栏目中更早的信息、“由…提高到…”
    中的原标准）下调 → 不通过；最近一次执行日期距检查日超过 max_age_days 天 → 提醒（或不通过）。
    栏目无法访问或尚未采集 → 无法核验。

    通过的例子：《关于提高2024年城乡低保标准的通知》：“城市低保标准由每人每月880元提高到
    920元……新标准自2024年7月1日起执行。”
    不通过的例子：只有“我市城市低保标准已提高”，没有金额和执行日期。
    """
    ev = ctx.evidence
    if ev.columns is None and not (params.also_catalog and ev.catalogs):
        yield unknown(NO_COLUMNS)
        return
    posts: list[Post] = []
    where = f"“{params.column.name}”栏目"
    column_note = ""
    hit = find_column(ev.columns or {}, params.column)
    if hit is None:
        column_note = f"（未找到栏目{params.column.quoted()}）"
    else:
        label, col = hit
        where = f"“{label}”栏目"
        problem = fetch_problem(label, col)
        if problem and col.status in ("unreachable", "unread", "not_crawled"):
            yield unknown(f"{problem}，无法核验社会救助标准是否公开")
            return
        if problem:
            column_note = f"（{problem}）"
        posts = [p for p in col.posts if p.date is None or p.date <= ctx.as_of]
    items = [i for c in (ev.catalogs or []) for i in c.items] if params.also_catalog else []
    if params.also_catalog:
        where += "和主动公开目录"
    span = resolve(params.effective_within, ctx.as_of, ctx.plan_year)
    # newest first, undated last
    posts.sort(key=lambda p: p.date or dt.date.min, reverse=True)

    # read every text once: (text, its facts, evidence, date)
    sources = [(t, extract_facts(t), post_ref(p), p.date) for p in posts for t in [_post_text(p)]]
    sources += [(t, extract_facts(t), _catalog_ref(i), None) for i in items for t in [_catalog_text(i)]]
    sentence_keys = [_sentence_keys(text) for text, *_ in sources]  # read once for every standard
    for spec in params.standards:
        mentions = [
            _read(text, facts, ref, date, spec, sents)
            for (text, facts, ref, date), sents in zip(sources, sentence_keys)
        ]
        yield _judge(spec, [m for m in mentions if m.found_name], ctx, params, span, where, column_note)


def _judge(spec, mentions, ctx, params, span, where, column_note) -> Outcome:
    name = spec.name
    record = name
    fix = f"在{where.split('和')[0]}发布本年度调整后的{name}，写明金额、计量单位（如元/人·月）和执行日期"
    if not mentions:
        return failed(f"{where}中未找到“{name}”{column_note}", record=record, fix=fix)
    complete = [m for m in mentions if m.complete]
    if not complete:
        best = max(mentions, key=lambda m: (m.stated is not None, m.effective is not None, m.date or dt.date.min))
        lacks = []
        if best.stated is None:
            lacks.append("金额")
        elif best.amount is not None and best.amount.value.per is None:
            lacks.append("计量单位（如元/人·月）")
        if best.effective is None:
            lacks.append("执行日期")
        quote = best.stated.sentence if best.stated is not None else best.name_sentence
        said = f"：“{quote.rstrip('。')}”" if quote else ""
        ref = best.ref.model_copy(update={"quote": quote or best.ref.quote})
        return failed(
            f"“{name}”见于《{best.ref.title}》{said}，但缺少{'、'.join(lacks)}",
            [ref],
            record=record,
            fix=fix,
        )
    # the standard in force: the latest effective date not after the audit date
    in_force = [m for m in complete if m.effective <= ctx.as_of] or complete
    current = max(in_force, key=lambda m: (m.effective, m.date or dt.date.min))
    if current.amount is None:
        return _judge_relative(name, current, ctx, params, span, record, fix)
    amount = current.amount.value
    said = f"“{name}”{_amount_str(amount.yuan, amount.per)}，自{current.effective.isoformat()}起执行（《{current.ref.title}》）"
    refs = [_with_quote(current.ref, current.amount, current.effective_fact)]
    problems: list[tuple[str, str]] = []  # (status, message)

    # lowered?
    earlier = [
        p
        for p in _history_points(ctx.evidence.history, spec) + _mention_points(complete + [m for m in mentions if m.old])
        if p.when < current.effective and (p.per is None or amount.per is None or p.per == amount.per)
    ]
    if earlier:
        prev = max(earlier)
        if amount.yuan < prev.yuan:
            problems.append(
                ("fail", f"比此前{prev.source}的{_amount_str(prev.yuan, prev.per)}下调了{_dec(prev.yuan - amount.yuan)}元")
            )
    if not span.contains(current.effective):
        problems.append(("fail", f"执行日期不在{span.label}内，{span.label}未见调整"))
    age = (ctx.as_of - current.effective).days
    if age > params.max_age_days:
        problems.append(
            (params.stale_status, f"距检查日{ctx.as_of.isoformat()}已{age}天未调整，超过{params.max_age_days}天")
        )
    if not problems:
        return passed(f"{said}：“{current.amount.sentence.rstrip('。')}”", refs, record=record)
    status = "fail" if any(s == "fail" for s, _ in problems) else "warn"
    msg = f"{said}，{'；'.join(m for _, m in problems)}"
    if status == "fail":
        return failed(msg, refs, record=record, fix=fix)
    return warned(msg, refs, record=record, fix=fix)


def _judge_relative(name, current: Mention, ctx, params, span, record, fix) -> Outcome:
    """A standard set as a multiple of another one: published if dated in the window."""
    fact = current.relative
    said = (
        f"“{name}”按{fact.text}确定（相对标准，无独立金额），自{current.effective.isoformat()}起执行"
        f"（《{current.ref.title}》）：“{fact.sentence.rstrip('。')}”"
    )
    refs = [_with_quote(current.ref, fact, current.effective_fact)]
    if not span.contains(current.effective):
        return failed(f"{said}；执行日期不在{span.label}内，{span.label}未见调整", refs, record=record, fix=fix)
    return passed(said, refs, record=record)


def _dec(d: Decimal) -> str:
    return format(d.normalize(), "f")
