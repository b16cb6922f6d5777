"""interpretation.paired and interpretation.consistent called directly with Column/Post objects."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from gkcheck.checks.interpretation import (
    compare_facts,
    document_core,
    interpretation_core,
    looks_like_interpretation,
    pair_documents,
)
from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.model import Column, Post, Rule, Unit, UnitEvidence
from gkcheck.text.facts import extract_facts
from gkcheck.text.workdays import CalendarGapWarning

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
UNIT = Unit(id="mzj", name="市民政局")
_SEQ = itertools.count(1)
D = dt.date
AS_OF = dt.date(2024, 12, 31)


def post(title, date=None, url=None, **kw):
    return Post(title=title, url=url or f"http://127.0.0.1/art/{next(_SEQ)}.html", date=date, **kw)


def run(kind, columns, as_of=AS_OF, **params):
    k = get_kind(kind)
    cols = None if columns is None else {
        name: (c if isinstance(c, Column) else Column(unit="mzj", name=name, posts=list(c)))
        for name, c in columns.items()
    }
    ctx = CheckContext(
        unit=UNIT,
        evidence=UnitEvidence(unit_id="mzj", columns=cols),
        as_of=as_of,
        plan_year=as_of.year,
        rule=Rule(id="T", title="t", check=kind),
    )
    return list(k.func(ctx, k.params.model_validate(params)))


def statuses(outcomes):
    return [o.status for o in outcomes]


# ------------------------------------------------------------------------ title helpers


@pytest.mark.parametrize(
    "title,core",
    [
        ("邹城市人民政府办公室关于印发邹城市最低生活保障审核确认办法的通知（邹政办发〔2024〕3号）", "邹城市最低生活保障审核确认办法"),
        ("关于调整2024年城乡低保标准的通知", "调整2024年城乡低保标准"),
        ("邹城市民政局关于印发《邹城市临时救助实施细则》的通知", "邹城市临时救助实施细则"),
        # real titles from 平潭's 城乡低保 column
        ("福建省民政厅关于印发《福建省临时救助工作规范》的通知（闽民保[2019]121号）", "福建省临时救助工作规范"),
        ("福建省民政厅关于印发《福建省最低生活保障工作规范》的通知（闽民救〔2021〕128号）", "福建省最低生活保障工作规范"),
    ],
)
def test_document_core(title, core):
    assert document_core(title) == core


@pytest.mark.parametrize(
    "title,core",
    [
        ("《邹城市最低生活保障审核确认办法》政策解读", "邹城市最低生活保障审核确认办法"),
        ("一图读懂：关于调整2024年城乡低保标准的通知", "调整2024年城乡低保标准"),
        ("关于调整2024年城乡低保标准的通知的解读", "调整2024年城乡低保标准"),
        ("【图解】邹城市临时救助实施细则", "邹城市临时救助实施细则"),
        ("政策解读：调整2024年城乡低保标准", "调整2024年城乡低保标准"),
        ("邹城市临时救助实施细则问答", "邹城市临时救助实施细则"),
    ],
)
def test_interpretation_core(title, core):
    assert interpretation_core(title) == core


def test_looks_like_interpretation():
    assert looks_like_interpretation("一图读懂2024年低保新政")
    assert looks_like_interpretation("《办法》政策问答")
    assert not looks_like_interpretation("关于调整2024年城乡低保标准的通知")


def test_pairing_by_title_number_and_link():
    d1 = post("关于调整2024年城乡低保标准的通知", D(2024, 6, 3))
    d2 = post("关于进一步做好困难群众基本生活保障工作的通知（邹政办发〔2024〕5号）", D(2024, 3, 1))
    d3 = post("关于印发邹城市2024年政务公开工作要点的通知", D(2024, 4, 1))
    d4 = post("关于做好冬春救助工作的通知", D(2024, 11, 1), links=["http://127.0.0.1/jd/x.html"])
    j1 = post("一图读懂：关于调整2024年城乡低保标准的通知", D(2024, 6, 3))
    j2 = post("邹政办发〔2024〕5号文件解读", D(2024, 3, 2))
    j3 = post("图说冬春救助", D(2024, 11, 2), url="http://127.0.0.1/jd/x.html")
    j4 = post("《邹城市临时救助实施细则》问答", D(2024, 6, 3))
    pairs = pair_documents([d1, d2, d3, d4], [j1, j2, j3, j4])
    assert [(p.interpretation.title if p.interpretation else None, p.how) for p in pairs] == [
        (j1.title, "标题"),
        (j2.title, "文号"),
        (None, ""),
        (j3.title, "链接"),
    ]


def test_pairing_prefers_the_closest_date():
    d = post("关于调整城乡低保标准的通知", D(2024, 6, 3))
    old = post("《关于调整城乡低保标准的通知》解读", D(2023, 6, 3))
    new = post("《关于调整城乡低保标准的通知》解读", D(2024, 6, 4))
    (pair,) = pair_documents([d], [old, new])
    assert pair.interpretation is new


def test_threshold_rejects_a_different_document():
    d = post("邹城市临时救助实施细则", D(2024, 6, 3))
    j = post("《邹城市最低生活保障审核确认办法》解读", D(2024, 6, 3))
    (pair,) = pair_documents([d], [j], threshold=0.8)
    assert pair.interpretation is None


# --------------------------------------------------------------------- interpretation.paired


def test_paired_pass_with_links():
    d = post("关于印发《邹城市最低生活保障审核确认办法》的通知", D(2024, 6, 3), body="正文", links=["http://127.0.0.1/jd/1.html"])
    j = post("《邹城市最低生活保障审核确认办法》政策解读", D(2024, 6, 3), url="http://127.0.0.1/jd/1.html", body="解读", links=[d.url])
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]})
    assert statuses(out) == ["pass", "pass"]
    assert "同日发布" in out[0].message
    assert out[0].record == d.url and out[1].record == d.url + "#链接"
    assert [e.url for e in out[0].evidence] == [d.url, j.url]
    assert out[0].evidence[0].date == D(2024, 6, 3)


def test_paired_missing_interpretation_fails():
    d = post("关于印发邹城市临时救助实施细则的通知", D(2024, 8, 1))
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": []})
    assert statuses(out) == ["fail"]
    assert out[0].message == "《关于印发邹城市临时救助实施细则的通知》（2024-08-01）未找到对应的政策解读"
    assert out[0].record == d.url
    assert out[0].evidence[0].source == "web" and out[0].evidence[0].location == d.url


def test_paired_gap_over_national_day():
    d = post("关于调整2024年城乡低保标准的通知", D(2024, 9, 30))
    j = post("《关于调整2024年城乡低保标准的通知》解读", D(2024, 10, 8))
    # 9-30 -> 10-08 is one working day (10-01..07 are 国庆节)
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]}, require_links=False, max_gap_workdays=1)
    assert statuses(out) == ["pass"]
    assert "解读晚于文件1个工作日" in out[0].message
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]}, require_links=False, max_gap_workdays=0, gap_status="fail")
    assert statuses(out) == ["fail"]


def test_paired_interpretation_before_document():
    d = post("关于调整2024年城乡低保标准的通知", D(2024, 6, 28))
    j = post("《关于调整2024年城乡低保标准的通知》解读", D(2024, 6, 17))
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]}, require_links=False)
    assert statuses(out) == ["warn"]
    assert "解读早于文件9个工作日" in out[0].message


def test_paired_unknown_calendar_year_is_noted():
    d = post("关于调整2099年城乡低保标准的通知", D(2099, 6, 1))
    j = post("《关于调整2099年城乡低保标准的通知》解读", D(2099, 6, 3))
    with pytest.warns(CalendarGapWarning):
        out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]}, as_of=D(2099, 12, 31), require_links=False)
    assert statuses(out) == ["pass"]
    assert "chinese_calendar 不含 2099 年的节假日安排，按周一至周五计算" in out[0].message


def test_paired_links_partial():
    d = post("关于调整2024年城乡低保标准的通知", D(2024, 6, 3), body="正文", links=[])
    j = post("《关于调整2024年城乡低保标准的通知》解读", D(2024, 6, 3), body="解读", links=[d.url + "#top"])
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]})
    assert statuses(out) == ["pass", "warn"]
    assert out[1].message.endswith("未相互链接：文件页未链接解读")


def test_paired_links_unknown_without_bodies():
    d = post("关于调整2024年城乡低保标准的通知", D(2024, 6, 3))
    j = post("《关于调整2024年城乡低保标准的通知》解读", D(2024, 6, 3), body="解读")
    out = run("interpretation.paired", {"政策文件": [d], "政策解读": [j]})
    assert statuses(out) == ["pass", "unknown"]
    assert "未采集到文件正文" in out[1].message


def test_paired_window_and_filters():
    docs = [
        post("关于调整2023年城乡低保标准的通知", D(2023, 6, 3)),  # outside the plan year
        post("关于开展安全生产月活动的通知", D(2024, 6, 3)),  # not a service document
        post("邹城市临时救助实施细则", D(2024, 6, 3)),
        post("邹城市临时救助实施细则解读", D(2024, 6, 3)),  # an interpretation in the documents column
        post("关于做好困难群众救助工作的通知"),  # undated
    ]
    out = run("interpretation.paired", {"政策文件": docs}, only="services", require_links=False)
    assert statuses(out) == ["pass"]
    assert out[0].record == docs[2].url
    assert "未找到栏目" not in out[0].message
    out = run("interpretation.paired", {"政策文件": docs}, require_links=False)
    assert statuses(out) == ["fail", "pass"]
    assert "未找到栏目“政策解读”" in out[0].message
    out = run("interpretation.paired", {"政策文件": docs}, require_links=False, keywords=["生产"])
    assert statuses(out) == ["fail"]
    out = run("interpretation.paired", {"政策文件": docs}, require_links=False, since={"from": "2023-01-01", "to": "2023-12-31"})
    assert statuses(out) == ["fail"] and "2023年城乡低保标准" in out[0].message


def test_paired_normative_filter():
    docs = [
        post("邹城市最低生活保障审核确认办法", D(2024, 6, 3)),
        post("关于加强社会救助工作的通知（邹政规〔2024〕2号）", D(2024, 6, 3)),
        post("关于召开2024年民政工作会议的通知", D(2024, 6, 3)),
    ]
    out = run("interpretation.paired", {"政策文件": docs, "政策解读": []}, only="规范性文件", require_links=False)
    assert [o.record for o in out] == [docs[0].url, docs[1].url]


def test_paired_empty_window_passes():
    out = run("interpretation.paired", {"政策文件": [post("旧文件", D(2020, 1, 1))], "政策解读": []})
    assert statuses(out) == ["pass"]
    assert out[0].message == "2024年“政策文件”栏目没有政策文件，无需配套解读"


@pytest.mark.parametrize("status", ["unreachable", "not_crawled"])
def test_paired_unknown_when_a_column_cannot_be_read(status):
    d = post("关于调整2024年城乡低保标准的通知", D(2024, 6, 3))
    bad = Column(unit="mzj", name="x", status=status, error="HTTP 500")
    assert statuses(run("interpretation.paired", {"政策文件": [d], "政策解读": bad})) == ["unknown"]
    assert statuses(run("interpretation.paired", {"政策文件": bad, "政策解读": [d]})) == ["unknown"]
    assert statuses(run("interpretation.paired", None)) == ["unknown"]


def test_paired_synonym_columns():
    d = post("关于调整2024年城乡低保标准的通知", D(2024, 6, 3))
    j = post("《关于调整2024年城乡低保标准的通知》解读", D(2024, 6, 3))
    out = run("interpretation.paired", {"部门文件": [d], "解读回应": [j]}, require_links=False)
    assert statuses(out) == ["pass"]


def test_paired_real_pingtan_titles():
    """The two documents listed in 平潭's real 城乡低保 column that a local 解读 could be asked
    for are 福建省民政厅's: the province's documents, which 平潭 is not required to interpret."""
    lines = (REALDATA / "fujian_pingtan_column_cxdb_chengxiang_dibao_index.md").read_text(encoding="utf-8").splitlines()
    titles = [ln.split("|")[1].strip() for ln in lines if ln.startswith("| ") and not ln.startswith("| 标题")]
    assert len(titles) == 50  # the file says 56 documents; its table lists 50
    posts = [post(t) for t in titles]
    out = run(
        "interpretation.paired",
        {"政策文件": posts, "政策解读": [post("《福建省最低生活保障工作规范》解读")]},
        keywords=["印发"],
        since="any",
        require_links=False,
    )
    assert statuses(out) == ["pass"]
    assert "另有2篇为上级或其他机关的文件，不要求本单位解读" in out[0].message


# ------------------------------------------------------------------ interpretation.consistent

DOC_BODY = (
    "第八条 城市低保标准为每人每月920元，农村低保标准为每人每年8800元。"
    "第十二条 乡镇人民政府（街道办事处）应当自受理申请之日起10个工作日内完成调查核实。"
    "咨询电话：0537-5212345。本办法自2024年7月1日起施行。"
)


def _pair(interp_body, doc_body=DOC_BODY):
    d = post("关于印发《邹城市最低生活保障审核确认办法》的通知", D(2024, 6, 3), body=doc_body)
    j = post("《邹城市最低生活保障审核确认办法》政策解读", D(2024, 6, 3), body=interp_body)
    return {"政策文件": [d], "政策解读": [j]}, d, j


def test_consistent_pass():
    cols, d, j = _pair("办法明确城市低保标准每人每月920元、农村低保标准8800元/人·年，10个工作日内完成调查核实，自2024年7月1日起施行。")
    out = run("interpretation.consistent", cols)
    assert statuses(out) == ["pass"]
    assert "“城市低保标准每人每月920元”" in out[0].message
    assert out[0].record == d.url


def test_consistent_disagreements_each_fail_with_both_sentences():
    cols, d, j = _pair(
        "一、城市低保标准每人每月900元。二、乡镇（街道）在15个工作日内完成调查核实。"
        "三、办法自2024年8月1日起施行。四、咨询电话：0537-5212346。"
    )
    out = run("interpretation.consistent", cols)
    fails = [o for o in out if o.status == "fail"]
    assert len(fails) == 4
    assert "解读称“城市低保标准每人每月900元”，文件为“城市低保标准每人每月920元”" in fails[0].message
    assert [e.quote for e in fails[0].evidence] == [
        "一、城市低保标准每人每月900元。",
        "第八条 城市低保标准为每人每月920元，农村低保标准为每人每年8800元。",
    ]
    assert [e.url for e in fails[0].evidence] == [j.url, d.url]
    assert "解读称“15个工作日内完成调查核实”，文件为“10个工作日内完成调查核实”" in fails[1].message
    assert "解读称“2024年8月1日”，文件为“2024年7月1日”" in fails[2].message
    assert "解读称“咨询电话0537-5212346”，文件为“咨询电话0537-5212345”" in fails[3].message
    assert len({o.record for o in fails}) == 4


def test_consistent_extra_facts_warn_or_pass():
    cols, d, j = _pair("城市低保标准每人每月920元。年满16周岁的可单独申请。")
    out = run("interpretation.consistent", cols)
    assert statuses(out) == ["warn", "pass"]
    assert "年龄条件“年满16周岁”在文件中未找到" in out[0].message
    out = run("interpretation.consistent", cols, extra_status="pass")
    assert statuses(out) == ["pass"]


def test_consistent_kinds_filter():
    cols, d, j = _pair("城市低保标准每人每月900元。咨询电话：0537-5212346。")
    out = run("interpretation.consistent", cols, kinds=["phone"])
    assert statuses(out) == ["fail"]
    assert "电话" in out[0].message or "0537-5212346" in out[0].message


def test_consistent_unknown_without_bodies():
    d = post("关于印发《邹城市最低生活保障审核确认办法》的通知", D(2024, 6, 3))
    j = post("《邹城市最低生活保障审核确认办法》政策解读", D(2024, 6, 3), body="解读")
    out = run("interpretation.consistent", {"政策文件": [d], "政策解读": [j]})
    assert statuses(out) == ["unknown"]
    assert "未采集到文件正文" in out[0].message


def test_consistent_uses_the_same_pairing_including_links():
    d = post("关于做好冬春救助工作的通知", D(2024, 11, 1), body="临时救助金额最高1.2万元。", links=["http://127.0.0.1/jd/tu.html"])
    j = post("图说冬春救助", D(2024, 11, 1), url="http://127.0.0.1/jd/tu.html", body="临时救助金额最高1万元。")
    out = run("interpretation.consistent", {"政策文件": [d], "政策解读": [j]})
    assert statuses(out) == ["fail"]
    assert "文件为“临时救助金额最高1.2万元”" in out[0].message


def test_consistent_no_interpretations_at_all():
    d = post("关于印发《邹城市最低生活保障审核确认办法》的通知", D(2024, 6, 3), body=DOC_BODY)
    out = run("interpretation.consistent", {"政策文件": [d], "政策解读": []})
    assert statuses(out) == ["pass"]
    assert "都未找到解读" in out[0].message


# -------------------------------------------------------------------------- compare_facts


def _cmp(interp, doc):
    return compare_facts(extract_facts(interp), extract_facts(doc))


def test_compare_old_and_delta_are_not_the_current_standard():
    c = _cmp("城市低保标准提高到每人每月920元，比上年提高40元。", "城市低保标准为每人每月920元。")
    assert [str(f.value) for f in c.agreed] == ["920元/人·月"]
    assert c.disagreements == []
    assert [str(f.value) for f in c.extra] == ["40元/人·月"]


def test_compare_delta_follows_from_old_and_new():
    doc = "城市低保标准由每人每月880元提高到920元。"
    c = _cmp("城市低保标准提高到每人每月920元，提高40元，增长4.5%。", doc)
    assert [str(f.value) for f in c.agreed] == ["920元/人·月", "40元/人·月", "4.5%"]
    c = _cmp("城市低保标准提高到每人每月920元，提高50元，增长5.7%。", doc)
    assert [str(f.value) for f in c.extra] == ["50元/人·月", "5.7%"]


def test_compare_background_dates_ignored():
    c = _cmp("2024年6月3日，市民政局印发了办法。办法自2024年7月1日起施行。", "本办法自2024年7月1日起施行。")
    assert [str(f.value) for f in c.agreed] == ["2024-07-01"]
    assert c.extra == [] and c.disagreements == []


def test_compare_urban_rural_against_combined_standard():
    c = _cmp("城市低保标准每人每月900元。", "城乡低保标准统一提高到每人每月920元。")
    assert len(c.disagreements) == 1
    assert str(c.disagreements[0].actual.value) == "920元/人·月"


def test_compare_units_must_match():
    c = _cmp("农村低保标准每人每月920元。", "农村低保标准每人每年920元。")
    assert c.agreed == [] and c.disagreements == []
    assert len(c.extra) == 1


def test_compare_synonym_subjects():
    c = _cmp("城市居民最低生活保障标准为920元/人·月。", "城市低保标准为每人每月920元。")
    assert len(c.agreed) == 1


def test_compare_age_bounds():
    c = _cmp("年满18周岁可以申请。", "年满16周岁可以申请。")
    assert c.disagreements == [] and len(c.extra) == 1  # no subject: cannot say they are the same rule
    c = _cmp("申请人年龄18周岁以上。", "申请人年龄16周岁以上。")
    assert len(c.disagreements) == 1


def test_compare_repeated_fact_counted_once():
    c = _cmp("城市低保标准每人每月920元。城市低保标准每人每月920元。", "城市低保标准为每人每月920元。")
    assert len(c.agreed) == 1
