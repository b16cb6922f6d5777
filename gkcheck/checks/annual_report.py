"""Check kinds for the 政府信息公开工作年度报告 (annual report): on time, sections, tables.

Which report a rule looks at is its `year` parameter:

- `previous` (default): the report covering the year before the plan year, due in
  the plan year (a 2024 audit checks the 2023 report, due 2024-01-31);
- `plan_year`: the report covering the plan year itself (due early next year);
- a number: that year.

The 2019 trial format (国办公开办函〔2019〕60号) and the 2021 format
(国办公开办函〔2021〕30号) share the six sections, 表三's columns (自然人 | 商业企业,
科研机构, 社会公益组织, 法律服务机构, 其他 | 总计) and 表四. They differ in 表二 (2019:
本年新制作数量 / 本年新公开数量 / 对外公开总数量, 上一年项目数量 / 本年增/减 / 处理决定数量,
其他对外管理服务事项, 第（九）项 政府集中采购; 2021: 本年制发件数 / 本年废止件数 / 现行有效件数,
本年处理决定数量, 本年收费金额) and in 表三's （六）其他处理 (2019: one row; 2021: three
sub-rows). `gkcheck.sources.annual_report_layout` holds the details.

The checks are pure: they read `AnnualReportDoc`s (and their parsed `AnnualReport`)
from the evidence; reading the files is `gkcheck.sources.annual_report`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Literal

from pydantic import field_validator

from gkcheck.checks.registry import (
    CheckContext,
    Params,
    check_kind,
    failed,
    passed,
    unknown,
    warned,
)
from gkcheck.model import AnnualReportDoc, EvidenceRef
from gkcheck.sources.annual_report_identities import Evaluation, evaluate_report
from gkcheck.sources.annual_report_layout import NUMERALS, SECTION_TITLES, T3_COLUMNS
from gkcheck.sources.annual_report_model import FLAG_ZH, AnnualReport, Row

YearChoice = Literal["previous", "plan_year"] | int


class _YearParams(Params):
    year: YearChoice = "previous"


def target_year(choice: YearChoice, plan_year: int) -> int:
    if choice == "previous":
        return plan_year - 1
    if choice == "plan_year":
        return plan_year
    return int(choice)


def _doc_year(doc: AnnualReportDoc) -> int | None:
    if doc.year is not None:
        return doc.year
    return doc.parsed.year if doc.parsed is not None else None


def docs_of_year(docs: list[AnnualReportDoc], year: int) -> list[AnnualReportDoc]:
    return [d for d in docs if _doc_year(d) == year]


def unreadable_docs(docs: list[AnnualReportDoc]) -> list[AnnualReportDoc]:
    """Reports that could not be read at all, so their year is unknown: any of them may
    be the report looked for, so its absence cannot be concluded."""
    return [d for d in docs if d.parsed is None and d.error and _doc_year(d) is None]


def _unreadable_note(docs: list[AnnualReportDoc]) -> str:
    shown = "；".join(f"{d.source}（{d.error}）" for d in docs[:3])
    more = f"等{len(docs)}个文件" if len(docs) > 3 else ""
    return f"年度报告文件无法读取：{shown}{more}"


def _published(doc: AnnualReportDoc) -> tuple[dt.date | None, str]:
    """The publication date and where it came from ("" = the store / case)."""
    if doc.published is not None:
        return doc.published, ""
    if doc.parsed is not None and doc.parsed.published is not None:
        return doc.parsed.published, "（日期取自页面上的“发布时间”）"
    return None, ""


def _ref(doc: AnnualReportDoc, quote: str | None = None) -> EvidenceRef:
    loc = doc.source
    is_url = loc.startswith(("http://", "https://"))
    return EvidenceRef(
        source="report",
        location=loc,
        title=doc.title or None,
        date=_published(doc)[0],
        quote=(quote[:300] if quote else None),
        url=loc if is_url else None,
        file=None if is_url else loc,
    )


def _pick_report(ctx: CheckContext, year: int) -> tuple[AnnualReportDoc | None, object]:
    """(doc, None) when a parsed report of `year` exists, else (doc or None, Outcome)."""
    docs = ctx.evidence.annual_reports
    if docs is None:
        return None, unknown("未提供年度报告证据，无法核验")
    found = docs_of_year(docs, year)
    if not found:
        broken = unreadable_docs(docs)
        if broken:
            return broken[0], unknown(
                f"{_unreadable_note(broken)}，无法检查{year}年年度报告的内容", [_ref(d) for d in broken[:3]]
            )
        return None, unknown(f"未找到{year}年政府信息公开工作年度报告，无法检查其内容（是否发布另由“按时发布”规则检查）")
    readable = [d for d in found if d.parsed is not None]
    if not readable:
        doc = found[0]
        why = f"：{doc.error}" if doc.error else ""
        return doc, unknown(f"{year}年年度报告无法读取{why}", [_ref(doc)])
    return readable[0], None


# ---- annual_report.on_time ----------------------------------------------------------


class OnTimeParams(_YearParams):
    deadline: str = "01-31"

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, v: str) -> str:
        m = re.fullmatch(r"\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?\s*", str(v))
        if not m:
            raise ValueError(f"截止日期应写成“01-31”或“3月31日”，而不是“{v}”")
        month, day = int(m.group(1)), int(m.group(2))
        dt.date(2024, month, day)  # raises ValueError on 02-30
        return f"{month:02d}-{day:02d}"


@check_kind("annual_report.on_time", OnTimeParams, needs="annual_reports")
def on_time(ctx: CheckContext, params: OnTimeParams):
    """年度报告按时发布：上一年度的政府信息公开工作年度报告在截止日期前发布。

    《政府信息公开条例》第四十九条：县级以上人民政府部门于每年1月31日前公布上一年度
    的年度报告；县级以上地方人民政府（本级政府的年度报告）于3月31日前公布。

    参数：
    - year：previous（默认，计划年度的上一年度报告，在计划年度内到期）、plan_year
      （计划年度本身的报告，次年到期）或具体年份；
    - deadline：截止月日，默认 01-31；本级政府的报告写 03-31。

    发布日期取自采集记录（AnnualReportDoc.published），没有时取报告页面上的“发布时间”。
    没有找到该年度报告：截止日期已过则不通过，未到则通过；找到但没有日期：无法核验。
    """
    year = target_year(params.year, ctx.plan_year)
    month, day = (int(x) for x in params.deadline.split("-"))
    due = dt.date(year + 1, month, day)
    docs = ctx.evidence.annual_reports
    if docs is None:
        yield unknown("未提供年度报告证据，无法核验是否按时发布")
        return
    found = docs_of_year(docs, year)
    if not found:
        others = sorted({y for d in docs if (y := _doc_year(d)) is not None})
        seen = f"（已找到的年度报告：{'、'.join(f'{y}年' for y in others)}）" if others else ""
        broken = unreadable_docs(docs)
        if ctx.as_of <= due:
            yield passed(f"截至{ctx.as_of.isoformat()}尚未到{year}年度报告的发布截止日期{due.isoformat()}{seen}")
        elif broken:
            yield unknown(
                f"{_unreadable_note(broken)}，无法判断{year}年年度报告是否在{due.isoformat()}前发布{seen}",
                [_ref(d) for d in broken[:3]],
                record=f"{year}",
            )
        else:
            yield failed(f"未找到{year}年政府信息公开工作年度报告（应于{due.isoformat()}前发布）{seen}",
                         record=f"{year}")
        return
    dated = [(p, how, d) for d in found for p, how in [_published(d)] if p is not None]
    if not dated:
        yield unknown(f"找到{year}年年度报告，但没有发布日期，无法判断是否在{due.isoformat()}前发布",
                      [_ref(d) for d in found], record=f"{year}")
        return
    when, how, doc = min(dated, key=lambda x: x[0])
    if when <= due:
        yield passed(f"{year}年年度报告于{when.isoformat()}发布{how}，在截止日期{due.isoformat()}之前",
                     [_ref(doc)], record=f"{year}")
    else:
        late = (when - due).days
        yield failed(
            f"{year}年年度报告于{when.isoformat()}发布{how}，晚于截止日期{due.isoformat()}（逾期{late}天）",
            [_ref(doc)],
            record=f"{year}",
        )


# ---- annual_report.sections ---------------------------------------------------------

_JUST_NONE = re.compile(
    r"^(?:本(?:年度?|机关|单位)|\d{4}年度?)?[，,]?(?:暂)?(?:无|没有)(?:其他|其它)?(?:需要|需)?"
    r"(?:报告|说明)?(?:的)?(?:事项|情况|问题)?[。.]?$"
)


def just_none(text: str | None) -> bool:
    """Empty, or only "无" / "无其他需要报告的事项" and the like."""
    flat = re.sub(r"[\s　]+", "", text or "")
    return flat == "" or bool(_JUST_NONE.match(flat))


_ENUM = re.compile(r"(?:^|(?<=[：:；;。，,\s]))([一二三四五六七八九十])是")
_CN_NUM = "一二三四五六七八九十"


def enumeration_slips(text: str) -> list[str]:
    """Runs of "一是…二是…三是…" that skip or repeat a number ("一是…三是…三是")."""
    runs: list[list[int]] = []
    for m in _ENUM.finditer(text):
        n = _CN_NUM.index(m.group(1)) + 1
        if n == 1 or not runs:
            runs.append([n])
        else:
            runs[-1].append(n)
    return [
        "…".join(f"{_CN_NUM[n - 1]}是" for n in run)
        for run in runs
        if run[0] == 1 and run != list(range(1, len(run) + 1))
    ]


class SectionsParams(_YearParams):
    other_rows_split: bool = True  # warn when 表三 （六）其他处理 is one row (2019 style)


@check_kind("annual_report.sections", SectionsParams, needs="annual_reports")
def sections(ctx: CheckContext, params: SectionsParams):
    """年度报告格式：按2021年格式（国办公开办函〔2021〕30号）分六个部分，第五部分有实际内容。

    六个部分依次为：一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况
    四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项。

    - 缺少部分或顺序不对：不通过；
    - 第五部分为空或只写“无”：不通过；
    - 仍用2019年试行格式（国办公开办函〔2019〕60号，表二为“本年新制作数量/对外公开总数量/
      上一年项目数量”等列）：不通过，格式已过时；
    - 表三“（六）其他处理”只有一行（2021年格式分3个子项，参数 other_rows_split 可关闭）：提醒；
    - 第五部分“一是…二是…”编号错乱：提醒。
    """
    year = target_year(params.year, ctx.plan_year)
    doc, outcome = _pick_report(ctx, year)
    if outcome is not None:
        yield outcome
        return
    report: AnnualReport = doc.parsed
    problems = 0
    if report.layout == "2019":
        problems += 1
        yield failed(
            f"{year}年年度报告仍使用2019年试行格式（国办公开办函〔2019〕60号），"
            f"表二出现“{'、'.join(report.layout_evidence[:4])}”；应使用国办公开办函〔2021〕30号的格式",
            [_ref(doc, "、".join(report.layout_evidence))],
            record=f"{year}:格式",
        )
    missing = [n for n in NUMERALS if n not in report.sections]
    if missing:
        problems += 1
        names = "；".join(f"{n}、{SECTION_TITLES[n]}" for n in missing)
        yield failed(f"{year}年年度报告缺少以下部分：{names}", [_ref(doc)], record=f"{year}:缺少部分")
    found = [n for n in NUMERALS if n in report.sections]
    order = sorted(found, key=lambda n: report.sections[n].start)
    if order != found:
        problems += 1
        yield failed(
            f"{year}年年度报告各部分顺序不对：实际顺序为{'、'.join(order)}，应为{'、'.join(found)}",
            [_ref(doc)],
            record=f"{year}:顺序",
        )
    five = report.sections.get("五")
    if five is not None and just_none(five.text):
        problems += 1
        yield failed(
            f"{year}年年度报告“五、存在的主要问题及改进情况”为空或只写“无”",
            [_ref(doc, five.text or "（空）")],
            record=f"{year}:第五部分",
        )
    if params.other_rows_split:
        for note in report.layout_notes:
            yield warned(f"{year}年年度报告{note}", [_ref(doc, _other_row_quote(report))], record=f"{year}:其他处理")
    if five is not None:
        for slip in enumeration_slips(five.text):
            yield warned(
                f"{year}年年度报告第五部分的编号错乱：“{slip}”",
                [_ref(doc, five.text[:200])],
                record=f"{year}:编号",
            )
    if not problems:
        yield passed(
            f"{year}年年度报告六个部分齐全、顺序正确，第五部分有实际内容（{len(five.text) if five else 0}字）",
            [_ref(doc, (five.text[:120] if five else None))],
            record=f"{year}:章节",
        )


def _other_row_quote(report: AnnualReport) -> str | None:
    row = report.table3.get("其他处理")
    return row.quote() if row is not None else None


# ---- annual_report.arithmetic -------------------------------------------------------


class ArithmeticParams(_YearParams):
    compare_previous: bool = True  # cross-year identities when last year's report is there
    jump_factor: float = 5.0  # warn when a count changes by more than ×5 or below ×1/5
    jump_min: int = 10  # … and the larger of the two counts is at least this


@check_kind("annual_report.arithmetic", ArithmeticParams, needs="annual_reports")
def arithmetic(ctx: CheckContext, params: ArithmeticParams):
    """年度报告表格数据的勾稽关系。

    在一份报告内核对：
    - 表三每一列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理；
    - 表三每一列：（七）总计 = （一）至（六）各项之和；
    - 表三每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他；
    - 表四：行政复议、未经复议直接起诉、复议后起诉的总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结；
    - 正文中的数字（本年新收、办理、上年结转、行政复议、行政诉讼、制发规范性文件件数）与表格一致（不一致为提醒）；
    - 表二行政事业性收费大于0而第六部分只写“无”：提醒。

    证据中有上一年度报告时（compare_previous）还核对：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止；
    本年上年结转 = 上年结转下年度继续办理（每一列）；数量较上年变化超过 jump_factor 倍：提醒。

    每个不成立的关系单独列为不通过，写明表、行、列和数字。空白、“/”、“—”或数字连写无法拆分的单元格
    按缺失数据提醒，不当作0参与计算。
    """
    year = target_year(params.year, ctx.plan_year)
    doc, outcome = _pick_report(ctx, year)
    if outcome is not None:
        yield outcome
        return
    report: AnnualReport = doc.parsed
    yield from _identities(doc, report, year)
    yield from _missing_cells(doc, report, year)
    yield from _text_vs_table(doc, report, year)
    yield from _fees(doc, report, year)
    if params.compare_previous:
        prev_docs = [d for d in docs_of_year(ctx.evidence.annual_reports or [], year - 1) if d.parsed is not None]
        if prev_docs:
            yield from _cross_year(doc, report, prev_docs[0], prev_docs[0].parsed, year, params)


def _rows_of(ev: Evaluation, report: AnnualReport) -> list[Row]:
    seen: list[Row] = []
    for t, _c in (*ev.lhs, *ev.rhs):
        row = report.table(t.table).get(t.row)
        if row is not None and row not in seen:
            seen.append(row)
    return seen


def _identities(doc, report: AnnualReport, year: int):
    evaluations = evaluate_report(report)
    for table in ("表三", "表四"):
        evs = [e for e in evaluations if e.identity.table == table]
        if not report.table(table):
            yield warned(f"{year}年年度报告中未读到{table}，无法核验其勾稽关系", [_ref(doc)], record=f"{year}:{table}:未读到")
            continue
        held = [e for e in evs if e.status == "holds"]
        broken = [e for e in evs if e.status == "broken"]
        missing = [e for e in evs if e.status == "missing"]
        for e in broken:
            rows = _rows_of(e, report)
            quote = "；".join(r.quote() for r in rows[:3])
            yield failed(f"{year}年年度报告{e.message()}", [_ref(doc, quote)], record=f"{year}:{e.identity.id}")
        if held and not broken:
            circular = sum(e.inferred for e in held)
            note = f"（其中{circular}项涉及按勾稽关系拆分的连写数字，不能作为独立核验）" if circular else ""
            gap = f"；另有{len(missing)}项因数据缺失未核验" if missing else ""
            yield passed(f"{year}年年度报告{table}勾稽关系成立：共{len(held)}项{note}{gap}",
                         [_ref(doc)], record=f"{year}:{table}:勾稽")


def _missing_cells(doc, report: AnnualReport, year: int):
    text_made = report.quotes.get("制发规范性文件")
    for table in ("表二", "表三", "表四"):
        for row in report.table(table).values():
            bad = [(col, c) for col, c in row.cells.items() if not c.ok]
            if not bad:
                continue
            flags = sorted({c.flag for _, c in bad}, key=str)
            cols = "、".join(col for col, _ in bad)
            raw = bad[0][1].raw
            what = "、".join(FLAG_ZH.get(f, f) for f in flags)
            extra = ""
            if table == "表二" and row.key in ("行政规范性文件", "规范性文件") and text_made is not None:
                extra = f"；正文称本年制发规范性文件{text_made.value}件，未据此拆分"
            yield warned(
                f"{year}年年度报告{table}“{row.label}”行的{cols}{what}（原文“{raw}”），"
                f"按缺失数据处理，未计为0，相关勾稽关系未核验{extra}",
                [_ref(doc, row.quote())],
                record=f"{year}:{table}:{row.key}:缺失",
            )


def _total(report: AnnualReport, table: str, row: str, col: str = "总计"):
    return report.value(table, row, col)


def _text_vs_table(doc, report: AnnualReport, year: int):
    q = report.quotes
    checks = []  # (quote key, what, table value, table name, row for the quote)
    if "新收" in q:
        checks.append(("新收", "本年新收申请", _total(report, "表三", "新收"), "表三“一、本年新收”总计",
                       report.table3.get("新收")))
    if "办理" in q:
        checks.append(("办理", "办理申请", _total(report, "表三", "总计"), "表三“（七）总计”总计",
                       report.table3.get("总计")))
    if "上年结转" in q:
        checks.append(("上年结转", "上年结转申请", _total(report, "表三", "上年结转"), "表三“二、上年结转”总计",
                       report.table3.get("上年结转")))
    if "行政复议" in q:
        checks.append(("行政复议", "行政复议", _total(report, "表四", "行政复议"), "表四行政复议总计",
                       report.table4.get("行政复议")))
    if "行政诉讼" in q:
        a, b = _total(report, "表四", "未经复议直接起诉"), _total(report, "表四", "复议后起诉")
        checks.append(("行政诉讼", "行政诉讼", a + b if a is not None and b is not None else None,
                       "表四行政诉讼总计（未经复议直接起诉 + 复议后起诉）", report.table4.get("复议后起诉")))
    if "制发规范性文件" in q:
        key = "行政规范性文件" if "行政规范性文件" in report.table2 else "规范性文件"
        col = "本年制发件数" if report.layout != "2019" else "本年新制作数量"
        checks.append(("制发规范性文件", "本年制发规范性文件", report.value("表二", key, col),
                       f"表二“{key}”{col}", report.table2.get(key)))
    agree = []
    for key, what, value, where, row in checks:
        quote = q[key]
        if value is None:
            continue  # the table cell is missing: reported by _missing_cells
        if quote.value == value:
            agree.append(f"{what}{value}件")
            continue
        refs = [_ref(doc, quote.sentence)]
        if row is not None:
            refs.append(_ref(doc, row.quote()))
        yield warned(
            f"{year}年年度报告正文与表格不一致：正文称{what}{quote.value}件（“{quote.sentence}”），"
            f"{where}为{value}",
            refs,
            record=f"{year}:正文与表格:{key}",
        )
    if agree:
        yield passed(f"{year}年年度报告正文数字与表格一致：{'、'.join(agree)}", [_ref(doc)], record=f"{year}:正文与表格")


def _fees(doc, report: AnnualReport, year: int):
    row = report.table2.get("行政事业性收费")
    col = "本年收费金额（万元）"  # 2021 format; the 2019 table counts fee items, not amounts
    fee = row.value(col) if row is not None else None
    if fee is None or fee <= 0:
        return
    six = report.sections.get("六")
    if six is not None and just_none(six.text):
        yield warned(
            f"{year}年年度报告表二行政事业性收费本年收费金额为{fee}万元，"
            f"而“六、其他需要报告的事项”只写“{six.text.strip() or '（空）'}”",
            [_ref(doc, row.quote()), _ref(doc, six.text or "（空）")],
            record=f"{year}:收费与第六部分",
        )


def _cross_year(doc, report: AnnualReport, prev_doc, prev: AnnualReport, year: int, params: ArithmeticParams):
    py = year - 1
    held: list[str] = []
    gaps: list[str] = []
    # 现行有效件数 = 上年现行有效 + 本年制发 − 本年废止
    if report.layout != "2019" and prev.layout != "2019":
        for key in ("规章", "行政规范性文件"):
            cur = report.table2.get(key)
            old = prev.table2.get(key)
            if cur is None or old is None:
                gaps.append(f"表二“{key}”")
                continue
            now, made, gone = (cur.value(c) for c in ("现行有效件数", "本年制发件数", "本年废止件数"))
            before = old.value("现行有效件数")
            if None in (now, made, gone, before):
                gaps.append(f"表二“{key}”现行有效件数")
                continue
            if now == before + made - gone:
                held.append(f"表二“{key}”现行有效件数 {now} = {before} + {made} − {gone}")
            else:
                yield failed(
                    f"{year}年年度报告表二“{key}”现行有效件数 {now} ≠ {py}年现行有效件数 {before}"
                    f" + 本年制发 {made} − 本年废止 {gone} = {before + made - gone}",
                    [_ref(doc, cur.quote()), _ref(prev_doc, old.quote())],
                    record=f"{year}:跨年:{key}:现行有效",
                )
    # 上年结转 = 上年的结转下年度继续办理
    cur_row, old_row = report.table3.get("上年结转"), prev.table3.get("结转下年度")
    if cur_row is None or old_row is None:
        gaps.append("表三上年结转")
    else:
        ok_cols = 0
        for col in T3_COLUMNS:
            a, b = cur_row.value(col), old_row.value(col)
            if a is None or b is None:
                gaps.append(f"表三上年结转“{col}”列")
                continue
            if a == b:
                ok_cols += 1
            else:
                yield failed(
                    f"{year}年年度报告表三“二、上年结转”{col}列为 {a}，而{py}年报告“四、结转下年度继续办理”{col}列为 {b}",
                    [_ref(doc, cur_row.quote()), _ref(prev_doc, old_row.quote())],
                    record=f"{year}:跨年:上年结转:{col}",
                )
        if ok_cols:
            held.append(f"表三上年结转与{py}年结转下年度一致（{ok_cols}列）")
    yield from _jumps(doc, report, prev_doc, prev, year, params)
    if held:
        gap = f"；因数据缺失未核对：{'、'.join(gaps)}" if gaps else ""
        yield passed(f"跨年度核对（{py}→{year}年）成立：{'；'.join(held)}{gap}",
                     [_ref(doc), _ref(prev_doc)], record=f"{year}:跨年")
    elif gaps:
        yield warned(f"跨年度核对（{py}→{year}年）因数据缺失未能进行：{'、'.join(gaps)}",
                     [_ref(doc), _ref(prev_doc)], record=f"{year}:跨年:缺失")


def _jumps(doc, report: AnnualReport, prev_doc, prev: AnnualReport, year: int, params: ArithmeticParams):
    pairs: list[tuple[str, object, object, str, str]] = []
    for key, row in report.table2.items():
        old = prev.table2.get(key)
        if old is None:
            continue
        for col, cell in row.cells.items():
            if col in ("本年废止件数", "本年增/减"):
                continue
            pairs.append((f"表二“{key}”{col}", cell.value, old.value(col), row.quote(), old.quote()))
    new, old_new = report.table3.get("新收"), prev.table3.get("新收")
    if new is not None and old_new is not None:
        pairs.append(("表三本年新收申请总计", new.value("总计"), old_new.value("总计"), new.quote(), old_new.quote()))
    for name, now, before, q_now, q_before in pairs:
        if now is None or before is None or before <= 0 or max(now, before) < params.jump_min:
            continue
        ratio = Decimal(str(now)) / Decimal(str(before))
        if ratio > Decimal(str(params.jump_factor)) or ratio < 1 / Decimal(str(params.jump_factor)):
            yield warned(
                f"{year}年年度报告{name}为 {now}，{year - 1}年为 {before}，变化为{ratio:.1f}倍，请核实",
                [_ref(doc, q_now), _ref(prev_doc, q_before)],
                record=f"{year}:跨年:变化:{name}",
            )


__all__ = [
    "ArithmeticParams",
    "OnTimeParams",
    "SectionsParams",
    "arithmetic",
    "docs_of_year",
    "enumeration_slips",
    "just_none",
    "on_time",
    "sections",
    "target_year",
]
