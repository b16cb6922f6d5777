"""SARIF 2.1.0: one reportingDescriptor per rule (ruleId = the rule's stable id).

Results are the findings that are not `pass`:
- fail and warn: kind "fail", level from the rule's severity (error/warning/note; a warn
  is at most "warning");
- unknown: kind "review", level "none" (could not verify);
- waived: as a fail, with a suppression (kind external, status accepted, justification).
Each result is located at its evidence: the catalog file and row (region.startLine), the
crawled URL, or the ledger/report file; always with the unit as a logical location.
partialFingerprints carry the baseline key's hash, so results stay matched across runs.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from gkcheck.model import AuditResult, EvidenceRef, Finding
from gkcheck.report.baseline import fingerprint
from gkcheck.report.view import evidence_text, fmt_date, rules_by_id, tasks_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
MAX_LOCATIONS = 10
_LOCATION = re.compile(r"^(?P<file>.+?):(?P<sheet>[^:!/\\]*)!(?P<row>\d+)$")


def _level(f: Finding) -> str:
    if f.status == "unknown":
        return "none"
    if f.status == "warn" and f.severity == "error":
        return "warning"
    return LEVEL[f.severity]


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~%?#[]")


def _file_and_row(ev: EvidenceRef) -> tuple[str | None, int | None]:
    if ev.file:
        return ev.file, ev.row
    m = _LOCATION.match(ev.location or "")
    if m:
        return m["file"], ev.row or int(m["row"])
    if ev.location and "://" not in ev.location:
        return ev.location, ev.row
    return None, ev.row


def _location(ev: EvidenceRef | None, logical: list[dict]) -> dict:
    loc: dict = {"logicalLocations": logical}
    if ev is None:
        return loc
    loc["message"] = {"text": evidence_text(ev)}
    if ev.source == "web":
        url = ev.url or ev.location
        if url:
            loc["physicalLocation"] = {"artifactLocation": {"uri": _uri(url)}}
        return loc
    file, row = _file_and_row(ev)
    if file:
        phys: dict = {"artifactLocation": {"uri": _uri(file)}}
        if row is not None and row >= 1:
            region: dict = {"startLine": row}
            if ev.quote:
                region["snippet"] = {"text": ev.quote}
            phys["region"] = region
        loc["physicalLocation"] = phys
    return loc


def _descriptor(rule: dict) -> dict:
    rid = str(rule["id"])
    d: dict = {
        "id": rid,
        "name": rid,
        "shortDescription": {"text": str(rule.get("title") or rid)},
        "defaultConfiguration": {"level": LEVEL.get(rule.get("severity") or "error", "error")},
        "properties": {
            "tags": ["gkcheck", *([rule["check"]] if rule.get("check") else [])],
            "severity": rule.get("severity") or "error",
            "tasks": list(rule.get("tasks") or []),
        },
    }
    if rule.get("basis"):
        d["fullDescription"] = {"text": f"依据：{rule['basis']}"}
    if rule.get("fix"):
        d["help"] = {"text": str(rule["fix"])}
    if rule.get("weight") is not None:
        d["properties"]["weight"] = rule["weight"]
    return d


def _result(f: Finding, index: int) -> dict:
    logical = [{"name": f.unit, "fullyQualifiedName": f.unit_id, "kind": "module"}]
    evidence = f.evidence[:MAX_LOCATIONS]
    locations = [_location(ev, logical) for ev in evidence] or [_location(None, logical)]
    props: dict = {"unit": f.unit, "unit_id": f.unit_id, "status": f.status, "severity": f.severity}
    if f.tasks or f.requirements:
        props["tasks"] = tasks_text(f)
    if f.record:
        props["record"] = f.record
    if f.fix:
        props["fix"] = f.fix
    if f.deadline:
        props["deadline"] = fmt_date(f.deadline)
    out: dict = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "kind": "review" if f.status == "unknown" else "fail",
        "level": _level(f),
        "message": {"text": f"{f.unit}：{f.message}"},
        "locations": locations,
        "partialFingerprints": {"gkcheckKey/v1": fingerprint(f)},
        "properties": props,
    }
    if f.status == "waived":
        w = f.waiver or {}
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": str(w.get("reason") or ""),
                "properties": {"owner": w.get("owner"), "expires": w.get("expires")},
            }
        ]
    return out


def sarif_log(result: AuditResult) -> dict:
    known = rules_by_id(result)
    rules = list(known.values())
    for f in result.findings:
        if f.rule not in known:
            known[f.rule] = {"id": f.rule, "title": f.title, "severity": f.severity, "check": f.check}
            rules.append(known[f.rule])
    index = {str(r["id"]): i for i, r in enumerate(rules)}
    driver: dict = {
        "name": "gkcheck",
        "language": "zh-CN",
        "rules": [_descriptor(r) for r in rules],
    }
    if result.version:
        driver["version"] = result.version
    notifications = [{"level": "warning", "message": {"text": e}} for e in result.errors]
    notifications += [{"level": "note", "message": {"text": n}} for n in result.notes]
    run = {
        "tool": {"driver": driver},
        "language": "zh-CN",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": [_result(f, index[f.rule]) for f in result.findings if f.status != "pass"],
        "properties": {
            "pack": result.pack,
            "asOf": result.as_of.isoformat(),
            "planYear": result.plan_year,
            "baselineHidden": len(result.baseline_hidden),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: AuditResult) -> bytes:
    return (json.dumps(sarif_log(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
