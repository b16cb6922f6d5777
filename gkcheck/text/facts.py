"""Facts that matter to someone applying for a service, read from Chinese sentences.

    extract_facts("城市低保标准由每人每月880元提高到920元。")
    -> [Fact(kind="amount", value=Amount(Decimal("880"), "人·月"), subject="城市低保标准", role="old", …),
        Fact(kind="amount", value=Amount(Decimal("920"), "人·月"), subject="城市低保标准", role="new", …)]

Kinds and their normalised values:

    amount      Amount(yuan: Decimal, per: "人·月" | "人·年" | "月" | "户·月" | … | None, bound)
                920元/人·月 · 每人每月920元 · 8,800元/人/年 · 1.2万元 · 月人均收入低于920元
                · 每人每月九百二十元 · 一万二千元
    percent     Percent(value: Decimal, bound)          80% · 百分之八十 · 百分之五点五
    ratio       Ratio(value: Decimal, bound)            不低于当地低保标准的1.3倍
    date        datetime.date                           自2024年7月1日起执行 · 自2024年7月起
    time_limit  Duration(amount, unit, bound)           10个工作日内 · 30日内 · 15天 · 3个月 · 24小时
    age         Age(years, bound)                       年满16周岁 · 60周岁以上 · 未满18周岁 · 年满六十周岁
    phone       Phone(area, number)                     0537-5212345 · (0537)5212345 · 12345 · 13800000000

`bound` follows 《民法典》第一千二百五十九条: 以上、以下、以内 include the number
(>=, <=), 不满、超过 exclude it (<, >); 不低于/不少于 are >=, 不超过/最高 are <=.

Each fact carries the `subject` it is about when one is recognisable (the nearest
standard or label before it in the same sentence: 城市低保标准, 农村低保标准, 特困人员
基本生活标准, 咨询电话, 公示期 …; for a time limit the label of its clause or the action
that follows it: "10个工作日内作出审批决定" -> 作出审批决定), the full `sentence` it came
from, its `span` in the text, and a `role`:

    old / new   由每人每月880元提高到920元: 880 is old, 920 new (the effective value)
    delta       比上年提高40元 · 增长5%
    effective   自2024年7月1日起执行 (a date)
    deadline    2024年12月31日前 (a date)
    None        anything else

`Fact.current` is False for old and delta values: those are not the standard in force.
`subject_key(subject)` maps the many names of one standard to one key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from collections.abc import Iterator
from typing import Any

from gkcheck.text.dates import cn_number, find_dates_narrow, narrow
from gkcheck.text.normalize import key

__all__ = [
    "Age",
    "Amount",
    "Duration",
    "Fact",
    "Percent",
    "Phone",
    "Ratio",
    "SUBJECT_SYNONYMS",
    "extract_facts",
    "sentences",
    "subject_key",
]

# ------------------------------------------------------------------------------ values


def _dec(d: Decimal) -> str:
    """920, 1.3, 12000 (no exponent, no trailing zeros)."""
    s = format(d.normalize(), "f")
    return s


_BOUND_ZH = {">=": "不低于", "<=": "不超过", "<": "低于", ">": "超过"}


@dataclass(frozen=True)
class Amount:
    yuan: Decimal
    per: str | None = None  # 人·月, 人·年, 月, 户·月 …
    bound: str | None = None  # >=, <=, <, >

    def __str__(self) -> str:
        per = f"/{self.per}" if self.per else ""
        return f"{_BOUND_ZH.get(self.bound or '', '')}{_dec(self.yuan)}元{per}"


@dataclass(frozen=True)
class Percent:
    value: Decimal
    bound: str | None = None

    def __str__(self) -> str:
        return f"{_BOUND_ZH.get(self.bound or '', '')}{_dec(self.value)}%"


@dataclass(frozen=True)
class Ratio:
    value: Decimal
    bound: str | None = None

    def __str__(self) -> str:
        return f"{_BOUND_ZH.get(self.bound or '', '')}{_dec(self.value)}倍"


_DAYS_PER_UNIT = {"日": 1, "周": 7}


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # 工作日 | 日 | 周 | 月 | 年 | 小时
    bound: str | None = None

    @property
    def workdays(self) -> bool:
        return self.unit == "工作日"

    @property
    def days(self) -> int | None:
        """Length in days (working days when `workdays`); None for months, years, hours."""
        if self.unit == "工作日":
            return self.amount
        per = _DAYS_PER_UNIT.get(self.unit)
        return self.amount * per if per else None

    def __str__(self) -> str:
        unit = {"工作日": "个工作日", "月": "个月"}.get(self.unit, self.unit)
        return f"{self.amount}{unit}"


@dataclass(frozen=True)
class Age:
    years: int
    bound: str = "="  # >=, <=, <, >, =

    def __str__(self) -> str:
        return {
            ">=": f"{self.years}周岁以上",
            "<=": f"{self.years}周岁以下",
            "<": f"未满{self.years}周岁",
            ">": f"超过{self.years}周岁",
        }.get(self.bound, f"{self.years}周岁")


@dataclass(frozen=True)
class Phone:
    number: str  # the local number, or the whole hotline/mobile number
    area: str | None = None  # 0537

    def __str__(self) -> str:
        return f"{self.area}-{self.number}" if self.area else self.number

    def same(self, other: Phone) -> bool:
        """Same line: equal numbers, and equal area codes when both give one."""
        return self.number == other.number and (self.area is None or other.area is None or self.area == other.area)


@dataclass(frozen=True)
class Fact:
    kind: str  # amount | percent | ratio | date | time_limit | age | phone
    value: Any
    text: str  # the words as written
    subject: str | None
    sentence: str
    span: tuple[int, int]  # of `text` in the text given to extract_facts
    role: str | None = None  # old | new | delta | effective | deadline

    @property
    def current(self) -> bool:
        """False for a former value (old) or a change (delta)."""
        return self.role not in ("old", "delta")

    @property
    def subject_key(self) -> str | None:
        return subject_key(self.subject) if self.subject else None

    def shown(self) -> str:
        """The fact as a reader should see it: the words as written, with the unit added
        when the words leave it out (由每人每月880元提高到920元 -> 920元/人·月)."""
        text = self.text
        bound = getattr(self.value, "bound", None)
        if self.kind in ("amount", "percent", "ratio") and bound and not _BOUND_IN_TEXT.search(text):
            # 不超过当地城市低保标准的6倍 -> the fact's words are only "6倍"
            text = f"{_BOUND_ZH[bound]}{text}"
        if self.kind == "amount" and self.value.per and not _has_per(self.text):
            return f"{text}（{self.value.per}）"
        return text


_BOUND_IN_TEXT = re.compile(r"不低于|不少于|不得低于|最低|至少|不超过|不高于|不得超过|最高|最多|低于|高于|超过|不满|未满|以上|以下|以内")


def _has_per(text: str) -> bool:
    return "每" in text or "/" in text or "／" in text or "人均" in text


# --------------------------------------------------------------------------- subjects

# Canonical names of the social-assistance standards and the other names they go by.
SUBJECT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "城市低保标准": (
        "城市居民最低生活保障标准",
        "城市最低生活保障标准",
        "城镇居民最低生活保障标准",
        "城镇最低生活保障标准",
        "城市居民低保标准",
        "城镇低保标准",
        "城市低保保障标准",
    ),
    "农村低保标准": (
        "农村居民最低生活保障标准",
        "农村最低生活保障标准",
        "农村居民低保标准",
        "农村低保保障标准",
    ),
    "城乡低保标准": ("城乡居民最低生活保障标准", "城乡最低生活保障标准", "城乡居民低保标准"),
    "特困人员基本生活标准": (
        "特困人员救助供养标准",
        "特困人员基本生活供养标准",
        "特困供养人员基本生活标准",
        "特困人员基本生活费标准",
        "特困人员供养标准",
        "特困供养标准",
    ),
    "特困人员照料护理标准": ("特困人员护理标准", "照料护理标准"),
    "临时救助标准": ("临时救助金标准",),
}
_SYNONYM_KEY: dict[str, str] = {}
for _canon, _names in SUBJECT_SYNONYMS.items():
    for _n in (_canon, *_names):
        _SYNONYM_KEY[key(_n)] = _canon
# Longest first, so that 城市居民最低生活保障标准 wins over 最低生活保障标准.
_LEXICON = sorted(_SYNONYM_KEY, key=len, reverse=True)


def subject_key(subject: str | None) -> str:
    """One key for the names of one thing: the canonical standard name for a known
    synonym (城市居民最低生活保障标准 -> 城市低保标准), else the `key` of the text."""
    k = key(subject)
    return _SYNONYM_KEY.get(k, k)


_LABEL_SUFFIX = (
    "标准|补贴|补助金|补助|救助金|保障金|生活费|津贴|护理费|抚恤金|供养金|补差|收入|资金|金额"
    "|电话|热线|手机|时限|期限|公示期|办结时间|年龄"
)
_RE_LABEL = re.compile(rf"(?:{_LABEL_SUFFIX})")
_TIME_LABEL = re.compile(r"(?:时限|期限|公示期|公示时间|办结时间|期)$")
_STOP_CHARS = set("将把按由从在和与及为是即或、")
_LEAD_WORDS = (
    "调整后的", "调整后", "全市", "我市", "全区", "我区", "本市", "全县", "我县", "本县", "全省",
    "今年", "本年度", "年度", "统一", "分别", "新的", "现行", "其中", "同时", "的",
)
# A phrase is cut after the last of these (原则上不超过当地城市低保标准 -> 城市低保标准).
_CUT_WORDS = (
    "不超过", "不低于", "不高于", "低于", "高于", "超过", "当地", "原则上", "参照", "按照", "达到",
    "调整", "提高", "上调", "执行", "确定", "规定", "享受", "领取", "发放", "累计", "支出", "安排",
    "下达", "拨付", "筹集",
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_SUBJECT = 12  # characters of a generic subject phrase
_SUBJECT_REACH = 80  # how far before a fact its subject is looked for
_CLAUSE_REACH = 120  # how far back a clause start is looked for
_COMPOUND_LABELS = (
    "咨询电话", "监督电话", "投诉电话", "举报电话", "联系电话", "办公电话", "值班电话", "服务电话",
    "服务热线", "救助热线", "监督热线", "办理时限", "承诺时限", "法定时限", "办结时限", "公示期",
)
_RE_REFERENCE = re.compile(r"(?:按|按照|参照|依照|不低于|不高于|不超过|不少于|低于|高于|超过|相当于)(?:当地|本地|同期|上年度?)?$")


_RE_PER_HEAD = re.compile(r"^(?:每(?:人|户|名|位|月|年|天|日|次)){1,2}")


_LEAD_FIRST = frozenset(w[0] for w in _LEAD_WORDS)
_RE_CUT_WORD = re.compile("|".join(_CUT_WORDS))  # whether a phrase holds any of them  # a phrase starting otherwise has no lead word


def _trim_subject(phrase: str, before: str) -> str:
    head = _RE_PER_HEAD.match(phrase)
    if head and len(phrase) - head.end() >= 2:
        phrase, before = phrase[head.end():], "x"
    searched = phrase[:-2]
    cut = 0
    if _RE_CUT_WORD.search(searched):
        cut = max((phrase.rfind(w) + len(w) for w in _CUT_WORDS if w in searched), default=0)
    if cut and len(phrase) - cut >= 2:
        phrase, before = phrase[cut:], "x"
    changed = True
    while changed and phrase:
        changed = False
        if phrase[0] in _LEAD_FIRST:
            for w in _LEAD_WORDS:
                if phrase.startswith(w) and len(phrase) > len(w) + 1:
                    phrase = phrase[len(w):]
                    changed = True
        if before and before[-1].isdigit() and phrase[:1] in ("年", "月", "日"):
            phrase = phrase[1:]
            before = ""
            changed = True
    return phrase


def _generic_subjects(text: str) -> list[tuple[int, int, str]]:
    """(start, end, phrase) of every label-like noun phrase in `text`."""
    out = []
    for m in _RE_LABEL.finditer(text):
        end = m.end()
        if text[end:end + 1] == "额":  # 救助金额, 补助金额
            end += 1
        start = m.start()
        truncated = False
        while start > 0:
            ch = text[start - 1]
            if not ("\u4e00" <= ch <= "\u9fff") or ch in _STOP_CHARS:  # as _CJK
                break
            if end - start >= _MAX_SUBJECT:
                truncated = True
                break
            start -= 1
        phrase = _trim_subject(text[start:end], text[max(0, start - 1):start])  # its last character is read
        if truncated and len(phrase) >= _MAX_SUBJECT:
            # no boundary found (text run together): keep a known compound label, or the tail
            tail = phrase.rsplit("的", 1)[-1]
            phrase = next((c for c in _COMPOUND_LABELS if phrase.endswith(c)), tail if len(tail) >= 2 else phrase[-6:])
            phrase = phrase[-_MAX_SUBJECT:]
        if len(phrase) >= 2:
            out.append((end - len(phrase), end, phrase))
    return out


_RE_LEXICON = re.compile("|".join(re.escape(n) for n in _LEXICON))
# Characters every lexicon name holds (标, 准): a text without one of them names none.
_LEXICON_COMMON = "".join(sorted(set.intersection(*(set(n) for n in _LEXICON))))


def _lexicon_subjects(text: str) -> list[tuple[int, int, str]]:
    """Known standard names in `text` (lexicon names have no punctuation: match the text)."""
    if _LEXICON_COMMON and _LEXICON_COMMON[0] not in text:
        return []
    return [(m.start(), m.end(), m.group()) for m in _RE_LEXICON.finditer(text)]


_RE_URBAN_RURAL = re.compile(r"城市|城镇|农村")


def _subject_before(sentence: str, pos: int) -> str | None:
    """The nearest standard or label ending before `pos` in `sentence` (within reach)."""
    head = sentence[max(0, pos - _SUBJECT_REACH):pos]
    cands = [(*c, 1) for c in _lexicon_subjects(head)] + [(*c, 0) for c in _generic_subjects(head)]
    if not cands:
        return None
    # 特困人员基本生活标准按不低于当地城市低保标准的1.3倍确定: 城市低保标准 is only the
    # measure here; the subject is the label before it.
    subjects = [c for c in cands if not _RE_REFERENCE.search(head[max(0, c[0] - 8): c[0]])]
    cands = subjects or cands
    # nearest end first; at the same end a known name, then the longer, wins
    start, end, phrase, _ = max(cands, key=lambda c: (c[1], c[3], c[1] - c[0]))
    gap = head[end:]
    canon = subject_key(phrase)
    if canon in ("城乡低保标准",) or key(phrase) in ("低保标准", "最低生活保障标准"):
        # 城乡低保标准分别为城市每人每月920元、农村每人每年8800元
        where = _RE_URBAN_RURAL.findall(gap)
        if where:
            return "城市低保标准" if where[-1] in ("城市", "城镇") else "农村低保标准"
    return phrase


# -------------------------------------------------------------------------- sentences

_RE_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


def sentences(text: str) -> list[tuple[str, int]]:
    """(sentence, start offset) for each sentence of `text`, split at 。！？ and line breaks."""
    return list(_sentences(text or ""))


def _sentences(text: str, holding: re.Pattern | None = None) -> Iterator[tuple[str, int]]:
    """The sentences of `sentences`, or only those in which `holding` is found (a pattern
    that matches no whitespace: the sentence is searched before it is stripped)."""
    for m in _RE_SENTENCE.finditer(text):
        s = m.group()
        if holding is not None and not holding.search(s):
            continue
        stripped = s.strip()
        if stripped:
            yield stripped, m.start() + (len(s) - len(s.lstrip()))


_CLAUSE_BREAK = re.compile(r"[，,；;：:（(）)]")


def _clause_start(sentence: str, pos: int) -> int:
    last = max(0, pos - _CLAUSE_REACH)
    for m in _CLAUSE_BREAK.finditer(sentence, last, pos):
        last = m.end()
    return last


# ------------------------------------------------------------------------ recognisers

# `\d(?<![\d.]\d)` reads as `(?<![\d.])\d`, the look-behind written after the first digit:
# a pattern that begins with a character class lets the regex engine skip ahead to the
# next digit; one that begins with a look-behind is tried at every position (the same
# in _RE_MONTH_START, _RE_MOBILE and _RE_HOTLINE). 1,234 · 920 · 1.5:
_NUM = r"(\d(?<![\d.]\d)(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.(\d+))?"
_PER_TOKEN = r"(?:人|户|名|位|月|年|天|日|次)"
_PER_SEP = r"[·./／⋅‧•・]"
# what may follow 元: a per-unit suffix (元/人·月) and a bound (以上 …)
_AMOUNT_TAIL = (
    rf"(?P<suffix>\s*[/／]\s*\(?\s*(?P<p1>{_PER_TOKEN})\s*(?:{_PER_SEP}?\s*(?P<p2>{_PER_TOKEN}))?\s*\)?)?"
    r"(?P<after>\s*(?:及以上|以上|及以下|以下|以内))?"
)
_RE_AMOUNT = re.compile(_NUM + r"\s*(万|千|亿)?\s*元" + _AMOUNT_TAIL)
# 九百二十元, 一千二百元/人·年, 一万二千元: amounts in Chinese numerals (the 万 is part of
# the number here). A lone digit (二元结构, 一元化) is no amount: a unit character or two
# numerals are required (see _cn_yuan).
_CN_NUM = "[零〇一二两三四五六七八九十百千]"
_RE_AMOUNT_CN = re.compile(
    rf"(?<![零〇一二两三四五六七八九十百千万\d])(?P<cn>{_CN_NUM}+(?:万{_CN_NUM}*)?)\s*元" + _AMOUNT_TAIL
)
_RE_PER_PREFIX = re.compile(
    r"(?:每(?P<w1>人|户|名|位)每?(?P<t1>月|年|天|日|次)"
    r"|每(?P<t2>月|年|天|日)每?(?P<w2>人|户|名|位)"
    r"|(?P<t3>月|年)人均|人均(?P<t4>月|年)?"
    r"|每(?P<x>人|户|名|位|月|年|天|日|次))"
)


class _EndPattern:
    """A pattern that ends with `\\s*$`, and the characters a match's last non-space
    character can be: a text ending with another character has no match, and is not
    searched (these patterns would otherwise be tried at every position of the text)."""

    def __init__(self, pattern: str, last_chars: str):
        self.rx = re.compile(pattern)
        self.last_chars = frozenset(last_chars)

    def search(self, text: str) -> re.Match | None:
        if text.rstrip()[-1:] not in self.last_chars:  # rstrip() strips what \s matches
            return None
        return self.rx.search(text)


_BOUND_BEFORE_WORDS = (
    "不低于", "不少于", "不得低于", "最低", "至少", "不超过", "不高于", "不得超过", "最高", "最多", "最高不超过",
    "低于", "高于", "超过", "不满", "未满",
)
_BOUND_BEFORE = _EndPattern(
    rf"({'|'.join(_BOUND_BEFORE_WORDS)})\s*$", "".join(w[-1] for w in _BOUND_BEFORE_WORDS)
)
# 不低于当地城市低保标准的1.3倍: the bound governs "…的" + the figure
_BOUND_OF = _EndPattern(r"(不低于|不少于|不得低于|不超过|不高于|不得超过|最高|最低)[^，,；;。\d]{1,16}的\s*$", "的")
_BOUND_WORD = {
    "不低于": ">=", "不少于": ">=", "不得低于": ">=", "最低": ">=", "至少": ">=",
    "不超过": "<=", "不高于": "<=", "不得超过": "<=", "最高": "<=", "最多": "<=", "最高不超过": "<=",
    "低于": "<", "不满": "<", "未满": "<", "高于": ">", "超过": ">",
    "及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=",
}
_CHANGE_WORDS = ("提高", "上调", "调高", "提升", "增加", "增长", "增至", "提至", "调整", "下调", "降低", "减少", "降至", "上涨")
_CHANGE = "|".join(_CHANGE_WORDS)
_RE_OLD = _EndPattern(r"(?:由|从)\s*$", "由从")
_RE_NEW = _EndPattern(rf"(?:(?:{_CHANGE})(?:了)?\s*(?:到|至|为)|达到|增至|提至|降至)\s*$", "到至为")
_RE_DELTA = _EndPattern(
    rf"(?:{_CHANGE}|增幅为?|涨幅为?)(?:了)?\s*$", "".join(w[-1] for w in _CHANGE_WORDS) + "幅为了"
)

_PER_WHO = {"人": "人", "名": "人", "位": "人", "户": "户"}
_PER_TIME = {"月": "月", "年": "年", "天": "日", "日": "日", "次": "次"}


def _per(who: str | None, time: str | None) -> str | None:
    who = _PER_WHO.get(who or "")
    time = _PER_TIME.get(time or "")
    if who and time:
        return f"{who}·{time}"
    return who or time


def _per_from_tokens(a: str | None, b: str | None) -> str | None:
    toks = [t for t in (a, b) if t]
    who = next((t for t in toks if t in _PER_WHO), None)
    time = next((t for t in toks if t in _PER_TIME), None)
    return _per(who, time)


def _per_from_prefix(m: re.Match) -> str | None:
    g = m.groupdict()
    if g["w1"]:
        return _per(g["w1"], g["t1"])
    if g["w2"]:
        return _per(g["w2"], g["t2"])
    if g["t3"]:
        return _per("人", g["t3"])
    if m.group().startswith("人均"):
        return _per("人", g["t4"])
    return _per_from_tokens(g["x"], None)


def _decimal(int_part: str, frac: str | None) -> Decimal | None:
    try:
        return Decimal(int_part.replace(",", "") + (f".{frac}" if frac else ""))
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None


@dataclass
class _Hit:
    kind: str
    value: Any
    start: int  # in the sentence
    end: int
    role: str | None = None


class _Taken:
    """Which characters of a sentence some fact already claimed."""

    def __init__(self, n: int):
        self.mask = bytearray(n + 1)

    def free(self, a: int, b: int) -> bool:
        return self.mask.find(1, a, b) < 0

    def claim(self, span: tuple[int, int]) -> None:
        a, b = span
        self.mask[a:b] = b"\x01" * (b - a)


def _lead(sentence: str, start: int, prev_end: int) -> str:
    return sentence[max(_clause_start(sentence, start), prev_end):start]


def _role(lead: str) -> str | None:
    if _RE_OLD.search(lead):
        return "old"
    if _RE_NEW.search(lead):
        return "new"
    if _RE_DELTA.search(lead):
        return "delta"
    return None


def _arabic_yuan(m: re.Match) -> Decimal | None:
    yuan = _decimal(m.group(1), m.group(2))
    if yuan is None:
        return None
    return yuan * {"万": 10000, "千": 1000, "亿": 100000000}.get(m.group(3) or "", 1)


def _cn_yuan(m: re.Match) -> Decimal | None:
    text = m.group("cn")
    if len(text) < 2 and text not in ("十", "百", "千"):
        return None
    value = cn_whole(text)
    return Decimal(value) if value else None


def cn_whole(text: str) -> int | None:
    """A whole number in Chinese numerals below 100,000,000: what `cn_number` reads, and
    N万M (一万二千 = 12000, 一万二 = 12000, 三万零五百 = 30500)."""
    if "万" not in text:
        return cn_number(text)
    high, _, low = text.partition("万")
    h = cn_number(high) if high else None
    if h is None or "万" in low:
        return None
    if not low:
        return h * 10000
    if len(low) == 1 and low not in ("零", "〇", "十"):  # 一万二: the digit counts thousands
        d = cn_number(low)
        return None if d is None else h * 10000 + d * 1000
    rest = cn_number(low.lstrip("零〇"))
    return None if rest is None or rest >= 10000 else h * 10000 + rest


_RE_CJK_OR_SPACE = re.compile(r"[\u4e00-\u9fff\s]*")


def _amounts(s: str, taken: _Taken, rx: re.Pattern = _RE_AMOUNT, value=_arabic_yuan) -> list[_Hit]:
    """Amounts of money matched by `rx` (Arabic figures, or Chinese numerals with
    _RE_AMOUNT_CN and _cn_yuan), with their per-unit, bound and role."""
    hits: list[_Hit] = []
    prev_end = 0
    for m in rx.finditer(s):
        if not taken.free(m.start(), m.end()):
            continue
        yuan = value(m)
        if yuan is None:
            continue
        start = m.start()
        per = None
        if m.group("suffix"):
            per = _per_from_tokens(m.group("p1"), m.group("p2"))
        lead = _lead(s, start, prev_end)
        bound = None
        # a bound word right before the number, perhaps after the per-prefix
        bm = _BOUND_BEFORE.search(lead)
        text_start = start
        if bm:
            bound = _BOUND_WORD[bm.group(1)]
            lead_wo_bound = lead[: bm.start()]
            if bm.re is _BOUND_BEFORE.rx:  # 最高1.2万元: the bound word is part of the words
                text_start = start - len(lead) + bm.start()
        else:
            lead_wo_bound = lead
        # per-prefix: the last 每人每月 … in the lead; part of the text when adjacent
        pm = None
        for pm_ in _RE_PER_PREFIX.finditer(lead) if "每" in lead or "人均" in lead else ():
            pm = pm_
        if pm is not None:
            pre = _per_from_prefix(pm)
            if per is None:
                per = pre
            elif pre and "·" in pre and "·" not in per and pre.endswith(per):
                per = pre  # 月人均…500元/月: the prefix says per person too
        lead_for_role = lead_wo_bound
        if pm is not None:
            pm_abs_start = start - len(lead) + pm.start()
            pm_abs_end = start - len(lead) + pm.end()
            between = s[pm_abs_end:start]
            if (
                len(between) <= 3
                and _RE_CJK_OR_SPACE.fullmatch(between)
                and not _RE_NEW.search(between)
                and not _RE_OLD.search(between)
            ):
                text_start = pm_abs_start
                lead_for_role = s[start - len(lead): pm_abs_start]
        if m.group("after"):
            bound = _BOUND_WORD[m.group("after").strip()]
        role = _role(lead_for_role)
        hit = _Hit("amount", Amount(yuan, per, bound), text_start, m.end(), role)
        if per is None and hits:
            # 由每人每月880元提高到920元: the second figure takes the first one's unit
            last = hits[-1]
            gap = s[last.end:start]
            if len(gap) <= 15 and "；" not in gap and ";" not in gap and not _RE_LABEL.search(gap):
                hit.value = Amount(yuan, last.value.per, bound)
        hits.append(hit)
        taken.claim((text_start, m.end()))
        prev_end = m.end()
    return hits


_RE_PERCENT = re.compile(_NUM + r"\s*%")
_RE_PERCENT_CN = re.compile(r"百分之([零〇一二两三四五六七八九十百]+)(?:点([零〇一二三四五六七八九]+))?")
_RE_RATIO = re.compile(_NUM + r"\s*倍")
_CN_DIGITS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0"}


def _simple(s: str, taken: _Taken, rx, kind, make) -> list[_Hit]:
    hits = []
    prev_end = 0
    for m in rx.finditer(s):
        if not taken.free(m.start(), m.end()):
            continue
        value = make(m)
        if value is None:
            continue
        lead = _lead(s, m.start(), prev_end)
        bm = _BOUND_BEFORE.search(lead) or _BOUND_OF.search(lead)
        bound = _BOUND_WORD[bm.group(1)] if bm else None
        role = _role(lead[: bm.start()] if bm else lead)
        tail = s[m.end(): m.end() + 3]
        for w in ("及以上", "以上", "及以下", "以下", "以内"):
            if tail.startswith(w):
                bound = _BOUND_WORD[w]
                break
        hits.append(_Hit(kind, (value, bound), m.start(), m.end(), role))
        taken.claim(m.span())
        prev_end = m.end()
    return hits


def _percent_cn(m: re.Match) -> Decimal | None:
    whole = cn_number(m.group(1))
    if whole is None:
        return None
    frac = "".join(_CN_DIGITS.get(c, "") for c in (m.group(2) or ""))
    return Decimal(f"{whole}.{frac}") if frac else Decimal(whole)


_RE_EFFECTIVE_AFTER = re.compile(r"^\s*(?:起|开始|正式)?\s*(?:执行|施行|实施|生效|发放|调整|启用|起)")
_RE_DEADLINE_AFTER = re.compile(r"^\s*(?:前|之前|以前|截止|为止)")
_RE_MONTH_START = re.compile(r"(\d(?<!\d\d)\d{3})\s*年\s*(\d{1,2})\s*月(?:份)?\s*(?=起|开始)")


_RE_PERIOD_AFTER = re.compile(r"\s*起?\s*(?:至|到|—|-|~)")
_RE_FROM_BEFORE = re.compile(r"[自从]\s*$")


def _dates(s: str, taken: _Taken) -> list[_Hit]:
    """Dates of the sentence `s` (already `narrow`ed) with their role."""
    hits = []
    found = find_dates_narrow(s)
    if "年" in s and "月" in s and ("起" in s or "开始" in s):  # what _RE_MONTH_START needs
        for m in _RE_MONTH_START.finditer(s):
            try:
                found.append((dt.date(int(m[1]), int(m[2]), 1), m.span()))
            except ValueError:
                continue
    for d, (a, b) in sorted(found, key=lambda x: x[1][0]):
        if not taken.free(a, b):
            continue
        after = s[b: b + 8]
        before = s[max(0, a - 3): a]
        role = None
        if _RE_PERIOD_AFTER.match(after):
            role = None  # 自2023年1月1日起至2023年12月31日止: a period, not a start of validity
        elif _RE_EFFECTIVE_AFTER.search(after) or (_RE_FROM_BEFORE.search(before) and "起" in after[:3]):
            role = "effective"
        elif _RE_DEADLINE_AFTER.search(after):
            role = "deadline"
        hits.append(_Hit("date", d, a, b, role))
        taken.claim((a, b))
    return hits


_RE_DURATION = re.compile(
    r"(?<![\d.第月])(\d{1,3})\s*(个)?\s*(工作日|自然日|日|天|小时|周|星期|个月|年)(?!岁)"
    r"|(?<![第每月\d])([一二两三四五六七八九十]{1,3})\s*个\s*(工作日|自然日|月|小时|星期)"
    r"|(?<![第每月\d])([一二两三四五六七八九十]{1,3})\s*(工作日|天)(?:内|以内|之内)"
)
_UNIT_CANON = {"工作日": "工作日", "自然日": "日", "日": "日", "天": "日", "小时": "小时",
               "周": "周", "星期": "周", "个月": "月", "月": "月", "年": "年"}


_RE_YEARS_PERIOD = re.compile(r"\s*(?:内|以内|之内|以上|期)")


def _durations(s: str, taken: _Taken, from_pos: int = 0) -> list[_Hit]:
    """Time limits in `s`, none of which starts before `from_pos`."""
    hits = []
    for m in _RE_DURATION.finditer(s, from_pos):
        if not taken.free(m.start(), m.end()):
            continue
        if m.group(1):
            n, unit = int(m.group(1)), m.group(3)
            # "3年" only as a period (3年内, 3年以上, 连续3年), never a bare "2年"
            if unit == "年" and not _RE_YEARS_PERIOD.match(s, m.end()) and not s[: m.start()].endswith(("连续", "满")):
                continue
        elif m.group(4):
            n, unit = cn_number(m.group(4)), m.group(5)
            unit = "个月" if unit == "月" else unit
        else:
            n, unit = cn_number(m.group(6)), m.group(7)
        if n is None or n == 0:
            continue
        end = m.end()
        tail = s[end: end + 3]
        bound = None
        for w in ("以内", "之内", "内", "以上"):
            if tail.startswith(w):
                bound = ">=" if w == "以上" else "<="
                end += len(w)
                break
        hits.append(_Hit("time_limit", Duration(n, _UNIT_CANON[unit], bound), m.start(), end))
        taken.claim((m.start(), end))
    return hits


_RE_AGE_RANGE = re.compile(r"(?<!\d)(\d{1,3})\s*(?:周岁|岁)?\s*(?:至|到|-|—|～|~)\s*(\d{1,3})\s*周?岁")
_RE_AGE = re.compile(
    r"(年满|满|未满|不满|超过|不超过)?\s*(?<!\d)(\d{1,3})\s*(周岁|岁)\s*(及以上|以上|及以下|以下|以内)?"
)
# 年满六十周岁, 六十至七十周岁: the same in Chinese numerals
_CN_AGE = "[零〇一二两三四五六七八九十百]{1,4}"
_RE_AGE_RANGE_CN = re.compile(
    rf"(?<![零〇一二两三四五六七八九十百])({_CN_AGE})\s*(?:周岁|岁)?\s*(?:至|到|-|—|～|~)\s*({_CN_AGE})\s*周?岁"
)
_RE_AGE_CN = re.compile(
    rf"(年满|满|未满|不满|超过|不超过)?\s*(?<![零〇一二两三四五六七八九十百])({_CN_AGE})\s*(周岁|岁)"
    r"\s*(及以上|以上|及以下|以下|以内)?"
)


def _ages(s: str, taken: _Taken, range_rx: re.Pattern = _RE_AGE_RANGE, rx: re.Pattern = _RE_AGE, number=int) -> list[_Hit]:
    """Ages in Arabic figures, or with the _CN patterns and cn_number in Chinese numerals."""
    hits = []
    for m in range_rx.finditer(s):
        if taken.free(*m.span()):
            lo, hi = number(m.group(1)), number(m.group(2))
            if lo is not None and hi is not None and lo < hi <= 150:
                hits.append(_Hit("age", Age(lo, ">="), m.start(), m.end()))
                hits.append(_Hit("age", Age(hi, "<="), m.start(), m.end()))
                taken.claim(m.span())
    for m in rx.finditer(s):
        if not taken.free(*m.span()):
            continue
        years = number(m.group(2))
        if years is None or years > 150:
            continue
        before, after = m.group(1) or "", m.group(4) or ""
        bound = "="
        if before in ("年满", "满"):
            bound = ">="
        elif before in ("未满", "不满"):
            bound = "<"
        elif before == "超过":
            bound = ">"
        elif before == "不超过":
            bound = "<="
        if after:
            bound = _BOUND_WORD[after]
        hits.append(_Hit("age", Age(years, bound), m.start(), m.end()))
        taken.claim(m.span())
    return hits


_RE_LANDLINE = re.compile(r"(?<![\d.])[(（]?(0\d{2,3})[)）]?\s?[-－—‐]?\s?(\d{7,8})")
# what every landline match holds from its area code on (found fast: it starts with "0")
_RE_LANDLINE_HINT = re.compile(r"0\d{2,3}[)）]?\s?[-－—‐]?\s?\d{7}")
_RE_MOBILE = re.compile(r"(1(?<![\d.]1)[3-9]\d{9})(?!\d)")
_RE_HOTLINE = re.compile(r"(1(?<![\d.]1)23\d{2})(?![\d.万千元%个人户岁年月日天])")
_RE_LOCAL = re.compile(r"(?:电话|热线|联系方式|咨询)[^\d\n]{0,5}?(?<!\d)(\d{7,8})(?!\d)")
_RE_LOCAL_LABEL = re.compile(r"电话|热线|联系方式|咨询")


def _phones(s: str, taken: _Taken) -> list[_Hit]:
    hits = []
    # each pattern is looked for only where the characters it starts with are present
    for m in _RE_MOBILE.finditer(s) if "1" in s else ():
        if taken.free(*m.span()):
            hits.append(_Hit("phone", Phone(m.group(1)), *m.span()))
            taken.claim(m.span())
    landline = _RE_LANDLINE_HINT.search(s)  # a landline starts at most 1 before (a bracket)
    for m in _RE_LANDLINE.finditer(s, max(0, landline.start() - 1)) if landline else ():
        if taken.free(*m.span()):
            hits.append(_Hit("phone", Phone(m.group(2), m.group(1)), *m.span()))
            taken.claim(m.span())
    for m in _RE_HOTLINE.finditer(s) if "123" in s else ():
        if taken.free(*m.span()):
            hits.append(_Hit("phone", Phone(m.group(1)), *m.span()))
            taken.claim(m.span())
    for m in _RE_LOCAL.finditer(s) if _RE_LOCAL_LABEL.search(s) else ():
        if taken.free(*m.span(1)):
            hits.append(_Hit("phone", Phone(m.group(1)), *m.span(1)))
            taken.claim(m.span(1))
    return hits


_RE_PUBLICITY_BEFORE = _EndPattern(r"公示(?:期|时间)?(?:为|不少于|不得少于)?\s*$", "示期间为于")
_RE_ACTION_AFTER = re.compile(r"[\u4e00-\u9fff]{2,12}")


def _time_subject(s: str, hit: _Hit) -> str | None:
    """A time limit's label in its clause (办理时限, 公示期), else the action after it."""
    cs = _clause_start(s, hit.start)
    head = s[cs: hit.start]
    labels = [c for c in _generic_subjects(head) if _TIME_LABEL.search(c[2])]
    if labels:
        return labels[-1][2]
    if _RE_PUBLICITY_BEFORE.search(head):
        return "公示期"
    tail = _RE_ACTION_AFTER.match(s, hit.end)
    if tail:
        action = tail.group()
        for stop in ("的", "，"):
            action = action.split(stop)[0]
        return action if len(action) >= 2 else None
    return None


# ------------------------------------------------------------------------------- API


# A sentence without any of these holds no fact: phones, amounts, percentages with %,
# ratios and ages need a digit (\d, as their patterns); dates, 百分之… and durations also
# come in Chinese numerals (the digit classes of text.dates and of the patterns above).
_RE_DIGIT = re.compile(r"\d")
_RE_NUMERAL = re.compile(r"[\d〇○零ＯOo一二两三四五六七八九十廿卅百]")

# What each recogniser cannot match without, in a narrowed sentence. A recogniser whose
# mark is absent would find nothing and claim nothing, so it is not run: the facts are
# the same. (元 for amounts, % or 百分之 for percentages, 倍 for ratios, 岁 for ages.)
_RE_PHONE_DIGITS = re.compile(r"\d{5}")  # every phone pattern has five digits in a row
_RE_DATE_MARK = re.compile(r"[年月\-/.]")  # see text.dates.find_dates_narrow
# Every match of _RE_DURATION has a numeral, then perhaps 个 between spaces, then a unit;
# every match of _RE_AMOUNT_CN a Chinese numeral or 万, spaces, then 元. These start with a
# character class, which the regex engine scans for quickly.
_RE_DURATION_HINT = re.compile(r"[\d一二两三四五六七八九十]\s*个?\s*(?:工作日|自然日|日|天|小时|周|星期|个月|年|月)")
_RE_CN_YUAN_HINT = re.compile(r"[零〇一二两三四五六七八九十百千万]\s*元")


def _percent_hits(hits: list[_Hit]) -> list[_Hit]:
    return [_Hit(h.kind, Percent(*h.value), h.start, h.end, h.role) for h in hits]


def _arabic_decimal(m: re.Match) -> Decimal | None:
    return _decimal(m.group(1), m.group(2))


def _sentence_hits(s: str) -> list[_Hit]:
    """The facts of the narrowed sentence `s`, unsorted. The recognisers run in a fixed
    order, each claiming its characters before the next (a phone number is no amount)."""
    digits = _RE_DIGIT.search(s) is not None
    taken = _Taken(len(s))
    hits: list[_Hit] = []
    if digits and _RE_PHONE_DIGITS.search(s):
        hits += _phones(s, taken)
    if _RE_DATE_MARK.search(s):
        hits += _dates(s, taken)
    if "元" in s:
        if digits:
            hits += _amounts(s, taken)
        if _RE_CN_YUAN_HINT.search(s):
            hits += _amounts(s, taken, _RE_AMOUNT_CN, _cn_yuan)
    if digits and "%" in s:
        hits += _percent_hits(_simple(s, taken, _RE_PERCENT, "percent", _arabic_decimal))
    if "百分之" in s:
        hits += _percent_hits(_simple(s, taken, _RE_PERCENT_CN, "percent", _percent_cn))
    if digits and "倍" in s:
        hits += [
            _Hit(h.kind, Ratio(*h.value), h.start, h.end, h.role)
            for h in _simple(s, taken, _RE_RATIO, "ratio", _arabic_decimal)
        ]
    if "岁" in s:
        if digits:
            hits += _ages(s, taken)
        hits += _ages(s, taken, _RE_AGE_RANGE_CN, _RE_AGE_CN, cn_number)
    hint = _RE_DURATION_HINT.search(s)
    if hint:
        # a duration's number ends at a hint's numeral: it starts at most 2 before
        hits += _durations(s, taken, max(0, hint.start() - 2))
    return hits


def extract_facts(text: str) -> list[Fact]:
    """Every fact of the kinds above in `text`, in text order (see the module docstring)."""
    if not isinstance(text, str) or not text:
        return []
    facts: list[Fact] = []
    # narrow() maps one character to one, none of them a sentence end or a space that
    # strip() would keep: the narrowed text's slice of a sentence is narrow(sentence).
    narrowed = narrow(text)
    # every recogniser needs a digit or a Chinese numeral (narrow() changes no character
    # into or out of _RE_NUMERAL's set)
    for sent, offset in _sentences(text, _RE_NUMERAL):
        s = narrowed[offset: offset + len(sent)]
        hits = _sentence_hits(s)
        hits.sort(key=lambda h: (h.start, h.kind))
        for h in hits:
            if h.kind == "time_limit":
                subject = _time_subject(s, h)
            else:
                subject = _subject_before(s, h.start)
            facts.append(
                Fact(
                    kind=h.kind,
                    value=h.value,
                    text=sent[h.start: h.end],
                    subject=subject,
                    sentence=sent,
                    span=(offset + h.start, offset + h.end),
                    role=h.role,
                )
            )
    return facts
