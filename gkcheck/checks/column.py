"""Check kinds about a unit's web columns: column.exists, column.not_empty, column.fresh,
column.has_post, column.links_ok, and the site-level veto rule site.stale_columns.

All read `UnitEvidence.columns` (crawled before any check runs). A column that could not be
fetched is never judged empty or stale: those checks answer `unknown` with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from gkcheck.checks._columns import (
    CUT_FIX,
    NO_COLUMNS,
    ColumnSpec,
    column_memo,
    column_ref,
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
)
from gkcheck.model import Column, Post
from gkcheck.text.normalize import key, normalize


def _one_or_many(value):
    """Let a rule write a single column (`columns: 通知公告`) where a list is expected."""
    if isinstance(value, (str, dict)) and value != "all":
        return [value]
    return value


ColumnList = Annotated[list[ColumnSpec], BeforeValidator(_one_or_many)]
ColumnsParam = Annotated[list[ColumnSpec] | Literal["all"], BeforeValidator(_one_or_many)]

MAX_EVIDENCE = 20  # posts listed as evidence of one outcome


def _selected(ctx: CheckContext, columns: ColumnsParam) -> Iterator[tuple[ColumnSpec | None, str, Column | None]]:
    """(spec, label, column) for every column a rule asks about.

    With `all`, every crawled column of the unit (spec None). Otherwise one row per spec,
    column None when no crawled column matches it.
    """
    have = ctx.evidence.columns or {}
    if columns == "all":
        for label, col in have.items():
            if not col.homepage:  # the homepage is no column (site.homepage_fresh)
                yield None, label, col
        return
    for spec in columns:
        hit = find_column(have, spec)
        if hit is None:
            yield spec, spec.name, None
        else:
            yield spec, hit[0], hit[1]


def _record(spec: ColumnSpec | None, label: str) -> str:
    return spec.name if spec is not None else label


# --------------------------------------------------------------------------- column.exists


class ExistsParams(Params):
    columns: ColumnList = Field(min_length=1)


@check_kind("column.exists", ExistsParams, needs="columns")
def column_exists(ctx: CheckContext, params: ExistsParams) -> Iterator[Outcome]:
    """栏目是否设置：网站上设有规则要求的每个栏目。

    参数：
      columns: 栏目列表；每项是栏目名，或 {name: 栏目名, synonyms: [同义名, …]}。
               名称去掉空格、标点、全半角差异后比较；相近的名称只作提示，不算设置。

    判定：找到且已采集（或已配置待采集）→ 通过；未找到或未配置网址 → 不通过；
    栏目页无法访问 → 无法核验（附错误原因）；已配置但尚未采集 → 无法核验。

    通过的例子：columns: [{name: 政策解读, synonyms: [解读回应]}]，网站有“解读回应”栏目。
    不通过的例子：同样的参数，网站只有“政策文件”“通知公告”。
    """
    if ctx.evidence.columns is None:
        yield unknown(NO_COLUMNS)
        return
    have = ctx.evidence.columns
    for spec, label, col in _selected(ctx, params.columns):
        record = _record(spec, label)
        if col is None:
            yield failed(not_found_message(have, spec), record=record)
        elif col.status == "not_configured":
            yield failed(f"栏目“{label}”未配置网址，网站上未找到该栏目", [column_ref(label, col)], record=record)
        elif col.status in ("unreachable", "not_crawled"):
            yield unknown(f"{fetch_problem(label, col)}，无法核验是否设置", [column_ref(label, col)], record=record)
        else:
            yield passed(f"已设置栏目“{label}”", [column_ref(label, col)], record=record)


# ------------------------------------------------------------------------ column.not_empty


class NotEmptyParams(Params):
    columns: ColumnsParam = "all"


@check_kind("column.not_empty", NotEmptyParams, needs="columns")
def column_not_empty(ctx: CheckContext, params: NotEmptyParams) -> Iterator[Outcome]:
    """空白栏目：栏目里至少有一条信息。

    参数：
      columns: 栏目列表（同 column.exists），或 all（默认）= 本单位采集到的全部栏目。

    判定：一条信息都没有 → 不通过（空白栏目，《政府网站与政务新媒体检查指标》
    国办秘函〔2019〕19号）；栏目无法访问或尚未采集 → 无法核验；列表页打开了但没有读出
    任何信息、页面也未说明“暂无信息”“共0条”等（列表由脚本加载、版式未识别）→ 无法核验，
    不算空白；栏目未找到或未配置网址 → 无法核验（是否设置由 column.exists 检查）。
    无发布日期的信息也算内容。

    通过的例子：“通知公告”栏目有 3 条信息。
    不通过的例子：“政策解读”栏目采集成功，页面显示“暂无信息”。
    """
    if ctx.evidence.columns is None:
        yield unknown(NO_COLUMNS)
        return
    for spec, label, col in _selected(ctx, params.columns):
        record = _record(spec, label)
        if col is None:
            yield unknown(f"{not_found_message(ctx.evidence.columns, spec)}，无法判断是否空白", record=record)
            continue
        problem = fetch_problem(label, col)
        if problem:
            yield unknown(f"{problem}，无法判断是否空白", [column_ref(label, col)], record=record)
        elif not col.posts:
            yield failed(f"栏目“{label}”为空白栏目，没有任何信息", [column_ref(label, col)], record=record)
        else:
            yield passed(f"栏目“{label}”有{len(col.posts)}条信息", [column_ref(label, col)], record=record)


# ---------------------------------------------------------------------------- column.fresh


@dataclass(frozen=True)
class Category:
    name: str
    days: int
    words: tuple[str, ...]  # a column whose name contains one of these belongs here


# Update periods of 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号): 动态/要闻 2 weeks,
# 通知公告 and 政策文件 6 months (taken as 183 days), 人事 and 规划计划 1 year. The first
# category whose word occurs in the column name wins, so the order matters.
CATEGORIES: tuple[Category, ...] = (
    Category("人事", 365, ("人事", "任免")),
    Category("规划计划", 365, ("规划", "计划")),
    Category("政策文件", 183, ("政策文件", "规范性文件", "政府文件", "部门文件", "政策法规")),
    Category("通知公告", 183, ("通知", "公告")),
    Category("动态要闻", 14, ("动态", "要闻")),
)
OTHER = "其他"
# Names a rule may use as keys of `max_age_days` to set a whole category.
CATEGORY_KEYS: dict[str, str] = {
    "人事": "人事",
    "规划计划": "规划计划",
    "规划": "规划计划",
    "计划": "规划计划",
    "政策文件": "政策文件",
    "通知公告": "通知公告",
    "动态要闻": "动态要闻",
    "动态": "动态要闻",
    "要闻": "动态要闻",
    "其他": OTHER,
}


@lru_cache(maxsize=4096)  # a province's units share a few dozen column names
def category_of(name: str) -> Category | None:
    k = key(name)
    for cat in CATEGORIES:
        if any(key(w) in k for w in cat.words):
            return cat
    return None


class FreshParams(Params):
    columns: ColumnsParam = "all"
    # int: one limit for every selected column; mapping: by column name or category name.
    max_age_days: int | dict[str, int] | None = None
    default_days: int = Field(default=365, ge=1)

    @field_validator("max_age_days")
    @classmethod
    def _positive(cls, v):
        values = v.values() if isinstance(v, dict) else [v] if v is not None else []
        if any(x < 1 for x in values):
            raise ValueError("max_age_days 应为正整数（天）")
        return v

    def limit(self, label: str, spec: ColumnSpec | None) -> tuple[str, int]:
        """(category name, allowed age in days) for a column.

        Order: the spec's own max_age_days; max_age_days[column name]; a single
        max_age_days; max_age_days[category]; the category's default; default_days.
        """
        cat = category_of(label) or (category_of(spec.name) if spec else None)
        cat_name = cat.name if cat else OTHER
        if spec is not None and spec.max_age_days:
            return cat_name, spec.max_age_days
        table = self.max_age_days
        if isinstance(table, int):
            return cat_name, table
        if isinstance(table, dict):
            names = {key(label)} | ({key(n) for n in spec.names()} if spec else set())
            for k, days in table.items():
                if key(k) in names:
                    return cat_name, days
            for k, days in table.items():
                if CATEGORY_KEYS.get(k) == cat_name:
                    return cat_name, days
        if cat:
            return cat_name, cat.days
        return cat_name, self.default_days


FreshState = Literal[
    "fresh", "stale", "undated", "blank", "future_only", "dates_unread", "unreachable", "unread", "not_crawled",
    "not_configured",
]


@dataclass(frozen=True)
class Freshness:
    """How up to date one column was on the audit date."""

    label: str
    column: Column
    category: str
    max_age_days: int
    state: FreshState
    newest: Post | None = None  # newest post dated on or before the audit date
    age_days: int | None = None
    undated: int = 0  # posts without a date (never count as an update)
    future: int = 0  # posts dated after the audit date (ignored)
    # undated posts whose page, where their date would be read, failed to open: their date
    # is unknown, not absent (a fetch that failed is never taken for a missing date)
    dates_unread: int = 0

    @property
    def judged(self) -> bool:
        return self.state in ("fresh", "stale", "undated", "blank")


def assess_freshness(label: str, col: Column, as_of: dt.date, category: str, max_age_days: int) -> Freshness:
    """The shared freshness judgement of column.fresh and site.stale_columns."""

    def out(state: FreshState, **kw) -> Freshness:
        return Freshness(label, col, category, max_age_days, state, **kw)

    if col.status != "ok":
        return out(col.status)
    if not col.posts:
        return out("blank")
    newest, undated, future, dates_unread = _newest_post(col, as_of)
    if dates_unread and (newest is None or (as_of - newest.date).days > max_age_days):
        # one of them may be the newer post: not judged
        return out("dates_unread", newest=newest, undated=undated, future=future, dates_unread=dates_unread)
    if newest is None:
        if future:
            return out("future_only", undated=undated, future=future)
        return out("undated", undated=undated)
    age = (as_of - newest.date).days
    state: FreshState = "fresh" if age <= max_age_days else "stale"
    return out(state, newest=newest, age_days=age, undated=undated, future=future)


def _newest_post(col: Column, as_of: dt.date) -> tuple[Post | None, int, int, int]:
    """(the first post of the newest date up to `as_of`, the number of undated posts, the
    number dated after `as_of`, the number of undated posts whose page failed to open),
    worked out once per column and audit date (column.fresh and site.stale_columns both ask)."""
    memo = column_memo(col)
    found = memo.get(("newest", as_of))
    if found is not None:
        return found
    undated = future = dates_unread = 0
    newest = None
    for p in col.posts:
        d = p.date
        if d is None:
            undated += 1
            if p.body_error is not None:
                dates_unread += 1
        elif d > as_of:
            future += 1
        elif newest is None or d > newest.date:
            newest = p
    found = memo[("newest", as_of)] = (newest, undated, future, dates_unread)
    return found


def freshness_message(f: Freshness) -> str:
    name = f"栏目“{f.label}”"
    if f.state in ("fresh", "stale"):
        d = f.newest.date.isoformat()
        if f.state == "fresh":
            msg = f"{name}最近更新为{d}，距检查日{f.age_days}天，未超过{f.max_age_days}天"
        else:
            msg = f"{name}最近更新为{d}，距检查日已{f.age_days}天，超过{f.max_age_days}天"
        if f.undated and f.state == "stale":
            msg += f"（另有{f.undated}条信息无发布日期，不视为更新）"
        return msg
    if f.state == "blank":
        return f"{name}为空白栏目，没有任何信息"
    if f.state == "undated":
        which = "唯一一条信息" if f.undated == 1 else f"{f.undated}条信息均"
        return f"{name}的{which}无发布日期，无日期的信息不视为更新"
    if f.state == "future_only":
        return f"{name}采集到的{f.future}条信息都晚于检查日，无法判断检查日时的更新情况"
    if f.state == "dates_unread":
        return f"{name}有{f.dates_unread}条信息列表中未标日期、其页面未能打开，无法判断发布日期和更新情况"
    return f"{fetch_problem(f.label, f.column)}，无法核验更新情况"


def _freshness_rows(ctx: CheckContext, params: FreshParams) -> Iterator[tuple[ColumnSpec | None, str, Freshness | None]]:
    for spec, label, col in _selected(ctx, params.columns):
        if col is None:
            yield spec, label, None
            continue
        cat, days = params.limit(label, spec)
        yield spec, label, assess_freshness(label, col, ctx.as_of, cat, days)


@check_kind("column.fresh", FreshParams, needs="columns")
def column_fresh(ctx: CheckContext, params: FreshParams) -> Iterator[Outcome]:
    """栏目更新：栏目最新一条信息距检查日不超过规定天数。

    参数：
      columns: 栏目列表（同 column.exists；每项可带自己的 max_age_days），或 all（默认）。
      max_age_days: 一个整数（所有栏目同一期限），或按栏目名、栏目类别给出的天数，
                    如 {通知公告: 90, 动态要闻: 7}。类别：动态要闻、通知公告、政策文件、人事、规划计划、其他。
      default_days: 不属于任何类别的栏目的期限，默认 365 天（指标未规定，属本工具的假设，可调整）。

    默认期限（《政府网站与政务新媒体检查指标》国办秘函〔2019〕19号）：名称含“动态”“要闻”的
    栏目 14 天（2 周）；含“通知”“公告”或政策文件类（政策文件、规范性文件、政府文件、部门文件、
    政策法规）183 天（6 个月）；含“人事”“任免”“规划”“计划” 365 天（1 年）。

    判定：以检查日（as_of）为准，取发布日期不晚于检查日的最新一条信息；晚于检查日的信息不计；
    无发布日期的信息不视为更新（指标原文）。超过期限 → 不通过；栏目空白 → 不通过；
    全部无日期 → 不通过；栏目无法访问、尚未采集、未找到 → 无法核验。

    通过的例子：“工作动态”最近一条 2024-12-20，检查日 2024-12-31，11 天 ≤ 14 天。
    不通过的例子：“通知公告”最近一条 2024-03-15，检查日 2024-12-31，291 天 > 183 天。
    """
    if ctx.evidence.columns is None:
        yield unknown(NO_COLUMNS)
        return
    for spec, label, f in _freshness_rows(ctx, params):
        record = _record(spec, label)
        if f is None:
            yield unknown(f"{not_found_message(ctx.evidence.columns, spec)}，无法核验更新情况", record=record)
            continue
        msg = freshness_message(f)
        refs = [post_ref(f.newest)] if f.newest else [column_ref(label, f.column)]
        if f.state == "fresh":
            yield passed(msg, refs, record=record)
        elif f.judged:
            fix = f"在“{label}”栏目及时发布信息，{f.category}类栏目应在{f.max_age_days}天内更新"
            yield failed(msg, refs, record=record, fix=fix)
        else:
            yield unknown(msg, refs, record=record)


# -------------------------------------------------------------------------- site.stale_columns


class StaleColumnsParams(FreshParams):
    threshold_stale: int = Field(default=5, ge=1)
    threshold_blank: int = Field(default=5, ge=1)


@check_kind("site.stale_columns", StaleColumnsParams, needs="columns")
def site_stale_columns(ctx: CheckContext, params: StaleColumnsParams) -> Iterator[Outcome]:
    """栏目不更新、空白栏目（单项否决）：全站不更新栏目或空白栏目达到规定数量。

    参数：与 column.fresh 相同（columns 默认 all = 本单位采集到的全部栏目，max_age_days，
    default_days），另加：
      threshold_stale: 不更新栏目达到此数即否决，默认 5；
      threshold_blank: 空白栏目达到此数即否决，默认 5
      （《政府网站与政务新媒体检查指标》国办秘函〔2019〕19号：5 个及以上）。

    不更新栏目按 column.fresh 的同一判断（超过期限，或全部信息无发布日期）；
    空白栏目 = 没有任何信息的栏目。无法访问、尚未采集、未配置的栏目不计数，在结果中列出；
    若这些栏目过半，或把它们全算上就可能改变结论 → 无法核验。

    通过的例子：20 个栏目中 2 个超期、1 个空白。
    不通过的例子：“通知公告”“政策文件”“工作动态”“人事信息”“规划计划” 5 个栏目超期。
    """
    if ctx.evidence.columns is None:
        yield unknown(NO_COLUMNS)
        return
    rows = list(_freshness_rows(ctx, params))
    judged = [f for _, _, f in rows if f is not None and f.judged]
    unjudged = [label for _, label, f in rows if f is None or not f.judged]
    stale = [f for f in judged if f.state in ("stale", "undated")]
    blank = [f for f in judged if f.state == "blank"]
    total = len(judged) + len(unjudged)
    if total == 0:
        yield unknown("没有采集到任何栏目，无法核验栏目更新情况")
        return

    def names(fs: list[Freshness]) -> str:
        return "、".join(f"“{f.label}”" for f in fs)

    def dated_names(fs: list[Freshness]) -> str:
        def one(f: Freshness) -> str:
            if f.newest is None:
                return f"“{f.label}”（无发布日期）"
            return f"“{f.label}”（最近{f.newest.date.isoformat()}，超过{f.max_age_days}天）"

        return "、".join(one(f) for f in fs)

    parts = []
    if len(stale) >= params.threshold_stale:
        parts.append(f"{len(stale)}个栏目未按期更新：{dated_names(stale)}（达到{params.threshold_stale}个）")
    if len(blank) >= params.threshold_blank:
        parts.append(f"{len(blank)}个空白栏目：{names(blank)}（达到{params.threshold_blank}个）")
    note = f"；{len(unjudged)}个栏目无法核验，未计入：{'、'.join(unjudged)}" if unjudged else ""
    refs = [column_ref(f.label, f.column) for f in stale + blank][:MAX_EVIDENCE]
    if parts:
        yield failed(f"单项否决：{'；'.join(parts)}{note}", refs, record="site")
        return
    summary = f"共{total}个栏目，{len(stale)}个未按期更新"
    summary += f"（{dated_names(stale)}）" if stale else ""
    summary += f"，{len(blank)}个空白" + (f"（{names(blank)}）" if blank else "") + note
    if len(unjudged) * 2 > total:
        yield unknown(f"多数栏目无法核验：{summary}", refs, record="site")
    elif len(stale) + len(unjudged) >= params.threshold_stale or len(blank) + len(unjudged) >= params.threshold_blank:
        yield unknown(f"无法核验的栏目可能达到否决数量：{summary}", refs, record="site")
    else:
        yield passed(summary, refs, record="site")


# ---------------------------------------------------------------------- site.homepage_fresh

HOMEPAGE_DAYS = 14  # 国办秘函〔2019〕19号: a homepage without a new item for 2 weeks is vetoed


class HomepageParams(Params):
    # the sites config's homepage: the column read with profile: homepage, else this name
    column: ColumnSpec = Field(default_factory=lambda: ColumnSpec(name="首页", synonyms=["网站首页", "门户网站首页", "门户首页"]))
    max_age_days: int = Field(default=HOMEPAGE_DAYS, ge=1)


@check_kind("site.homepage_fresh", HomepageParams, needs="columns")
def site_homepage_fresh(ctx: CheckContext, params: HomepageParams) -> Iterator[Outcome]:
    """网站首页更新（单项否决）：首页上最新一条带日期的信息距检查日不超过 2 周。

    首页在网站栏目配置中作为一个“栏目”列出（profile: homepage，栏目名通常为“首页”），
    抓取时读取首页上所有带日期的链接（要闻、通知公告、政策文件等各个版块）。

    参数：
      column: 首页对应的栏目（默认“首页”，同义“网站首页”“门户首页”；profile 为 homepage 的栏目优先）；
      max_age_days: 期限，默认 14 天（《政府网站与政务新媒体检查指标》国办秘函〔2019〕19号：
                    首页栏目信息超过 2 周未更新为单项否决）。

    判定：最新信息未超过期限 → 通过；超过期限、首页上没有带日期的信息 → 不通过；
    首页无法访问、尚未采集、配置中没有首页 → 无法核验。

    通过的例子：首页最新一条“市民政局召开冬季救助工作会议”发布于检查日前 3 天。
    不通过的例子：首页各版块最新的信息是 20 天前发布的。
    """
    cols = ctx.evidence.columns
    if cols is None:
        yield unknown(NO_COLUMNS)
        return
    hit = next(((label, col) for label, col in cols.items() if col.homepage), None) or find_column(cols, params.column)
    if hit is None:
        yield unknown(
            f"网站栏目配置中没有网站首页（栏目名“{params.column.name}”，profile: homepage），无法核验首页更新情况",
            fix="在网站栏目配置中为本单位加上首页：{name: 首页, url: 首页网址, profile: homepage}",
            record="site",
        )
        return
    label, col = hit
    f = assess_freshness(label, col, ctx.as_of, "首页", params.max_age_days)
    refs = [column_ref(label, col)]
    if f.state in ("fresh", "stale"):
        newest = f"网站首页最新信息发布于{f.newest.date.isoformat()}（“{f.newest.title}”），"
        refs.append(post_ref(f.newest))
        if f.state == "fresh":
            yield passed(f"{newest}距检查日{f.age_days}天，未超过{f.max_age_days}天", refs, record="site")
        else:
            yield failed(f"单项否决：{newest}距检查日已{f.age_days}天，超过{f.max_age_days}天", refs, record="site")
    elif f.state in ("blank", "undated"):
        yield failed(f"单项否决：网站首页上没有读到带发布日期的信息，无法认定{f.max_age_days}天内有更新", refs, record="site")
    else:
        yield unknown(freshness_message(f).replace(f"栏目“{label}”", "网站首页", 1), refs, record="site")


# ------------------------------------------------------------------------- column.has_post

MAX_PATTERN = 200
# A quantified group that itself contains a quantifier ((a+)+, (\w*)*): exponential backtracking.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")


class HasPostParams(Params):
    column: ColumnSpec | list[ColumnSpec]
    title_pattern: str | None = None  # a regular expression (data, not code), ≤ 200 chars
    keywords_all: list[str] = Field(default_factory=list)
    keywords_any: list[str] = Field(default_factory=list)
    window: Window = window_field()
    min_count: int = Field(default=1, ge=1)
    search_body: bool = False

    @field_validator("title_pattern")
    @classmethod
    def _safe_pattern(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if len(v) > MAX_PATTERN:
            raise ValueError(f"title_pattern 过长（{len(v)}个字符，最多{MAX_PATTERN}个）")
        if _NESTED_QUANTIFIER.search(v):
            raise ValueError("title_pattern 含嵌套重复（如 (a+)+），可能导致匹配极慢，请改写")
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"title_pattern 不是有效的正则表达式：{exc}") from None
        return v

    def specs(self) -> list[ColumnSpec]:
        return self.column if isinstance(self.column, list) else [self.column]

    def describe(self) -> str:
        where = "标题或正文" if self.search_body else "标题"
        conds = []
        if self.keywords_all:
            words = "".join(f"“{w}”" for w in self.keywords_all)
            conds.append(f"{where}{'同时' if len(self.keywords_all) > 1 else ''}含{words}")
        if self.keywords_any:
            words = "或".join(f"“{w}”" for w in self.keywords_any)
            conds.append(f"{where}含{words}")
        if self.title_pattern:
            conds.append(f"{where}匹配 /{self.title_pattern}/")
        return "且".join(conds)


def _matches(
    post: Post, params: HasPostParams, rx: re.Pattern | None, words: tuple[list[str], list[str]] | None = None
) -> bool:
    """Whether a post meets the rule's conditions; `words` are the keys of keywords_all
    and keywords_any when already worked out (once per rule, not once per post)."""
    all_keys, any_keys = words if words is not None else _word_keys(params)
    if rx is None and not (params.search_body and post.body):  # the common case: keywords in the title
        k = key(post.title)
        for w in all_keys:
            if w not in k:
                return False
        if params.keywords_any:
            for w in any_keys:
                if w in k:
                    return True
            return False
        return True
    texts = [post.title]
    if params.search_body and post.body:
        texts.append(post.body)
    keys = [key(t) for t in texts]
    if any(not any(w in k for k in keys) for w in all_keys):
        return False
    if params.keywords_any and not any(w in k for w in any_keys for k in keys):
        return False
    if rx is not None and not any(rx.search(normalize(t)) or rx.search(t) for t in texts):
        return False
    return True


def _may_count(day: dt.date | None, span: Span, as_of: dt.date) -> bool:
    """Whether a post of this date, if it matched, would count for column.has_post: in
    the window, undated (counted or noted) or after the audit date (noted). Only a post
    dated before the window, or between its end and the audit date, never counts."""
    return day is None or day > as_of or span.contains(day)


def _word_keys(params: HasPostParams) -> tuple[list[str], list[str]]:
    return [key(w) for w in params.keywords_all], [key(w) for w in params.keywords_any]


def cut_short(label: str, col: Column, span: Span) -> str | None:
    """Why a column whose list stopped at the crawl's page cap may hold more posts of
    `span` than were read (Chinese), or None when what was read reaches back past the
    window's start."""
    reach = listing_reach(col)
    if reach is None or (span.start is not None and reach < span.start):
        return None
    return cut_note(label, col)


@check_kind("column.has_post", HasPostParams, needs="columns")
def column_has_post(ctx: CheckContext, params: HasPostParams) -> Iterator[Outcome]:
    """栏目有某类信息：在时间窗口内，栏目里有至少 min_count 条符合条件的信息。

    参数：
      column: 一个栏目（栏目名或 {name, synonyms}），或栏目列表（在这些栏目中合计）。
      keywords_all: 标题须同时包含的关键词；keywords_any: 标题须至少包含其一的关键词。
      title_pattern: 标题须匹配的正则表达式（不超过 200 个字符，不得含 (a+)+ 这类嵌套重复）。
      search_body: true 时关键词和正则也在正文中查找（需采集正文），默认 false。
      window: plan_year（默认，计划年度 1月1日至12月31日）| any（不限日期）|
              {from: 日期, to: 日期} | {last_days: 天数}；窗口截至检查日。
      min_count: 至少几条，默认 1。
    写了几项条件就须同时满足；关键词去掉空格、标点、全半角差异后查找。
    条件都不写时，统计窗口内的全部信息。除 window: any 外，无发布日期的信息不计入。

    判定：够数 → 通过（列出匹配的信息）；不够 → 不通过；栏目无法访问或尚未采集
    且已找到的不够数 → 无法核验；按正文查找而有信息未采集正文且不够数 → 无法核验；
    栏目列表抓到翻页上限（max_pages）为止、读到的信息还没早于窗口起点且不够数 → 无法核验。

    通过的例子：column: 政策解读，keywords_any: [解读]，2024 年有“《…办法》政策解读”。
    不通过的例子：同样参数，2024 年栏目只有 2023 年的解读。
    """
    if ctx.evidence.columns is None:
        yield unknown(NO_COLUMNS)
        return
    have = ctx.evidence.columns
    span = resolve(params.window, ctx.as_of, ctx.plan_year)
    rx = re.compile(params.title_pattern) if params.title_pattern else None
    words = _word_keys(params)
    specs = params.specs()
    record = "、".join(s.name for s in specs)
    labels: list[str] = []
    problems: list[str] = []
    absent: list[str] = []
    seen: set[str] = set()
    hits: list[Post] = []
    undated_hits = 0
    late_hits = 0
    no_body = 0
    evaluated = 0  # columns whose posts were read
    cut: list[str] = []  # columns whose list stopped at the page cap inside the window
    for spec in specs:
        found = find_column(have, spec)
        if found is None:
            absent.append(not_found_message(have, spec))
            continue
        label, col = found
        labels.append(label)
        problem = fetch_problem(label, col)
        if col.status == "not_configured":
            absent.append(problem)
            continue
        if problem:
            problems.append(problem)
            continue
        evaluated += 1
        if col.cut_at_pages:
            why = cut_short(label, col, span)
            if why:
                cut.append(why)
        for post in col.posts:
            if post.url in seen:
                continue
            seen.add(post.url)
            if not _may_count(post.date, span, ctx.as_of):
                continue  # whether it matches or not changes nothing: not worth matching
            if not _matches(post, params, rx, words):
                if params.search_body and post.body is None and span.contains(post.date):
                    no_body += 1  # might match on its body, which was not crawled
                continue
            if span.contains(post.date):
                hits.append(post)
            elif post.date is None:
                undated_hits += 1
            elif post.date > ctx.as_of:
                late_hits += 1

    where = "、".join(f"“{x}”" for x in labels) if labels else "、".join(s.quoted() for s in specs)
    what = params.describe()
    what_txt = f"{what}的信息" if what else "信息"
    hits.sort(key=lambda p: p.date or dt.date.min, reverse=True)
    refs = [post_ref(p) for p in hits[:MAX_EVIDENCE]]
    notes = []
    if undated_hits:
        notes.append(f"另有{undated_hits}条符合条件的信息无发布日期，不计入")
    if late_hits:
        notes.append(f"{late_hits}条晚于检查日的信息不计")
    if absent:
        notes.append("；".join(absent))
    note = f"（{'；'.join(notes)}）" if notes else ""
    if len(hits) >= params.min_count:
        yield passed(f"栏目{where}{span.label}有{len(hits)}条{what_txt}（要求至少{params.min_count}条）{note}", refs, record=record)
        return
    if not evaluated and not problems:
        yield failed(f"{'；'.join(absent)}，{span.label}没有{what_txt}", record=record)
        return
    if problems:
        yield unknown(
            f"{'；'.join(problems)}，无法核验{span.label}是否有{what_txt}"
            f"（已找到{len(hits)}条，要求至少{params.min_count}条）",
            refs,
            record=record,
        )
        return
    if cut:
        yield unknown(
            f"栏目{where}{span.label}已找到{len(hits)}条{what_txt}，要求至少{params.min_count}条；"
            f"{'；'.join(cut)}，无法确认{span.label}是否还有更多{note}",
            refs,
            record=record,
            fix=CUT_FIX,
        )
        return
    if no_body:
        yield unknown(
            f"栏目{where}{span.label}有{len(hits)}条{what_txt}，要求至少{params.min_count}条；"
            f"{no_body}条信息未采集正文，无法按正文核验{note}",
            refs,
            record=record,
        )
        return
    found_txt = f"没有{what_txt}" if not hits else f"仅有{len(hits)}条{what_txt}"
    yield failed(f"栏目{where}{span.label}{found_txt}，要求至少{params.min_count}条{note}", refs, record=record)


# ------------------------------------------------------------------------- column.links_ok


class LinksOkParams(Params):
    columns: ColumnsParam = "all"
    include_attachments: bool = True


def _http_problem(status: int | None, error: str | None) -> str | None:
    if error:
        return f"{error}（HTTP {status}）" if status else error
    if status is not None and status >= 400:
        return f"HTTP {status}"
    return None


@check_kind("column.links_ok", LinksOkParams, needs="columns")
def column_links_ok(ctx: CheckContext, params: LinksOkParams) -> Iterator[Outcome]:
    """链接可用：栏目中信息页和附件的链接能打开。

    读采集器记录的结果：信息页的 body_status / body_error，附件的 status / error。
    状态码 ≥ 400 或有错误 → 该链接不可用，每个不可用链接一条“不通过”，列出网址和状态。

    参数：
      columns: 栏目列表（同 column.exists），或 all（默认）。
      include_attachments: 是否也检查附件链接，默认 true。

    判定：栏目内检查过的链接都可用 → 通过（注明未检查的数量）；一个都没检查过 → 无法核验；
    栏目无法访问、尚未采集或未找到 → 无法核验。

    通过的例子：“政策文件”5 条信息页均返回 200。
    不通过的例子：附件 http://…/fj/1.pdf 返回 404。
    """
    if ctx.evidence.columns is None:
        yield unknown(NO_COLUMNS)
        return
    reported: set[str] = set()
    for spec, label, col in _selected(ctx, params.columns):
        record = _record(spec, label)
        if col is None:
            yield unknown(f"{not_found_message(ctx.evidence.columns, spec)}，无法检查链接", record=record)
            continue
        problem = fetch_problem(label, col)
        if problem:
            yield unknown(f"{problem}，无法检查链接", [column_ref(label, col)], record=record)
            continue
        checked = unchecked = 0
        broken: list[Outcome] = []
        for post in col.posts:
            if post.body_status is None and post.body_error is None:
                unchecked += 1
            else:
                checked += 1
                bad = _http_problem(post.body_status, post.body_error)
                if bad and post.url not in reported:
                    reported.add(post.url)
                    broken.append(
                        failed(
                            f"栏目“{label}”的信息“{post.title}”无法打开（{bad}）：{post.url}",
                            [post_ref(post)],
                            record=post.url,
                        )
                    )
            if not params.include_attachments:
                continue
            for att in post.attachments:
                if att.status is None and att.error is None:
                    unchecked += 1
                    continue
                checked += 1
                bad = _http_problem(att.status, att.error)
                if bad and att.url not in reported:
                    reported.add(att.url)
                    name = att.title or att.url.rsplit("/", 1)[-1]
                    ref = post_ref(post).model_copy(update={"location": att.url, "url": att.url, "quote": name})
                    broken.append(
                        failed(
                            f"栏目“{label}”的信息“{post.title}”的附件“{name}”无法打开（{bad}）：{att.url}",
                            [ref],
                            record=att.url,
                        )
                    )
        if broken:
            yield from broken
        elif checked == 0:
            why = "没有信息，无链接可查" if not col.posts else f"的{unchecked}个链接尚未检查（采集时未抓取正文或附件）"
            yield unknown(f"栏目“{label}”{why}", [column_ref(label, col)], record=record)
        else:
            rest = f"（另有{unchecked}个未检查）" if unchecked else ""
            yield passed(f"栏目“{label}”检查了{checked}个链接，均可访问{rest}", [column_ref(label, col)], record=record)
