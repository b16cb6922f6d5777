"""The official layout of the 政府信息公开工作年度报告: sections, rows, columns.

Two formats exist. Both have the same six sections and the same 表三 columns
(自然人 | 法人或其他组织: 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 | 总计)
and the same 表四. They differ in:

- 表二 (主动公开): the 2019 trial format (国办公开办函〔2019〕60号) has 规章 and
  规范性文件 with 本年新制作数量 / 本年新公开数量 / 对外公开总数量; 行政许可 and
  其他对外管理服务事项, 行政处罚, 行政强制 with 上一年项目数量 / 本年增/减 /
  处理决定数量; 行政事业性收费 with 上一年项目数量 / 本年增/减; and a 第二十条第（九）项
  table (政府集中采购: 采购项目数量 / 采购总金额). The 2021 format (国办公开办函〔2021〕30号)
  has 规章 and 行政规范性文件 with 本年制发件数 / 本年废止件数 / 现行有效件数;
  行政许可, 行政处罚, 行政强制 with 本年处理决定数量; 行政事业性收费 with
  本年收费金额（单位：万元）; no 第（九）项.
- 表三: the 2019 format has one row （六）其他处理; the 2021 format splits it into
  1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请,
  2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请, 3.其他
  (the second follows the 信息处理费 introduced in 2021).

Patterns here are whitespace-tolerant (`loose`): PDF text layers break labels
("无正当理由大量反复 申请") and web pages run them together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

T3_COLUMNS: tuple[str, ...] = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T3_PARTS: tuple[str, ...] = T3_COLUMNS[:6]  # the columns whose sum is 总计

T4_GROUPS: tuple[str, ...] = ("行政复议", "未经复议直接起诉", "复议后起诉")
T4_COLUMNS: tuple[str, ...] = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_PARTS: tuple[str, ...] = T4_COLUMNS[:4]


def loose(s: str) -> str:
    """A regex for `s` that allows whitespace between any two characters."""
    return r"\s*".join(re.escape(ch) for ch in s)


def _cn(n: str) -> str:
    """An optional "（一）" style prefix."""
    return rf"(?:[（(]\s*{n}\s*[）)]\s*)?"


def _sub(n: int, keyword: str) -> str:
    """A numbered sub-row ("1.属于国家秘密"): the number is consumed when present."""
    return rf"(?:{n}\s*[.．、]\s*)?[^\d\s]{{0,6}}?\s*{loose(keyword)}"


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # official label (2021 format)
    pattern: re.Pattern[str]
    children: tuple[RowSpec, ...] = ()  # sub-rows of a group header
    header: bool = False  # a group header without cells of its own (unless `single`)


def _spec(key: str, label: str, pattern: str, children=(), header=False) -> RowSpec:
    return RowSpec(key, label, re.compile(pattern), tuple(children), header)


# ---- 表三 -------------------------------------------------------------------------

_DENY = [
    ("属于国家秘密", "1.属于国家秘密"),
    ("其他法律", "2.其他法律行政法规禁止公开"),
    ("危及", "3.危及“三安全一稳定”"),
    ("保护第三方", "4.保护第三方合法权益"),
    ("三类内部事务", "5.属于三类内部事务信息"),
    ("四类过程性", "6.属于四类过程性信息"),
    ("行政执法案卷", "7.属于行政执法案卷"),
    ("行政查询事项", "8.属于行政查询事项"),
]
_UNABLE = [
    ("本机关不掌握", "1.本机关不掌握相关政府信息"),
    ("没有现成信息", "2.没有现成信息需要另行制作"),
    ("补正后申请内容", "3.补正后申请内容仍不明确"),
]
_NOPROC = [
    ("信访举报投诉", "1.信访举报投诉类申请"),
    ("重复申请", "2.重复申请"),
    ("公开出版物", "3.要求提供公开出版物"),
    ("无正当理由大量反复", "4.无正当理由大量反复申请"),
    ("要求行政机关确认", "5.要求行政机关确认或重新出具已获取信息"),
]
_OTHER = [
    ("申请人无正当理由逾期不补正", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("申请人逾期未按收费通知", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
]


def _children(prefix: str, group_label: str, items) -> list[RowSpec]:
    return [
        _spec(f"{prefix}.{i}", f"{group_label} {label}", _sub(i, kw))
        for i, (kw, label) in enumerate(items, start=1)
    ]


T3_NEW = _spec("新收", "一、本年新收政府信息公开申请数量", rf"(?:一\s*[、.．]\s*)?{loose('本年新收')}")
T3_CARRIED = _spec("上年结转", "二、上年结转政府信息公开申请数量", rf"(?:二\s*[、.．]\s*)?{loose('上年结转')}")
T3_RESULTS_HEADER = _spec(
    "办理结果", "三、本年度办理结果", rf"(?:三\s*[、.．]\s*)?{loose('本年度办理结果')}", header=True
)
T3_OPEN = _spec("予以公开", "（一）予以公开", _cn("一") + loose("予以公开"))
T3_PARTIAL = _spec(
    "部分公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    _cn("二") + loose("部分公开") + r"(?:\s*[（(][^）)\d]*[）)])?",
)
T3_DENY = _spec("不予公开", "（三）不予公开", _cn("三") + loose("不予公开"),
                _children("不予公开", "（三）不予公开", _DENY), header=True)
T3_UNABLE = _spec("无法提供", "（四）无法提供", _cn("四") + loose("无法提供"),
                  _children("无法提供", "（四）无法提供", _UNABLE), header=True)
T3_NOPROC = _spec("不予处理", "（五）不予处理", _cn("五") + loose("不予处理"),
                  _children("不予处理", "（五）不予处理", _NOPROC), header=True)
T3_OTHER = _spec(
    "其他处理",
    "（六）其他处理",
    _cn("六") + loose("其他处理"),
    [*_children("其他处理", "（六）其他处理", _OTHER),
     _spec("其他处理.3", "（六）其他处理 3.其他", r"3\s*[.．、]\s*其\s*他")],
    header=True,  # in the 2019 format it is a row of its own (key "其他处理")
)
T3_TOTAL = _spec("总计", "（七）总计", r"[（(]\s*七\s*[）)]\s*总\s*计")
T3_NEXT = _spec("结转下年度", "四、结转下年度继续办理", rf"(?:四\s*[、.．]\s*)?{loose('结转下年度')}(?:\s*继\s*续\s*办\s*理)?")

T3_TOP: tuple[RowSpec, ...] = (
    T3_NEW, T3_CARRIED, T3_RESULTS_HEADER, T3_OPEN, T3_PARTIAL,
    T3_DENY, T3_UNABLE, T3_NOPROC, T3_OTHER, T3_TOTAL, T3_NEXT,
)

# Leaves in table order, for grids: the 2021 sub-rows of （六） come before the
# single 2019 row so that a label naming both ("（六）其他处理 1.申请人…") is the sub-row.
T3_LEAVES: tuple[RowSpec, ...] = (
    T3_NEW, T3_CARRIED, T3_OPEN, T3_PARTIAL,
    *T3_DENY.children, *T3_UNABLE.children, *T3_NOPROC.children,
    *T3_OTHER.children,
    _spec("其他处理", "（六）其他处理", T3_OTHER.pattern.pattern),
    T3_TOTAL, T3_NEXT,
)
T3_LABELS: dict[str, str] = {s.key: s.label for s in T3_LEAVES}

# The result rows whose sum is （七）总计, for each way of printing （六）.
T3_RESULTS_BASE: tuple[str, ...] = (
    "予以公开", "部分公开",
    *(s.key for s in T3_DENY.children), *(s.key for s in T3_UNABLE.children),
    *(s.key for s in T3_NOPROC.children),
)
T3_OTHER_SPLIT: tuple[str, ...] = tuple(s.key for s in T3_OTHER.children)
T3_OTHER_SINGLE: tuple[str, ...] = ("其他处理",)


def t3_result_rows(other_rows: str) -> tuple[str, ...]:
    if other_rows == "single":
        return T3_RESULTS_BASE + T3_OTHER_SINGLE
    return T3_RESULTS_BASE + T3_OTHER_SPLIT


def t3_row_order(other_rows: str) -> tuple[str, ...]:
    return ("新收", "上年结转", *t3_result_rows(other_rows), "总计", "结转下年度")


def t3_short(key: str) -> str:
    """A short label for messages: "（三）不予公开 1.属于国家秘密" -> "属于国家秘密"."""
    label = T3_LABELS.get(key, key)
    if " " in label:
        label = label.split(" ", 1)[1]
    label = re.sub(r"^\d\.", "", label)
    return re.sub(r"（区分处理的.*$", "", label)


# ---- 表二 -------------------------------------------------------------------------

# row -> [(column, kind)], kind: count | amount | delta
T2_2021: dict[str, list[tuple[str, str]]] = {
    "规章": [("本年制发件数", "count"), ("本年废止件数", "count"), ("现行有效件数", "count")],
    "行政规范性文件": [("本年制发件数", "count"), ("本年废止件数", "count"), ("现行有效件数", "count")],
    "行政许可": [("本年处理决定数量", "count")],
    "行政处罚": [("本年处理决定数量", "count")],
    "行政强制": [("本年处理决定数量", "count")],
    "行政事业性收费": [("本年收费金额（万元）", "amount")],
}
_T2_2019_COUNTS = [("上一年项目数量", "count"), ("本年增/减", "delta"), ("处理决定数量", "count")]
T2_2019: dict[str, list[tuple[str, str]]] = {
    "规章": [("本年新制作数量", "count"), ("本年新公开数量", "count"), ("对外公开总数量", "count")],
    "规范性文件": [("本年新制作数量", "count"), ("本年新公开数量", "count"), ("对外公开总数量", "count")],
    "行政许可": _T2_2019_COUNTS,
    "其他对外管理服务事项": _T2_2019_COUNTS,
    "行政处罚": _T2_2019_COUNTS,
    "行政强制": _T2_2019_COUNTS,
    "行政事业性收费": [("上一年项目数量", "count"), ("本年增/减", "delta")],
    "政府集中采购": [("采购项目数量", "count"), ("采购总金额", "amount")],
}

T2_PATTERNS: dict[str, str] = {
    "规章": loose("规章"),
    "行政规范性文件": rf"(?:{loose('行政')}\s*)?{loose('规范性文件')}",
    "规范性文件": rf"(?:{loose('行政')}\s*)?{loose('规范性文件')}",
    "行政许可": loose("行政许可"),
    "其他对外管理服务事项": loose("其他对外管理服务事项"),
    "行政处罚": loose("行政处罚"),
    "行政强制": loose("行政强制"),
    "行政事业性收费": loose("行政事业性收费"),
    "政府集中采购": loose("政府集中采购"),
}

T2_BOUNDARY = re.compile(
    rf"{loose('第二十条')}|{loose('信息内容')}|{loose('本年处理决定数量')}|{loose('本年收费金额')}"
)


def t2_spec(layout: str) -> dict[str, list[tuple[str, str]]]:
    return T2_2019 if layout == "2019" else T2_2021


# ---- layout markers --------------------------------------------------------------

MARKERS_2019 = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
    "本年增/减", "其他对外管理服务事项", "第二十条第（九）项", "政府集中采购",
)
MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")


# ---- sections ---------------------------------------------------------------------

SECTIONS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (n, title, re.compile(rf"{n}\s*[、.．]\s*{pat}"))
    for n, title, pat in (
        ("一", "总体情况", loose("总体情况")),
        ("二", "主动公开政府信息情况", loose("主动公开") + r"(?:\s*政\s*府\s*信\s*息)?(?:\s*情\s*况)?"),
        ("三", "收到和处理政府信息公开申请情况",
         loose("收到和处理") + r"(?:\s*政\s*府\s*信\s*息\s*公\s*开)?(?:\s*申\s*请)?(?:\s*情\s*况)?"),
        ("四", "政府信息公开行政复议、行政诉讼情况",
         rf"(?:{loose('政府信息公开')}\s*)?{loose('行政复议')}\s*[、和及与]?\s*{loose('行政诉讼')}(?:\s*情\s*况)?"),
        ("五", "存在的主要问题及改进情况",
         rf"{loose('存在')}\s*的?\s*{loose('主要问题')}(?:\s*及\s*改\s*进\s*情\s*况)?"),
        ("六", "其他需要报告的事项", loose("其他需要报告") + r"(?:\s*的\s*事\s*项)?"),
    )
)
NUMERALS: tuple[str, ...] = tuple(n for n, _, _ in SECTIONS)
SECTION_TITLES: dict[str, str] = {n: t for n, t, _ in SECTIONS}
