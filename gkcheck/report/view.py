"""What every renderer derives from an `AuditResult`: grouping, ordering, the matrix.

Renderers only lay this out; the decisions (which status wins a matrix cell, how units
are ranked, how an evidence pointer reads in Chinese) are made here once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from gkcheck.model import AuditResult, EvidenceRef, Finding, UnitSummary
from gkcheck.model.finding import SEVERITY_ZH, STATUS_ZH, STATUSES

# Display order: problems first.
STATUS_ORDER: tuple[str, ...] = ("fail", "warn", "unknown", "waived", "pass")
# Which status a group of findings takes: fail > warn > unknown > pass (waived apart).
_WORST = {"fail": 4, "warn": 3, "unknown": 2, "pass": 1}

SOURCE_ZH = {
    "catalog": "目录",
    "web": "网页",
    "ledger": "台账",
    "report": "年度报告",
    "plan": "任务表",
    "config": "配置",
}

STATUS_SYMBOL = {"pass": "✓", "fail": "✗", "warn": "!", "unknown": "?", "waived": "免"}


def worst_status(statuses: Iterable[str]) -> str | None:
    """The status a group takes; `waived` only when every member is waived."""
    seen = list(statuses)
    live = [s for s in seen if s in _WORST]
    if live:
        return max(live, key=_WORST.__getitem__)
    return "waived" if seen else None


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(
        findings,
        key=lambda f: (order[f.status], -_sev(f), min(f.tasks, default=999), f.rule, f.record or ""),
    )


def _sev(f: Finding) -> int:
    return {"error": 2, "warning": 1, "info": 0}[f.severity]


def status_zh(status: str | None) -> str:
    return STATUS_ZH.get(status, "不适用") if status else "不适用"


def severity_zh(severity: str) -> str:
    return SEVERITY_ZH.get(severity, severity)


def number_ranges(numbers: Iterable[int]) -> str:
    """[1, 2, 3, 5, 7, 8] -> "1–3、5、7、8": runs of three or more are shortened."""
    nums = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{nums[i]}–{nums[j]}")
        else:
            parts.extend(str(n) for n in nums[i : j + 1])
        i = j + 1
    return "、".join(parts)


def tasks_text(f: Finding) -> str:
    """ "任务17" / "任务1–3、5" / "G1", joined."""
    parts = [f"任务{number_ranges(f.tasks)}"] if f.tasks else []
    return "、".join(parts + list(f.requirements))


def fmt_date(d: dt.date | dt.datetime | str | None) -> str:
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        return d.strftime("%Y-%m-%d %H:%M")
    if isinstance(d, dt.date):
        return d.isoformat()
    return str(d)


def fmt_score(score: float | None) -> str:
    if score is None:
        return "—"
    return f"{score:.1f}".removesuffix(".0")


# ---------------------------------------------------------------- evidence


def evidence_where(ev: EvidenceRef) -> str:
    """Where the evidence is: `catalogs/民政局.xlsx 工作表“目录” 第12行` or the URL."""
    if ev.source == "web":
        return ev.url or ev.location
    place = ev.file or ev.location
    if ev.sheet:
        place += f" 工作表“{ev.sheet}”"
    if ev.row is not None:
        place += f" 第{ev.row}行"
    return place


def evidence_text(ev: EvidenceRef, quote: bool = True) -> str:
    """One line a person reads: kind, title, date, place and (optionally) the text read."""
    label = SOURCE_ZH.get(ev.source, ev.source)
    bits = [label]
    if ev.title:
        bits.append(f"《{ev.title}》" if ev.source in ("web", "report") else f"“{ev.title}”")
    if ev.date:
        bits.append(f"（{ev.date.isoformat()}）")
    line = f"{''.join(bits)} {evidence_where(ev)}".strip()
    if quote and ev.quote:
        q = " ".join(ev.quote.split())
        line += f"：“{q if len(q) <= 120 else q[:119] + '…'}”"
    return line


def evidence_link(ev: EvidenceRef) -> str | None:
    """An http(s) URL a reader may follow, or None (never javascript:, data:, file:)."""
    url = ev.url or (ev.location if ev.source == "web" else None)
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


# ---------------------------------------------------------------- units


@dataclass
class UnitView:
    summary: UnitSummary
    findings: list[Finding]
    rank: int | None = None
    known: list[Finding] = field(default_factory=list)  # problems a baseline hid

    @property
    def none_found(self) -> str:
        """What to say when the unit has no problem to show."""
        if not self.findings and not self.known:
            return "没有适用的规则。"
        if self.known:
            return f"没有新问题（基线中已有的 {len(self.known)} 项问题见“基线中已有，未计入”）。"
        return "未发现问题。"

    @property
    def problems(self) -> list[Finding]:
        return sort_findings(f for f in self.findings if f.status != "pass")

    @property
    def passed(self) -> list[Finding]:
        return sort_findings(f for f in self.findings if f.status == "pass")


def unit_summaries(result: AuditResult) -> list[UnitSummary]:
    """result.units, plus a summary for any unit that has findings but no entry."""
    out = list(result.units)
    known = {u.id for u in out}
    for f in [*result.findings, *result.baseline_hidden]:
        if f.unit_id not in known:
            known.add(f.unit_id)
            out.append(UnitSummary(id=f.unit_id, name=f.unit))
    return out


def unit_views(result: AuditResult) -> list[UnitView]:
    by_unit: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_unit.setdefault(f.unit_id, []).append(f)
    known: dict[str, list[Finding]] = {}
    for f in result.baseline_hidden:
        known.setdefault(f.unit_id, []).append(f)
    ranks = {u.id: r for r, u in ranking(result)}
    return [
        UnitView(u, by_unit.get(u.id, []), ranks.get(u.id), known.get(u.id, []))
        for u in unit_summaries(result)
    ]


def ranking(result: AuditResult) -> list[tuple[int | None, UnitSummary]]:
    """Units by score, best first; equal scores share a rank (1, 2, 2, 4); unscored last.
    A rank needs at least two scored units: alone (`gkcheck validate`, `--unit X`) a unit
    has no rank (None), it is not “第1名”."""
    units = unit_summaries(result)
    scored = sorted((u for u in units if u.score is not None), key=lambda u: (-u.score, u.name))
    out: list[tuple[int | None, UnitSummary]] = []
    prev = None
    rank = 0
    for i, u in enumerate(scored, 1):
        if u.score != prev:
            rank, prev = i, u.score
        out.append((rank if len(scored) > 1 else None, u))
    out += [(None, u) for u in units if u.score is None]
    return out


def coverage(u: UnitSummary) -> tuple[int, int] | None:
    """(rules verified, rules that apply) from a unit's score_detail: verified are the rules
    with an outcome (pass, warn, fail or waived), the rest could not be verified (unknown)."""
    d = u.score_detail
    if not d:
        return None
    verified = int(d.get("scored", 0)) + int(d.get("waived", 0))
    total = verified + int(d.get("unknown", 0))
    return (verified, total) if total else None


def coverage_text(u: UnitSummary) -> str:
    """ "22/39", or "—" when no rule applies or scores were not computed."""
    c = coverage(u)
    return f"{c[0]}/{c[1]}" if c else "—"


def coverage_low(u: UnitSummary) -> bool:
    """Fewer than half of the rules that apply were verified: the score says little."""
    c = coverage(u)
    return bool(c) and 2 * c[0] < c[1]


def total_counts(result: AuditResult) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for f in result.findings:
        out[f.status] += 1
    return out


def counts_line(counts: dict[str, int]) -> str:
    return " · ".join(f"{STATUS_ZH[s]} {counts.get(s, 0)}" for s in STATUS_ORDER)


def mean_score(result: AuditResult) -> float | None:
    scores = [u.score for u in unit_summaries(result) if u.score is not None]
    return round(sum(scores) / len(scores), 1) if scores else None


# ---------------------------------------------------------------- tasks and matrix


def task_map(result: AuditResult) -> dict[int, dict]:
    return {int(t["number"]): t for t in result.tasks if "number" in t}


def task_numbers(result: AuditResult) -> list[int]:
    """The matrix columns: every task of the plan, or those findings name if none given."""
    numbers = set(task_map(result))
    if not numbers:
        numbers = {n for f in state_findings(result) for n in f.tasks}
    return sorted(numbers)


def task_short(task: dict | None, number: int | str) -> str:
    """The task's group heading (without its list number) or a short requirement."""
    if not task:
        return f"任务{number}"
    group = " ".join(str(task.get("group") or "").split())
    if group:
        return group
    text = str(task.get("requirement") or "")
    return text if len(text) <= 24 else text[:23] + "…"


def deadline_text(task: dict | None) -> str:
    if not task:
        return ""
    return str(task.get("deadline_text") or task.get("deadline") or "")


@dataclass
class MatrixCell:
    status: str | None  # None: the task does not apply to the unit
    rules: list[str] = field(default_factory=list)
    waived: int = 0
    known: int = 0  # problems a baseline hid (counted in the status all the same)

    @property
    def applies(self) -> bool:
        return self.status is not None


def state_findings(result: AuditResult) -> list[Finding]:
    """The findings that describe the units' state: the reported ones and those a baseline
    hid (a baseline decides what is new, not how well a unit is doing)."""
    return [*result.findings, *result.baseline_hidden]


def matrix(result: AuditResult) -> dict[str, dict[int, MatrixCell]]:
    """unit id -> task number -> cell. A task applies to a unit when a finding names it."""
    groups: dict[tuple[str, int], list[Finding]] = {}
    for f in state_findings(result):
        for n in f.tasks:
            groups.setdefault((f.unit_id, n), []).append(f)
    hidden = {id(f) for f in result.baseline_hidden}
    out: dict[str, dict[int, MatrixCell]] = {}
    numbers = task_numbers(result)
    for u in unit_summaries(result):
        row = {}
        for n in numbers:
            fs = groups.get((u.id, n), [])
            row[n] = MatrixCell(
                status=worst_status(f.status for f in fs),
                rules=sorted({f.rule for f in fs}),
                waived=sum(1 for f in fs if f.status == "waived"),
                known=sum(1 for f in fs if id(f) in hidden),
            )
        out[u.id] = row
    return out


def cell_tooltip(unit: str, number: int, cell: MatrixCell) -> str:
    if not cell.applies:
        return f"{unit} · 任务{number}：不适用"
    tip = f"{unit} · 任务{number}：{status_zh(cell.status)}（{'、'.join(cell.rules)}）"
    if cell.waived and cell.status != "waived":
        tip += f"；另有{cell.waived}项已豁免"
    if cell.known:
        tip += f"；其中{cell.known}项为基线中已有的问题"
    return tip


def rules_by_id(result: AuditResult) -> dict[str, dict]:
    return {str(r.get("id")): r for r in result.rules if r.get("id")}
