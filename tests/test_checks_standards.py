"""standards.published called directly with Column/Post objects (and catalog rows)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from pydantic import ValidationError

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.checks.standards import PublishedParams, StandardSpec
from gkcheck.model import Catalog, CatalogItem, Column, Post, Rule, SourcePos, Unit, UnitEvidence

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
UNIT = Unit(id="mzj", name="市民政局")
_SEQ = itertools.count(1)
D = dt.date
AS_OF = dt.date(2024, 12, 31)

NOTICE_2024 = (
    "根据物价变动情况，经市政府同意，决定提高城乡低保等社会救助标准。"
    "城市低保标准由每人每月880元提高到920元，农村低保标准由每人每年8400元提高到8800元。"
    "特困人员基本生活标准按不低于当地城市低保标准的1.3倍确定，即每人每月1196元。"
    "新标准自2024年7月1日起执行。"
)


def post(title, date=None, body=None, url=None):
    return Post(title=title, url=url or f"http://127.0.0.1/shjz/{next(_SEQ)}.html", date=date, body=body)


def run(posts=None, column="社会救助", status="ok", history=None, catalog=None, as_of=AS_OF, columns=True, **params):
    k = get_kind("standards.published")
    cols = None
    if columns:
        cols = {} if posts is None and status == "ok" else {
            column: Column(unit="mzj", name=column, status=status, error="HTTP 503" if status == "unreachable" else None, posts=list(posts or []))
        }
    catalogs = None
    if catalog is not None:
        items = [
            CatalogItem(pos=SourcePos(file="民政局目录.xlsx", sheet="目录", row=i + 3), **row) for i, row in enumerate(catalog)
        ]
        catalogs = [Catalog(path="民政局目录.xlsx", items=items)]
    ctx = CheckContext(
        unit=UNIT,
        evidence=UnitEvidence(unit_id="mzj", columns=cols, catalogs=catalogs, history=history or {}),
        as_of=as_of,
        plan_year=as_of.year,
        rule=Rule(id="T", title="t", check="standards.published"),
    )
    return list(k.func(ctx, k.params.model_validate(params)))


def by_record(outcomes):
    return {o.record: o for o in outcomes}


def test_defaults_cover_four_standards():
    p = PublishedParams()
    assert [s.name for s in p.standards] == ["城市低保标准", "农村低保标准", "特困人员基本生活标准", "临时救助标准"]
    assert "城市居民最低生活保障标准" in p.standards[0].names()
    # a plain name gets the known synonyms too
    assert "特困人员救助供养标准" in StandardSpec.model_validate("特困人员基本生活标准").names()


def test_params_reject_unknown_keys():
    with pytest.raises(ValidationError):
        PublishedParams.model_validate({"colunm": "社会救助"})


def test_real_style_notice_passes_three_and_misses_one():
    p = post("关于提高2024年城乡低保等社会救助标准的通知", D(2024, 6, 20), NOTICE_2024)
    out = by_record(run([p]))
    assert {k: o.status for k, o in out.items()} == {
        "城市低保标准": "pass",
        "农村低保标准": "pass",
        "特困人员基本生活标准": "pass",
        "临时救助标准": "fail",
    }
    city = out["城市低保标准"]
    assert city.message.startswith("“城市低保标准”920元/人·月，自2024-07-01起执行（《关于提高2024年城乡低保等社会救助标准的通知》）")
    assert "城市低保标准由每人每月880元提高到920元" in city.evidence[0].quote
    assert "新标准自2024年7月1日起执行" in city.evidence[0].quote
    assert city.evidence[0].url == p.url and city.evidence[0].date == D(2024, 6, 20)
    assert "8800元/人·年" in out["农村低保标准"].message
    assert "1196元/人·月" in out["特困人员基本生活标准"].message
    assert out["临时救助标准"].message == "“社会救助”栏目中未找到“临时救助标准”"


def test_missing_parts_are_named():
    posts = [
        post("我市提高城乡低保标准", D(2024, 6, 20), "经研究，我市城市低保标准已提高。农村低保标准提高到8800元，自2024年7月1日起执行。"),
    ]
    out = by_record(run(posts, standards=["城市低保标准", "农村低保标准"]))
    assert out["城市低保标准"].status == "fail"
    assert out["城市低保标准"].message.endswith("但缺少金额、执行日期")
    assert out["城市低保标准"].evidence[0].quote == "经研究，我市城市低保标准已提高。"
    assert out["农村低保标准"].status == "fail"
    assert out["农村低保标准"].message.endswith("但缺少计量单位（如元/人·月）")


def test_missing_effective_date():
    posts = [post("城乡低保标准公示", D(2024, 6, 20), "城市低保标准为每人每月920元。")]
    (o,) = run(posts, standards=["城市低保标准"])
    assert o.status == "fail" and o.message.endswith("但缺少执行日期")


def test_title_only_mention():
    posts = [post("关于调整2024年城市低保标准的通知", D(2024, 6, 20))]
    (o,) = run(posts, standards=["城市低保标准"])
    assert o.status == "fail"
    assert "但缺少金额、执行日期" in o.message


def test_lowered_against_history():
    posts = [post("关于公布2024年城乡低保标准的通知", D(2024, 6, 20), "城市居民最低生活保障标准为900元/人·月，自2024年7月1日起执行。")]
    history = {"standards": {"城市居民最低生活保障标准": [{"year": 2023, "amount": 920, "unit": "元/人·月"}]}}
    (o,) = run(posts, history=history, standards=["城市低保标准"])
    assert o.status == "fail"
    assert o.message.endswith("比此前2023年（历史记录）的920元/人·月下调了20元")


def test_history_of_another_unit_is_ignored():
    posts = [post("关于公布2024年城乡低保标准的通知", D(2024, 6, 20), "城市低保标准为每人每月900元，自2024年7月1日起执行。")]
    history = {"standards": {"城市低保标准": [{"year": 2023, "amount": 9000, "unit": "元/人·年"}]}}
    (o,) = run(posts, history=history, standards=["城市低保标准"])
    assert o.status == "pass"


def test_lowered_against_an_earlier_post():
    posts = [
        post("关于公布2023年城乡低保标准的通知", D(2023, 6, 20), "城市低保标准为每人每月930元，自2023年7月1日起执行。"),
        post("关于公布2024年城乡低保标准的通知", D(2024, 6, 20), "城市低保标准为每人每月920元，自2024年7月1日起执行。"),
    ]
    (o,) = run(posts, standards=["城市低保标准"])
    assert o.status == "fail"
    assert "自2024-07-01起执行" in o.message
    assert "比此前《关于公布2023年城乡低保标准的通知》的930元/人·月下调了10元" in o.message


def test_lowered_within_one_notice():
    posts = [post("关于调整城乡低保标准的通知", D(2024, 6, 20), "城市低保标准由每人每月920元下调至900元，自2024年7月1日起执行。")]
    (o,) = run(posts, standards=["城市低保标准"])
    assert o.status == "fail" and "下调了20元" in o.message


def test_not_in_plan_year_and_stale():
    posts = [post("关于公布2023年城乡低保标准的通知", D(2023, 6, 20), "城市低保标准为每人每月880元，自2023年7月1日起执行。")]
    (o,) = run(posts, standards=["城市低保标准"])
    assert o.status == "fail"
    assert "执行日期不在2024年内" in o.message
    assert "已549天未调整，超过365天" in o.message


def test_stale_only_warns_by_default():
    posts = [post("关于公布城乡低保标准的通知", D(2023, 12, 20), "城市低保标准为每人每月880元，自2024年1月1日起执行。")]
    (o,) = run(posts, as_of=D(2025, 3, 1), standards=["城市低保标准"], effective_within={"from": "2024-01-01", "to": "2025-03-01"})
    assert o.status == "warn"
    assert "已425天未调整" in o.message
    (o,) = run(posts, as_of=D(2025, 3, 1), standards=["城市低保标准"], effective_within="any", stale_status="fail")
    assert o.status == "fail"


def test_newest_standard_wins_and_future_posts_ignored():
    posts = [
        post("2023年标准", D(2023, 6, 20), "城市低保标准为每人每月880元，自2023年7月1日起执行。"),
        post("2024年标准", D(2024, 6, 20), "城市低保标准为每人每月920元，自2024年7月1日起执行。"),
        post("2025年标准", D(2025, 6, 20), "城市低保标准为每人每月960元，自2025年7月1日起执行。"),
    ]
    (o,) = run(posts, standards=["城市低保标准"])
    assert o.status == "pass" and "920元/人·月" in o.message


def test_combined_urban_rural_figure_counts_for_both():
    posts = [post("关于统一城乡低保标准的通知", D(2024, 6, 20), "自2024年7月1日起，全市城乡低保标准统一提高到每人每月920元。")]
    out = by_record(run(posts, standards=["城市低保标准", "农村低保标准"]))
    assert out["城市低保标准"].status == "pass" and out["农村低保标准"].status == "pass"


def test_catalog_guide_counts_when_asked():
    catalog = [
        {"level1": "特困人员救助供养", "level2": "办事指南", "content": "特困人员救助供养标准：每人每月1196元，自2024年7月1日起执行", "mode": "主动"}
    ]
    (o,) = run([], catalog=catalog, standards=["特困人员基本生活标准"], also_catalog=True)
    assert o.status == "pass"
    assert o.evidence[0].source == "catalog"
    assert o.evidence[0].location == "民政局目录.xlsx:目录!3"
    (o,) = run([], catalog=catalog, standards=["特困人员基本生活标准"])
    assert o.status == "fail"


def test_catalog_only_without_columns():
    catalog = [{"level1": "最低生活保障", "level2": "办事指南", "content": "城市低保标准920元/人·月，自2024年7月1日起执行"}]
    (o,) = run(columns=False, catalog=catalog, standards=["城市低保标准"], also_catalog=True)
    assert o.status == "pass"
    assert "未找到栏目" not in o.message


def test_column_missing_is_said():
    (o,) = run([], column="通知公告", standards=["城市低保标准"])
    assert o.status == "fail"
    assert "未找到栏目“社会救助”（或：城乡低保、最低生活保障、社会救助信息）" in o.message


@pytest.mark.parametrize("status", ["unreachable", "not_crawled"])
def test_unknown_when_column_cannot_be_read(status):
    (o,) = run([], status=status)
    assert o.status == "unknown"


def test_unknown_without_column_evidence():
    (o,) = run(columns=False)
    assert o.status == "unknown"


def test_real_pingtan_column_titles_publish_no_standard():
    """平潭's real 城乡低保 column lists payment details, not the standards themselves."""
    lines = (REALDATA / "fujian_pingtan_column_cxdb_chengxiang_dibao_index.md").read_text(encoding="utf-8").splitlines()
    titles = [ln.split("|")[1].strip() for ln in lines if ln.startswith("| ") and not ln.startswith("| 标题")]
    posts = [post(t) for t in titles]
    page = (REALDATA / "fujian_pingtan_cxdb_2024-06_dibao_tekun_payment_detail.page.txt").read_text(encoding="utf-8")
    posts.append(post("2024年6月城乡低保及特困发放明细", D(2024, 6, 28), page.split("正文 ====================", 1)[1]))
    out = by_record(run(posts, column="城乡低保"))
    assert {k: o.status for k, o in out.items()} == {
        "城市低保标准": "fail",
        "农村低保标准": "fail",
        "特困人员基本生活标准": "fail",
        "临时救助标准": "fail",
    }
    assert out["城市低保标准"].message == "“城乡低保”栏目中未找到“城市低保标准”"
