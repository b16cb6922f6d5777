"""Recognising the 公开时限 (disclosure time limit) of a catalog row.

A time limit is accepted when it names a concrete period, date or rhythm. The grammar,
applied to the `normalize`d text (full-width digits and spaces already gone):

    time-limit  := clause { separator clause }
    clause      := within | display | deadline | periodic | continuous | law
    within      := [ trigger ("之日起" | "起" | "后") ] duration [ "内" | "以内" | "之内" ] …
                   信息形成或者变更之日起20个工作日内 · 自信息形成或变更之日起10个工作日内 ·
                   审批后7日内公开 · 20个工作日内
    duration    := number ["个"] unit        number: 20 | 二十 | 两;  unit: 工作日 | 自然日 |
                                              日 | 天 | 周 | 星期 | 个月 | 月 | 年
    display     := "公示" ["期"] ["为" | "不少于" | "不得少于"] duration
                   审核后公示7个工作日 (a posting period, not a delay: never compared with
                   the maximum)
    deadline    := ["每年" | "次年" | "当年"] month "月" (day "日" | "底" | "末" | 旬) ["前"] | "年底前"
                   每年1月31日前 · 次年3月底前 · 年底前
    periodic    := ("每" | "按") ("年" | "年度" | "半年" | "季度" | "季" | "月" | "周" | "旬" | "学期")
                   每季度 · 按月更新 · 每年公布一次
    continuous  := "实时" | "即时" | "长期" | "常年" | "常态化"
    law         := 《title》 … ("时限" | "期限" | "规定" | "要求")
                   按照《社会救助暂行办法》规定的时限

Vague words that name no period — 及时, 按规定, 有关规定, 尽快, 适时, 定期, 不定期, 随时,
视情况, 第一时间, 法定时限, 动态更新 — do not make a time limit; a text holding only such
words (or nothing recognisable) is rejected.

    parse_time_limit("信息形成或者变更之日起20个工作日内").working_days  -> 20
    parse_time_limit("制定或获取信息之日起10个工作日内,公示7个工作日").kind  -> "within"
    parse_time_limit("及时").kind                                   -> "vague"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gkcheck.text.dates import cn_number
from gkcheck.text.normalize import normalize

__all__ = ["VAGUE_TIME_WORDS", "TimeLimit", "parse_time_limit"]

_NUM = r"(\d{1,4}|[零一二两三四五六七八九十廿]{1,3})"
_UNIT = r"(工作日|自然日|日|天|星期|周|个月|月|年)"
_DURATION = re.compile(_NUM + r"个?" + _UNIT)
_DISPLAY = re.compile(r"公示(?:期)?(?:为|不少于|不得少于|不低于)?" + _NUM + r"个?(工作日|自然日|日|天)")
_DATE = re.compile(
    r"(?:(?:每年|次年|当年|本年|年度)?" + _NUM + r"月(?:" + _NUM + r"[日号]|底|末|初|上旬|中旬|下旬)?"
    r"(?:前|以前|之前|止|截止))"
    r"|(?:每月" + _NUM + r"[日号](?:前|以前|之前)?)"
    r"|(?:" + _NUM + r"月" + _NUM + r"[日号])"
    r"|(?:年底前|年末前|年初|年内|年度终了后)"
)
_YEAR = re.compile(r"\d{4}年度?")
_PERIODIC = re.compile(r"(?:每|按)(?:个)?(?:年度|半年|年|季度|季|月|周|旬|学期|学年)")
_CONTINUOUS = re.compile(r"实时|即时|长期|常年|常态化")
_LAW = re.compile(r"《[^《》]{2,80}》.*?(?:时限|期限|规定|要求)")

# Vague phrases, longest first so that the message quotes the whole phrase.
VAGUE_TIME_WORDS: tuple[str, ...] = (
    "按照有关规定", "按照相关规定", "按有关规定", "按相关规定", "按照规定", "依照规定", "根据规定",
    "法定时限", "法定期限", "规定时限", "规定期限", "第一时间", "根据需要", "视情况", "动态更新",
    "动态调整", "不定期", "按规定", "依规", "及时", "尽快", "适时", "定期", "随时",
)

# Working days per unit, to compare a period with a maximum given in working days.
_WORKING_DAYS_PER_UNIT = {
    "工作日": 1.0,
    "自然日": 5 / 7,
    "日": 5 / 7,
    "天": 5 / 7,
    "周": 5.0,
    "星期": 5.0,
    "个月": 21.0,
    "月": 21.0,
    "年": 250.0,
}

_PRIORITY = ("within", "deadline", "periodic", "continuous", "law", "display")


@dataclass(frozen=True)
class TimeLimit:
    """What `parse_time_limit` made of a 公开时限.

    kind: the main clause found — within | deadline | periodic | continuous | law |
    display — or, when none was found, vague | empty | unrecognised.
    """

    text: str
    kind: str
    parts: tuple[str, ...] = ()  # every clause kind found, in _PRIORITY order
    period: str | None = None  # the longest `within` period as written, e.g. "20个工作日"
    working_days: float | None = None  # that period in working days (calendar days × 5/7)
    display: str | None = None  # a posting period, e.g. "7个工作日"
    vague: str | None = None  # the vague phrase found, if any

    @property
    def ok(self) -> bool:
        return self.kind not in ("vague", "empty", "unrecognised")


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return cn_number(text)


def parse_time_limit(text: str | None) -> TimeLimit:
    """Recognise a 公开时限; see the module docstring for the grammar."""
    raw = text or ""
    norm = normalize(raw)
    if not re.sub(r"[^\w]", "", norm):  # nothing but punctuation: "/", "——"
        return TimeLimit(raw, "empty")
    found: set[str] = set()
    rest = norm

    display = None
    for m in _DISPLAY.finditer(rest):
        found.add("display")
        if display is None:
            unit = m.group(2)
            display = f"{_number(m.group(1))}{'个' if unit == '工作日' else ''}{unit}"
    rest = _DISPLAY.sub("|", rest)

    if _DATE.search(rest):
        found.add("deadline")
    rest = _DATE.sub("|", rest)
    rest = _YEAR.sub("|", rest)  # "2024年" is a year, not a period of 2024 years

    best: tuple[float, str] | None = None
    for m in _DURATION.finditer(rest):
        n = _number(m.group(1))
        if n is None:
            continue
        unit = m.group(2)
        wd = n * _WORKING_DAYS_PER_UNIT[unit]
        shown = f"{n}{'个' if unit in ('工作日', '月') else ''}{unit}"
        found.add("within")
        if best is None or wd > best[0]:
            best = (wd, shown)

    if _PERIODIC.search(rest):
        found.add("periodic")
    if _CONTINUOUS.search(rest):
        found.add("continuous")
    if _LAW.search(rest):
        found.add("law")

    vague = next((w for w in VAGUE_TIME_WORDS if w in norm), None)
    parts = tuple(k for k in _PRIORITY if k in found)
    if parts:
        kind = parts[0]
    elif vague:
        kind = "vague"
    else:
        kind = "unrecognised"
    return TimeLimit(
        text=raw,
        kind=kind,
        parts=parts,
        period=best[1] if best else None,
        working_days=round(best[0], 2) if best else None,
        display=display,
        vague=vague,
    )
