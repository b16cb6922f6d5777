"""One result, many renderers.

    result = finalize(result, waivers=..., baseline=..., today=...)   # optional steps
    data = render(result, "html")                 # bytes
    paths = write_reports(result, ["html", "xlsx"], Path("out"))
    code = exit_code(result, "error")

The order of the optional steps is fixed: waivers, then the baseline, then scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from gkcheck.errors import GkError
from gkcheck.model import AuditResult
from gkcheck.model.finding import SEVERITY_RANK
from gkcheck.model.packed import briefs_of

FORMATS: tuple[str, ...] = ("text", "json", "md", "html", "xlsx", "junit", "sarif")
FILE_NAMES: dict[str, str] = {
    "text": "report.txt",
    "json": "result.json",
    "md": "report.md",
    "html": "report.html",
    "xlsx": "ledger.xlsx",
    "junit": "junit.xml",
    "sarif": "result.sarif",
}
FAIL_ON: tuple[str, ...] = ("error", "warning", "never")


def parse_formats(values: str | Iterable[str] | None, default: str = "text") -> list[str]:
    """`"html,xlsx"` or `["html", "xlsx,md"]` -> ["html", "xlsx", "md"]; unknown names are an error."""
    if values is None:
        values = [default]
    elif isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        for name in str(v).split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name == "markdown":
                name = "md"
            if name not in FORMATS:
                raise GkError(f"未知的报告格式“{name}”（可选：{', '.join(FORMATS)}）")
            if name not in out:
                out.append(name)
    if not out:
        raise GkError(f"未指定报告格式（可选：{', '.join(FORMATS)}）")
    return out


def render(result: AuditResult, fmt: str, *, color: bool = False) -> bytes:
    """The result in one format, as bytes (UTF-8 for the text formats)."""
    if fmt != "json":
        from gkcheck.model.packed import unpacked

        result = unpacked(result)  # these renderers read the findings many times over
    if fmt == "text":
        from gkcheck.report.text import render_text

        return render_text(result, color=color).encode("utf-8")
    if fmt == "json":
        from gkcheck.report.json_out import render_json

        return render_json(result)
    if fmt == "md":
        from gkcheck.report.markdown import render_markdown

        return render_markdown(result).encode("utf-8")
    if fmt == "html":
        from gkcheck.report.html import render_html

        return render_html(result).encode("utf-8")
    if fmt == "xlsx":
        from gkcheck.report.xlsx import render_xlsx

        return render_xlsx(result)
    if fmt == "junit":
        from gkcheck.report.junit import render_junit

        return render_junit(result)
    if fmt == "sarif":
        from gkcheck.report.sarif import render_sarif

        return render_sarif(result)
    raise GkError(f"未知的报告格式“{fmt}”（可选：{', '.join(FORMATS)}）")


def write_report(result: AuditResult, fmt: str, path: Path) -> None:
    """Write the result in one format to `path` (JSON is written piece by piece, the
    same bytes as `render`, without holding the whole text of a large result)."""
    if fmt == "json":
        from gkcheck.report.json_out import write_json

        with open(path, "wb") as fh:
            write_json(result, fh)
        return
    Path(path).write_bytes(render(result, fmt))


def write_reports(result: AuditResult, formats: list[str], output_dir: Path) -> list[Path]:
    """Write each format to its file name in `output_dir` (created if needed)."""
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GkError(f"无法创建输出目录（{exc.strerror}）", output_dir) from None
    paths = []
    for fmt in parse_formats(formats):
        path = output_dir / FILE_NAMES[fmt]
        try:
            write_report(result, fmt, path)
        except OSError as exc:
            raise GkError(f"无法写入报告（{exc.strerror}）", path) from None
        paths.append(path)
    return paths


def exit_code(result: AuditResult, fail_on: str) -> int:
    """1 when a finding reaches the `fail_on` level (error | warning), else 0; never -> 0."""
    if fail_on not in FAIL_ON:
        raise GkError(f"--fail-on 取值应为 {' | '.join(FAIL_ON)}，实际为“{fail_on}”")
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(f.level() >= threshold for f in briefs_of(result.findings)) else 0


def finalize(
    result: AuditResult,
    *,
    waivers: str | Path | None = None,
    baseline: str | Path | None = None,
    today: dt.date | None = None,
) -> AuditResult:
    """Apply a waivers file, then a baseline file, then score the units."""
    from gkcheck.report.baseline import apply_baseline
    from gkcheck.report.scores import score_units
    from gkcheck.report.waivers import apply_waivers, load_waivers

    if waivers:
        result = apply_waivers(result, load_waivers(waivers), today or dt.date.today())
    if baseline:
        result, _hidden = apply_baseline(result, baseline)
    return score_units(result)


__all__ = [
    "FAIL_ON",
    "FILE_NAMES",
    "FORMATS",
    "exit_code",
    "finalize",
    "parse_formats",
    "render",
    "write_report",
    "write_reports",
]
