"""Reading the report's tables from grids: rows of cells, as HTML tables and the
ruled tables of a PDF give them.

A grid row is a list of cell strings; `None` marks a position covered by a merged
cell (rowspan/colspan), as pdfplumber reports it and as `html_grids` expands HTML.
A row's label is its leading text cells, its values the trailing number-like cells.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from gkcheck.sources.annual_report_cells import RawRow
from gkcheck.sources.annual_report_layout import (
    T2_PATTERNS,
    T3_COLUMNS,
    T3_LEAVES,
    T4_COLUMNS,
    T4_GROUPS,
    t2_spec,
)

Grid = list[list[str | None]]

_VALUE = re.compile(r"^(?:|[\d\s.,，+\-−/／—–－―]+|\d+(?:\.\d+)?\s*(?:万元|元|件|个)?|无|空)$")
MAX_SPAN = 100


def _clean(s: str | None) -> str:
    if s is None:
        return ""
    s = s.replace("\u3000", " ").replace("\xa0", " ")
    # PDF cells wrap Chinese labels over lines: join those without a space.
    s = re.sub(r"(?<=[^\x00-\x7f])\s*\n\s*(?=[^\x00-\x7f])", "", s)
    return re.sub(r"\s+", " ", s).strip()


def is_value(s: str) -> bool:
    return bool(_VALUE.match(s.strip()))


def split_row(row: list[str | None]) -> tuple[list[str], list[str]]:
    """(label cells, trailing value cells) of a grid row; merged positions dropped."""
    cells = [_clean(c) for c in row if c is not None]
    i = len(cells)
    while i > 0 and is_value(cells[i - 1]):
        i -= 1
    # A number-like cell at the very start of a row with no label is a value row.
    return [c for c in cells[:i] if c], cells[i:]


def html_grids(html: str | BeautifulSoup) -> list[Grid]:
    """Every innermost <table> as a grid with rowspan/colspan expanded (covered = None)."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "lxml")
    grids: list[Grid] = []
    for table in soup.find_all("table"):
        if table.find("table") is not None:
            continue  # a layout table around others
        grids.append(_expand(table))
    return grids


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(cell.get(name, "1")).strip() or "1")))
    except ValueError:
        return 1


def _expand(table: Tag) -> Grid:
    grid: dict[tuple[int, int], str | None] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = cell.get_text("\n", strip=True)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else None
            c += cs
            width = max(width, c)
    height = max((r for r, _ in grid), default=-1) + 1
    return [[grid.get((r, c), None) for c in range(width)] for r in range(height)]


# ---- from grid rows to raw table rows -------------------------------------------------


def grid_t2(rows: Grid, layout: str) -> dict[str, RawRow]:
    spec = t2_spec(layout)
    out: dict[str, RawRow] = {}
    for row in rows:
        labels, values = split_row(row)
        if not values or not labels:
            continue
        for key, cols in spec.items():
            if key in out:
                continue
            if any(re.fullmatch(T2_PATTERNS[key], re.sub(r"\s+", "", lab)) for lab in labels):
                out[key] = RawRow(key, " ".join(labels), values[-len(cols):], exact=True)
                break
    return out


def grid_t3(rows: Grid) -> tuple[dict[str, RawRow], str]:
    n = len(T3_COLUMNS)
    out: dict[str, RawRow] = {}
    started = False
    ptr = 0
    for row in rows:
        labels, values = split_row(row)
        label = " ".join(labels)
        if not started:
            if T3_LEAVES[0].pattern.search(label) and values:
                started = True
            else:
                continue
        if not values or not label or len(label) > 120:
            continue
        for i in range(ptr, len(T3_LEAVES)):
            spec = T3_LEAVES[i]
            if spec.pattern.search(label):
                if len(values) >= n:
                    tokens, exact = values[-n:], True
                else:  # fewer cells than columns: maybe digits written together
                    tokens, exact = [t for v in values for t in v.split()], False
                out[spec.key] = RawRow(spec.key, label, tokens, exact=exact)
                ptr = i + 1
                break
        if "结转下年度" in out:
            break
    if any(k.startswith("其他处理.") for k in out):
        other = "split"
    elif "其他处理" in out:
        other = "single"
    else:
        other = "missing"
    return out, other


_T4_HEADER = re.compile(r"行政复议|行政诉讼|结果维持|复议后起诉")


def grid_t4(rows: Grid) -> RawRow | None:
    n = len(T4_GROUPS) * len(T4_COLUMNS)
    seen_header = False
    for row in rows:
        labels, values = split_row(row)
        label = "".join(labels)
        if _T4_HEADER.search(label):
            seen_header = True
        if seen_header and len([v for v in values if v]) >= n - 5 and len(values) >= n:
            return RawRow("表四", label or "表四", values[-n:], exact=True)
    return None
