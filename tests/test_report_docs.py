"""docs/result-schema.md stays true: its example is a valid result and lists every field."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gkcheck.model import AuditResult, EvidenceRef, Finding, UnitSummary
from gkcheck.report import FILE_NAMES
from gkcheck.report.json_out import load_result

DOC = Path(__file__).resolve().parents[1] / "docs" / "result-schema.md"


def _example() -> dict:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"### 例\s+```json\n(.*?)```", text, re.S)
    assert block, "example block missing"
    return json.loads(block.group(1))


def test_example_is_a_valid_result(tmp_path):
    doc = _example()
    p = tmp_path / "result.json"
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = load_result(p)
    assert isinstance(r, AuditResult) and r.units[0].score == 22.2
    assert r.findings[0].evidence[0].row == 12


def test_every_field_is_documented():
    text = DOC.read_text(encoding="utf-8")
    fields = set(AuditResult.model_fields) - {"schema_"} | {"schema"}
    fields |= set(UnitSummary.model_fields) | set(Finding.model_fields) | set(EvidenceRef.model_fields)
    missing = sorted(f for f in fields if f"`{f}`" not in text)
    assert missing == []
    for name in FILE_NAMES.values():
        assert f"`{name}`" in text
