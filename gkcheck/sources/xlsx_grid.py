"""Reading the cell texts and merged ranges of an xlsx workbook straight from its XML.

A catalog reader needs only each worksheet's cell values and merged ranges; openpyxl,
which must open a workbook in full mode to show merged ranges, builds a Cell object with
its style for every cell and spends ten times as long doing it. This module reads the
same parts and gives the same result as openpyxl (load_workbook with data_only=True,
then `xlsx_open.sheet_texts` and `ws.merged_cells`). A sheet written as Excel and WPS
write one (every cell `<c r=".." s=".." t="..">` with a value and perhaps a formula, one
default namespace, no comments or entities in values) is read with one regular
expression after expat has found it well-formed; any other sheet through an lxml tree.


- the workbook part, shared strings and sheets are found as openpyxl finds them
  ([Content_Types].xml, the workbook's relationships, xl/styles.xml);
- values are converted as openpyxl converts them: shared and inline strings (phonetic
  runs left out), numbers (int unless written with "." or an exponent), booleans, error
  codes, cached formula results, ISO dates, and numbers in a date or duration format
  through openpyxl's own `from_excel` (1900 or 1904 date system);
- cells covered by a merged range other than its top-left cell are blank, and count for
  the sheet's size, as openpyxl's MergedCells do.

Anything this module does not expect (strict OOXML, a missing part, a sheet name openpyxl
would rename, an unknown style index, a value openpyxl cannot convert …) raises
`Unsupported` or whatever the parser raised: the caller then reads the workbook with
openpyxl, which either reads it or gives the error the user sees. Call it only on a
container `xlsx_open` has checked (zip bombs, oversized sheets, encrypted files).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.xml.constants import SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX

Merge = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

_ROW = f"{_MAIN}row"
_V = f"{_MAIN}v"
_IS = f"{_MAIN}is"
_T = f"{_MAIN}t"
_R = f"{_MAIN}r"
_SI = f"{_MAIN}si"
_MERGE = f"{_MAIN}mergeCell"
_BAD_TITLE = frozenset("\\*?:/[]")

# Comments and processing instructions dropped as the standard-library parser openpyxl
# uses drops them; entities never expanded, nothing fetched.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


class Unsupported(Exception):
    """The workbook has something this reader leaves to openpyxl."""


@dataclass
class SheetGrid:
    """One worksheet as the catalog reader sees it: `texts` as `xlsx_open.sheet_texts`
    gives them, `merges` as (min_row, min_col, max_row, max_col) in the order of
    openpyxl's `ws.merged_cells.ranges`."""

    title: str
    texts: list[list[str]]
    merges: list[Merge]


def read_grids(path: Path, parts: dict[str, bytes] | None = None, blank_run_limit: int = 1000) -> list[SheetGrid]:
    """Every worksheet of the workbook at `path`, in workbook order, as in openpyxl's
    `wb.worksheets` (a workbook with chart sheets is left to openpyxl). `parts` holds the
    XML of parts already read, by part name (`xlsx_open` reads the sheets to count cells)."""
    parts = parts or {}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        types = _xml(zf.read("[Content_Types].xml"))
        overrides = [(o.get("PartName") or "", o.get("ContentType")) for o in types.iter(f"{_CT}Override")]
        book_part = next(
            (p for ct in (XLTM, XLTX, XLSM, XLSX) for p, t in overrides if t == ct),
            None,
        )
        if not book_part:
            raise Unsupported("workbook part")
        book_part = book_part[1:]
        strings_part = next((p for p, t in overrides if t == SHARED_STRINGS), None)
        strings = _shared_strings(zf.read(strings_part[1:])) if strings_part else []
        styles = _styles(zf.read("xl/styles.xml")) if "xl/styles.xml" in names else None
        book = _xml(zf.read(book_part))
        if book.tag != f"{_MAIN}workbook":
            raise Unsupported("workbook namespace")
        epoch = _epoch(book)
        rels = _relationships(zf, book_part)
        sheets: list[SheetGrid] = []
        seen: set[str] = set()
        for sheet in book.iter(f"{_MAIN}sheet"):
            rel_id = sheet.get(_REL_ID)
            if not rel_id:
                continue  # openpyxl drops such a sheet with a warning
            rel_type, target = rels[rel_id]
            if target not in names:
                continue
            if rel_type != _WORKSHEET_REL:  # a chart sheet (openpyxl reads its drawing) or stranger
                raise Unsupported(rel_type)
            title = sheet.get("name")
            if not title or _BAD_TITLE & set(title) or title.lower() in seen:
                raise Unsupported("sheet name")  # openpyxl refuses or renames it
            seen.add(title.lower())
            data = parts.get(target)
            if data is None:
                data = zf.read(target)
            sheets.append(_grid(title, data, strings, styles, epoch, blank_run_limit))
        return sheets


def _xml(data: bytes) -> etree._Element:
    root = etree.fromstring(data, _PARSER)
    if root.getroottree().docinfo.doctype:
        raise Unsupported("DOCTYPE")
    return root


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part name), targets resolved as openpyxl does."""
    folder, name = posixpath.split(part)
    root = _xml(zf.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    out = {}
    for rel in root.iter(_PKG_REL):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type") or "", target)
    return out


def _epoch(book: etree._Element) -> dt.datetime:
    props = book.find(f"{_MAIN}workbookPr")
    flag = (props.get("date1904") if props is not None else None) or "false"
    if flag.lower() in ("0", "false"):
        return WINDOWS_EPOCH
    if flag.lower() in ("1", "true"):
        return CALENDAR_MAC_1904
    raise Unsupported("date1904")


def _text_content(node: etree._Element) -> str:
    """The text of an <si> or <is>: its <t> and the <t> of its runs, phonetic runs left out."""
    parts = []
    plain = node.find(_T)
    if plain is not None and plain.text is not None:
        parts.append(plain.text)
    for run in node.iterfind(_R):
        t = run.find(_T)
        if t is not None and t.text is not None:
            parts.append(t.text)
    return "".join(parts)


# A shared string as Excel and WPS write a plain one (no runs, no entities).
_PLAIN_SI = re.compile(r'<si><t(?: xml:space="preserve")?>([^<&]*)</t></si>')
_ANY_SI = re.compile(r"<si[\s/>]")


def _shared_strings(data: bytes) -> list[str]:
    """The shared-string table: by `_PLAIN_SI` when every string is plain (and the part
    well-formed), else through the lxml tree."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and _plain_part(text):
        found = _PLAIN_SI.findall(text)
        # (a parser reads a line break written "\r\n" as "\n": such text goes to the tree)
        if len(found) == len(_ANY_SI.findall(text)) and not any("\r" in t for t in found):
            _well_formed(data)
            return [t.replace("x005F_", "") for t in found]
    return _shared_strings_by_tree(data)


def _shared_strings_by_tree(data: bytes) -> list[str]:
    root = _xml(data)
    out = []
    for si in root.iter(_SI):
        t = si[0] if len(si) == 1 else None
        if t is not None and t.tag == _T:  # the usual case: one plain <t>
            out.append((t.text or "").replace("x005F_", ""))
        else:
            out.append(_text_content(si).replace("x005F_", ""))
    return out


@dataclass
class _Styles:
    count: int  # cell formats (cellXfs); a cell's style index must be below it
    dates: frozenset[int]
    durations: frozenset[int]
    names: frozenset[str]  # the style indexes as written: "0" … str(count - 1)


_DEFAULT_STYLES = frozenset({"0"})  # openpyxl's one default format when styles.xml has none


def _styles(data: bytes) -> _Styles | None:
    """Which cell formats show a date or a duration, worked out as openpyxl does."""
    root = _xml(data)
    if root.tag != f"{_MAIN}styleSheet":
        raise Unsupported("styles namespace")
    custom = {}
    for fmt in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt"):
        custom[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
    xfs = root.find(f"{_MAIN}cellXfs")
    formats = [] if xfs is None else xfs.findall(f"{_MAIN}xf")
    if not formats:
        return None  # openpyxl keeps its defaults: no date formats
    dates, durations = set(), set()
    for idx, xf in enumerate(formats):
        num = int(xf.get("numFmtId") or 0)
        code = custom[num] if num in custom else BUILTIN_FORMATS.get(num)
        if is_date_format(code):
            dates.add(idx)
        if is_timedelta_format(code):
            durations.add(idx)
    return _Styles(len(formats), frozenset(dates), frozenset(durations), frozenset(map(str, range(len(formats)))))


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        if not letters.isascii() or not letters.isupper():
            raise Unsupported("cell reference")
        col = _COLUMNS[letters] = column_index_from_string(letters)
    return col


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


# One cell as Excel and WPS write it: r, then s and t if any, then a formula and/or a
# value. A sheet whose every cell has this shape (and that passes `_plain_part`) is read
# by this pattern, five times as fast as walking an lxml tree; any other sheet by the tree.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
    r"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>)?</c>)"
)
_ANY_CELL = re.compile(r"<c[\s/>]")
_MERGE_REF = re.compile(r'<mergeCell ref="([A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?)"\s*/>')
_ANY_MERGE = re.compile(r"<mergeCell[\s/>]")
_ENCODING = re.compile(r'^\ufeff?<\?xml[^>]*?encoding="([^"]*)"')
_MAIN_URI = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# (row, column, style, type, value text, inline text) of a cell read by the tree
Cell = tuple[int, int, "str | None", str, "str | None", "str | None"]
# (row, column) -> the cell's text as `xlsx_open.cell_text` gives it
Texts = dict[tuple[int, int], str]


def _grid(
    title: str,
    data: bytes,
    strings: list[str],
    styles: _Styles | None,
    epoch: dt.datetime,
    blank_run_limit: int,
) -> SheetGrid:
    found = _rows_by_pattern(data, strings, styles, epoch)
    if found is None:
        cells, refs = _cells_by_tree(_xml(data))
        values, max_col = _tree_texts(cells, strings, styles, epoch)
        merges = _merges(refs)
        width = max([max_col] + [m[3] for m in merges])
        by_row: dict[int, list[str]] = {}
        for (r, c), text in values.items():
            row = by_row.get(r)
            if row is None:
                row = by_row[r] = [""] * width
            row[c - 1] = text
    else:
        by_row, width, merges = found
    for r1, c1, r2, c2 in merges:
        # a cell covered by a merge, other than its top-left one, is a blank MergedCell in openpyxl
        rows = range(r1, r2 + 1) if r2 - r1 < len(by_row) else sorted(r for r in by_row if r1 <= r <= r2)
        for r in rows:
            row = by_row.get(r)
            if row is not None:
                for c in range(c1 if r > r1 else c1 + 1, c2 + 1):
                    row[c - 1] = ""
    if len(merges) > 1:
        # in the order openpyxl's ws.merged_cells.ranges gives them (a set of CellRanges):
        # it decides which of two overlapping ranges is applied first
        ranges = MultiCellRange(
            [CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2) for r1, c1, r2, c2 in merges]
        ).ranges
        merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ranges]
    return SheetGrid(title, _rows(by_row, blank_run_limit), merges)


def _merges(refs: list[str]) -> list[Merge]:
    merges = []
    for ref in refs:
        c1, r1, c2, r2 = range_boundaries(ref)
        merges.append((r1, c1, r2, c2))
    return merges


def _value_text(
    kind: str, value: str, style: int, strings: list[str], styles: _Styles | None, epoch: dt.datetime
) -> str:
    """The text of a cell of type `kind` whose <v> holds `value` (not empty), as openpyxl
    converts the value and `cell_text` writes it."""
    from gkcheck.sources.xlsx_open import cell_text

    if kind == "s":
        return strings[int(value)].strip()
    if kind == "n":
        number = _number(value)
        if styles is not None and style in styles.dates:
            try:
                return cell_text(from_excel(number, epoch, timedelta=style in styles.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"
        return cell_text(number)
    if kind == "b":
        return cell_text(bool(int(value)))
    if kind == "d":
        return cell_text(from_ISO8601(value))
    return value.strip()  # str (a formula's text result), e (an error code), anything else: as written


def _rows_by_pattern(
    data: bytes, strings: list[str], styles: _Styles | None, epoch: dt.datetime
) -> tuple[dict[int, list[str]], int, list[Merge]] | None:
    """The rows of cell texts by row number, the width (columns, merged ranges included)
    and the merged ranges of a plainly written sheet; None when the sheet is not plain
    enough for `_CELL` (then the tree reads it)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not _plain_part(text):
        return None
    found = _CELL.findall(text)
    if len(found) != len(_ANY_CELL.findall(text)):
        return None  # some cell is written another way
    refs = _MERGE_REF.findall(text)
    if len(refs) != len(_ANY_MERGE.findall(text)):
        return None
    _well_formed(data)
    merges = _merges(refs)
    if not found:
        return {}, max([0] + [m[3] for m in merges]), merges
    # column by column first (C loops), then one pass over the cells
    letters, row_texts, style_texts, kinds, values = zip(*found)
    known = styles.names if styles else _DEFAULT_STYLES
    if not known.issuperset(set(style_texts) - {""}):
        raise Unsupported("style index")  # openpyxl may fail on it: let it decide
    column_of = {x: _column(x) - 1 for x in set(letters)}  # 0-based
    columns = list(map(column_of.__getitem__, letters))
    row_numbers = list(map(int, row_texts))
    width = max([max(columns) + 1] + [m[3] for m in merges])
    shared = _stripped(strings)
    if set(kinds) == {"s"}:  # text only (the usual catalog): a shared string or nothing each
        texts = [shared[int(v)] if v else "" for v in values]
    else:
        if any("&" in v or "\r" in v for k, v in zip(kinds, values) if k != "s"):
            return None  # an entity or a "\r\n" (read as "\n") in a value: the tree reads it
        texts = [
            (shared[int(v)] if k == "s" else _value_text(k or "n", v, int(st or 0), strings, styles, epoch)) if v else ""
            for k, v, st in zip(kinds, values, style_texts)
        ]
    by_row: dict[int, list[str]] = {}
    blank = [""] * width
    row = blank
    last = -1
    for r, c, t in zip(row_numbers, columns, texts):
        if r != last:
            row = by_row.get(r)
            if row is None:
                row = by_row[r] = blank.copy()
            last = r
        row[c] = t  # a later cell at the same place wins, as in openpyxl
    return by_row, width, merges


_stripped_cache: tuple[list[str], list[str]] | None = None


def _stripped(strings: list[str]) -> list[str]:
    """The shared strings stripped (cell_text strips text), worked out once per workbook."""
    global _stripped_cache
    if _stripped_cache is None or _stripped_cache[0] is not strings:
        _stripped_cache = (strings, [s.strip() for s in strings])
    return _stripped_cache[1]


def _tree_texts(cells: list[Cell], strings: list[str], styles: _Styles | None, epoch: dt.datetime) -> tuple[Texts, int]:
    """The cell texts and the column count of cells read by the tree."""
    from gkcheck.sources.xlsx_open import cell_text

    n_styles = styles.count if styles else 1
    values: Texts = {}
    max_col = 0
    for cr, cc, style_text, kind, value, inline in cells:
        max_col = max(max_col, cc)
        style = int(style_text) if style_text else 0
        if style >= n_styles or style < 0:
            raise Unsupported("style index")  # openpyxl may fail on it: let it decide
        if kind == "inlineStr":
            values[cr, cc] = "" if inline is None else cell_text(inline)
        elif not value:
            values[cr, cc] = ""  # a later cell at the same place wins, as in openpyxl
        else:
            values[cr, cc] = _value_text(kind, value, style, strings, styles, epoch)
    return values, max_col


def _plain_part(text: str) -> bool:
    """No comments, CDATA or DOCTYPE, UTF-8, and the main namespace is the one default
    namespace, bound to no prefix: so `<c ` can only be a cell."""
    if "<!--" in text or "<![CDATA[" in text or "<!DOCTYPE" in text:
        return False
    declared = _ENCODING.match(text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return False
    return (
        text.count('xmlns="') == 1
        and text.count(f'"{_MAIN_URI}"') == 1
        and f'xmlns="{_MAIN_URI}"' in text
        and "xmlns='" not in text
    )


def _well_formed(data: bytes) -> None:
    """Raise as openpyxl's parser (expat) would on a sheet that is not well-formed XML."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.Parse(data, True)


def _cells_by_tree(root: etree._Element) -> tuple[list[Cell], list[str]]:
    if root.tag != f"{_MAIN}worksheet":
        raise Unsupported("worksheet namespace")
    cells: list[Cell] = []
    row_n = 0
    for row in root.iter(_ROW):
        r = row.get("r")
        if r is None:
            row_n += 1
        else:
            try:
                row_n = int(r)
            except ValueError:
                f = float(r)
                if not f.is_integer():
                    raise Unsupported("row number") from None
                row_n = int(f)
        col_n = 0
        for c in row:
            ref = c.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                cr, cc = int(ref[len(letters) :]), _column(letters)
            else:
                cr, cc = row_n, col_n + 1
            col_n = cc
            kind = c.get("t", "n")
            style = c.get("s")
            if style == "":
                raise Unsupported("style index")  # s="" fails in openpyxl: let it say so
            if kind == "inlineStr":
                inline = c.find(_IS)
                cells.append(
                    (
                        cr,
                        cc,
                        style,
                        kind,
                        None,
                        None if inline is None else _text_content(inline),
                    )
                )
            else:
                cells.append((cr, cc, style, kind, c.findtext(_V), None))
    refs = []
    merge_parent = root.find(f"{_MAIN}mergeCells")
    if merge_parent is not None:
        refs = [m.get("ref") for m in merge_parent.iter(_MERGE)]
    return cells, refs


def _rows(by_row: dict[int, list[str]], blank_run_limit: int) -> list[list[str]]:
    """`xlsx_open.sheet_texts` of a sheet with these rows (all of the sheet's width)."""
    rows: list[list[str]] = []
    last = 0
    for r in sorted(by_row):
        texts = by_row[r]
        if not any(texts):
            continue
        gap = r - last - 1
        if gap > blank_run_limit:
            break  # sheet_texts stops after that many blank rows in a row
        rows.extend([""] * len(texts) for _ in range(gap))
        rows.append(texts)
        last = r
    return rows
