"""Pack loading, validation errors, selectors and evaluation, on small packs in tmp_path."""

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from gkcheck.engine.evaluate import evaluate
from gkcheck.engine.pack import load_pack
from gkcheck.errors import RuleError
from gkcheck.model import LedgerEntry, UnitEvidence

UNITS = """
groups:
  - {id: 市政府各部门, name: 市政府各部门, aliases: [各部门]}
  - {id: 各镇街, name: 各镇街}
units:
  - {id: mzj, name: 市民政局, aliases: [民政局, 邹城市民政局], groups: [市政府各部门], domains: [社会救助], issues_policies: true}
  - {id: sfj, name: 市司法局, groups: [市政府各部门], issues_policies: true}
  - {id: gs, name: 钢山街道, kind: town, groups: [各镇街], domains: [社会救助]}
"""
TASKS = """
tasks:
  - {number: 1, section: 一, group: （一）, requirement: 专题会议, lead: [市司法局], cooperating: [市政府各部门], deadline: 2024-06-30, deadline_text: 6月底前}
  - {number: 2, section: 一, group: （一）, requirement: 政策评价, lead: [各部门], deadline: 2024-12-31}
"""
RULES = """
rules:
  - id: R-MEET
    title: 每年至少召开1次专题会议
    tasks: [1]
    check: ledger.count
    with: {kind: 专题会议}
    basis: 测试
  - id: R-EVAL
    title: 政策评价
    units: [issues_policies]
    tasks: [2]
    severity: warning
    check: ledger.count
    with: {kind: 政策评价, min_count: 2}
  - id: R-DEADLINE
    title: 到期任务
    tasks: [1, 2]
    check: deadline.met
"""


def make_pack(tmp_path: Path, rules: str = RULES, units: str = UNITS, tasks: str = TASKS, extra=None) -> Path:
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "pack.yaml").write_text("id: t\nname: 测试包\nplan_year: 2024\nas_of: 2024-12-31\n", encoding="utf-8")
    (d / "units.yaml").write_text(textwrap.dedent(units), encoding="utf-8")
    (d / "tasks.yaml").write_text(textwrap.dedent(tasks), encoding="utf-8")
    (d / "rules.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    for name, text in (extra or {}).items():
        (d / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def test_selectors_expand_names_aliases_groups_and_kinds(tmp_path):
    pack = load_pack(make_pack(tmp_path))
    idx = pack.index
    assert idx.expand("邹城市民政局") == ["mzj"]
    assert idx.expand("民政局") == ["mzj"]
    assert idx.expand("ｍｚｊ") == ["mzj"]  # full-width id
    assert sorted(idx.expand("各部门")) == ["mzj", "sfj"]
    assert idx.expand("kind:town") == ["gs"]
    assert sorted(idx.expand("domain:社会救助")) == ["gs", "mzj"]
    assert sorted(idx.expand("all")) == ["gs", "mzj", "sfj"]


def test_rule_units_default_to_the_tasks_responsible_units_and_roles(tmp_path):
    pack = load_pack(make_pack(tmp_path))
    meet = pack.rule("R-MEET")
    assert sorted(pack.units_of_rule(meet)) == ["mzj", "sfj"]
    assert pack.role_of(meet, "sfj") == "lead"
    assert pack.role_of(meet, "mzj") == "cooperating"
    assert pack.role_of(meet, "gs") is None


@pytest.mark.parametrize(
    "rules, fragment",
    [
        ("rules:\n  - {id: X, title: t, units: [all], check: no.such}\n", "未知的检查类型“no.such”"),
        ("rules:\n  - {id: X, title: t, units: [all], check: ledger.count, with: {kind: 会议, min_count: 两次}}\n", "min_count"),
        ("rules:\n  - {id: X, title: t, units: [all], check: ledger.count, with: {kinds: 会议}}\n", "未知参数“kinds”"),
        ("rules:\n  - {id: X, title: t, units: [市公安局], check: ledger.count, with: {kind: 会议}}\n", "未知的单位或分组“市公安局”"),
        ("rules:\n  - {id: X, title: t, units: [all], tasks: [99], check: ledger.count, with: {kind: 会议}}\n", "任务序号 99"),
        ("rules:\n  - {id: X, title: t, units: [all], check: ledger.count, with: {kind: a}}\n  - {id: X, title: t, units: [all], check: ledger.count, with: {kind: a}}\n", "重复"),
        ("rules:\n  - id: X\n    title: [unclosed\n", "YAML 格式错误"),
        ("rules:\n  - !!python/object/apply:os.system [echo hi]\n", "不允许的 YAML 标签"),
        ("rules:\n  - {id: X, title: t, units: [all]}\n", "缺少 check"),
        ("rules:\n  - {title: t, units: [all], check: ledger.count, with: {kind: a}}\n", "缺少必填字段“id”"),
    ],
)
def test_broken_rule_files_name_the_file_and_rule(tmp_path, rules, fragment):
    with pytest.raises(RuleError) as exc:
        load_pack(make_pack(tmp_path, rules=rules))
    msg = exc.value.render()
    assert fragment in msg
    assert "rules.yaml" in msg


def test_duplicate_yaml_keys_are_refused(tmp_path):
    rules = "rules:\n  - id: X\n    id: Y\n    title: t\n    units: [all]\n    check: ledger.count\n    with: {kind: a}\n"
    with pytest.raises(RuleError, match="重复的键“id”"):
        load_pack(make_pack(tmp_path, rules=rules))


def test_unknown_task_unit_is_reported_against_tasks_yaml(tmp_path):
    tasks = TASKS.replace("lead: [市司法局]", "lead: [市审计局]")
    with pytest.raises(RuleError) as exc:
        load_pack(make_pack(tmp_path, tasks=tasks))
    assert "tasks.yaml" in exc.value.render() and "市审计局" in exc.value.render()


def test_extends_inherits_rules_and_rejects_duplicate_ids(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    (base / "pack.yaml").write_text("id: base\nname: 基础\n", encoding="utf-8")
    (base / "b.yaml").write_text(
        "rules:\n  - {id: B1, title: 台账, units: ['domain:社会救助'], check: ledger.count, with: {kind: 培训}}\n",
        encoding="utf-8",
    )
    child = make_pack(tmp_path)
    (child / "pack.yaml").write_text("id: t\nname: 子包\nplan_year: 2024\nextends: [../base]\n", encoding="utf-8")
    pack = load_pack(child)
    assert [r.id for r in pack.rules][:1] == ["B1"]
    assert pack.chain == ["base", "t"]
    assert sorted(pack.units_of_rule(pack.rule("B1"))) == ["gs", "mzj"]
    (child / "dup.yaml").write_text(
        "rules:\n  - {id: B1, title: x, units: [all], check: ledger.count, with: {kind: a}}\n", encoding="utf-8"
    )
    with pytest.raises(RuleError, match="规则编号“B1”重复"):
        load_pack(child)


def test_extends_cycle_is_reported(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "pack.yaml").write_text("id: a\nextends: [../b]\n", encoding="utf-8")
    (b / "pack.yaml").write_text("id: b\nextends: [../a]\n", encoding="utf-8")
    with pytest.raises(RuleError, match="循环继承"):
        load_pack(a)


def _ledger(*entries):
    return [LedgerEntry(kind=k, date=dt.date.fromisoformat(d), title=t) for k, d, t in entries]


def test_evaluate_produces_findings_with_roles_and_deadlines(tmp_path):
    pack = load_pack(make_pack(tmp_path))
    evidence = {
        "sfj": UnitEvidence(
            unit_id="sfj",
            ledger=_ledger(
                ("专题会议", "2024-03-01", "政务公开专题会议"),
                ("政策评价", "2024-05-01", "评价一"),
                ("政策评价", "2024-10-01", "评价二"),
            ),
        ),
        "mzj": UnitEvidence(unit_id="mzj", ledger=_ledger(("政策评价", "2024-05-01", "评价一"))),
        # gs: no ledger given at all
    }
    result = evaluate(pack, evidence, as_of=dt.date(2024, 12, 31))
    by = {(f.unit_id, f.rule, f.record): f for f in result.findings}
    assert by[("sfj", "R-MEET", "专题会议")].status == "pass"
    assert by[("sfj", "R-MEET", "专题会议")].role == "lead"
    assert by[("mzj", "R-MEET", "专题会议")].status == "fail"
    assert by[("mzj", "R-MEET", "专题会议")].role == "cooperating"
    assert by[("mzj", "R-EVAL", "政策评价")].status == "fail"
    assert by[("mzj", "R-EVAL", "政策评价")].severity == "warning"
    # deadline.met sees the other findings of the unit: task 1 (6月底前) is past due as of 12-31
    assert by[("mzj", "R-DEADLINE", "任务1")].status == "fail"
    assert "本单位为配合单位" in by[("mzj", "R-DEADLINE", "任务1")].message
    assert by[("sfj", "R-DEADLINE", "任务1")].status == "pass"
    # task 2 is due 12-31: judged on its deadline day (a year-end audit sees year-end tasks)
    assert by[("sfj", "R-DEADLINE", "任务2")].message.endswith("已到期，相关检查均已通过")
    day_before = evaluate(pack, evidence, as_of=dt.date(2024, 12, 30))
    assert not [f for f in day_before.findings if f.rule == "R-DEADLINE" and f.record == "任务2"]
    # the town is responsible for neither task
    assert not [f for f in result.findings if f.unit_id == "gs"]
    summary = {u.id: u.counts for u in result.units}
    assert by[("mzj", "R-DEADLINE", "任务2")].status == "fail"  # its cooperating share, due today
    assert summary["mzj"]["fail"] == 4 and summary["sfj"]["fail"] == 0
    data = result.to_json_dict()
    assert data["schema"] == "gkcheck.audit/1"
    assert data["findings"][0]["unit"] in ("市民政局", "市司法局")


def test_deadline_unknown_without_evidence_and_as_of_matters(tmp_path):
    pack = load_pack(make_pack(tmp_path))
    early = evaluate(pack, {}, as_of=dt.date(2024, 6, 1))
    assert not [f for f in early.findings if f.rule == "R-DEADLINE"]
    late = evaluate(pack, {}, as_of=dt.date(2025, 1, 2))
    dl = [f for f in late.findings if f.rule == "R-DEADLINE" and f.unit_id == "sfj"]
    # no ledger provided: ledger.count answers unknown, so the deadline cannot be confirmed
    assert {f.status for f in dl} == {"unknown"}
    assert {f.record for f in dl} == {"任务1", "任务2"}


def test_evaluate_restricts_to_selected_units(tmp_path):
    pack = load_pack(make_pack(tmp_path))
    result = evaluate(pack, {}, as_of=dt.date(2024, 12, 31), units=["市民政局"])
    assert {f.unit_id for f in result.findings} == {"mzj"}
    assert [u.id for u in result.units] == ["mzj"]


def test_findings_built_fast_equal_validated_ones_and_odd_outcomes_are_validated(tmp_path):
    from gkcheck.checks.registry import CheckContext, Outcome
    from gkcheck.engine.evaluate import _new_finding
    from gkcheck.model import EvidenceRef, Finding

    pack = load_pack(make_pack(tmp_path))
    rule = pack.rules[0]
    unit = pack.index.units["mzj"]
    ctx = CheckContext(unit=unit, evidence=UnitEvidence(unit_id="mzj"), as_of=dt.date(2024, 12, 31),
                       plan_year=2024, rule=rule, tasks=(), role="lead")
    ref = EvidenceRef(source="ledger", location="ledgers/x.yaml:3", title="专题会议")
    fast = _new_finding(rule, ctx, Outcome("fail", "未召开", [ref], record="专题会议"))
    assert fast == Finding.model_validate(fast.model_dump())
    # a tuple of evidence and a numeric record are not what a Finding holds: validated
    odd = _new_finding(rule, ctx, Outcome("fail", "未召开", (ref,), record="专题会议"))
    assert type(odd.evidence) is list and odd == fast
    with pytest.raises(ValueError):
        _new_finding(rule, ctx, Outcome("bad-status", "x"))
