"""Unit scores (0–100) over the rules that apply to each unit.

For each unit, each rule that produced findings for it gets one outcome, the worst of
its findings that are not waived (fail > warn > unknown > pass):

- pass earns the rule's full weight, warn half of it, fail nothing;
- unknown (could not verify) and waived rules are left out of the denominator and
  counted apart, so missing evidence neither lowers nor raises a score;
- score = 100 × Σ earned / Σ weight of the scored rules, rounded to one decimal;
  a unit with no scored rule has no score (None);
- problems a baseline hid still count: a baseline decides what is new, not how well a
  unit is doing;
- next to each score the reports show its coverage, “已核验 X/Y”: X rules with an outcome
  (scored or waived) of the Y that apply (view.coverage), so a unit with many unknowns
  is not read as compliant.

A rule's weight is its `weight` field, or by severity: error 3, warning 2, info 1.
"""

from __future__ import annotations

from gkcheck.model import AuditResult, Finding, UnitSummary
from gkcheck.model.finding import STATUSES
from gkcheck.model.packed import PackedFindings, briefs_of, with_findings
from gkcheck.report.view import rules_by_id, worst_status

DEFAULT_WEIGHTS: dict[str, float] = {"error": 3.0, "warning": 2.0, "info": 1.0}
CREDIT: dict[str, float] = {"pass": 1.0, "warn": 0.5, "fail": 0.0}

SCORING_ZH = (
    "得分按适用于该单位的规则计算：每条规则取其各项结果中最差的一项（不通过 > 提醒 > 无法核验 > 通过，"
    "已豁免的结果不参与）。通过得该规则的全部权重，提醒得一半，不通过不得分；"
    "得分 = 100 × 所得权重之和 ÷ 参与计分规则的权重之和，保留一位小数。"
    "无法核验和已豁免的规则不计入分母，另行计数；没有可计分规则的单位不评分（显示“—”）。"
    "规则权重默认按严重程度：严重 3、一般 2、提示 1，规则可用 weight 另行指定。"
    "基线中已有的问题仍计入得分。排名按得分从高到低，得分相同并列（只有一个单位时不排名）。"
    "得分旁的“已核验 X/Y”指适用于该单位的 Y 条规则中有 X 条得出了结论（通过、提醒、不通过或已豁免），"
    "其余 Y−X 条缺少证据、无法核验：得分只反映已核验的部分，核验比例低时，高分不等于合规，应先补充证据。"
)


def rule_weight(rule: dict | None, severity: str) -> float:
    if rule and rule.get("weight") is not None:
        return float(rule["weight"])
    sev = (rule or {}).get("severity") or severity
    return DEFAULT_WEIGHTS.get(sev, DEFAULT_WEIGHTS["error"])


def rule_outcomes(findings: list[Finding]) -> dict[str, str]:
    """rule id -> the rule's outcome for one unit's findings."""
    by_rule: dict[str, list[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f.status)
    return {rule: worst_status(statuses) for rule, statuses in by_rule.items()}


def score_of(findings: list[Finding], rules: dict[str, dict]) -> tuple[float | None, dict]:
    """The score of one unit's findings and the figures behind it."""
    severity = {f.rule: f.severity for f in findings}
    earned = total = 0.0
    detail = {"scored": 0, "unknown": 0, "waived": 0, "pass": 0, "warn": 0, "fail": 0}
    for rule, outcome in rule_outcomes(findings).items():
        if outcome in ("unknown", "waived"):
            detail[outcome] += 1
            continue
        w = rule_weight(rules.get(rule), severity[rule])
        total += w
        earned += w * CREDIT[outcome]
        detail[outcome] += 1
        detail["scored"] += 1
    detail["weight_total"] = total
    detail["weight_earned"] = earned
    score = round(100.0 * earned / total, 1) if total > 0 else None
    return score, detail


def score_units(result: AuditResult) -> AuditResult:
    """A copy of `result` with counts, UnitSummary.score and score_detail filled in."""
    # Scoring changes only the unit summaries: copy those (and the lists), not every
    # finding; and it reads the findings once, front to back, keeping of each only its
    # rule, status and severity (a province's findings may be held packed).
    findings = result.findings if isinstance(result.findings, PackedFindings) else list(result.findings)
    out = result.model_copy(
        update={
            "units": [u.model_copy(deep=True) for u in result.units],
            "baseline_hidden": list(result.baseline_hidden),
            "errors": list(result.errors),
            "notes": list(result.notes),
        }
    )
    with_findings(out, findings)
    counts = {u.id: dict.fromkeys(STATUSES, 0) for u in out.units}
    # unit id -> what scoring reads of its findings (rule, status, severity): the briefs
    # themselves, and the findings a baseline hid
    by_unit: dict[str, list] = {}
    for f in briefs_of(findings):
        if f.unit_id not in counts:  # a unit with findings but no summary (view.unit_summaries)
            counts[f.unit_id] = dict.fromkeys(STATUSES, 0)
            out.units.append(UnitSummary(id=f.unit_id, name=f.unit))
        counts[f.unit_id][f.status] += 1
        by_unit.setdefault(f.unit_id, []).append(f)
    for f in out.baseline_hidden:  # they count in the score, not in the counts
        if f.unit_id not in counts:
            counts[f.unit_id] = dict.fromkeys(STATUSES, 0)
            out.units.append(UnitSummary(id=f.unit_id, name=f.unit))
        by_unit.setdefault(f.unit_id, []).append(f)
    rules = rules_by_id(out)
    for u in out.units:
        u.counts = counts[u.id]
        u.score, u.score_detail = score_of(by_unit.get(u.id, []), rules)
    return out

