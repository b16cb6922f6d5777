"""Waivers: accepted problems that are reported as such and never fail a run.

A waivers file is YAML, a list (or `waivers:` holding a list) of entries:

```yaml
- rule: ZC24-T17-standards      # rule id
  unit: mzj                     # unit id or name
  record: 特困人员基本生活标准    # optional: only the finding about this record
  reason: 标准由市政府统一发布，见市政府门户网站
  owner: 张三（市民政局办公室）
  expires: 2025-03-31           # the waiver applies up to and including this day
```

A finding that a live waiver matches, with status fail or warn, becomes `waived` and
carries `waiver = {reason, owner, expires, record}`. A waiver past its expiry no longer
applies: the finding keeps its status, its `waiver` gets `expired: true`, and a note
says so. A waiver that matches no problem is reported in a note.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from gkcheck.engine.pydantic_zh import describe
from gkcheck.engine.yamlio import read_yaml
from gkcheck.errors import ConfigError
from gkcheck.model.packed import unpacked
from gkcheck.model import AuditResult, Finding
from gkcheck.report.tally import recount

WAIVABLE = ("fail", "warn")


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str
    unit: str
    record: str | None = None
    reason: str
    owner: str
    expires: dt.date

    @field_validator("rule", "unit", "reason", "owner")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        v = str(v).strip()
        if not v:
            raise ValueError("不能为空")
        return v

    def matches(self, f: Finding) -> bool:
        return (
            f.rule == self.rule
            and self.unit in (f.unit_id, f.unit)
            and (self.record is None or f.record == self.record)
        )

    def label(self) -> str:
        rec = f"、记录“{self.record}”" if self.record else ""
        return f"规则 {self.rule}、单位“{self.unit}”{rec}"

    def as_dict(self) -> dict:
        return {
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "record": self.record,
        }


def load_waivers(path: str | Path) -> list[Waiver]:
    data = read_yaml(Path(path), ConfigError)
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"waivers"}:
        data = data["waivers"] or []
    if not isinstance(data, list):
        raise ConfigError("豁免文件应为列表（每项含 rule、unit、reason、owner、expires）", path)
    out = []
    for i, entry in enumerate(data, 1):
        where = f"第{i}条豁免"
        if not isinstance(entry, dict):
            raise ConfigError("应为键值映射（rule、unit、reason、owner、expires）", path, where)
        try:
            out.append(Waiver.model_validate(entry))
        except ValidationError as exc:
            raise ConfigError(describe(exc, "字段"), path, where) from None
    return out


def apply_waivers(result: AuditResult, waivers: list[Waiver], today: dt.date) -> AuditResult:
    """A copy of `result` with waived findings marked, counts redone and notes added."""
    out = unpacked(result).model_copy(deep=True)
    known_rules = {str(r.get("id")) for r in out.rules}
    known_units = {u.id for u in out.units} | {u.name for u in out.units}
    for w in waivers:
        hits = [f for f in out.findings if w.matches(f) and f.status in WAIVABLE]
        if w.expires < today:
            for f in hits:
                f.waiver = {**w.as_dict(), "expired": True}
            out.notes.append(
                f"豁免已过期：{w.label()}的豁免已于 {w.expires.isoformat()} 到期，不再适用"
                + (f"，{len(hits)} 项问题照常计入" if hits else "")
                + f"（负责人：{w.owner}）"
            )
            continue
        if not hits:
            why = ""
            if known_rules and w.rule not in known_rules:
                why = "（规则不存在）"
            elif known_units and w.unit not in known_units:
                why = "（单位不存在）"
            out.notes.append(f"豁免未匹配任何问题：{w.label()}{why}，如问题已整改请删除该豁免")
            continue
        for f in hits:
            f.status = "waived"
            f.waiver = w.as_dict()
    return recount(out)
