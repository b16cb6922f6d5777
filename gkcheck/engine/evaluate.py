"""Evaluate a pack's rules against each unit's evidence, as of a date.

Pure: evidence in, `AuditResult` out. Rules whose kind is `late` (deadline.met) run after
the others for the same unit and see their findings.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from collections.abc import Iterator, Mapping, Sequence

from gkcheck import __version__
from gkcheck.checks.registry import CheckContext, Outcome, get_kind
from gkcheck.engine.pack import Pack
from gkcheck.engine.parallel import chunks, plan_jobs, run_parts
from gkcheck.errors import GkError
from gkcheck.gcpolicy import frozen_heap, no_cyclic_gc
from gkcheck.model import (
    AuditResult,
    EvidenceRef,
    Finding,
    Rule,
    Unit,
    UnitEvidence,
    UnitSummary,
)
from gkcheck.model.finding import STATUSES
from gkcheck.model.construct import builder
from gkcheck.model.packed import PackedFindings, with_findings
from gkcheck.report.scores import DEFAULT_WEIGHTS

log = logging.getLogger(__name__)

# Units evaluated between two hand-overs of findings (to the parent, when parallel).
BATCH_UNITS = 50
# From this many units on, findings are kept packed (gkcheck.model.packed): a million
# findings take some 1.6 GB as objects, under a tenth of that packed.
PACK_FROM_UNITS = 500
# From this many units on (or with worker processes), the heap is frozen for the run
# (gkcheck.gcpolicy.frozen_heap).
FREEZE_FROM_UNITS = 100


def select_units(pack: Pack, selectors: list[str] | None) -> list[Unit]:
    """The units to audit: all of the pack's, or those the selectors name."""
    if not selectors:
        return list(pack.index.units.values())
    ids = pack.index.expand_all(selectors)
    return [pack.index.units[i] for i in ids]


def evaluate(
    pack: Pack,
    evidence: Mapping[str, UnitEvidence],
    as_of: dt.date | None = None,
    units: list[str] | None = None,
    errors: list[str] | None = None,
    jobs: int = 1,
) -> AuditResult:
    """The findings of every applicable rule for every chosen unit. With `jobs` > 1 (0:
    one per processor) a large audit is evaluated in that many processes, with the same
    result (see gkcheck.engine.parallel)."""
    as_of = as_of or pack.as_of or dt.date.today()
    plan_year = pack.plan_year or as_of.year
    chosen = select_units(pack, units)
    chosen_ids = {u.id for u in chosen}

    # Which rules apply to which unit, computed once per rule.
    applies: dict[str, list[Rule]] = {u.id: [] for u in chosen}
    for rule in pack.rules:
        if rule.manual and not rule.check:
            continue
        for uid in pack.units_of_rule(rule):
            if uid in chosen_ids:
                applies[uid].append(rule)

    run_errors = list(errors or [])
    is_late = {r.id: get_kind(r.check).late for r in pack.rules if r.check}
    rule_tasks = {r.id: tuple(t for n in r.tasks if (t := pack.task(n)) is not None) for r in pack.rules}

    packing = len(chosen) >= PACK_FROM_UNITS

    def run_units(some: Sequence[Unit]) -> Iterator[tuple[object, list[str], dict[str, dict[str, int]]]]:
        """(findings, check errors, each unit's counts by status) of `some`, a batch of
        units at a time; the findings packed (PackedFindings.pack) for a large audit."""
        findings: list[Finding] = []
        check_errors: list[str] = []
        counts: dict[str, dict[str, int]] = {}
        for n, unit in enumerate(some, 1):
            with no_cyclic_gc():
                unit_findings = check_unit(unit, check_errors)
            findings += unit_findings
            tally = counts[unit.id] = dict.fromkeys(STATUSES, 0)
            for f in unit_findings:
                tally[f.status] += 1
            if n % BATCH_UNITS == 0 or n == len(some):
                yield (PackedFindings.pack(findings) if packing else findings), check_errors, counts
                findings, check_errors, counts = [], [], {}

    def check_unit(unit: Unit, check_errors: list[str]) -> list[Finding]:
        """The findings of every rule that applies to `unit`; a check's internal error
        is added to `check_errors`."""
        ev = evidence.get(unit.id) or UnitEvidence(unit_id=unit.id)
        unit_findings: list[Finding] = []
        early = [r for r in applies[unit.id] if not is_late[r.id]]
        late = [r for r in applies[unit.id] if is_late[r.id]]
        for rules, after in ((early, False), (late, True)):
            for rule in rules:
                ctx = CheckContext(
                    unit=unit,
                    evidence=ev,
                    as_of=as_of,
                    plan_year=plan_year,
                    rule=rule,
                    tasks=rule_tasks[rule.id],
                    role=pack.role_of(rule, unit.id),
                    task_roles=_task_roles(pack, rule, unit.id),
                    prior=tuple(unit_findings) if after else (),
                )
                unit_findings += run_rule(pack, rule, ctx, check_errors)
        return unit_findings

    findings: list[Finding] | PackedFindings = PackedFindings() if packing else []
    unit_counts: dict[str, dict[str, int]] = {}
    n_jobs = plan_jobs(jobs, len(chosen)) if jobs != 1 else 1
    # The heap alive now (pack, sources, evidence readers) outlives the run: kept out of
    # the collector's walks, and shared with forked workers without copying. Freezing
    # starts with a full collection (tens of milliseconds in a large process): worth it
    # for an audit of many units, not for one catalog checked after another.
    with frozen_heap() if n_jobs > 1 or len(chosen) >= FREEZE_FROM_UNITS else nullcontext():
        if n_jobs == 1:
            batches = [(run_units(chosen), None)]
        else:
            batches = run_parts(
                run_units,
                chunks(chosen, n_jobs),
                child_state=getattr(evidence, "child_state", None),
                after_fork=getattr(evidence, "after_fork", None),
            )
        for part, state in batches:
            for batch_findings, check_errors, counts in part:
                if packing:
                    findings.add(batch_findings)
                else:
                    findings += batch_findings
                run_errors += check_errors
                unit_counts.update(counts)
            if state is not None:
                evidence.merge_child_state(state)

    tables = _pack_tables(pack)
    result = AuditResult(
        version=__version__,
        pack=pack.id,
        pack_name=pack.name,
        plan_year=plan_year,
        as_of=as_of,
        generated_at=dt.datetime.now().replace(microsecond=0),
        units=[UnitSummary(id=u.id, name=u.name, kind=u.kind, counts=unit_counts[u.id]) for u in chosen],
        tasks=[dict(t) for t in tables["tasks"]],
        requirements=[dict(r) for r in tables["requirements"]],
        rules=[dict(r) for r in tables["rules"]],
        errors=run_errors,
    )
    return with_findings(result, findings)


def _task_roles(pack: Pack, rule: Rule, unit_id: str) -> dict[int, str]:
    roles = {}
    for n in rule.tasks:
        lead, coop = pack.task_roles(n)
        if unit_id in lead:
            roles[n] = "lead"
        elif unit_id in coop:
            roles[n] = "cooperating"
    return roles


def run_rule(pack: Pack, rule: Rule, ctx: CheckContext, errors: list[str]) -> list[Finding]:
    kind = get_kind(rule.check)
    params = pack.params[rule.id]
    try:
        outcomes = list(kind.func(ctx, params))
    except GkError as exc:
        outcomes = [Outcome("unknown", f"无法核验：{exc.message}")]
    except Exception as exc:  # a bug in a check must not stop an audit of many units
        log.exception("check %s failed on %s", rule.check, ctx.unit.name)
        msg = f"检查程序内部错误（{rule.check}，{ctx.unit.name}）：{type(exc).__name__}: {exc}"
        errors.append(msg)
        outcomes = [Outcome("unknown", msg)]
    # A check that yields nothing says the rule does not apply (e.g. a task not yet due).
    return [_finding(rule, ctx, o) for o in outcomes]


# Every pydantic object carries the set of the fields it was given, some 0.7 KB apiece:
# more than the rest of a finding. Findings (a million in a province-wide audit) and their
# evidence share one set of all field names instead; since it already holds every name,
# setting a field later (a waiver) leaves it unchanged. Nothing reads these sets.
_FINDING_FIELDS = set(Finding.model_fields)
_REF_FIELDS = set(EvidenceRef.model_fields)


def _finding(rule: Rule, ctx: CheckContext, o: Outcome) -> Finding:
    f = _new_finding(rule, ctx, o)
    object.__setattr__(f, "__pydantic_fields_set__", _FINDING_FIELDS)
    for ref in f.evidence:
        object.__setattr__(ref, "__pydantic_fields_set__", _REF_FIELDS)
    return f


def _new_finding(rule: Rule, ctx: CheckContext, o: Outcome) -> Finding:
    values = {
        "rule": rule.id,
        "check": rule.check or "manual",
        "title": rule.title,
        "unit": ctx.unit.name,
        "unit_id": ctx.unit.id,
        "status": o.status,
        "severity": rule.severity,
        "tasks": list(o.tasks) if o.tasks is not None else list(rule.tasks),
        "requirements": list(rule.requirements),
        "message": o.message,
        "fix": o.fix if o.fix is not None else rule.fix,
        "basis": rule.basis,
        "record": o.record,
        "role": ctx.role,
        "deadline": min((t.deadline for t in ctx.tasks), default=None),
        "evidence": o.evidence,
        "waiver": None,
    }
    # The rule and unit were validated when the pack was loaded; what a check function
    # hands over is checked here, and built without pydantic's validation when well typed
    # (a province-wide audit makes a million findings). Anything else is validated, and a
    # mistake in a check is reported as pydantic reports it.
    if (
        o.status in _STATUS_SET
        and type(o.message) is str
        and (o.record is None or type(o.record) is str)
        and type(values["fix"]) is str
        and type(o.evidence) is list
        and all(type(e) is EvidenceRef for e in o.evidence)
        and all(type(n) is int for n in values["tasks"])
    ):
        return _build_finding(values)
    return Finding(**values)


_STATUS_SET = frozenset(STATUSES)
_build_finding = builder(Finding)


_TABLES: dict[int, tuple[Pack, dict[str, list[dict]]]] = {}


def _pack_tables(pack: Pack) -> dict[str, list[dict]]:
    """The task, requirement and rule tables every result of `pack` lists, worked out
    once per pack (a department validating catalog after catalog reuses them); each
    result gets copies of the dicts."""
    hit = _TABLES.get(id(pack))
    if hit is not None and hit[0] is pack:
        return hit[1]
    tasks_file = _tasks_file(pack)  # one look at the disk, not one per task
    tables = {
        "tasks": [_task_dict(pack, t, tasks_file) for t in pack.tasks],
        "requirements": [
            {"id": r.id, "title": r.title, "text": r.text, "deadline": r.deadline.isoformat() if r.deadline else None}
            for r in pack.requirements
        ],
        "rules": [_rule_dict(r) for r in pack.rules],
    }
    if len(_TABLES) > 8:
        _TABLES.clear()
    _TABLES[id(pack)] = (pack, tables)
    return tables


def _task_dict(pack: Pack, t, tasks_file: str | None = None) -> dict:
    return {
        "number": t.number,
        "section": t.section,
        "group": t.group,
        "requirement": t.requirement,
        "deadline": t.deadline.isoformat(),
        "deadline_text": t.deadline_text,
        "lead": [pack.index.units[u].name for u in pack.index.expand_all(t.lead)],
        "cooperating": [pack.index.units[u].name for u in pack.index.expand_all(t.cooperating)],
        # where the task is defined (SARIF locations point there)
        "file": tasks_file if tasks_file is not None else _tasks_file(pack),
    }


def _tasks_file(pack: Pack) -> str:
    path = pack.path / "tasks.yaml"
    return str(path) if path.is_file() else ""


def rule_weight(r: Rule) -> float:
    return float(r.weight) if r.weight is not None else float(DEFAULT_WEIGHTS[r.severity])


def _rule_dict(r: Rule) -> dict:
    return {
        "id": r.id,
        "title": r.title,
        "check": r.check,
        "severity": r.severity,
        "weight": rule_weight(r),
        "tasks": list(r.tasks),
        "requirements": list(r.requirements),
        "basis": r.basis,
        "fix": r.fix,
        "manual": r.manual,
        "pack": r.pack,
        "file": r.file,  # the rule file that defines it (SARIF locations point there)
    }
