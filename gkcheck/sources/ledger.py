"""Reading a unit's work ledger (工作台账): dated evidence of work no website shows —
专题会议, 培训, 政策评价, 政府开放, 监督员聘任 …

YAML:

    unit: 市民政局
    entries:
      - {kind: 专题会议, date: 2024-05-16, title: 2024年政务公开工作专题会议, link: …, note: …}

xlsx: a sheet whose header row names 类型/种类, 日期/时间, 标题/名称/事项, 链接/网址,
备注 (a title line and a 单位：… line may stand above it). Every sheet with such a
header is read; merged 类型 cells count for every row they cover.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from gkcheck.engine.yamlio import read_yaml_nodes
from gkcheck.errors import SourceError
from gkcheck.model.catalog import SourcePos
from gkcheck.model.construct import builder
from gkcheck.model.ledger import LedgerEntry
from gkcheck.sources.catalog_headers import norm
from gkcheck.sources.datecells import parse_date
from gkcheck.sources.files import display_path, require_file
from gkcheck.sources.xlsx_open import read_sheet_grids

# Field names (YAML keys, xlsx headers after `norm`) -> LedgerEntry attribute.
FIELDS: dict[str, str] = {
    "kind": "kind", "类型": "kind", "种类": "kind", "类别": "kind",
    "date": "date", "日期": "date", "时间": "date",
    "title": "title", "标题": "title", "名称": "title", "事项": "title",
    "link": "link", "链接": "link", "网址": "link",
    "note": "note", "备注": "note",
}
HEADER_SCAN_ROWS = 10
_UNIT_LINE = re.compile(r"^(?:填报)?单位[:：]\s*(.+)$")
_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm", ".xls")


def load_ledger(path: str | Path, base: str | Path | None = None) -> list[LedgerEntry]:
    """Entries of the ledger at `path` (YAML or xlsx). Raises `SourceError`."""
    p, display = _checked(path, base)
    read = _yaml_entries if p.suffix.lower() in (".yaml", ".yml") else _xlsx_entries
    try:
        return read(p, display)
    except OSError as exc:
        raise SourceError(f"无法读取文件（{exc.strerror or exc}）", display) from None


def read_ledger(
    path: str | Path, base: str | Path | None = None, display: str | None = None
) -> tuple[str | None, list[LedgerEntry]]:
    """`(ledger_unit(path), load_ledger(path, base))`, with a YAML ledger parsed once
    instead of twice (the same results and the same errors, in the same order).
    `display`, when given, is `display_path(path, base)` as the caller has worked it out."""
    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml"):
        return ledger_unit(path), load_ledger(path, base)
    _checked(path, None)
    data, root = read_yaml_nodes(p, SourceError)
    unit = data.get("unit") if isinstance(data, dict) else None
    p, display = _checked(path, base, display)
    try:
        return _text(unit) or None, _yaml_entries(p, display, data, root)
    except OSError as exc:
        raise SourceError(f"无法读取文件（{exc.strerror or exc}）", display) from None


def ledger_unit(path: str | Path, base: str | Path | None = None) -> str | None:
    """The unit a ledger declares (`unit:` in YAML, a 单位：… line above an xlsx header)."""
    p, display = _checked(path, base)
    if p.suffix.lower() in (".yaml", ".yml"):
        data, _ = read_yaml_nodes(p, SourceError)
        unit = data.get("unit") if isinstance(data, dict) else None
        return _text(unit) or None
    for ws in read_sheet_grids(p, display, SourceError):
        for row in ws.texts[:HEADER_SCAN_ROWS]:
            for text in row:
                m = _UNIT_LINE.match(text)
                if m:
                    return m.group(1).strip()
    return None


def _checked(path: str | Path, base: str | Path | None, display: str | None = None) -> tuple[Path, str]:
    p = Path(path)
    if display is None:
        display = display_path(p, base)
    if p.suffix.lower() not in _SUFFIXES:
        raise SourceError(f"不支持的台账文件类型“{p.suffix or '（无扩展名）'}”（支持 .yaml、.yml、.xlsx、.xls）", display)
    require_file(p, display, SourceError)
    return p, display


def _entry(values: dict[str, object], display: str, pos: SourcePos, what: str, date_what: str) -> LedgerEntry:
    """A LedgerEntry from field values; `what` names the record in messages."""
    if pos.sheet is None and pos.row is not None:
        loc = f"第{pos.row}行"  # a YAML ledger: the line the entry starts on
    else:
        loc = pos.location().removeprefix(display).lstrip(":")
    kind = _text(values.get("kind"))
    if not kind:
        raise SourceError(f"{what}缺少类型（kind / 类型）", display, loc)
    try:
        date = parse_date(values.get("date"))
    except ValueError:
        raise SourceError(
            f"{date_what}的日期“{values.get('date')}”无法识别（应为 2024-06-24、2024/6/24 或 2024年6月24日）",
            display,
            loc,
        ) from None
    return _build_entry({
        "kind": kind,
        "date": date,
        "title": _text(values.get("title")),
        "link": _text(values.get("link")) or None,
        "note": _text(values.get("note")),
        "pos": pos,
    })


# Entries and their positions are made of values typed here (text, a date or None, a
# SourcePos): built without validating them again (gkcheck.model.construct).
_build_entry = builder(LedgerEntry)
_build_pos = builder(SourcePos)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _yaml_entries(path: Path, display: str, data: object = None, root=None) -> list[LedgerEntry]:
    if root is None:
        data, root = read_yaml_nodes(path, SourceError)
    if not isinstance(data, dict) or "entries" not in data:
        raise SourceError("台账文件应为键值映射，包含 unit 和 entries（台账条目列表）", display)
    unknown = [k for k in data if k not in ("unit", "title", "entries")]
    if unknown:
        raise SourceError(f"未知的键“{unknown[0]}”（允许：unit、title、entries）", display)
    raw = data["entries"] or []
    if not isinstance(raw, list):
        raise SourceError("键“entries”应为列表", display)
    nodes = next((v.value for k, v in root.value if k.value == "entries"), [])
    entries = []
    for i, (item, node) in enumerate(zip(raw, nodes), start=1):
        line = node.start_mark.line + 1
        pos = _build_pos({"file": display, "row": line})
        if not isinstance(item, dict):
            raise SourceError(f"entries 的第{i}项应为键值映射", display, f"第{line}行")
        values: dict[str, object] = {}
        for key, value in item.items():
            attr = FIELDS.get(str(key))
            if attr is None:
                raise SourceError(
                    f"entries 的第{i}项有未知的键“{key}”（允许：kind、date、title、link、note）",
                    display,
                    f"第{line}行",
                )
            values[attr] = value
        entries.append(_entry(values, display, pos, f"entries 的第{i}项", f"entries 的第{i}项"))
    return entries


def _xlsx_entries(path: Path, display: str) -> list[LedgerEntry]:
    """The entries of an xlsx or .xls ledger."""
    entries: list[LedgerEntry] = []
    found = False
    for ws in read_sheet_grids(path, display, SourceError):
        texts = ws.texts
        header = _find_header(texts)
        if header is None:
            continue
        found = True
        top, columns = header
        _fill_merged_down(texts, ws.merges, top)
        for r in range(top + 1, len(texts)):
            row = texts[r]
            if sum(1 for t in row if t) <= 1:
                continue  # blank, or a note / subtotal line
            values = {attr: row[c] for attr, c in columns.items()}
            pos = _build_pos({"file": display, "sheet": ws.title, "row": r + 1})
            where = f"工作表「{ws.title}」第{r + 1}行"
            col = columns.get("date")
            date_where = f"{where}「{texts[top][col]}」列" if col is not None else where
            entries.append(_entry(values, display, pos, where, date_where))
    if not found:
        raise SourceError("未找到台账表头（应包含 类型、日期、标题 等列）", display)
    return entries


def _find_header(texts: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(texts[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, text in enumerate(row):
            attr = FIELDS.get(norm(text))
            if attr and attr not in columns:
                columns[attr] = c
        if "kind" in columns and ("date" in columns or "title" in columns):
            return r, columns
    return None


def _fill_merged_down(texts: list[list[str]], merges: list[tuple[int, int, int, int]], top: int) -> None:
    """Give every cell of a merged range (min_row, min_col, max_row, max_col) below the
    header its anchor's text."""
    for min_row, min_col, max_row, max_col in merges:
        if min_row <= top + 1 or min_row > len(texts):
            continue
        value = texts[min_row - 1][min_col - 1]
        for r in range(min_row, min(max_row, len(texts)) + 1):
            for c in range(min_col, max_col + 1):
                if c <= len(texts[r - 1]):
                    texts[r - 1][c - 1] = value
