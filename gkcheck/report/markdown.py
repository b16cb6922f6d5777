"""Markdown, for pasting into reports and issue trackers.

Outside text is escaped: Markdown punctuation gets a backslash, `<`, `>` and `&` become
entities (so a title `<script>` renders as text on GitHub or GitLab), and newlines inside
table cells become spaces.
"""

from __future__ import annotations

import re

from gkcheck.model import AuditResult, Finding
from gkcheck.model.finding import STATUS_ZH
from gkcheck.report.scores import SCORING_ZH
from gkcheck.report.view import (
    STATUS_ORDER,
    coverage_text,
    evidence_link,
    evidence_text,
    fmt_date,
    fmt_score,
    matrix,
    mean_score,
    ranking,
    severity_zh,
    task_numbers,
    tasks_text,
    total_counts,
    unit_views,
)

MD_SYMBOL = {"pass": "✅", "fail": "❌", "warn": "⚠️", "unknown": "❔", "waived": "🔕", None: "—"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(text) -> str:
    """Escape outside text for inline Markdown (one line)."""
    s = " ".join(str(text if text is not None else "").split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _link(ev) -> str:
    """The evidence line; its http(s) URL, if any, becomes the link."""
    url = evidence_link(ev)
    text = md(evidence_text(ev))
    if not url:
        return text
    target = url
    for ch, code in ((" ", "%20"), ("<", "%3C"), (">", "%3E")):
        target = target.replace(ch, code)
    shown = md(url)
    if shown in text:
        return text.replace(shown, f"[{shown}](<{target}>)", 1)
    return f"{text} [{shown}](<{target}>)"


def _finding(f: Finding) -> list[str]:
    tasks = f" · {md(tasks_text(f))}" if f.tasks or f.requirements else ""
    lines = [
        f"- {MD_SYMBOL[f.status]} **{STATUS_ZH[f.status]}**（{severity_zh(f.severity)}）{tasks} · "
        f"`{f.rule}` {md(f.title)}",
        f"  - 问题：{md(f.message)}",
    ]
    for ev in f.evidence:
        lines.append(f"  - 证据：{_link(ev)}")
    if f.waiver:
        w = f.waiver
        if w.get("expired"):
            lines.append(
                f"  - 豁免已于 {md(w.get('expires'))} 过期，不再适用（原理由：{md(w.get('reason'))}）"
            )
        else:
            lines.append(
                f"  - 豁免：{md(w.get('reason'))}（{md(w.get('owner'))}，有效期至 {md(w.get('expires'))}）"
            )
    if f.fix and f.status in ("fail", "warn", "waived"):
        lines.append(f"  - 整改建议：{md(f.fix)}")
    return lines


def render_markdown(result: AuditResult) -> str:
    out: list[str] = []
    title = result.pack_name or result.pack
    out.append(f"# 政务公开合规检查报告：{md(title)}")
    out.append("")
    out.append(
        f"截至 {fmt_date(result.as_of)}；规则包 `{result.pack}`"
        + (f"；生成于 {fmt_date(result.generated_at)}" if result.generated_at else "")
        + (f"；gkcheck {md(result.version)}" if result.version else "")
    )
    out.append("")
    counts = total_counts(result)
    views = unit_views(result)
    out.append("## 概况")
    out.append("")
    out.append("| 单位数 | 结果数 | " + " | ".join(STATUS_ZH[s] for s in STATUS_ORDER) + " | 平均得分 |")
    out.append("|" + "---:|" * (len(STATUS_ORDER) + 3))
    out.append(
        f"| {len(views)} | {len(result.findings)} | "
        + " | ".join(str(counts[s]) for s in STATUS_ORDER)
        + f" | {fmt_score(mean_score(result))} |"
    )
    out.append("")
    if result.errors:
        out.append("> **运行中遇到的问题**（相关检查记为“无法核验”）：")
        for e in result.errors:
            out.append(f"> - {md(e)}")
        out.append("")

    out.append("## 得分排名")
    out.append("")
    out.append("| 排名 | 单位 | 得分 | 已核验 | " + " | ".join(STATUS_ZH[s] for s in STATUS_ORDER) + " |")
    out.append("|---:|---|---:|---:|" + "---:|" * len(STATUS_ORDER))
    for rank, u in ranking(result):
        out.append(
            f"| {rank if rank is not None else '—'} | {md(u.name)} | {fmt_score(u.score)} | {coverage_text(u)} | "
            + " | ".join(str(u.counts.get(s, 0)) for s in STATUS_ORDER)
            + " |"
        )
    out.append("")
    out.append(f"计分方法：{SCORING_ZH}")
    out.append("")

    numbers = task_numbers(result)
    grid = matrix(result)
    used = [n for n in numbers if any(grid[v.summary.id][n].applies for v in views)]
    if used:
        out.append("## 单位 × 任务")
        out.append("")
        out.append(
            "图例：" + "，".join(f"{MD_SYMBOL[s]} {STATUS_ZH[s]}" for s in STATUS_ORDER) + "，— 不适用"
        )
        out.append("")
        out.append("| 单位 | " + " | ".join(str(n) for n in used) + " |")
        out.append("|---|" + ":---:|" * len(used))
        for v in views:
            row = grid[v.summary.id]
            out.append(
                f"| {md(v.summary.name)} | " + " | ".join(MD_SYMBOL[row[n].status] for n in used) + " |"
            )
        out.append("")

    out.append("## 各单位问题")
    for v in views:
        u = v.summary
        out.append("")
        rank = f"，第{v.rank}名" if v.rank is not None else ""
        checked = f"，已核验 {coverage_text(u)}" if coverage_text(u) != "—" else ""
        out.append(f"### {md(u.name)}（得分 {fmt_score(u.score)}{checked}{rank}）")
        out.append("")
        out.append(" · ".join(f"{STATUS_ZH[s]} {u.counts.get(s, 0)}" for s in STATUS_ORDER))
        out.append("")
        if not v.problems:
            out.append(v.none_found)
        for f in v.problems:
            out.extend(_finding(f))

    if result.baseline_hidden:
        out.append("")
        out.append(f"## 基线中已有，未计入（{len(result.baseline_hidden)} 项）")
        out.append("")
        for f in result.baseline_hidden:
            out.append(f"- {md(f.unit)} · `{f.rule}` · {STATUS_ZH[f.status]}：{md(f.message)}")
    if result.notes:
        out.append("")
        out.append("## 说明")
        out.append("")
        out.extend(f"- {md(n)}" for n in result.notes)
    out.append("")
    return "\n".join(out)


__all__ = ["render_markdown", "md"]
