"""`gkcheck rules list|show|coverage|test`."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from gkcheck.checks.registry import get_kind, load_all
from gkcheck.engine.pack import Pack, rule_unit_selectors
from gkcheck.engine.run import find_config, load_packs
from gkcheck.errors import ConfigError


def rules_command(args) -> int:
    console = Console(highlight=False, soft_wrap=True)
    if args.action == "test":
        return _test(args, console)
    pack = load_packs(args, find_config(args))
    if args.action == "list":
        return _list(pack, console)
    if args.action == "show":
        if not args.id:
            raise ConfigError("请给出规则编号或检查类型，如：gkcheck rules show ZC24-T17-standards", "rules show")
        return _show(pack, args.id, console)
    return _coverage(pack, console)


def _list(pack: Pack, console: Console) -> int:
    table = Table(title=f"规则包 {pack.id}（{pack.name}）共 {len(pack.rules)} 条规则", show_lines=False)
    for col in ("编号", "名称", "检查类型", "级别", "任务", "适用单位"):
        table.add_column(col)
    for r in pack.rules:
        units = pack.units_of_rule(r)
        table.add_row(
            r.id,
            r.title,
            r.check or "人工核验",
            r.severity,
            ",".join(str(t) for t in r.tasks) or "—",
            f"{len(units)} 个",
        )
    console.print(table)
    return 0


def _show(pack: Pack, key: str, console: Console) -> int:
    rule = pack.rule(key)
    if rule is None:
        kind = get_kind(key)
        if kind is None:
            raise ConfigError(f"没有编号为“{key}”的规则，也没有这种检查类型", "rules show")
        console.print(f"[bold]检查类型 {kind.name}[/bold]（证据：{kind.needs}）\n")
        console.print(kind.doc or "（无说明）")
        console.print("\n参数：")
        for name, f in kind.params.model_fields.items():
            default = "必填" if f.is_required() else f"默认 {f.default!r}"
            console.print(f"  {name}: {f.description or ''} （{default}）")
        return 0
    units = [pack.index.units[u].name for u in pack.units_of_rule(rule)]
    console.print(f"[bold]{rule.id}[/bold] {rule.title}")
    rows = [
        ("检查类型", rule.check or "人工核验"),
        ("级别", rule.severity),
        ("任务", "、".join(str(t) for t in rule.tasks) or "—"),
        ("总体要求", "、".join(rule.requirements) or "—"),
        ("适用单位", f"{len(units)} 个：" + "、".join(units[:20]) + ("…" if len(units) > 20 else "")),
        ("选择器", "、".join(rule_unit_selectors(pack, rule)) or "—"),
        ("参数", str(rule.with_ or {})),
        ("依据", rule.basis or "—"),
        ("整改建议", rule.fix or "—"),
        ("文件", rule.file),
    ]
    if rule.manual:
        rows.append(("人工核验证据", rule.evidence_note or "—"))
    for k, v in rows:
        console.print(f"  {k}：{v}")
    if rule.check:
        doc = get_kind(rule.check).doc
        if doc:
            console.print(f"\n[dim]{doc.splitlines()[0]}[/dim]")
    return 0


def _checks_the_task(rule) -> bool:
    """A rule that checks a task's substance (deadline.met only reads other rules' results)."""
    if not rule.check or rule.manual:
        return False
    kind = get_kind(rule.check)
    return kind is not None and kind.needs != "findings"


def coverage(pack: Pack) -> list[dict]:
    """For every task: the rules that check it and the manual rules that stand for it.
    Rules that only read other rules' results (deadline.met) do not count as coverage."""
    rows = []
    for t in pack.tasks:
        auto = [r.id for r in pack.rules if t.number in r.tasks and _checks_the_task(r)]
        manual = [r.id for r in pack.rules if t.number in r.tasks and r.manual]
        rows.append({"task": t, "rules": auto, "manual": manual})
    return rows


def _coverage(pack: Pack, console: Console) -> int:
    rows = coverage(pack)
    table = Table(title=f"任务覆盖情况：{pack.name}")
    for col in ("序号", "具体要求", "时限", "检查规则", "人工核验"):
        table.add_column(col, overflow="fold")
    covered = 0
    for row in rows:
        t = row["task"]
        ok = bool(row["rules"] or row["manual"])
        covered += ok
        table.add_row(
            str(t.number),
            t.short,
            t.deadline.isoformat(),
            "、".join(row["rules"]) or ("" if ok else "[red]未覆盖[/red]"),
            "、".join(row["manual"]) or "—",
        )
    console.print(table)
    auto = sum(1 for r in rows if r["rules"])
    manual_only = sum(1 for r in rows if not r["rules"] and r["manual"])
    console.print(
        f"覆盖 {covered}/{len(rows)} 项任务：规则检查 {auto} 项，仅人工核验 {manual_only} 项，"
        f"未覆盖 {len(rows) - covered} 项"
    )
    if pack.requirements:
        for req in pack.requirements:
            ids = [r.id for r in pack.rules if req.id in r.requirements]
            console.print(f"  总体要求 {req.id} {req.title}：{'、'.join(ids) or '[red]未覆盖[/red]'}")
    return 0 if covered == len(rows) else 1


def _test(args, console: Console) -> int:
    from gkcheck.engine.rule_tests import all_kind_cases, pack_cases, run_case

    load_all()
    cases = all_kind_cases()
    pack = None
    try:
        pack = load_packs(args, find_config(args))
    except ConfigError:
        pack = None  # no pack configured: run the check kinds' own cases only
    if pack is not None:
        cases += pack_cases(pack)
    failures = []
    for case in cases:
        problem = run_case(case, pack)
        if problem:
            failures.append(problem)
            console.print(f"[red]✗[/red] {problem}")
    console.print(f"用例 {len(cases)} 个：通过 {len(cases) - len(failures)} 个，失败 {len(failures)} 个")
    sys.stdout.flush()
    return 1 if failures else 0
