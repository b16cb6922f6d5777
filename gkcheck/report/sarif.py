"""SARIF 2.1.0: one reportingDescriptor per rule (ruleId = the rule's stable id).

Results are the findings that are neither `pass` nor `unknown`:
- fail and warn: kind "fail", level from the rule's severity (error/warning/note; a warn
  is at most "warning");
- waived: as a fail, with a suppression (kind external, status accepted, justification);
- unknown (could not verify) is left out by default: in code scanning every result is an
  alert, and dozens of "无法核验" alerts would bury the real problems. Their number is in
  run.properties.unknownOmitted and in a note; `include_unknown=True` writes them as
  kind "review", level "none".
Every result has at least one location with a repository file (see sarif_places): the
catalog or ledger file and row, else the finding's home file; crawled URLs and plan tasks
are logical locations. partialFingerprints carry the baseline key's hash, so results stay
matched across runs.
"""

from __future__ import annotations

import json

from gkcheck.model import AuditResult, Finding
from gkcheck.report.baseline import fingerprint
from gkcheck.report.sarif_places import Places, location
from gkcheck.report.view import evidence_text, fmt_date, rules_by_id, tasks_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
MAX_LOCATIONS = 10
MESSAGE_EVIDENCE = 3  # evidence lines added to a result's message


def _level(f: Finding) -> str:
    if f.status == "unknown":
        return "none"
    if f.status == "warn" and f.severity == "error":
        return "warning"
    return LEVEL[f.severity]


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


def _message(f: Finding) -> str:
    """The unit and the message, then where to look: code scanning shows a result's message
    but not the messages of its locations, and a page's URL is no file location."""
    lines = [f"{f.unit}：{f.message}"]
    lines += [f"证据：{evidence_text(ev)}" for ev in f.evidence[:MESSAGE_EVIDENCE]]
    if len(f.evidence) > MESSAGE_EVIDENCE:
        lines.append(f"另有证据 {len(f.evidence) - MESSAGE_EVIDENCE} 条")
    return "\n".join(lines)


def _result(f: Finding, index: int, places: Places) -> dict:
    unit = [{"name": f.unit, "fullyQualifiedName": f.unit_id, "kind": "module"}]
    evidence = f.evidence[:MAX_LOCATIONS] or [None]
    locations = [location(f, ev, places, unit) for ev in evidence]
    props: dict = {"unit": f.unit, "unit_id": f.unit_id, "status": f.status, "severity": f.severity}
    if f.tasks or f.requirements:
        props["tasks"] = tasks_text(f)
    if f.record:
        props["record"] = f.record
    if f.fix:
        props["fix"] = f.fix
    if f.deadline:
        props["deadline"] = fmt_date(f.deadline)
    urls = [ev.url for ev in f.evidence if ev.url and "://" in ev.url]
    if urls:
        props["urls"] = urls
    out: dict = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "kind": "review" if f.status == "unknown" else "fail",
        "level": _level(f),
        "message": {"text": _message(f)},
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


def sarif_log(result: AuditResult, *, include_unknown: bool = False) -> dict:
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
    shown = [f for f in result.findings if f.status != "pass" and (include_unknown or f.status != "unknown")]
    omitted = sum(1 for f in result.findings if f.status == "unknown") if not include_unknown else 0
    notifications = [{"level": "warning", "message": {"text": e}} for e in result.errors]
    notifications += [{"level": "note", "message": {"text": n}} for n in result.notes]
    if omitted:
        text = f"{omitted} 项“无法核验”的结果未写入 SARIF（缺少证据，不是问题），见 result.json 或 HTML 报告"
        notifications.append({"level": "note", "message": {"text": text}})
    places = Places(result)
    run = {
        "tool": {"driver": driver},
        "language": "zh-CN",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": [_result(f, index[f.rule], places) for f in shown],
        "properties": {
            "pack": result.pack,
            "asOf": result.as_of.isoformat(),
            "planYear": result.plan_year,
            "baselineHidden": len(result.baseline_hidden),
            "unknownOmitted": omitted,
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: AuditResult, *, include_unknown: bool = False) -> bytes:
    log = sarif_log(result, include_unknown=include_unknown)
    return (json.dumps(log, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
