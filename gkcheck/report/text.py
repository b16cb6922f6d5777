"""The terminal report (rich): findings grouped by unit, coloured by status.

Every string from a catalog or a crawled page goes in as `rich.text.Text`, never as
markup, so a title like "[bold]x[/]" prints as written.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from gkcheck.model import AuditResult, Finding
from gkcheck.model.finding import STATUS_ZH
from gkcheck.report.view import (
    STATUS_ORDER,
    STATUS_SYMBOL,
    coverage,
    coverage_low,
    coverage_text,
    evidence_text,
    fmt_date,
    fmt_score,
    severity_zh,
    tasks_text,
    total_counts,
    unit_views,
)

STYLE = {
    "fail": "bold red",
    "warn": "yellow",
    "unknown": "magenta",
    "waived": "cyan",
    "pass": "green",
}


def _indent(text: Text, n: int) -> Text:
    """`text` after n spaces. Long lines wrap at the console width (or not at all with
    soft_wrap); nothing is ever cut off."""
    out = Text(" " * n)
    out.append_text(text)
    return out


def _counts_text(counts: dict[str, int]) -> Text:
    t = Text()
    for i, s in enumerate(STATUS_ORDER):
        if i:
            t.append(" · ", style="dim")
        n = counts.get(s, 0)
        t.append(f"{STATUS_ZH[s]} {n}", style=STYLE[s] if n else "dim")
    return t


def _finding_lines(f: Finding) -> list:
    head = Text()
    head.append(f"{STATUS_SYMBOL[f.status]} {STATUS_ZH[f.status]}", style=STYLE[f.status])
    head.append(f" [{severity_zh(f.severity)}]", style="dim")
    if f.tasks or f.requirements:
        head.append(f" {tasks_text(f)}", style="bold")
    head.append(f"  {f.rule}", style="dim")
    if f.title:
        head.append(f" {f.title}")
    out: list = [_indent(head, 2), _indent(Text(f.message), 6)]
    for ev in f.evidence[:3]:
        out.append(_indent(Text.assemble(("证据：", "dim"), evidence_text(ev)), 6))
    if len(f.evidence) > 3:
        out.append(_indent(Text(f"另有证据 {len(f.evidence) - 3} 条", style="dim"), 6))
    if f.waiver:
        w = f.waiver
        if w.get("expired"):
            label = f"豁免已于 {w.get('expires')} 过期，不再适用（原理由：{w.get('reason')}）"
            out.append(_indent(Text(label, style="yellow"), 6))
        else:
            label = f"豁免：{w.get('reason')}（{w.get('owner')}，有效期至 {w.get('expires')}）"
            out.append(_indent(Text(label, style="cyan"), 6))
    if f.fix and f.status in ("fail", "warn", "waived"):
        fix = " ".join(f.fix.split())
        out.append(_indent(Text.assemble(("整改：", "bold"), fix), 6))
    return out


def print_result(result: AuditResult, console: Console | None = None, *, show_pass: bool = False) -> None:
    """Print the whole result: per unit, then baseline, notes, errors and the summary line."""
    console = console or Console(highlight=False)
    p = console.print

    title = Text("政务公开合规检查", style="bold")
    title.append(f"  {result.pack_name or result.pack}")
    if result.pack_name and result.pack:
        title.append(f"（{result.pack}）", style="dim")
    title.append(f"  截至 {fmt_date(result.as_of)}")
    p(title)

    views = unit_views(result)
    for v in views:
        u = v.summary
        p()
        head = Text("■ ", style="bold")
        head.append(u.name, style="bold")
        head.append(f"  得分 {fmt_score(u.score)}")
        if coverage(u):
            head.append(f"  已核验 {coverage_text(u)}", style=STYLE["unknown"] if coverage_low(u) else "")
        if v.rank is not None:
            head.append(f"  第{v.rank}名")
        head.append("  ")
        head.append_text(_counts_text(u.counts))
        p(head)
        shown = v.problems + (v.passed if show_pass else [])
        for f in shown:
            for line in _finding_lines(f):
                p(line)
        if v.passed and not show_pass:
            p(_indent(Text(f"✓ 其余 {len(v.passed)} 项通过", style="green"), 2))
        if not v.problems and (v.known or not v.findings):
            p(_indent(Text(v.none_found, style="dim"), 2))

    if result.baseline_hidden:
        p()
        p(Text(f"基线中已有，未计入（{len(result.baseline_hidden)} 项）：", style="bold"))
        for f in result.baseline_hidden:
            line = Text.assemble(
                (f"{STATUS_ZH[f.status]} ", STYLE[f.status]),
                f"{f.unit} ",
                (f"{f.rule} ", "dim"),
                f.message,
            )
            p(_indent(line, 2))

    if result.notes:
        p()
        p(Text("说明：", style="bold"))
        for n in result.notes:
            p(_indent(Text(f"· {n}"), 2))

    if result.errors:
        p()
        p(Text(f"运行中遇到的问题（{len(result.errors)} 项，相关检查记为“无法核验”）：", style="bold red"))
        for e in result.errors:
            p(_indent(Text(f"· {e}", style="red"), 2))

    p()
    summary = Text(f"合计：{len(views)} 个单位，{len(result.findings)} 项结果：", style="bold")
    summary.append_text(_counts_text(total_counts(result)))
    p(summary)


def render_text(result: AuditResult, *, color: bool = False) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        color_system="standard" if color else None,
        width=100 if color else 200,
        highlight=False,
        emoji=False,
        no_color=not color,
    )
    print_result(result, console)
    return buf.getvalue()


__all__ = ["print_result", "render_text"]
