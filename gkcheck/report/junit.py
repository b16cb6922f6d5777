"""JUnit XML: one testsuite per unit, one testcase per rule × unit.

A testcase takes the worst status of its findings (fail > warn > unknown > pass):
fail -> <failure type="error|warning|info">, unknown -> <skipped> (could not verify),
only waived -> <skipped> with the waiver's reason, warn and pass -> a passing testcase
(warnings are listed in <system-out>). Non-fatal run errors go to the <system-err> of
a testsuite named "运行问题" that holds no testcase.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gkcheck.model import AuditResult, Finding
from gkcheck.model.finding import STATUS_ZH
from gkcheck.report.safe import xml_text
from gkcheck.report.view import evidence_text, fmt_score, sort_findings, unit_views, worst_status


def _describe(f: Finding) -> str:
    lines = [f"[{STATUS_ZH[f.status]}] {f.message}"]
    lines += [f"  证据：{evidence_text(ev)}" for ev in f.evidence]
    if f.fix and f.status in ("fail", "warn"):
        lines.append(f"  整改：{' '.join(f.fix.split())}")
    if f.waiver and f.status == "waived":
        lines.append(
            f"  豁免：{f.waiver.get('reason')}（{f.waiver.get('owner')}，至 {f.waiver.get('expires')}）"
        )
    return "\n".join(lines)


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    e = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        e.text = xml_text(text)
    return e


def render_junit(result: AuditResult) -> bytes:
    root = ET.Element("testsuites", {"name": xml_text(f"gkcheck {result.pack}")})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    stamp = (result.generated_at or result.as_of).isoformat()
    for v in unit_views(result):
        by_rule: dict[str, list[Finding]] = {}
        for f in v.findings:
            by_rule.setdefault(f.rule, []).append(f)
        suite = _el(root, "testsuite", name=v.summary.name, timestamp=stamp, time="0")
        props = _el(suite, "properties")
        _el(props, "property", name="unit_id", value=v.summary.id)
        _el(props, "property", name="score", value=fmt_score(v.summary.score))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for rule, fs in by_rule.items():
            fs = sort_findings(fs)
            status = worst_status(f.status for f in fs)
            title = fs[0].title
            case = _el(
                suite,
                "testcase",
                classname=v.summary.name,
                name=f"{rule} {title}".strip(),
                time="0",
            )
            counts["tests"] += 1
            problems = [f for f in fs if f.status != "pass"]
            text = "\n".join(_describe(f) for f in problems)
            if status == "fail":
                failing = [f for f in fs if f.status == "fail"]
                sev = max(failing, key=lambda f: f.level()).severity
                _el(case, "failure", text, type=sev, message=failing[0].message)
                counts["failures"] += 1
            elif status == "unknown":
                _el(case, "skipped", text, message=f"无法核验：{fs[0].message}")
                counts["skipped"] += 1
            elif status == "waived":
                w = fs[0].waiver or {}
                _el(case, "skipped", text, message=f"已豁免：{w.get('reason', '')}")
                counts["skipped"] += 1
            elif problems:
                _el(case, "system-out", text)
        for k, n in counts.items():
            suite.set(k, str(n))
            totals[k] += n
    if result.errors:
        suite = _el(
            root,
            "testsuite",
            name="运行问题",
            timestamp=stamp,
            time="0",
            tests="0",
            failures="0",
            errors="0",
            skipped="0",
        )
        _el(suite, "system-err", "\n".join(result.errors))
    for k, n in totals.items():
        root.set(k, str(n))
    root.set("time", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
