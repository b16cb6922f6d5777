"""Read a 政府信息公开工作年度报告 from PDF, HTML or text into an `AnnualReport`.

    parse_pdf(path)                 pdfplumber: ruled tables and a word-position reading
                                    of the text layer; per table the reading that
                                    validates best is kept
    parse_html(html, source=...)    bs4 + lxml: tables with rowspan/colspan expanded
    parse_text(text, source=...)    plain text, cells separated or run together
    parse_report(path_or_text, kind=None)   dispatch by suffix or content
    doc_from_case(spec, base_dir)   an `AnnualReportDoc` from a rule-test case

Every reader finds the six sections, 表二/表三/表四 (see `annual_report_layout` for the
2021 and 2019 formats), the numbers the prose states (本年新收申请 N 件, 行政复议 N 件 …)
and the year, unit and title. A blank cell, "/" or "—" stays missing (`Cell.flag`);
digits run together are split only when exactly one split fits the table
(`annual_report_cells`). Text that holds nothing report-like raises `SourceError`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from gkcheck.errors import SourceError
from gkcheck.model.evidence import AnnualReportDoc
from gkcheck.sources.annual_report_cells import RawRow, build_t2, build_t3, build_t4
from gkcheck.sources.annual_report_grid import (
    Grid,
    grid_t2,
    grid_t3,
    grid_t4,
    html_grids,
)
from gkcheck.sources.annual_report_identities import (
    evaluate,
    t3_identities,
    t4_identities,
)
from gkcheck.sources.annual_report_layout import T3_LABELS, t3_row_order
from gkcheck.sources.annual_report_model import (
    AnnualReport,
    Cell,
    Layout,
    Quote,
    Row,
    Section,
)
from gkcheck.sources.annual_report_pdf import PdfContent, read_pdf
from gkcheck.sources.annual_report_text import (
    compact,
    detect_layout,
    find_quotes,
    find_sections,
    header_date,
    join_lines,
    text_t2,
    text_t3,
    text_t4,
    title_year_unit,
)
from gkcheck.text.dates import parse_date

__all__ = [
    "AnnualReport",
    "Cell",
    "Layout",
    "Quote",
    "Row",
    "Section",
    "doc_from_case",
    "parse_html",
    "parse_pdf",
    "parse_report",
    "parse_text",
    "report_from_pdf",
]

READER_ZH = {"pdf-table": "PDF表格", "pdf-words": "PDF文字层", "html-table": "网页表格", "text": "文本"}


# ---- public readers -----------------------------------------------------------------


def parse_pdf(path: str | Path) -> AnnualReport:
    path = Path(path)
    return report_from_pdf(read_pdf(path), str(path))


def report_from_pdf(content: PdfContent, source: str) -> AnnualReport:
    """The report in an already opened PDF (`annual_report_pdf.read_pdf`)."""
    if len(compact(content.text)) < 50:
        raise SourceError("PDF没有可读取的文字层（可能是扫描件），无法读取年度报告", path=source)
    # The plain text of a PDF puts wrapped labels and their numbers out of order: it is
    # read only for a table that neither positional reading finds.
    return _assemble(source, content.text, {"pdf-table": content.tables, "pdf-words": content.word_rows},
                     text_fallback_only=True)


def parse_html(html: str, source: str = "<html>") -> AnnualReport:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    rows: Grid = [row for grid in html_grids(soup) for row in grid]
    text = soup.get_text("\n")
    published = None
    meta = soup.find("meta", attrs={"name": lambda v: v and v.lower() in ("pubdate", "publishdate", "firstpublishedtime")})
    if meta is not None and meta.get("content"):
        published = parse_date(str(meta["content"]))
    report = _assemble(source, text, {"html-table": rows}, published=published)
    if not report.title and soup.title and soup.title.string:
        report.title = soup.title.string.strip()
    return report


def parse_text(text: str, source: str = "<text>") -> AnnualReport:
    return _assemble(source, text, {})


def parse_report(path_or_text: str | Path, kind: str | None = None) -> AnnualReport:
    """Read a report from a file (by suffix, else by content) or from a string of text/HTML."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and len(path_or_text) < 1024
        and Path(path_or_text).suffix.lower() in (".pdf", ".html", ".htm", ".shtml", ".txt", ".md", ".text")
    ):
        path = Path(path_or_text)
        if not path.is_file():
            raise SourceError("年度报告文件不存在", path=str(path))
        kind = kind or _kind_of(path)
        if kind == "pdf":
            return parse_pdf(path)
        text = read_text_file(path)
        return parse_html(text, str(path)) if kind == "html" else parse_text(text, str(path))
    text = str(path_or_text)
    kind = kind or ("html" if _looks_html(text) else "text")
    return parse_html(text) if kind == "html" else parse_text(text)


def read_text_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"无法读取文件：{exc.strerror or exc}", path=str(path)) from exc
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SourceError("文件编码无法识别（既不是UTF-8也不是GB18030）", path=str(path))


def _kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm", ".shtml"):
        return "html"
    head = path.read_bytes()[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    return "html" if _looks_html(head.decode("utf-8", "ignore")) else "text"


def _looks_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<html" in head or "<table" in head or "<body" in head or "<!doctype html" in head


# ---- rule-test cases ----------------------------------------------------------------

_CASE_KEYS = {"year", "published", "source", "title", "text", "text_file", "html_file", "pdf_file"}


def doc_from_case(spec: dict[str, Any], base_dir: Path) -> AnnualReportDoc:
    """An `AnnualReportDoc` from a case file's `annual_reports` entry.

    Keys: year, published, source, title, and the report as one of text (inline),
    text_file, html_file, pdf_file (paths relative to `base_dir`). Without any of
    these the doc has no parsed report (a report known only by its date).
    """
    unknown = set(spec) - _CASE_KEYS
    if unknown:
        raise SourceError(f"年度报告条目有未知的键：{'、'.join(sorted(unknown))}", where="annual_reports")
    published = spec.get("published")
    if isinstance(published, str):
        published = parse_date(published)
        if published is None:
            raise SourceError(f"年度报告的发布日期无法识别：{spec['published']}", where="annual_reports.published")
    elif published is not None and not isinstance(published, dt.date):
        raise SourceError(f"年度报告的发布日期无法识别：{published}", where="annual_reports.published")
    parsed: AnnualReport | None = None
    error: str | None = None
    source = spec.get("source")
    try:
        if spec.get("text") is not None:
            parsed = parse_text(str(spec["text"]), source or "<text>")
        else:
            for key, kind in (("text_file", "text"), ("html_file", "html"), ("pdf_file", "pdf")):
                if spec.get(key):
                    path = (Path(base_dir) / str(spec[key])).resolve()
                    source = source or path.name
                    parsed = parse_report(path, kind=kind)
                    parsed.source = source
                    break
    except SourceError as exc:
        error = exc.render()
    year = spec.get("year")
    if year is None and parsed is not None:
        year = parsed.year
    return AnnualReportDoc(
        year=year,
        source=source or "<case>",
        published=published,
        title=spec.get("title") or (parsed.title if parsed else ""),
        parsed=parsed,
        error=error,
    )


# ---- assembling one report ----------------------------------------------------------


def _assemble(
    source: str,
    raw_text: str,
    grids: dict[str, Grid],
    published: dt.date | None = None,
    text_fallback_only: bool = False,
) -> AnnualReport:
    published = published or header_date(raw_text)
    text = join_lines(raw_text)
    title, year, unit = title_year_unit(text)
    layout, markers = detect_layout(text)
    report = AnnualReport(source=source, title=title, year=year, unit=unit, layout=layout,
                          layout_evidence=markers, published=published, text=text)
    report.sections = find_sections(text)

    readings: list[tuple[str, dict[str, RawRow], tuple[dict[str, RawRow], str], RawRow | None]] = [
        (name, grid_t2(rows, layout), grid_t3(rows), grid_t4(rows)) for name, rows in grids.items()
    ]
    text_reading = ("text", text_t2(text, layout), text_t3(text), text_t4(text))
    t2s = [(n, t2) for n, t2, _, _ in readings if t2]
    t3s = [(n, t3) for n, _, t3, _ in readings if t3[0]]
    t4s = [(n, t4) for n, _, _, t4 in readings if t4 is not None]
    _choose_t2(report, t2s if t2s and text_fallback_only else [*t2s, ("text", text_reading[1])])
    _choose_t3(report, t3s if t3s and text_fallback_only else [*t3s, ("text", text_reading[2])])
    _choose_t4(report, t4s if t4s and text_fallback_only else [*t4s, ("text", text_reading[3])])

    if report.layout == "unknown" and report.other_rows == "split":
        report.layout = "2021"
        report.layout_evidence.append("表三（六）其他处理分为3个子项")
    if report.layout == "2021" and report.other_rows == "single":
        report.layout_notes.append(
            "表三“（六）其他处理”只有一行，沿用2019年试行格式；2021年格式分为3个子项"
            "（逾期不补正、逾期未缴纳信息处理费、其他）"
        )
    if report.table3:
        missing = [T3_LABELS[k] for k in t3_row_order(report.other_rows if report.other_rows != "missing" else "split")
                   if k not in report.table3]
        if missing:
            report.warnings.append("表三缺少以下行：" + "；".join(missing))

    sec1 = report.sections.get("一")
    if sec1 is not None:
        prose = sec1.text
    else:
        first = min((s.start for s in report.sections.values()), default=len(text))
        prose = text[:first]
    report.quotes = find_quotes(prose)

    read_rows = len(report.table2) + len(report.table3) + len(report.table4)
    if len(report.sections) < 3 and read_rows < 5:
        raise SourceError(
            "未找到政府信息公开工作年度报告的内容：没有“一、总体情况”等章节，也没有年度报告的表格",
            path=source,
        )
    return report


def _pick(candidates: list[tuple[str, tuple[int, int], Any]]):
    """The best-scoring reading; on a tie, the first (grids before text)."""
    best = None
    for c in candidates:
        if best is None or c[1] > best[1]:
            best = c
    return best


def _disagreements(table: str, chosen: dict[str, Row], other: dict[str, Row]) -> list[str]:
    out = []
    for key, row in chosen.items():
        o = other.get(key)
        if o is None:
            continue
        for col, cell in row.cells.items():
            oc = o.cells.get(col)
            if oc is not None and cell.ok and oc.ok and cell.value != oc.value:
                out.append(f"{row.label}/{col}：{cell.value} 与 {oc.value}")
    return out


def _note_choice(report: AnnualReport, table: str, scored, best) -> None:
    report.readers[table] = READER_ZH.get(best[0], best[0])
    for name, _score, rows in scored:
        if name == best[0]:
            continue
        diff = _disagreements(table, best[2], rows)
        if diff:
            report.warnings.append(
                f"{table}按{READER_ZH.get(name, name)}读取的结果与采用的{READER_ZH.get(best[0], best[0])}不同"
                f"（{'；'.join(diff[:3])}{' 等' if len(diff) > 3 else ''}），采用勾稽关系更一致的读法"
            )


def _cells_read(rows: dict[str, Row]) -> int:
    return sum(c.ok for r in rows.values() for c in r.cells.values())


def _choose_t2(report: AnnualReport, readings) -> None:
    scored = []
    warns = {}
    for name, raws in readings:
        rows, w = build_t2(raws, report.layout)
        scored.append((name, (_cells_read(rows), 0), rows))
        warns[name] = w
    best = _pick(scored)
    if best and best[2]:
        report.table2 = best[2]
        report.warnings += warns[best[0]]
        _note_choice(report, "表二", scored, best)


def _identity_score(rows_by_table: dict[str, dict[str, Row]], identities) -> tuple[int, int]:
    def lookup(t):
        r = rows_by_table.get(t.table, {}).get(t.row)
        return r.cells.get(t.col) if r is not None else None

    held = broken = 0
    for i in identities:
        s = evaluate(i, lookup).status
        held += s == "holds"
        broken += s == "broken"
    cells = sum(_cells_read(r) for r in rows_by_table.values())
    return held - broken, cells


def _choose_t3(report: AnnualReport, readings) -> None:
    scored = []
    extra = {}
    for name, (raws, other) in readings:
        rows, w = build_t3(raws, other)
        ids = t3_identities(other if other != "missing" else "split")
        scored.append((name, _identity_score({"表三": rows}, ids), rows))
        extra[name] = (w, other)
    best = _pick(scored)
    if best and best[2]:
        report.table3 = best[2]
        w, report.other_rows = extra[best[0]]
        report.warnings += w
        _note_choice(report, "表三", scored, best)


def _choose_t4(report: AnnualReport, readings) -> None:
    scored = []
    warns = {}
    for name, raw in readings:
        rows, w = build_t4(raw)
        scored.append((name, _identity_score({"表四": rows}, t4_identities()), rows))
        warns[name] = w
    best = _pick(scored)
    if best and best[2]:
        report.table4 = best[2]
        report.warnings += warns[best[0]]
        _note_choice(report, "表四", scored, best)
