"""Rule tests as data (sqlfluff style): check-kind case files and pack rule tests.

A case gives params (or a rule id), a small piece of evidence and the expected status;
`run_case` evaluates it and returns what went wrong, if anything. Case files of the
check kinds live in gkcheck/checks/cases/<kind>.yaml; a pack's rule tests in
rules/<pack>/tests/*.yaml (same format, with `rule: ID` instead of `kind:`/`params:`).

A pack test file may also hold the cases of several rules, as a mapping rule id -> cases:

    rules:
      ZC24-G1-meeting:
        - {name: …, evidence: {…}, expect: {status: pass}}
      ZC24-G2-training:
        - …
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.engine.pydantic_zh import describe
from gkcheck.engine.yamlio import read_yaml
from gkcheck.errors import RuleError
from gkcheck.model import (
    Catalog,
    CatalogItem,
    Column,
    Finding,
    LedgerEntry,
    Rule,
    SourcePos,
    Task,
    Unit,
    UnitEvidence,
)

CASES_DIR = Path(__file__).resolve().parent.parent / "checks" / "cases"


@dataclass
class Case:
    file: Path
    index: int
    name: str
    kind: str
    spec: dict[str, Any]
    rule: Rule | None = None  # set for pack rule tests

    @property
    def id(self) -> str:
        return f"{self.kind}::{self.name}"


def load_case_file(path: Path, pack=None) -> list[Case]:
    data = read_yaml(path, RuleError) or {}
    if isinstance(data, dict) and "rules" in data:
        return _load_rules_mapping(path, data, pack)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise RuleError("用例文件应包含“cases:”列表", path)
    rule = None
    if "rule" in data:
        if pack is None:
            raise RuleError("规则用例需要在规则包中运行", path)
        rule = pack.rule(str(data["rule"]))
        if rule is None:
            raise RuleError(f"规则“{data['rule']}”不在规则包中", path)
        kind = rule.check
    else:
        kind = str(data.get("kind") or "")
        if get_kind(kind) is None:
            raise RuleError(f"未知的检查类型“{kind}”", path)
    return _cases(path, data["cases"], kind, rule)


def _cases(path: Path, specs: list, kind: str, rule: Rule | None, where: str = "") -> list[Case]:
    cases = []
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict) or "expect" not in spec:
            raise RuleError("每个用例应为键值映射并含 expect", path, f"{where}第{i + 1}个用例")
        cases.append(Case(path, i, str(spec.get("name") or f"case{i + 1}"), kind, spec, rule))
    return cases


def _load_rules_mapping(path: Path, data: dict, pack) -> list[Case]:
    """A file of `rules: {rule id: [cases]}` (the cases of several rules of one pack)."""
    rules = data["rules"]
    if "cases" in data or "rule" in data or "kind" in data:
        raise RuleError("用例文件不能同时使用“rules:”和“rule:”/“kind:”/“cases:”", path)
    if not isinstance(rules, dict) or not rules:
        raise RuleError("“rules:”应为“规则编号: 用例列表”的映射", path)
    if pack is None:
        raise RuleError("规则用例需要在规则包中运行", path)
    out: list[Case] = []
    for rule_id, specs in rules.items():
        rule = pack.rule(str(rule_id))
        if rule is None:
            raise RuleError(f"规则“{rule_id}”不在规则包中", path, f"rules.{rule_id}")
        if rule.manual or not rule.check:
            raise RuleError(f"规则“{rule_id}”为人工核验，不能写用例", path, f"rules.{rule_id}")
        if not isinstance(specs, list):
            raise RuleError("每条规则的用例应为列表", path, f"rules.{rule_id}")
        out += _cases(path, specs, rule.check, rule, f"rules.{rule_id} ")
    return out


def kind_case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def all_kind_cases() -> list[Case]:
    return [c for f in kind_case_files() for c in load_case_file(f)]


def pack_cases(pack) -> list[Case]:
    out = []
    for d in pack.test_dirs:
        for f in sorted(Path(d).glob("*.yaml")):
            out += load_case_file(f, pack)
    return out


def run_case(case: Case, pack=None) -> str | None:
    """Evaluate one case; None when it behaves as expected, else a Chinese explanation."""
    spec = case.spec
    kind = get_kind(case.kind)
    where = f"{case.file.name} · {case.rule.id + ' · ' if case.rule is not None else ''}{case.name}"
    if case.rule is not None:
        rule = case.rule
        raw_params = rule.with_
    else:
        raw_params = spec.get("params") or {}
        rule = Rule(id=f"case:{case.kind}", title=case.name, check=case.kind, units=["all"])
    try:
        params = kind.params.model_validate(raw_params)
    except ValidationError as exc:
        return f"{where}: 参数错误：{describe(exc)}"
    as_of = _date(spec.get("as_of")) or dt.date(2024, 12, 31)
    unit = Unit.model_validate(spec.get("unit") or {"id": "u1", "name": "测试单位"})
    evidence = build_evidence(unit.id, spec.get("evidence") or {}, case.file.parent)
    if spec.get("tasks") and (pack is None or case.rule is None):
        pack = _plan_pack()  # kind cases name rows of the shipped plan, whatever pack is loaded
    tasks = tuple(_tasks(spec.get("tasks") or [], pack))
    prior = tuple(_prior(p, unit) for p in spec.get("prior") or [])
    ctx = CheckContext(
        unit=unit,
        evidence=evidence,
        as_of=as_of,
        plan_year=int(spec.get("plan_year") or as_of.year),
        rule=rule,
        tasks=tasks,
        role=spec.get("role"),
        task_roles=_roles(tasks, unit, spec.get("role"), pack),
        prior=prior,
    )
    outcomes = list(kind.func(ctx, params))
    return judge(outcomes, spec["expect"], where)


def judge(outcomes, expect: dict, where: str) -> str | None:
    want = expect.get("status")
    got = [f"{o.status}:{o.message}" for o in outcomes]
    if not outcomes:
        return f"{where}: 没有任何结果"
    if want == "pass":
        bad = [o for o in outcomes if o.status != "pass"]
        if bad:
            return f"{where}: 期望全部通过，实际 {got}"
        matching = outcomes
    else:
        matching = [o for o in outcomes if o.status == want]
        if not matching:
            return f"{where}: 期望有 {want}，实际 {got}"
    text = expect.get("contains")
    text = str(text) if text is not None else None  # YAML reads `contains: 2024-07-02` as a date
    if text and not any(text in o.message for o in matching):
        return f"{where}: 期望 {want} 的说明含“{text}”，实际 {got}"
    count = expect.get("count")
    if count is not None and len(matching) != int(count):
        return f"{where}: 期望 {count} 条 {want}，实际 {len(matching)} 条：{got}"
    return None


def build_evidence(unit_id: str, spec: dict, base_dir: Path) -> UnitEvidence:
    ev = UnitEvidence(unit_id=unit_id)
    if "catalog" in spec:
        items = []
        for i, raw in enumerate(spec["catalog"] or []):
            raw = dict(raw)
            pos = SourcePos(file="case.xlsx", sheet="目录", row=int(raw.pop("row", i + 3)))
            items.append(CatalogItem.model_validate({**raw, "pos": pos}))
        updated = _date(spec.get("catalog_updated"))
        ev.catalogs = [] if spec["catalog"] is None else [Catalog(path="case.xlsx", items=items, updated=updated)]
    if "columns" in spec:
        ev.columns = {
            name: Column.model_validate({"unit": unit_id, "name": name, **(col or {})})
            for name, col in (spec["columns"] or {}).items()
        }
    if "ledger" in spec:
        ev.ledger = [LedgerEntry.model_validate(e) for e in spec["ledger"] or []]
    if "annual_reports" in spec:
        from gkcheck.sources.annual_report import doc_from_case

        ev.annual_reports = [doc_from_case(d, base_dir) for d in spec["annual_reports"] or []]
    if "history" in spec:
        ev.history = dict(spec["history"] or {})
    return ev


_PLAN_PACK = None


def _plan_pack():
    """The shipped plan pack, whose tasks kind cases may refer to by number."""
    global _PLAN_PACK
    if _PLAN_PACK is None:
        from gkcheck.engine.pack import load_pack

        _PLAN_PACK = load_pack(Path(__file__).resolve().parents[2] / "rules" / "zoucheng-2024")
    return _PLAN_PACK


def _tasks(numbers, pack) -> list[Task]:
    return [t for n in numbers if (t := pack.task(int(n))) is not None]


def _roles(tasks, unit: Unit, role: str | None, pack) -> dict[int, str]:
    """The case unit's role per task: as the case says, or as the pack's task table says."""
    if role:
        return {t.number: role for t in tasks}
    if pack is None:
        return {}
    known = pack.index.unit(unit.name) or pack.index.unit(unit.id)
    out = {}
    for t in tasks:
        lead, coop = pack.task_roles(t.number)
        if known and known.id in lead:
            out[t.number] = "lead"
        elif known and known.id in coop:
            out[t.number] = "cooperating"
    return out


def _prior(p: dict, unit: Unit) -> Finding:
    return Finding(
        rule=str(p.get("rule", "R")),
        check=str(p.get("check", "x")),
        unit=unit.name,
        unit_id=unit.id,
        status=p.get("status", "pass"),
        severity=p.get("severity", "error"),
        tasks=list(p.get("tasks") or []),
        requirements=list(p.get("requirements") or []),
        message=str(p.get("message", "")),
    )


def _date(v) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))
