"""What a PDF annual report holds, read with pdfplumber in two independent ways.

- `tables`: pdfplumber's ruled-table extraction, all tables of all pages in order;
- `word_rows`: a row-label-driven reading of the text layer. Words are grouped into
  visual lines; inside each table region (第二十条… / 三、 / 四、 up to the next
  section) a line ending in numbers is a table row, and each line of label text is
  attached to the nearest such row (a label cell wrapped over two lines has its
  numbers centred between them, which a plain text dump puts in the wrong order).

`annual_report.parse_pdf` reads the tables both ways and keeps, per table, the
reading that validates best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.errors import SourceError
from gkcheck.sources.annual_report_grid import Grid, is_value
from gkcheck.sources.annual_report_layout import SECTIONS, loose
from gkcheck.sources.annual_report_text import is_page_number

_SEC = {n: pat for n, _t, pat in SECTIONS}
_T2_START = re.compile(loose("第二十条"))
_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)?|[/／]|[—–－―]+)$")


@dataclass
class PdfContent:
    text: str  # the text layer, page after page
    tables: Grid  # rows of pdfplumber's tables
    word_rows: Grid  # rows rebuilt from word positions
    pages: int = 0
    metadata: dict = field(default_factory=dict)


@dataclass
class _Line:
    page: int
    y: float  # vertical centre
    tokens: list[tuple[float, str]]  # (x0, text)

    @property
    def values(self) -> list[str]:
        out: list[str] = []
        for _, t in reversed(self.tokens):
            if not _NUMBER.match(t):
                break
            out.append(t)
        return out[::-1]

    @property
    def label(self) -> str:
        n = len(self.values)
        toks = self.tokens[: len(self.tokens) - n]
        return "".join(t for _, t in toks)

    @property
    def text(self) -> str:
        return " ".join(t for _, t in self.tokens)


def read_pdf(path: Path) -> PdfContent:
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SourceError("未安装 pdfplumber，无法读取PDF年度报告", path=str(path)) from exc
    try:
        with pdfplumber.open(str(path)) as pdf:
            texts: list[str] = []
            tables: Grid = []
            lines: list[_Line] = []
            for i, page in enumerate(pdf.pages):
                texts.append(page.extract_text() or "")
                for table in page.extract_tables():
                    tables.extend(table)
                lines.extend(_lines(i, page.extract_words(x_tolerance=1.5, y_tolerance=2)))
            return PdfContent("\n".join(texts), tables, _word_rows(lines), len(pdf.pages),
                              dict(pdf.metadata or {}))
    except SourceError:
        raise
    except FileNotFoundError as exc:
        raise SourceError("文件不存在", path=str(path)) from exc
    except Exception as exc:  # pdfminer raises many types on a broken file
        raise SourceError(f"无法打开PDF文件（{type(exc).__name__}）：文件可能已损坏或不是PDF", path=str(path)) from exc


def _lines(page: int, words: list[dict]) -> list[_Line]:
    out: list[_Line] = []
    for w in sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"])):
        y = (w["top"] + w["bottom"]) / 2
        if out and abs(out[-1].y - y) <= 2.0:
            out[-1].tokens.append((w["x0"], w["text"]))
        else:
            out.append(_Line(page, y, [(w["x0"], w["text"])]))
    for line in out:
        line.tokens.sort()
    return [ln for ln in out if not is_page_number(ln.text)]


def _find(lines: list[_Line], pat: re.Pattern[str], start: int = 0) -> int | None:
    for i in range(start, len(lines)):
        if pat.search(lines[i].label or lines[i].text):
            return i
    return None


def _word_rows(lines: list[_Line]) -> Grid:
    """Rows of the three tables rebuilt from positioned lines."""
    s2 = _find(lines, _SEC["二"]) or 0
    t2 = _find(lines, _T2_START, s2)
    s3 = _find(lines, _SEC["三"], t2 or 0)
    s4 = _find(lines, _SEC["四"], s3 or 0)
    s5 = _find(lines, _SEC["五"], s4 or 0)
    regions = []
    if t2 is not None:
        regions.append((t2, s3 if s3 is not None else len(lines)))
    if s3 is not None:
        regions.append((s3, s4 if s4 is not None else len(lines)))
    if s4 is not None:
        regions.append((s4, s5 if s5 is not None else len(lines)))
    rows: Grid = []
    for a, b in regions:
        rows.extend(_region_rows(lines[a:b]))
    return rows


def _region_rows(lines: list[_Line]) -> Grid:
    value_lines = [i for i, ln in enumerate(lines) if ln.values]
    attached: dict[int, list[int]] = {i: [] for i in value_lines}
    loose_labels: list[int] = []
    for i, ln in enumerate(lines):
        if ln.values:
            continue
        same_page = [j for j in value_lines if lines[j].page == ln.page]
        if not same_page:
            loose_labels.append(i)
            continue
        j = min(same_page, key=lambda j: (abs(lines[j].y - ln.y), j))
        if abs(lines[j].y - ln.y) <= 30:
            attached[j].append(i)
        else:
            loose_labels.append(i)
    rows: list[tuple[int, list[str | None]]] = []
    for j in value_lines:
        ln = lines[j]
        labels = [lines[i].label for i in sorted(attached[j], key=lambda i: lines[i].y)]
        own = ln.label
        cells: list[str | None] = [x for x in (*labels, own) if x and not is_value(x)]
        rows.append((j, [*cells, *ln.values]))
    for i in loose_labels:
        rows.append((i, [lines[i].text]))
    return [r for _, r in sorted(rows, key=lambda x: x[0])]
