"""gkcheck.text.timelimit on 公开时限 as real standard directories write them."""

from __future__ import annotations

import pytest

from gkcheck.text.timelimit import parse_time_limit


@pytest.mark.parametrize(
    ("text", "kind", "days"),
    [
        ("信息形成或者变更之日起20个工作日内", "within", 20),
        ("自信息形成或变更之日起10个工作日内", "within", 10),
        # as copied from a PDF table, cell wrapped into lines
        ("公开事项 信息形成 或变更之 日起20个 工作日内 公开", "within", 20),
        ("二十个工作日内", "within", 20),
        ("信息形成之日起２０个工作日内", "within", 20),
        ("批复后30日内", "within", 21.43),
        ("1个月内", "within", 21),
        ("每季度结束后15日内", "within", 10.71),
        ("制定或获取信息之日起10个工作日内，公示7个工作日", "within", 10),
        ("审核后公示7个工作日", "display", None),
        ("每年1月31日前", "deadline", None),
        ("次年3月底前", "deadline", None),
        ("每季度", "periodic", None),
        ("按月更新", "periodic", None),
        ("实时", "continuous", None),
        ("即时公开", "continuous", None),
        ("长期", "continuous", None),
        ("常态化", "continuous", None),
        ("按照《社会救助暂行办法》规定时限", "law", None),
        ("及时", "vague", None),
        ("按规定", "vague", None),
        ("尽快公开", "vague", None),
        ("法定时限内", "vague", None),
        ("另行通知", "unrecognised", None),
        ("", "empty", None),
        ("／", "empty", None),
    ],
)
def test_kinds_and_periods(text, kind, days):
    tl = parse_time_limit(text)
    assert tl.kind == kind
    assert tl.working_days == days
    assert tl.ok == (kind not in ("vague", "unrecognised", "empty"))


def test_posting_period_is_kept_apart_from_the_delay():
    tl = parse_time_limit("制定或获取信息之日起10个工作日内,公示7个工作日")
    assert tl.parts == ("within", "display")
    assert tl.period == "10个工作日"
    assert tl.display == "7个工作日"


def test_dates_and_years_are_not_periods():
    tl = parse_time_limit("自2024年1月1日起20个工作日内")
    assert tl.period == "20个工作日"
    assert tl.working_days == 20
    assert parse_time_limit("每年1月31日前").working_days is None


def test_longest_period_is_reported():
    tl = parse_time_limit("受理后5个工作日内初审，审批后30个工作日内公开")
    assert tl.period == "30个工作日"


def test_vague_phrase_is_named():
    assert parse_time_limit("按照有关规定及时公开").vague == "按照有关规定"
    # a concrete period wins over a vague word next to it
    assert parse_time_limit("及时公开，最迟20个工作日内").kind == "within"
