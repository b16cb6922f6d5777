"""ledger.count called directly."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from gkcheck.checks.ledger import kind_matches
from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.model import LedgerEntry, Rule, SourcePos, Unit, UnitEvidence

AS_OF = dt.date(2024, 12, 31)


def entry(kind, date, title="记录", link=None, row=None):
    pos = SourcePos(file="ledger/民政局.xlsx", sheet="台账", row=row) if row else None
    return LedgerEntry(
        kind=kind, date=dt.date.fromisoformat(date) if date else None, title=title, link=link, pos=pos
    )


def run(ledger, as_of=AS_OF, tasks=(41,), **params):
    k = get_kind("ledger.count")
    ctx = CheckContext(
        unit=Unit(id="mzj", name="市民政局"),
        evidence=UnitEvidence(unit_id="mzj", ledger=ledger),
        as_of=as_of,
        plan_year=as_of.year,
        rule=Rule(id="ZC24-T41", title="政策评价", check="ledger.count", tasks=list(tasks)),
    )
    out = list(k.func(ctx, k.params.model_validate(params)))
    assert len(out) == 1
    return out[0]


def test_no_ledger_is_unknown():
    o = run(None, kind="培训")
    assert (o.status, o.message) == ("unknown", "未提供工作台账")


def test_one_evaluation_when_two_required():
    ledger = [
        entry("政策评价", "2024-05-10", "低保审核确认办法实施效果评价", row=3),
        entry("政策评价", "2023-11-20", "2023年临时救助政策评价", row=4),
        entry("培训", "2024-06-01", "政务公开业务培训", row=5),
    ]
    o = run(ledger, kind="政策评价", min_count=2)
    assert o.status == "fail"
    assert o.message == "2024年仅有1次政策评价，要求至少2次（任务41）"
    ref = o.evidence[0]
    assert (ref.source, ref.location, ref.row, ref.date) == (
        "ledger",
        "ledger/民政局.xlsx:台账!3",
        3,
        dt.date(2024, 5, 10),
    )


def test_synonyms_count():
    ledger = [
        entry("政策评估", "2024-05-10", "低保审核确认办法实施效果评估"),
        entry("实施效果评价", "2024-11-20", "临时救助政策实施效果评价"),
    ]
    o = run(ledger, kind="政策评价", min_count=2)
    assert (o.status, o.message) == ("pass", "2024年有2次政策评价（要求至少2次）")
    assert [e.title for e in o.evidence] == ["低保审核确认办法实施效果评估", "临时救助政策实施效果评价"]


def test_zero_entries_message_without_tasks():
    o = run([], tasks=(), kind="专题会议")
    assert (o.status, o.message) == ("fail", "2024年没有专题会议记录，要求至少1次")


def test_undated_entries_do_not_count_and_are_named():
    ledger = [entry("专题会", None, "研究政务公开工作专题会"), entry("专题会议", None, "第二次专题会")]
    o = run(ledger, kind="专题会议")
    assert o.status == "fail"
    assert o.message == "2024年没有专题会议记录，要求至少1次（任务41）；另有2条专题会议记录没有日期，不计入"


def test_undated_entries_count_with_window_any():
    o = run([entry("专题会", None, "研究政务公开工作专题会")], kind="专题会议", window="any")
    assert o.status == "pass"


def test_contained_kind_name_matches():
    assert kind_matches("政务公开专题会议", {"专题会议"})
    assert kind_matches("政务公开 业务培训", {"业务培训"})
    assert not kind_matches("培训", {"专题会议", "专题会"})
    assert not kind_matches("", {"培训"})


def test_kind_list_and_extra_synonyms():
    ledger = [entry("政府开放日", "2024-05-15"), entry("开放活动", "2024-09-20")]
    assert run(ledger, kind=["政府开放"], min_count=2).status == "fail"
    assert run(ledger, kind=["政府开放"], synonyms=["开放活动"], min_count=2).status == "pass"
    o = run(ledger + [entry("监督员", "2024-03-01")], kind=["政府开放", "监督员"], synonyms=["开放活动"], min_count=3)
    assert o.status == "pass" and "3次政府开放/监督员" in o.message


def test_window_and_as_of():
    ledger = [entry("培训", "2024-03-10"), entry("业务培训", "2024-08-10"), entry("专题培训", "2024-10-10")]
    o = run(ledger, as_of=dt.date(2024, 6, 30), kind="培训", min_count=2)
    assert o.status == "fail"
    assert o.message == "2024年（截至2024-06-30）仅有1次培训，要求至少2次（任务41）；2条记录晚于检查日，不计入"
    o = run(ledger, kind="培训", window={"from": "2024-07-01", "to": "2024-12-31"}, min_count=2)
    assert (o.status, o.message) == ("pass", "2024-07-01至2024-12-31期间有2次培训（要求至少2次）")
    o = run(ledger, kind="培训", window={"last_days": 60})
    assert o.status == "fail" and o.message.startswith("近60天内（2024-11-02至2024-12-31）没有培训记录")


def test_title_keywords_and_require_link():
    ledger = [
        entry("培训", "2024-04-01", "全市政务公开业务培训", link="http://127.0.0.1/px/1.html"),
        entry("培训", "2024-05-01", "安全生产培训", link="http://127.0.0.1/px/2.html"),
        entry("培训", "2024-06-01", "政务公开 专题培训"),
    ]
    assert run(ledger, kind="培训", title_keywords=["政务公开"], min_count=2).status == "pass"
    o = run(ledger, kind="培训", title_keywords=["政务公开"], require_link=True, min_count=2)
    assert o.status == "fail"
    assert o.message == "2024年仅有1次培训，要求至少2次（任务41）；1条记录没有链接，不计入"
    assert o.evidence[0].url == "http://127.0.0.1/px/1.html"


@pytest.mark.parametrize(
    "params",
    [{}, {"kind": ""}, {"kind": "培训", "min_count": 0}, {"kind": "培训", "window": "year"}, {"kind": "培训", "x": 1}],
)
def test_bad_params(params):
    with pytest.raises(ValidationError):
        get_kind("ledger.count").params.model_validate(params)
