import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkcheck.text.facts import (
    Age,
    Amount,
    Duration,
    Percent,
    Phone,
    extract_facts,
    sentences,
    subject_key,
)

REALDATA = Path("/work/shared/realdata")


def brief(text):
    """(kind, value as str, role, subject) for every fact of `text`."""
    return [(f.kind, str(f.value), f.role, f.subject) for f in extract_facts(text)]


# Sentences written in the style of 社会救助 notices, 政策解读 and 办事指南.
CASES = [
    (
        "城市低保标准由每人每月880元提高到920元。",
        [("amount", "880元/人·月", "old", "城市低保标准"), ("amount", "920元/人·月", "new", "城市低保标准")],
    ),
    (
        "农村低保标准由每人每年8400元提高到8800元，自2024年7月1日起执行。",
        [
            ("amount", "8400元/人·年", "old", "农村低保标准"),
            ("amount", "8800元/人·年", "new", "农村低保标准"),
            ("date", "2024-07-01", "effective", "农村低保标准"),
        ],
    ),
    (
        "2024年城乡低保标准分别为城市每人每月920元、农村每人每年8800元。",
        [("amount", "920元/人·月", None, "城市低保标准"), ("amount", "8800元/人·年", None, "农村低保标准")],
    ),
    (
        "城市居民最低生活保障标准调整为920元/人·月，比上年提高40元，增长4.5%。",
        [
            ("amount", "920元/人·月", "new", "城市居民最低生活保障标准"),
            ("amount", "40元/人·月", "delta", "城市居民最低生活保障标准"),
            ("percent", "4.5%", "delta", "城市居民最低生活保障标准"),
        ],
    ),
    (
        "特困人员基本生活标准按不低于当地城市低保标准的1.3倍确定，即每人每月不低于1196元。",
        [
            ("ratio", "不低于1.3倍", None, "特困人员基本生活标准"),
            ("amount", "不低于1196元/人·月", None, "特困人员基本生活标准"),
        ],
    ),
    (
        "特困人员救助供养标准为每人每月1196元。",
        [("amount", "1196元/人·月", None, "特困人员救助供养标准")],
    ),
    (
        "农村低保标准为8800元/人·年。",
        [("amount", "8800元/人·年", None, "农村低保标准")],
    ),
    (
        "农村低保标准提高至8,800元/人/年。",
        [("amount", "8800元/人·年", "new", "农村低保标准")],
    ),
    (
        "临时救助标准原则上不超过当地城市低保标准的6倍，一次性救助金额最高1.2万元。",
        [("ratio", "不超过6倍", None, "临时救助标准"), ("amount", "不超过12000元", None, "一次性救助金额")],
    ),
    (
        "残疾人两项补贴标准为每人每月100元，重度残疾人护理补贴为每人每月不低于80元。",
        [
            ("amount", "100元/人·月", None, "残疾人两项补贴标准"),
            ("amount", "不低于80元/人·月", None, "重度残疾人护理补贴"),
        ],
    ),
    (
        "特困人员照料护理标准分为全自理、半护理和全护理三档，分别为每人每月200元、500元、1000元。",
        [
            ("amount", "200元/人·月", None, "特困人员照料护理标准"),
            ("amount", "500元/人·月", None, "特困人员照料护理标准"),
            ("amount", "1000元/人·月", None, "特困人员照料护理标准"),
        ],
    ),
    (
        "自2024年7月起，全市城乡低保标准统一提高到每人每月920元。",
        [("date", "2024-07-01", "effective", None), ("amount", "920元/人·月", "new", "城乡低保标准")],
    ),
    (
        "新标准执行后，城市低保月人均补差水平达到500元/月。",
        [("amount", "500元/人·月", "new", "城市低保月人均补差")],
    ),
    (
        "孤儿基本生活费为每人每月1500元。",
        [("amount", "1500元/人·月", None, "孤儿基本生活费")],
    ),
    (
        "救助金额按照不低于百分之八十的比例发放。",
        [("percent", "不低于80%", None, "救助金额")],
    ),
    (
        "医疗救助年度限额内政策范围内费用救助比例为70%。",
        [("percent", "70%", None, None)],
    ),
    (
        "乡镇人民政府（街道办事处）应当自受理申请之日起10个工作日内完成调查核实。",
        [("time_limit", "10个工作日", None, "完成调查核实")],
    ),
    (
        "县级民政部门应当在20个工作日内作出审批决定，审核结果在村（居）公示7天。",
        [("time_limit", "20个工作日", None, "作出审批决定"), ("time_limit", "7日", None, "公示期")],
    ),
    (
        "申请材料齐全的，民政部门应当于30日内办结。",
        [("time_limit", "30日", None, "办结")],
    ),
    (
        "办理时限：15天。",
        [("time_limit", "15日", None, None)],
    ),
    (
        "办理时限为10个工作日。",
        [("time_limit", "10个工作日", None, "办理时限")],
    ),
    (
        "城市低保对象人均补差不低于当地城市低保标准的30%，即每人每月276元。",
        [
            ("percent", "不低于30%", None, "城市低保对象人均补差"),
            ("amount", "276元/人·月", None, "城市低保对象人均补差"),
        ],
    ),
    (
        "申请人年满16周岁，家庭月人均收入低于当地城市低保标准。",
        [("age", "16周岁以上", None, None)],
    ),
    (
        "60周岁以上老年人和未满18周岁的未成年人可以按单人户申请。",
        [("age", "60周岁以上", None, None), ("age", "未满18周岁", None, None)],
    ),
    (
        "年龄在16至60周岁之间、具有劳动能力的，应当进行求职登记。",
        [("age", "16周岁以上", None, "年龄"), ("age", "60周岁以下", None, "年龄")],
    ),
    (
        "咨询电话：0537-5212345，监督电话：12345，联系人手机13800000000。",
        [
            ("phone", "0537-5212345", None, "咨询电话"),
            ("phone", "12345", None, "监督电话"),
            ("phone", "13800000000", None, "联系人手机"),
        ],
    ),
    (
        "如有疑问请拨打（0537）5212345咨询。",
        [("phone", "0537-5212345", None, None)],
    ),
    (
        "联系电话：5212345。",
        [("phone", "5212345", None, "联系电话")],
    ),
    (
        "本通知自二〇二四年七月一日起施行，有效期5年。",
        [("date", "2024-07-01", "effective", None)],
    ),
    (
        "各镇街于2024年6月30日前完成摸底排查。",
        [("date", "2024-06-30", "deadline", None)],
    ),
    (
        "低保金于每月10日前发放到户。",
        [],
    ),
    (
        "全年累计支出低保资金1.2亿元。",
        [("amount", "120000000元", None, "低保资金")],
    ),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:16] for c in CASES])
def test_sentences_of_notices(text, expected):
    assert brief(text) == expected


def test_at_least_25_sentences():
    assert len(CASES) >= 25


def test_values_are_normalised():
    old, new = extract_facts("城市低保标准由每人每月880元提高到920元。")
    assert new.value == Amount(Decimal("920"), "人·月")
    assert new.current and not old.current
    assert new.text == "920元"
    assert new.shown() == "920元（人·月）"
    assert old.shown() == "每人每月880元"
    (limit,) = extract_facts("在10个工作日内作出审批决定")
    assert limit.value == Duration(10, "工作日", "<=")
    assert limit.value.days == 10 and limit.value.workdays
    (days,) = extract_facts("在15天内办结")
    assert days.value.days == 15 and not days.value.workdays
    (months,) = extract_facts("在3个月内办结")
    assert months.value == Duration(3, "月", "<=") and months.value.days is None
    (age,) = extract_facts("年满16周岁")
    assert age.value == Age(16, ">=")
    (pct,) = extract_facts("比例为百分之五点五")
    assert pct.value == Percent(Decimal("5.5"))
    (d,) = extract_facts("自2024年7月1日起执行")
    assert d.value == dt.date(2024, 7, 1)


def test_span_and_sentence():
    text = "一、调整标准\n城市低保标准由每人每月880元提高到920元。农村低保标准为每人每年8800元。"
    facts = extract_facts(text)
    assert [f.sentence for f in facts] == [
        "城市低保标准由每人每月880元提高到920元。",
        "城市低保标准由每人每月880元提高到920元。",
        "农村低保标准为每人每年8800元。",
    ]
    for f in facts:
        a, b = f.span
        assert text[a:b] == f.text
    assert facts[2].text == "每人每年8800元"


def test_full_width_text():
    (f,) = extract_facts("城市低保标准为每人每月９２０元。")
    assert f.value == Amount(Decimal("920"), "人·月")
    assert f.text == "每人每月９２０元"


def test_amount_not_confused_with_phone_or_date():
    facts = extract_facts("2024年6月24日起，咨询电话0537-5212345，标准为每人每月920元。")
    assert [f.kind for f in facts] == ["date", "phone", "amount"]


def test_phone_equality():
    assert Phone("5212345", "0537").same(Phone("5212345"))
    assert not Phone("5212345", "0537").same(Phone("5212345", "0538"))
    assert not Phone("5212345").same(Phone("5212346"))


def test_subject_key_synonyms():
    assert subject_key("城市居民最低生活保障标准") == "城市低保标准"
    assert subject_key("城镇 最低生活保障标准") == "城市低保标准"
    assert subject_key("特困人员救助供养标准") == subject_key("特困人员基本生活标准") == "特困人员基本生活标准"
    assert subject_key("咨询电话") == "咨询电话"


def test_sentences_split():
    assert sentences("甲。乙！\n 丙") == [("甲。", 0), ("乙！", 2), ("丙", 6)]


def test_real_pingtan_hotline_table():
    # The table cells of the real page run together: "…海坛街道0591-628812292平潭…" is
    # the number 0591-62881229 followed by the next row's number 2.
    page = (REALDATA / "fujian_pingtan_cxdb_shehuijiuzhu_hotline.page.txt").read_text(encoding="utf-8")
    body = page.split("正文 ====================", 1)[1]
    phones = [str(f.value) for f in extract_facts(body) if f.kind == "phone"]
    assert phones[:3] == ["0591-62881229", "0591-62536563", "0591-62536563"]
    assert len(phones) == 8


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(max_size=80))
def test_never_raises(text):
    for f in extract_facts(text):
        a, b = f.span
        assert 0 <= a < b <= len(text)


_NOTICEISH = st.text(alphabet="0123456789.,%元万每人户月年日天个工作周岁以上下满未由提高到至为标准低保电话-（）()/·，。；：", max_size=60)


@settings(max_examples=500, deadline=None, database=None)
@given(text=_NOTICEISH)
def test_never_raises_on_notice_like_text(text):
    for f in extract_facts(text):
        assert f.text == text[f.span[0]: f.span[1]]


@settings(max_examples=200, deadline=None, database=None)
@given(yuan=st.integers(1, 99999), per=st.sampled_from(["人·月", "人·年"]))
def test_amount_round_trip(yuan, per):
    word = "每人每月" if per == "人·月" else "每人每年"
    for text in (f"城市低保标准为{word}{yuan}元。", f"城市低保标准为{yuan}元/{per}。"):
        (f,) = extract_facts(text)
        assert f.value == Amount(Decimal(yuan), per)
        assert f.subject == "城市低保标准"


CN_CASES = [
    ("城市低保标准由每人每月八百八十元提高到九百二十元。",
     [("amount", "880元/人·月", "old"), ("amount", "920元/人·月", "new")]),
    ("补贴标准为每人每年一千二百元。", [("amount", "1200元/人·年", None)]),
    ("一次性奖励一万二千元。", [("amount", "12000元", None)]),
    ("资助金额最高不超过五万元。", [("amount", "不超过50000元", None)]),
    ("年满六十周岁的老年人可以申请。", [("age", "60周岁以上", None)]),
    ("对六十至七十周岁的老年人发放补贴。", [("age", "60周岁以上", None), ("age", "70周岁以下", None)]),
    ("三岁以下婴幼儿照护服务。", [("age", "3周岁以下", None)]),
    # a lone numeral before 元 is no amount
    ("破除城乡二元结构，推进一元化管理。", []),
]


@pytest.mark.parametrize("text, expected", CN_CASES, ids=[c[0] for c in CN_CASES])
def test_amounts_and_ages_in_chinese_numerals(text, expected):
    assert [(k, v, r) for k, v, r, _ in brief(text)] == expected


@settings(max_examples=200, deadline=None, database=None)
@given(yuan=st.integers(1, 99_999_999))
def test_chinese_numeral_amount_is_its_arabic_twin(yuan):
    """An amount written in Chinese numerals gives the fact its Arabic figure gives."""
    from gkcheck.text.facts import cn_whole

    digits = "零一二三四五六七八九"

    def cn(n: int) -> str:  # the plain reading: 一万二千零五十
        out, zero = "", False
        for value, name in ((10**7, "千"), (10**6, "百"), (10**5, "十"), (10**4, "万"),
                            (1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = n // value % 10
            if value == 10**4 and n >= 10**4:
                out += ("零" if zero and d else "") + (digits[d] if d else "") + "万"
                zero = False
                continue
            if d:
                out += ("零" if zero and out else "") + digits[d] + name
                zero = False
            elif out:
                zero = True
        return out

    words = cn(yuan)
    assert cn_whole(words) == yuan, words
    if len(words) >= 2 or words in ("十", "百", "千"):
        (f,) = extract_facts(f"补助标准为每人每月{words}元。")
        (g,) = extract_facts(f"补助标准为每人每月{yuan}元。")
        assert (f.value, f.subject) == (g.value, g.subject)
