"""Unit scores: a worked example, exclusions, weights, ranking ties."""

from __future__ import annotations

import datetime as dt

from gkcheck.model import AuditResult, Finding, UnitSummary
from gkcheck.report.scores import rule_weight, score_units
from gkcheck.report.view import ranking


def f(unit: str, rule: str, status: str, severity: str = "error", record: str | None = None) -> Finding:
    return Finding(
        rule=rule,
        check="x.y",
        unit=unit,
        unit_id=unit,
        status=status,
        severity=severity,
        message=f"{rule} {status}",
        record=record,
        tasks=[1],
    )


def result(findings, rules=(), units=None) -> AuditResult:
    ids = units or sorted({x.unit_id for x in findings})
    return AuditResult(
        pack="p",
        as_of=dt.date(2024, 12, 31),
        units=[UnitSummary(id=i, name=i) for i in ids],
        findings=list(findings),
        rules=list(rules),
    )


RULES = [
    {"id": "R1", "severity": "error", "weight": None},
    {"id": "R2", "severity": "error"},
    {"id": "R3", "severity": "warning", "weight": None},
    {"id": "R4", "severity": "info", "weight": 5},
    {"id": "R5", "severity": "error"},
    {"id": "R6", "severity": "warning"},
    {"id": "R7", "severity": "error"},
]


def test_worked_example():
    findings = [
        f("a", "R1", "pass"),  # 3 of 3
        f("a", "R2", "pass", record="x"),  # worst of pass + fail = fail: 0 of 3
        f("a", "R2", "fail", record="y"),
        f("a", "R3", "warn", "warning"),  # half credit: 1 of 2
        f("a", "R4", "pass", "info"),  # explicit weight: 5 of 5
        f("a", "R5", "unknown"),  # out of the denominator
        f("a", "R6", "waived", "warning"),  # out of the denominator
        f("a", "R7", "pass", record="x"),  # pass + unknown = unknown: out
        f("a", "R7", "unknown", record="y"),
    ]
    out = score_units(result(findings, RULES))
    u = out.units[0]
    assert u.score == 69.2  # 100 * (3 + 0 + 1 + 5) / (3 + 3 + 2 + 5) = 69.23
    assert u.score_detail == {
        "scored": 4,
        "unknown": 2,
        "waived": 1,
        "pass": 2,
        "warn": 1,
        "fail": 1,
        "weight_total": 13.0,
        "weight_earned": 9.0,
    }
    assert u.counts == {"pass": 4, "fail": 1, "warn": 1, "unknown": 2, "waived": 1}


def test_score_does_not_mutate_its_input():
    r = result([f("a", "R1", "fail")], RULES)
    out = score_units(r)
    assert r.units[0].score is None and out.units[0].score == 0.0


def test_nothing_scorable_means_no_score():
    r = result([f("a", "R5", "unknown"), f("b", "R6", "waived", "warning")], RULES, units=["a", "b", "c"])
    out = score_units(r)
    assert [u.score for u in out.units] == [None, None, None]
    assert out.units[0].score_detail["unknown"] == 1 and out.units[1].score_detail["waived"] == 1


def test_weights_default_by_severity_when_rule_unknown():
    assert rule_weight(None, "error") == 3.0
    assert rule_weight(None, "warning") == 2.0
    assert rule_weight(None, "info") == 1.0
    assert rule_weight({"id": "R", "severity": "info", "weight": None}, "error") == 1.0
    assert rule_weight({"id": "R", "weight": 0.5}, "error") == 0.5
    # no rules listed: finding severities decide. warning fail (2) + info pass (1) -> 1/3
    out = score_units(result([f("a", "X", "fail", "warning"), f("a", "Y", "pass", "info")]))
    assert out.units[0].score == 33.3


def test_ranking_ties_share_a_rank_and_unscored_come_last():
    findings = [
        f("a", "R1", "pass"),
        f("a", "R2", "fail"),  # 50
        f("b", "R1", "pass"),  # 100
        f("c", "R3", "warn", "warning"),  # 50
        f("d", "R5", "unknown"),  # None
        f("e", "R2", "fail"),  # 0
    ]
    out = score_units(result(findings, RULES))
    assert [(rank, u.id, u.score) for rank, u in ranking(out)] == [
        (1, "b", 100.0),
        (2, "a", 50.0),
        (2, "c", 50.0),
        (4, "e", 0.0),
        (None, "d", None),
    ]


def test_unit_missing_from_units_is_added():
    r = result([f("a", "R1", "pass")], RULES, units=[])
    out = score_units(r)
    assert [(u.id, u.score) for u in out.units] == [("a", 100.0)]


def test_a_unit_alone_has_no_rank():
    from gkcheck.report import render

    out = score_units(result([f("a", "R1", "pass"), f("a", "R2", "fail")], RULES))
    assert [(rank, u.id, u.score) for rank, u in ranking(out)] == [(None, "a", 50.0)]
    text = render(out, "text").decode()
    assert "■ a" in text and "得分 50" in text and "第1名" not in text
    assert "第1名" not in render(out, "md").decode() and "第 1 名" not in render(out, "html").decode()
    # a second scored unit brings ranks back
    two = score_units(result([f("a", "R1", "pass"), f("b", "R2", "fail")], RULES))
    assert [rank for rank, _ in ranking(two)] == [1, 2]
