"""Baselines: record today's problems so that CI fails only on new ones.

A baseline is a JSON file (schema `gkcheck.baseline/1`) listing the problems (status
fail or warn) of a run, each keyed by (unit id, rule id, evidence source, record). The
source is the kind of the finding's first evidence (catalog, web, ledger …), so a row
moving inside a catalog does not make an old problem look new. When the same key occurs
several times (findings without a record), the baseline hides as many as it recorded.
A recorded problem that is now waived is neither hidden (it is reported as waived) nor
counted as fixed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from gkcheck.errors import ConfigError
from gkcheck.model.packed import unpacked
from gkcheck.model import AuditResult, Finding
from gkcheck.report.tally import recount

BASELINE_SCHEMA = "gkcheck.baseline/1"
PROBLEMS = ("fail", "warn")

Key = tuple[str, str, str, str]


def finding_key(f: Finding) -> Key:
    source = f.evidence[0].source if f.evidence else ""
    return (f.unit_id, f.rule, source, f.record or "")


def fingerprint(f: Finding) -> str:
    """A stable hash of the key (SARIF partialFingerprints use it too)."""
    return hashlib.sha256("\x1f".join(finding_key(f)).encode("utf-8")).hexdigest()[:32]


def write_baseline(result: AuditResult, path: str | Path) -> int:
    """Write the problems of `result` to `path`; returns how many were recorded."""
    entries = [
        {
            "unit_id": f.unit_id,
            "rule": f.rule,
            "source": finding_key(f)[2],
            "record": f.record,
            "unit": f.unit,
            "status": f.status,
            "message": f.message,
        }
        for f in result.findings
        if f.status in PROBLEMS
    ]
    entries.sort(key=lambda e: (e["unit_id"], e["rule"], e["source"], e["record"] or ""))
    doc = {
        "schema": BASELINE_SCHEMA,
        "pack": result.pack,
        "as_of": result.as_of.isoformat(),
        "findings": entries,
    }
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: str | Path) -> Counter[Key]:
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("基线文件不存在", p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取基线文件（{exc}）", p) from None
    except json.JSONDecodeError as exc:
        raise ConfigError("基线文件不是有效的 JSON", p, f"第{exc.lineno}行") from None
    if not isinstance(doc, dict) or doc.get("schema") != BASELINE_SCHEMA:
        raise ConfigError(f'不是 gkcheck 基线文件（应有 "schema": "{BASELINE_SCHEMA}"）', p)
    keys: Counter[Key] = Counter()
    for i, e in enumerate(doc.get("findings") or [], 1):
        if not isinstance(e, dict) or not e.get("unit_id") or not e.get("rule"):
            raise ConfigError("应含 unit_id 和 rule", p, f"findings 第{i}项")
        keys[(str(e["unit_id"]), str(e["rule"]), str(e.get("source") or ""), str(e.get("record") or ""))] += 1
    return keys


def apply_baseline(result: AuditResult, path: str | Path) -> tuple[AuditResult, list[Finding]]:
    """A copy of `result` without the problems the baseline already holds, and those."""
    known = read_baseline(path)
    out = unpacked(result).model_copy(deep=True)
    kept: list[Finding] = []
    hidden: list[Finding] = []
    left = Counter(known)
    for f in out.findings:
        k = finding_key(f)
        if f.status in PROBLEMS and left[k] > 0:
            left[k] -= 1
            hidden.append(f)
        else:
            kept.append(f)
    # A problem waived since the baseline was written is still there: it stays in the
    # report as waived, and is not counted as fixed.
    for f in kept:
        k = finding_key(f)
        if f.status == "waived" and left[k] > 0:
            left[k] -= 1
    out.findings = kept
    out.baseline_file = str(path)
    out.baseline_hidden = hidden
    new = sum(1 for f in kept if f.status in PROBLEMS)
    out.notes.append(f"基线（{path}）：已有问题 {len(hidden)} 项未计入，新问题 {new} 项")
    gone = sum(left.values())
    if gone:
        out.notes.append(f"基线中有 {gone} 项问题本次未再出现（已整改或不再适用），可重新生成基线")
    return recount(out), hidden
