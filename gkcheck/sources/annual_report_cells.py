"""From the strings a reader found to the cells of 表二, 表三 and 表四.

A reader hands over, per row, the strings it saw: the cells themselves (a grid from
HTML or a PDF's ruled table) or whitespace-separated tokens of text, where a web
page may have run the digits of several cells together ("801000081" for
80|1|0|0|0|0|81). Such a run is split only when there is one way to do it:

1. by structure: as many digits as cells, no number with a leading zero;
2. else by the table's identities: 表三's row sum, then its column identities across
   rows, 表四's three group sums. Exactly one consistent split is taken and its cells
   are marked `inferred`; none or several leave the cells `unreadable` with a warning.

表二 has no identity inside one report, so its runs are never split by guess.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gkcheck.sources.annual_report_identities import (
    Identity,
    evaluate,
    t3_identities,
    t4_identities,
)
from gkcheck.sources.annual_report_layout import (
    T3_COLUMNS,
    T3_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
    t2_spec,
    t3_row_order,
)
from gkcheck.sources.annual_report_model import Cell, Row

MAX_CANDIDATES = 20000  # splits of one row; beyond this a row counts as unreadable
MAX_COMBINATIONS = 50000  # joint splits of several ambiguous rows


@dataclass
class RawRow:
    key: str
    printed: str  # the label as the document prints it
    tokens: list[str]  # cells (exact=True) or whitespace tokens of text
    exact: bool  # True when tokens are the cells; False when digits may run together


# ---- single cells -------------------------------------------------------------------

_DASHES = {"—", "——", "-", "－", "–", "―", "─", "--"}
_SLASHES = {"/", "／", "\\"}
_COUNT = re.compile(r"^\d+$")
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:万元|万|元)?$")
_DELTA = re.compile(r"^([+\-−]?)\s*(\d+)$")


def parse_cell(raw: str, kind: str = "count") -> Cell:
    """One cell: a whole number ≥ 0 (count), an amount (Decimal), or a signed change."""
    s = (raw or "").strip().replace(",", "").replace("，", "")
    s = re.sub(r"\s+", "", s)
    if s == "":
        return Cell(raw or "", None, "blank")
    if s in _SLASHES:
        return Cell(raw, None, "slash")
    if s in _DASHES or set(s) <= {"—", "-", "－", "–", "―"}:
        return Cell(raw, None, "dash")
    if kind == "count" and _COUNT.match(s):
        return Cell(raw, int(s))
    if kind == "amount" and (m := _AMOUNT.match(s)):
        try:
            return Cell(raw, Decimal(m.group(1)))
        except InvalidOperation:  # pragma: no cover - the regex admits only decimals
            return Cell(raw, None, "text")
    if kind == "delta" and (m := _DELTA.match(s)):
        n = int(m.group(2))
        return Cell(raw, -n if m.group(1) in ("-", "−") else n)
    return Cell(raw, None, "text")


def unreadable(raw: str) -> Cell:
    return Cell(raw, None, "unreadable")


# ---- splitting digits written together ---------------------------------------------


def _valid(part: str) -> bool:
    return part == "0" or not part.startswith("0")


def compositions(digits: str, k: int):
    """Every way to cut `digits` into k numbers without leading zeros."""
    if k == 1:
        if _valid(digits):
            yield (digits,)
        return
    for i in range(1, len(digits) - k + 2):
        head = digits[:i]
        if not _valid(head):
            break
        for rest in compositions(digits[i:], k - 1):
            yield (head, *rest)


def split_candidates(tokens: list[str], n: int) -> list[tuple[str, ...]] | None:
    """Every reading of `tokens` as n cells (None when there are too many to try)."""
    out: list[tuple[str, ...]] = []

    def rec(i: int, left: int, acc: tuple[str, ...]) -> bool:
        if len(out) > MAX_CANDIDATES:
            return False
        if i == len(tokens):
            if left == 0:
                out.append(acc)
            return True
        tok = tokens[i]
        rest = len(tokens) - i - 1
        if not tok.isdigit():
            return rec(i + 1, left - 1, acc + (tok,)) if left >= 1 else True
        for k in range(1, min(len(tok), left - rest) + 1):
            for parts in compositions(tok, k):
                if not rec(i + 1, left - k, acc + parts):
                    return False
        return True

    if not rec(0, n, ()):
        return None
    return out


def _candidates(raw: RawRow, n: int) -> list[tuple[str, ...]] | None:
    if raw.exact:
        return [tuple(raw.tokens)] if len(raw.tokens) == n else []
    return split_candidates(raw.tokens, n)


def _ints(cand: tuple[str, ...]) -> list[int] | None:
    return [int(x) for x in cand] if all(x.isdigit() for x in cand) else None


# ---- tables -------------------------------------------------------------------------


def build_t2(raws: dict[str, RawRow], layout: str) -> tuple[dict[str, Row], list[str]]:
    rows: dict[str, Row] = {}
    warnings: list[str] = []
    for key, cols in t2_spec(layout).items():
        raw = raws.get(key)
        if raw is None:
            continue
        cands = _candidates(raw, len(cols))
        joined = " ".join(raw.tokens)
        if cands is not None and len(cands) == 1:
            cells = {c: parse_cell(v, kind) for (c, kind), v in zip(cols, cands[0], strict=True)}
        else:
            cells = {c: unreadable(joined) for c, _ in cols}
            why = "有多种拆分方式" if cands else "与列数不符"
            warnings.append(
                f"表二“{key}”行的数字“{joined}”{why}，无法确定各列数值，按无法读取处理（未猜测）"
            )
        rows[key] = Row(key, key, raw.printed, cells)
    return rows, warnings


def _lookup_from(values: dict[tuple[str, str], Cell]):
    return lambda t: values.get((t.row, t.col))


def _resolve(
    candidates: dict[str, list[tuple[str, ...]]],
    fixed: dict[tuple[str, str], Cell],
    columns: tuple[str, ...],
    identities: list[Identity],
) -> dict[str, tuple[str, ...]] | None:
    """The one joint split of the ambiguous rows under which no identity breaks."""
    keys = list(candidates)
    total = 1
    for k in keys:
        total *= len(candidates[k])
    if total > MAX_COMBINATIONS:
        return None
    relevant = [i for i in identities if any(t.row in candidates for t in (*i.lhs, *i.rhs))]
    found: dict[str, tuple[str, ...]] | None = None
    for combo in itertools.product(*(candidates[k] for k in keys)):
        values = dict(fixed)
        for k, cand in zip(keys, combo, strict=True):
            for col, v in zip(columns, cand, strict=True):
                values[(k, col)] = parse_cell(v)
        lookup = _lookup_from(values)
        if all(evaluate(i, lookup).status != "broken" for i in relevant):
            if found is not None:
                return None  # two consistent splits: do not guess
            found = dict(zip(keys, combo, strict=True))
    return found


def build_t3(raws: dict[str, RawRow], other_rows: str) -> tuple[dict[str, Row], list[str]]:
    """表三 from its raw rows; run-together digits split by structure or identities."""
    n = len(T3_COLUMNS)
    warnings: list[str] = []
    fixed: dict[tuple[str, str], Cell] = {}
    ambiguous: dict[str, list[tuple[str, ...]]] = {}
    by_row_identity: set[str] = set()
    unread: set[str] = set()
    for key in t3_row_order(other_rows):
        raw = raws.get(key)
        if raw is None:
            continue
        cands = _candidates(raw, n)
        if cands is not None and len(cands) > 1:
            # 总计 = the six columns: keep the splits that satisfy it.
            kept = [c for c in cands if (v := _ints(c)) is None or sum(v[:6]) == v[6]]
            if len(kept) == 1:
                by_row_identity.add(key)
            cands = kept
        if cands is None or not cands:
            unread.add(key)
        elif len(cands) == 1:
            for col, v in zip(T3_COLUMNS, cands[0], strict=True):
                fixed[(key, col)] = parse_cell(v)
        else:
            ambiguous[key] = cands
    if ambiguous:
        ids = [i for i in t3_identities(other_rows) if i.id.startswith("表三:列:")]
        chosen = _resolve(ambiguous, fixed, T3_COLUMNS, ids)
        if chosen is None:
            unread.update(ambiguous)
        else:
            for key, cand in chosen.items():
                by_row_identity.add(key)
                for col, v in zip(T3_COLUMNS, cand, strict=True):
                    fixed[(key, col)] = parse_cell(v)
    rows: dict[str, Row] = {}
    for key in t3_row_order(other_rows):
        raw = raws.get(key)
        if raw is None:
            continue
        joined = " ".join(raw.tokens)
        if key in unread:
            cells = {c: unreadable(joined) for c in T3_COLUMNS}
            warnings.append(
                f"表三“{T3_LABELS.get(key, key)}”行的数字“{joined}”无法按7列唯一拆分，按无法读取处理（未猜测）"
            )
        else:
            cells = {c: fixed[(key, c)] for c in T3_COLUMNS}
            if key in by_row_identity:
                for cell in cells.values():
                    cell.inferred = True
        rows[key] = Row(key, T3_LABELS.get(key, key), raw.printed, cells)
    inferred = [k for k in rows if k in by_row_identity]
    if inferred:
        warnings.append(
            "表三有" + str(len(inferred)) + "行数字连写（如“" + " ".join(raws[inferred[0]].tokens)
            + "”），已按表内勾稽关系唯一拆分；这些行的勾稽关系不能再作为独立核验"
        )
    return rows, warnings


def build_t4(raw: RawRow | None) -> tuple[dict[str, Row], list[str]]:
    if raw is None:
        return {}, []
    cols = [(g, c) for g in T4_GROUPS for c in T4_COLUMNS]
    warnings: list[str] = []
    cands = _candidates(raw, len(cols))
    inferred = False
    if cands is not None and len(cands) > 1:
        ids = t4_identities()

        def consistent(cand) -> bool:
            values = {(g, c): parse_cell(v) for (g, c), v in zip(cols, cand, strict=True)}
            lookup = _lookup_from(values)
            return all(evaluate(i, lookup).status != "broken" for i in ids)

        cands = [c for c in cands if consistent(c)]
        inferred = len(cands) == 1
    joined = " ".join(raw.tokens)
    rows: dict[str, Row] = {}
    if cands is not None and len(cands) == 1:
        cells = [parse_cell(v) for v in cands[0]]
        for cell in cells:
            cell.inferred = inferred
        it = iter(cells)
        for g in T4_GROUPS:
            rows[g] = Row(g, g, g, {c: next(it) for c in T4_COLUMNS})
        if inferred:
            warnings.append(f"表四数字连写（“{joined}”），已按表内勾稽关系唯一拆分；其勾稽关系不能再作为独立核验")
    else:
        for g in T4_GROUPS:
            rows[g] = Row(g, g, g, {c: unreadable(joined) for c in T4_COLUMNS})
        warnings.append(f"表四的数字“{joined}”无法按15列唯一拆分，按无法读取处理（未猜测）")
    return rows, warnings
