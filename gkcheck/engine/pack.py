"""Rule packs: a folder of YAML (pack.yaml, units.yaml, tasks.yaml, rule files).

```
rules/zoucheng-2024/
  pack.yaml     id, name, plan_year, as_of, extends: [../national], disable: [rule ids]
  units.yaml    groups: [...], units: [...]
  tasks.yaml    plan: {...}, tasks: [...], requirements: [...]
  *.yaml        rules: [...]            (every other YAML file, and rules/*.yaml)
  tests/*.yaml  rule tests (see gkcheck.engine.rule_tests)
```
A pack that `extends` another inherits its units, groups, tasks and rules; its own
entries override units and groups with the same id; a rule id may not appear twice.
Everything is validated here, so that evaluation never meets a bad rule: an unknown
check kind, a bad parameter, an unknown unit or task names the file and the rule id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gkcheck.checks.registry import Params, get_kind
from gkcheck.engine.pydantic_zh import describe
from gkcheck.engine.selectors import UnitIndex, UnknownSelector
from gkcheck.engine.yamlio import read_yaml
from gkcheck.errors import RuleError
from gkcheck.model import Requirement, Rule, Task, Unit, UnitGroup

RESERVED_FILES = {"pack.yaml", "units.yaml", "tasks.yaml"}


@dataclass
class Pack:
    id: str
    name: str
    path: Path
    plan_year: int | None = None
    as_of: dt.date | None = None
    description: str = ""
    plan: dict[str, Any] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    groups: list[UnitGroup] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    params: dict[str, Params] = field(default_factory=dict)  # rule id -> validated params
    chain: list[str] = field(default_factory=list)  # pack ids, base first
    test_dirs: list[Path] = field(default_factory=list)

    def __post_init__(self):
        self._index: UnitIndex | None = None

    @property
    def index(self) -> UnitIndex:
        if self._index is None:
            self._index = UnitIndex(self.units, self.groups)
        return self._index

    def task(self, number: int) -> Task | None:
        by_number = self.__dict__.setdefault("_tasks_by_number", {t.number: t for t in self.tasks})
        return by_number.get(number)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def units_of_rule(self, rule: Rule) -> list[str]:
        ids = self.index.expand_all(rule_unit_selectors(self, rule))
        if rule.exclude:
            drop = set(self.index.expand_all(rule.exclude))
            ids = [u for u in ids if u not in drop]
        return ids

    def task_roles(self, number: int) -> tuple[frozenset[str], frozenset[str]]:
        """(lead unit ids, co-operating unit ids) of a task, computed once."""
        cache = self.__dict__.setdefault("_roles", {})
        if number not in cache:
            t = self.task(number)
            lead = frozenset(self.index.expand_all(t.lead)) if t else frozenset()
            coop = frozenset(self.index.expand_all(t.cooperating)) if t else frozenset()
            cache[number] = (lead, coop - lead)
        return cache[number]

    def role_of(self, rule: Rule, unit_id: str) -> str | None:
        """`lead` if the unit leads any of the rule's tasks, `cooperating` if it only helps."""
        roles = set()
        for n in rule.tasks:
            lead, coop = self.task_roles(n)
            if unit_id in lead:
                roles.add("lead")
            elif unit_id in coop:
                roles.add("cooperating")
        if "lead" in roles:
            return "lead"
        return "cooperating" if roles else None


def load_pack(path: str | Path, _seen: tuple[Path, ...] = ()) -> Pack:
    """Load and validate a pack folder (and the packs it extends)."""
    folder = Path(path)
    pack = _load_raw(folder, _seen)
    _validate(pack)
    return pack


def merge_packs(packs: list[Pack]) -> Pack:
    """Combine several packs given with repeated `--rules` into one (later ones win)."""
    if len(packs) == 1:
        return packs[0]
    base = packs[0]
    for extra in packs[1:]:
        base = _merge(base, extra, extra.path / "pack.yaml")
        base.id, base.name = extra.id, extra.name
        base.plan_year = extra.plan_year or base.plan_year
        base.as_of = extra.as_of or base.as_of
    _validate(base)
    return base


def _load_raw(folder: Path, seen: tuple[Path, ...]) -> Pack:
    if not folder.exists():
        raise RuleError("规则包文件夹不存在", folder)
    if not folder.is_dir():
        raise RuleError("规则包应为文件夹（内含 pack.yaml）", folder)
    resolved = folder.resolve()
    if resolved in seen:
        chain = " → ".join(str(p) for p in (*seen, resolved))
        raise RuleError(f"规则包循环继承：{chain}", folder / "pack.yaml")
    meta_path = folder / "pack.yaml"
    if not meta_path.exists():
        raise RuleError("缺少 pack.yaml（规则包说明文件）", folder)
    meta = read_yaml(meta_path, RuleError) or {}
    if not isinstance(meta, dict):
        raise RuleError("pack.yaml 应为键值映射", meta_path)
    allowed = {"id", "name", "plan_year", "as_of", "extends", "disable", "description"}
    for key in meta:
        if key not in allowed:
            raise RuleError(f"未知的键“{key}”（可用：{'、'.join(sorted(allowed))}）", meta_path)
    extends = meta.get("extends") or []
    if isinstance(extends, str):
        extends = [extends]

    own = Pack(
        id=str(meta.get("id") or folder.name),
        name=str(meta.get("name") or folder.name),
        path=folder,
        plan_year=_int_or_none(meta.get("plan_year"), meta_path, "plan_year"),
        as_of=_date_or_none(meta.get("as_of"), meta_path, "as_of"),
        description=str(meta.get("description") or ""),
    )
    own.units, own.groups = _load_units(folder / "units.yaml")
    own.tasks, own.requirements, own.plan = _load_tasks(folder / "tasks.yaml")
    own.rules = _load_rules(folder, own.id)
    own.chain = [own.id]
    if (folder / "tests").is_dir():
        own.test_dirs = [folder / "tests"]

    merged: Pack | None = None
    for parent_ref in extends:
        parent_dir = (folder / str(parent_ref)).resolve()
        if not (parent_dir / "pack.yaml").is_file() and parent_dir not in seen and parent_dir != resolved:
            raise RuleError(
                f"extends 中的规则包“{parent_ref}”不存在（应为含 pack.yaml 的文件夹，路径相对于本规则包）",
                meta_path,
                "extends",
            )
        parent = _load_raw(parent_dir, (*seen, resolved))
        merged = parent if merged is None else _merge(merged, parent, meta_path)
    if merged is not None:
        own = _merge(merged, own, meta_path)
        own.path = folder
    for rid in meta.get("disable") or []:
        if own.rule(str(rid)) is None:
            raise RuleError(f"disable 中的规则“{rid}”不存在", meta_path)
        own.rules = [r for r in own.rules if r.id != str(rid)]
    return own


def _merge(base: Pack, child: Pack, where: Path) -> Pack:
    units = {u.id: u for u in base.units}
    units.update({u.id: u for u in child.units})
    groups = {g.id: g for g in base.groups}
    groups.update({g.id: g for g in child.groups})
    seen_rules = {r.id: r for r in base.rules}
    for r in child.rules:
        if r.id in seen_rules:
            raise RuleError(
                f"规则编号“{r.id}”重复（另见 {seen_rules[r.id].file}）", r.file or where
            )
    return Pack(
        id=child.id,
        name=child.name,
        path=child.path,
        plan_year=child.plan_year or base.plan_year,
        as_of=child.as_of or base.as_of,
        description=child.description or base.description,
        plan=child.plan or base.plan,
        units=list(units.values()),
        groups=list(groups.values()),
        tasks=child.tasks or base.tasks,
        requirements=child.requirements or base.requirements,
        rules=[*base.rules, *child.rules],
        chain=[*base.chain, *child.chain],
        test_dirs=[*base.test_dirs, *child.test_dirs],
    )


def _load_units(path: Path) -> tuple[list[Unit], list[UnitGroup]]:
    if not path.exists():
        return [], []
    data = read_yaml(path, RuleError) or {}
    if not isinstance(data, dict):
        raise RuleError("units.yaml 应为键值映射（groups: / units:）", path)
    groups = [_model(UnitGroup, g, path, f"groups 第{i + 1}项") for i, g in enumerate(_list(data, "groups", path))]
    units = [_model(Unit, u, path, f"units 第{i + 1}项") for i, u in enumerate(_list(data, "units", path))]
    ids: dict[str, int] = {}
    for i, u in enumerate(units):
        if u.id in ids:
            raise RuleError(f"单位编号“{u.id}”重复", path, f"units 第{i + 1}项")
        ids[u.id] = i
    group_ids = {g.id for g in groups} | {n for g in groups for n in (g.name, *g.aliases)}
    for u in units:
        for g in u.groups:
            if g not in group_ids:
                raise RuleError(f"单位“{u.name}”所属分组“{g}”未在 groups 中定义", path)
    return units, groups


def _load_tasks(path: Path) -> tuple[list[Task], list[Requirement], dict]:
    if not path.exists():
        return [], [], {}
    data = read_yaml(path, RuleError) or {}
    if not isinstance(data, dict):
        raise RuleError("tasks.yaml 应为键值映射（tasks: / requirements:）", path)
    tasks = [_model(Task, t, path, f"tasks 第{i + 1}项") for i, t in enumerate(_list(data, "tasks", path))]
    numbers: set[int] = set()
    for t in tasks:
        if t.number in numbers:
            raise RuleError(f"任务序号 {t.number} 重复", path)
        numbers.add(t.number)
    reqs = [
        _model(Requirement, r, path, f"requirements 第{i + 1}项")
        for i, r in enumerate(_list(data, "requirements", path))
    ]
    plan = data.get("plan") or {}
    return tasks, reqs, plan if isinstance(plan, dict) else {}


def _rule_files(folder: Path) -> list[Path]:
    files = [p for p in sorted(folder.glob("*.yaml")) if p.name not in RESERVED_FILES]
    files += [p for p in sorted((folder / "rules").glob("*.yaml"))] if (folder / "rules").is_dir() else []
    return files


def _load_rules(folder: Path, pack_id: str) -> list[Rule]:
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in _rule_files(folder):
        data = read_yaml(path, RuleError)
        if data is None:
            if not path.read_bytes().strip():
                # a zero-byte file is a failed save more often than a placeholder;
                # a file of comments only is taken as an intentionally empty one
                raise RuleError("规则文件是空的（应以“rules:”开头，下接规则列表；不需要的文件请删除）", path)
            continue
        if not isinstance(data, dict) or "rules" not in data:
            raise RuleError("规则文件应以“rules:”开头，下接规则列表", path)
        items = data["rules"] or []
        if not isinstance(items, list):
            raise RuleError("“rules:”下应为列表", path)
        for i, raw in enumerate(items):
            rid = raw.get("id") if isinstance(raw, dict) else None
            where = f"规则 {rid}" if rid else f"第{i + 1}条规则"
            if not isinstance(raw, dict):
                raise RuleError("每条规则应为键值映射", path, where)
            rule = _model(Rule, raw, path, where)
            if rule.id in seen:
                raise RuleError(f"规则编号“{rule.id}”重复（另见 {seen[rule.id]}）", path, f"第{i + 1}条规则")
            seen[rule.id] = path
            rule.pack = pack_id
            rule.file = str(path)
            rules.append(rule)
    return rules


def _validate(pack: Pack) -> None:
    """Check every rule against its kind, its units and its tasks."""
    pack._index = None
    for cached in ("_roles", "_tasks_by_number"):
        pack.__dict__.pop(cached, None)
    task_numbers = {t.number for t in pack.tasks}
    req_ids = {r.id for r in pack.requirements}
    for t in pack.tasks:
        for sel in (*t.lead, *t.cooperating):
            try:
                pack.index.expand(sel)
            except UnknownSelector:
                raise RuleError(
                    f"任务 {t.number} 的责任单位“{sel}”未在 units.yaml 中定义", pack.path / "tasks.yaml"
                ) from None
    params: dict[str, Params] = {}
    for rule in pack.rules:
        where = f"规则 {rule.id}"
        if rule.manual:
            if not rule.tasks and not rule.requirements:
                raise RuleError("人工核验规则（manual: true）应注明对应的任务（tasks）", rule.file, where)
        elif not rule.check:
            raise RuleError("缺少 check（检查类型），或应标注 manual: true", rule.file, where)
        if rule.check:
            kind = get_kind(rule.check)
            if kind is None:
                from gkcheck.checks.registry import REGISTRY

                raise RuleError(
                    f"未知的检查类型“{rule.check}”（可用：{'、'.join(sorted(REGISTRY))}）", rule.file, where
                )
            try:
                params[rule.id] = kind.params.model_validate(rule.with_)
            except ValidationError as exc:
                raise RuleError(f"参数错误：{describe(exc)}", rule.file, where) from None
        for sel in (*rule.units, *rule.exclude):
            try:
                pack.index.expand(sel)
            except UnknownSelector:
                raise RuleError(f"未知的单位或分组“{sel}”", rule.file, where) from None
        if pack.tasks:
            for n in rule.tasks:
                if n not in task_numbers:
                    raise RuleError(f"任务序号 {n} 不在任务表中（共 {len(task_numbers)} 项）", rule.file, where)
        for r in rule.requirements:
            if req_ids and r not in req_ids:
                raise RuleError(f"总体要求“{r}”不在 tasks.yaml 的 requirements 中", rule.file, where)
        if not rule.manual and not rule_unit_selectors(pack, rule):
            raise RuleError("规则应通过 units、tasks 或 requirements 指明适用单位", rule.file, where)
    pack.params = params


def rule_unit_selectors(pack: Pack, rule: Rule) -> list[str]:
    """A rule's selectors: its own `units`, or else the responsible units of its tasks."""
    if rule.units:
        return rule.units
    sels: list[str] = []
    for n in rule.tasks:
        t = pack.task(n)
        if t:
            sels += [*t.lead, *t.cooperating]
    for rid in rule.requirements:
        req = next((r for r in pack.requirements if r.id == rid), None)
        if req:
            sels += req.units
    return sels


def _list(data: dict, key: str, path: Path) -> list:
    """`data[key]` as a list ([] when absent); RuleError naming the key otherwise."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RuleError(f"“{key}:”下应为列表（每项以“- ”开头）", path, key)
    return value


def _model(cls, raw, path: Path, where: str):
    if not isinstance(raw, dict):
        raise RuleError("应为键值映射", path, where)
    try:
        return cls.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(describe(exc, "字段"), path, where) from None


def _int_or_none(v, path, key):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise RuleError(f"“{key}”应为整数年份", path)
    return v


def _date_or_none(v, path, key):
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise RuleError(f"“{key}”应为日期（如 2024-12-31），实际为“{v}”", path) from None
