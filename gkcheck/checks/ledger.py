"""Check kinds on the work ledger (工作台账): ledger.count.

The ledger holds dated evidence of work no website shows: meetings, trainings, policy
evaluations, open days. It is given per unit as yaml/xlsx and read before checks run.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from pydantic import Field, field_validator

from gkcheck.checks._window import Window, resolve, window_field
from gkcheck.checks.registry import CheckContext, Outcome, Params, check_kind, failed, passed, unknown
from gkcheck.model import EvidenceRef, LedgerEntry
from gkcheck.model.construct import builder
from gkcheck.text.normalize import key

# Kinds of ledger entries and the other names units write for them. The first four come
# from the Zoucheng 2024 plan (邹政办字〔2024〕8号): 专题会议 (每年至少召开1次专题会议研究
# 解决政务公开工作重点难点问题), 培训 (业务培训, 专题培训), 政策评价 (task 41: 实施效果
# 评价, 每年至少开展2次专题性政策评价), 政府开放 (政府开放活动), 监督员 (政务公开监督员制度).
KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "专题会议": ("专题会", "研究政务公开工作的会议", "政务公开专题会议", "专题研究会议"),
    "培训": ("业务培训", "专题培训", "政务公开培训", "培训会"),
    "政策评价": ("政策评估", "实施效果评价", "政策实施效果评价", "政策实施效果评估", "专题性政策评价"),
    "政府开放": ("政府开放日", "政府开放活动", "开放日"),
    "监督员": ("政务公开监督员", "监督员聘请", "监督员活动"),
}

MAX_EVIDENCE = 20

# The match key of a kind name. Ledgers of a province use a few dozen kinds, and every
# ledger rule of every unit compares them with the synonyms above: each name's key is
# worked out once.
_kind_key = lru_cache(maxsize=4096)(key)


class LedgerCountParams(Params):
    kind: str | list[str]  # one kind, or alternatives that all count
    synonyms: list[str] = Field(default_factory=list)  # more names of the kind(s)
    min_count: int = Field(default=1, ge=1)
    window: Window = window_field()
    title_keywords: list[str] = Field(default_factory=list)  # the title has at least one
    require_link: bool = False

    @field_validator("kind")
    @classmethod
    def _not_blank(cls, v):
        kinds = v if isinstance(v, list) else [v]
        if not kinds or any(not str(k).strip() for k in kinds):
            raise ValueError("kind 不能为空")
        return v

    def kinds(self) -> list[str]:
        return self.kind if isinstance(self.kind, list) else [self.kind]

    def names(self) -> set[str]:
        """Normalised names an entry's kind may carry to count."""
        return set(_kind_names(tuple(self.kinds()), tuple(self.synonyms)))


# A rule's params serve every unit it applies to: the names they allow are worked out
# once per rule.
@lru_cache(maxsize=1024)
def _kind_names(kinds: tuple[str, ...], synonyms: tuple[str, ...]) -> frozenset[str]:
    """`LedgerCountParams.names()` of params with these kinds and synonyms."""
    out: set[str] = set()
    for k in kinds:
        out.add(_kind_key(k))
        for canon, syns in KIND_SYNONYMS.items():
            group = {_kind_key(canon), *(_kind_key(s) for s in syns)}
            if _kind_key(k) in group:
                out |= group
    out |= {_kind_key(s) for s in synonyms}
    out.discard("")
    return frozenset(out)


def kind_matches(entry_kind: str, names: set[str] | frozenset[str]) -> bool:
    """Equal after normalisation, or the entry's kind contains one of the names
    (政务公开专题会议 is a 专题会议)."""
    k = _kind_key(entry_kind)
    return bool(k) and (k in names or any(n in k for n in names))


# `kind_matches` of an entry's kind and a rule's names (a frozenset), remembered: the
# ledgers of a province use a few dozen kinds.
_kind_matches = lru_cache(maxsize=16384)(kind_matches)


# Ledger references are made from entries the ledger reader has typed already: built
# without validating them again.
_build_ref = builder(EvidenceRef)


def ledger_ref(entry: LedgerEntry) -> EvidenceRef:
    pos = entry.pos
    return _build_ref({
        "source": "ledger",
        "location": pos.location() if pos else (entry.link or entry.title),
        "title": entry.title,
        "date": entry.date,
        "url": entry.link,
        "file": pos.file if pos else None,
        "sheet": pos.sheet if pos else None,
        "row": pos.row if pos else None,
    })


def _tasks_note(ctx: CheckContext) -> str:
    numbers = ctx.rule.tasks or [t.number for t in ctx.tasks]
    return f"（任务{'、'.join(str(n) for n in numbers)}）" if numbers else ""


@check_kind("ledger.count", LedgerCountParams, needs="ledger")
def ledger_count(ctx: CheckContext, params: LedgerCountParams) -> Iterator[Outcome]:
    """台账次数：工作台账中某类工作在时间窗口内至少有 min_count 次记录。

    参数：
      kind: 工作类别，或类别列表（任一类别都计入）。名称去掉空格、标点后比较，并认同义名：
            专题会议 ≈ 专题会、研究政务公开工作的会议；培训 ≈ 业务培训、专题培训；
            政策评价 ≈ 政策评估、实施效果评价；政府开放 ≈ 政府开放日、政府开放活动；
            监督员 ≈ 政务公开监督员。台账类别包含这些名称也算（如“政务公开专题会议”）。
      synonyms: 另外认可的类别名称。
      min_count: 至少几次，默认 1。
      window: plan_year（默认）| any | {from: 日期, to: 日期} | {last_days: 天数}；截至检查日。
      title_keywords: 标题须至少包含其中一个关键词（可选）。
      require_link: true 时只计有链接（公开网址或材料链接）的记录。

    判定：够数 → 通过（列出记录）；不够 → 不通过；未提供台账 → 无法核验。
    无日期的记录不计入（window: any 除外），并在结果中说明。

    通过的例子：kind: 政策评价，min_count: 2，台账有 2024-05-10、2024-11-20 两次政策评估。
    不通过的例子：同样参数只有 1 次 →“2024年仅有1次政策评价，要求至少2次（任务41）”。
    """
    label = "/".join(params.kinds())
    if ctx.evidence.ledger is None:
        yield unknown("未提供工作台账", record=label)
        return
    span = resolve(params.window, ctx.as_of, ctx.plan_year)
    names = _kind_names(tuple(params.kinds()), tuple(params.synonyms))
    keywords = [key(w) for w in params.title_keywords if key(w)]
    counted: list[LedgerEntry] = []
    undated = no_link = late = 0
    for entry in ctx.evidence.ledger:
        if not _kind_matches(entry.kind, names):
            continue
        if keywords and not any(w in key(entry.title) for w in keywords):
            continue
        if not span.contains(entry.date):
            if entry.date is None:
                undated += 1
            elif entry.date > ctx.as_of:
                late += 1
            continue
        if params.require_link and not (entry.link or "").strip():
            no_link += 1
            continue
        counted.append(entry)

    notes = []
    if undated:
        notes.append(f"另有{undated}条{label}记录没有日期，不计入")
    if no_link:
        notes.append(f"{no_link}条记录没有链接，不计入")
    if late:
        notes.append(f"{late}条记录晚于检查日，不计入")
    note = f"；{'；'.join(notes)}" if notes else ""
    counted.sort(key=lambda e: e.date or ctx.as_of)
    refs = [ledger_ref(e) for e in counted[:MAX_EVIDENCE]]
    tasks = _tasks_note(ctx)
    n, need = len(counted), params.min_count
    if n >= need:
        yield passed(f"{span.label}有{n}次{label}（要求至少{need}次）{note}", refs, record=label)
    elif n == 0:
        yield failed(f"{span.label}没有{label}记录，要求至少{need}次{tasks}{note}", refs, record=label)
    else:
        yield failed(f"{span.label}仅有{n}次{label}，要求至少{need}次{tasks}{note}", refs, record=label)
