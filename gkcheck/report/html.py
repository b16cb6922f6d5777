"""The HTML report: one static file, no network at view time, no script.

Rendered by jinja2 with autoescape on, so every string from a catalog or a crawled page
is escaped; links are made only for http(s) evidence URLs. The CSS is inline and the
font stack names common CJK fonts without shipping any.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gkcheck.model import AuditResult
from gkcheck.model.finding import STATUS_ZH
from gkcheck.report.scores import SCORING_ZH
from gkcheck.report.view import (
    STATUS_ORDER,
    STATUS_SYMBOL,
    cell_tooltip,
    coverage_low,
    coverage_text,
    deadline_text,
    evidence_link,
    evidence_text,
    evidence_where,
    fmt_date,
    fmt_score,
    matrix,
    mean_score,
    ranking,
    rules_by_id,
    severity_zh,
    task_map,
    task_numbers,
    task_short,
    tasks_text,
    total_counts,
    unit_views,
)

TEMPLATES = Path(__file__).with_name("templates")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        status_zh=lambda s: STATUS_ZH.get(s, "不适用") if s else "不适用",
        symbol=lambda s: STATUS_SYMBOL.get(s, "—") if s else "—",
        severity_zh=severity_zh,
        score=fmt_score,
        date=fmt_date,
        ev_text=lambda ev: evidence_text(ev, quote=False),
        ev_where=evidence_where,
        ev_link=evidence_link,
        tasks_text=tasks_text,
        coverage=coverage_text,
    )
    env.tests["low_coverage"] = coverage_low
    return env


def _sections(numbers: list[int], tasks: dict[int, dict]) -> list[dict]:
    """Runs of consecutive matrix columns that belong to one section of the plan."""
    out = []
    for section, run in groupby(numbers, key=lambda n: (tasks.get(n) or {}).get("section") or ""):
        run = list(run)
        label = section.split("、", 1)[0] if "、" in section else section
        out.append({"title": section, "label": label, "span": len(run)})
    return out


def render_html(result: AuditResult) -> str:
    views = unit_views(result)
    numbers = task_numbers(result)
    tasks = task_map(result)
    grid = matrix(result)
    rows = []
    for v in views:
        cells = []
        for n in numbers:
            c = grid[v.summary.id][n]
            cells.append({"status": c.status, "tip": cell_tooltip(v.summary.name, n, c), "waived": c.waived})
        rows.append({"view": v, "cells": cells})
    columns = [
        {
            "number": n,
            "tip": f"任务{n}：{task_short(tasks.get(n), n)} — {(tasks.get(n) or {}).get('requirement', '')}"
            f"（{deadline_text(tasks.get(n))}）".replace("（）", ""),
        }
        for n in numbers
    ]
    sections = _sections(numbers, tasks)
    ctx = {
        "r": result,
        "title": result.pack_name or result.pack,
        "statuses": STATUS_ORDER,
        "status_zh": STATUS_ZH,
        "counts": total_counts(result),
        "mean": mean_score(result),
        "views": views,
        "rows": rows,
        "columns": columns,
        "sections": sections if any(s["title"] for s in sections) else [],
        "ranking": ranking(result),
        "rule_count": len(set(rules_by_id(result)) | {f.rule for f in result.findings}),
        "scoring": SCORING_ZH,
    }
    return _env().get_template("report.html.j2").render(**ctx)
