"""Reading an annual report from plain text: lines, sections, prose numbers, tables.

Works on any text: a PDF's text layer, a web page's text, a crawler's extraction where
table cells run together. Tables are found by their row labels in the official order
(`annual_report_layout`); the cells of a row are the numbers between its label and
the next label.
"""

from __future__ import annotations

import re

from gkcheck.sources.annual_report_cells import RawRow
from gkcheck.sources.annual_report_layout import (
    MARKERS_2019,
    MARKERS_2021,
    SECTIONS,
    T2_BOUNDARY,
    T2_PATTERNS,
    T3_OTHER,
    T3_TOP,
    loose,
    t2_spec,
)
from gkcheck.sources.annual_report_model import Quote, Section
from gkcheck.text.dates import parse_date

# ---- lines ------------------------------------------------------------------------

_PAGE_NO = re.compile(r"^\s*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?)\s*$")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》【】〔〕—…·「」『』"
_SOFT = re.compile(rf"[{_CJK}{re.escape(_CJK_PUNCT)}]")
_FIELD = re.compile(rf"^[{_CJK}]{{2,6}}\s*[:：]")  # "发布时间: …" starts a line of its own


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NO.match(line))


def join_lines(text: str) -> str:
    """Join wrapped lines: Chinese runs on directly, anything else keeps a line break.

    Page numbers ("- 3 -") are dropped. "一\\n是" becomes "一是"; "规章 0 0 0\\n行政…"
    keeps its break so that numbers of two rows never merge.
    """
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
        if not line or is_page_number(line):
            continue
        if out and _SOFT.match(out[-1][-1]) and _SOFT.match(line[0]) and not _FIELD.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ---- title, year, unit, date -------------------------------------------------------

_TITLE = re.compile(
    rf"([{_CJK}（）()]{{2,40}}?)\s*((?:19|20)\d{{2}})\s*年\s*度?\s*政\s*府\s*信\s*息\s*公\s*开\s*工\s*作\s*年\s*度\s*报\s*告"
)
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期间)[^。]{0,6}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_HEADER_DATE = re.compile(r"^\s*(?:发布时间|发布日期|公开日期|发文日期)\s*[:：]\s*(.+)$", re.MULTILINE)
_HEADER_TITLE = re.compile(r"^\s*标题\s*[:：]\s*(.+)$", re.MULTILINE)


def title_year_unit(text: str) -> tuple[str, int | None, str]:
    head = text[:2000]
    m_title = _HEADER_TITLE.search(head)
    search_in = m_title.group(1) if m_title else head
    m = _TITLE.search(search_in) or _TITLE.search(head)
    year = None
    title = ""
    unit = ""
    if m:
        unit = re.sub(r"^(?:标题)", "", m.group(1))
        year = int(m.group(2))
        title = compact(m.group(0))
    if m_title:
        title = m_title.group(1).strip()
    if year is None and (p := _PERIOD.search(text)):
        year = int(p.group(1))
    return title, year, unit


def header_date(text: str):
    """The page's own publication date ("发布时间: 2024-03-08 15:34") near the top."""
    m = _HEADER_DATE.search(text[:1500])
    return parse_date(m.group(1)) if m else None


# ---- layout -------------------------------------------------------------------------


def detect_layout(text: str) -> tuple[str, list[str]]:
    flat = compact(text).replace("(", "（").replace(")", "）")
    found19 = [m for m in MARKERS_2019 if m in flat]
    found21 = [m for m in MARKERS_2021 if m in flat]
    if len(found19) >= 2 and len(found19) > len(found21):
        return "2019", found19
    if len(found21) >= 2:
        return "2021", found21
    return "unknown", found19 + found21


# ---- sections -----------------------------------------------------------------------


def find_sections(text: str) -> dict[str, Section]:
    """The six sections by their headings; each runs to the next heading found."""
    found: list[tuple[int, int, str, str]] = []
    for numeral, _title, pat in SECTIONS:
        m = pat.search(text)
        if m:
            found.append((m.start(), m.end(), numeral, compact(m.group(0))))
    found.sort()
    out: dict[str, Section] = {}
    for i, (start, end, numeral, title) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        out[numeral] = Section(numeral, title, text[end:stop].strip(), start)
    return out


def section_span(sections: dict[str, Section], numeral: str, text: str) -> tuple[int, int] | None:
    s = sections.get(numeral)
    if s is None:
        return None
    later = [x.start for x in sections.values() if x.start > s.start]
    return s.start, min(later) if later else len(text)


# ---- numbers stated in the prose ------------------------------------------------------

_NO_STOP = r"[^。；;，,\n]"
QUOTE_PATTERNS: dict[str, re.Pattern[str]] = {
    "新收": re.compile(rf"(?:受理|收到|接收|新收){_NO_STOP}{{0,40}}?申请[^。；;\d]{{0,8}}?(\d+)\s*件"),
    "办理": re.compile(rf"(?:办理|办结){_NO_STOP}{{0,20}}?(?:申请|依申请公开)[^。；;\d]{{0,8}}?(\d+)\s*件"),
    "上年结转": re.compile(r"上年度?结转[^。；;\d]{0,12}?(\d+)\s*件"),
    "行政复议": re.compile(rf"行政复议{_NO_STOP}{{0,8}}?(\d+)\s*(?:件|起|宗)"),
    "行政诉讼": re.compile(rf"行政诉讼{_NO_STOP}{{0,8}}?(\d+)\s*(?:件|起|宗)"),
    "制发规范性文件": re.compile(rf"制发{_NO_STOP}{{0,12}}?规范性文件[^。；;\d]{{0,4}}?(\d+)\s*件"),
}


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(ch, 0, start) for ch in "。；;\n") + 1
    stops = [i for ch in "。；;\n" if (i := text.find(ch, end)) != -1]
    b = min(stops) + 1 if stops else len(text)
    return text[a:b].strip()


def find_quotes(prose: str) -> dict[str, Quote]:
    out: dict[str, Quote] = {}
    for key, pat in QUOTE_PATTERNS.items():
        m = pat.search(prose)
        if m:
            out[key] = Quote(key, int(m.group(1)), _sentence(prose, m.start(), m.end()))
    return out


# ---- tables in text ------------------------------------------------------------------

_CELL_TOKEN = re.compile(r"(\d+(?:\.\d+)?|[/／]|[—–－―]+|-)\s*$")


_WORD_CELL = re.compile(r"^\S{1,4}$")


def trailing_cells(segment: str) -> list[str]:
    """The cell tokens at the end of a segment ("已获取信息 0 0 0" -> ["0", "0", "0"]).

    A row whose cells hold words instead of numbers ("六 一 无 无 若干") has no such
    tokens: its short words are returned, so that the cells are read as text (not a
    number) and keep what was written, instead of counting as an unsplittable run.
    """
    tokens: list[str] = []
    s = segment.rstrip()
    while s:
        m = _CELL_TOKEN.search(s)
        if not m:
            break
        tokens.append(m.group(1))
        s = s[: m.start()].rstrip()
    if not tokens:
        words: list[str] = []
        for w in reversed(segment.split()):
            if not _WORD_CELL.match(w) or len(words) == 16:  # 表四 has 15 cells
                break
            words.append(w)
        if len(words) >= 2:
            return words[::-1]
    return tokens[::-1]


def _region(text: str, start_pats: list[re.Pattern[str]], end_pats: list[re.Pattern[str]], lo=0):
    starts = [m.start() for p in start_pats if (m := p.search(text, lo))]
    if not starts:
        return None
    a = min(starts)
    ends = [m.start() for p in end_pats if (m := p.search(text, a + 1))]
    return a, min(ends) if ends else len(text)


_SEC = {n: pat for n, _t, pat in SECTIONS}
_T2_START = re.compile(loose("第二十条"))
_T3_START = [_SEC["三"], re.compile(loose("本年新收"))]


def text_t2(text: str, layout: str) -> dict[str, RawRow]:
    lo = m.start() if (m := _SEC["二"].search(text)) else 0
    region = _region(text, [_T2_START], [_SEC["三"], re.compile(loose("申请人情况")),
                                          re.compile(loose("本年新收"))], lo)
    if region is None:
        return {}
    a, b = region
    body = text[a:b]
    spec = t2_spec(layout)
    labels: list[tuple[int, int, str]] = []
    pos = 0
    for key in spec:
        m = re.search(T2_PATTERNS[key], body[pos:])
        if m:
            labels.append((pos + m.start(), pos + m.end(), key))
            pos += m.end()
    bounds = sorted([x[0] for x in labels] + [m.start() for m in T2_BOUNDARY.finditer(body)] + [len(body)])
    out: dict[str, RawRow] = {}
    for start, end, key in labels:
        stop = min(x for x in bounds if x >= end)
        segment = body[end:stop]
        out[key] = RawRow(key, compact(body[start:end]), trailing_cells(segment), exact=False)
    return out


def text_t3(text: str) -> tuple[dict[str, RawRow], str]:
    """表三's rows and how （六）其他处理 is printed ("split" | "single" | "missing")."""
    region = _region(text, _T3_START, [_SEC["四"], _SEC["五"]])
    if region is None:
        return {}, "missing"
    a, b = region
    body = text[a:b]
    found: list[tuple[int, int, str, bool]] = []  # start, end, key, is_header
    pos = 0
    top_hits: list[tuple[int, int, object]] = []
    for spec in T3_TOP:
        m = spec.pattern.search(body, pos)
        if m:
            top_hits.append((m.start(), m.end(), spec))
            pos = m.end()
    other_rows = "missing"
    for i, (start, end, spec) in enumerate(top_hits):
        nxt = top_hits[i + 1][0] if i + 1 < len(top_hits) else len(body)
        if not spec.children:
            found.append((start, end, spec.key, spec.header))
            continue
        found.append((start, end, spec.key, True))
        cpos = end
        kids = 0
        for child in spec.children:
            m = child.pattern.search(body, cpos, nxt)
            if m:
                found.append((m.start(), m.end(), child.key, False))
                cpos = m.end()
                kids += 1
        if spec is T3_OTHER:
            if kids:
                other_rows = "split"
            else:
                found[-1] = (start, end, "其他处理", False)
                other_rows = "single"
    found.sort()
    out: dict[str, RawRow] = {}
    for i, (start, end, key, header) in enumerate(found):
        if header:
            continue
        stop = found[i + 1][0] if i + 1 < len(found) else len(body)
        out[key] = RawRow(key, compact(body[start:end]), trailing_cells(body[end:stop]), exact=False)
    return out, other_rows


def text_t4(text: str) -> RawRow | None:
    region = _region(text, [_SEC["四"]], [_SEC["五"], _SEC["六"]])
    if region is None:
        return None
    a, b = region
    tokens = trailing_cells(text[a:b])
    if not tokens:
        return None
    return RawRow("表四", "表四", tokens, exact=False)
