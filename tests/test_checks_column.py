"""The column check kinds called directly: column.exists, not_empty, fresh, has_post,
links_ok and site.stale_columns."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from gkcheck.checks.column import assess_freshness, category_of
from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.model import Attachment, Column, Post, Rule, Unit, UnitEvidence

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
AS_OF = dt.date(2024, 12, 31)
UNIT = Unit(id="mzj", name="市民政局")
_SEQ = itertools.count(1000)


def col(name, posts=(), status="ok", error=None, url=None):
    return Column(
        unit="mzj",
        name=name,
        url=url or f"http://127.0.0.1/col/{next(_SEQ)}/",
        status=status,
        error=error,
        posts=list(posts),
    )


def post(title, date=None, n=None, **kw):
    n = n if n is not None else next(_SEQ)
    return Post(title=title, url=f"http://127.0.0.1/art/{n}.html", date=date, **kw)


def run(kind, cols, as_of=AS_OF, plan_year=None, **params):
    k = get_kind(kind)
    ctx = CheckContext(
        unit=UNIT,
        evidence=UnitEvidence(
            unit_id="mzj", columns=None if cols is None else {c.name: c for c in cols}
        ),
        as_of=as_of,
        plan_year=plan_year or as_of.year,
        rule=Rule(id="T", title="t", check=kind),
    )
    return list(k.func(ctx, k.params.model_validate(params)))


def only(outcomes):
    assert len(outcomes) == 1, [(o.status, o.message) for o in outcomes]
    return outcomes[0]


def d(s):
    return dt.date.fromisoformat(s)


# ------------------------------------------------------------------ column.exists


def test_exists_by_synonym_after_normalisation():
    cols = [col("政策解读与回应"), col("通知公告")]
    o = only(run("column.exists", cols, columns=[{"name": "政策解读", "synonyms": ["解读回应", "政策解读 与 回应"]}]))
    assert o.status == "pass"
    assert o.message == "已设置栏目“政策解读与回应”"
    assert o.record == "政策解读"
    assert o.evidence[0].source == "web" and o.evidence[0].url == cols[0].url


def test_exists_fails_when_absent_and_suggests_near_name():
    cols = [col("政策解读专栏"), col("通知公告")]
    o = only(run("column.exists", cols, columns=["政策解读"]))
    assert o.status == "fail"
    assert o.message == "未找到栏目“政策解读”；相近的栏目：政策解读专栏"


def test_exists_not_configured_fails_unreachable_unknown():
    cols = [col("社会救助", status="not_configured"), col("政策文件", status="unreachable", error="HTTP 503")]
    out = {o.record: o for o in run("column.exists", cols, columns=["社会救助", "政策文件"])}
    assert out["社会救助"].status == "fail"
    assert out["政策文件"].status == "unknown"
    assert "HTTP 503" in out["政策文件"].message


def test_exists_prefers_reachable_match():
    cols = [col("解读回应", status="unreachable", error="超时"), col("政策解读")]
    o = only(run("column.exists", cols, columns=[{"name": "政策解读", "synonyms": ["解读回应"]}]))
    assert o.status == "pass" and "政策解读" in o.message


def test_exists_without_column_evidence_is_unknown():
    o = only(run("column.exists", None, columns=["社会救助"]))
    assert (o.status, o.message) == ("unknown", "未提供网站栏目采集结果")


def test_exists_needs_columns_param():
    with pytest.raises(ValidationError):
        get_kind("column.exists").params.model_validate({})


# ------------------------------------------------------------------ column.not_empty


def test_not_empty_all_columns():
    cols = [
        col("通知公告", [post("关于春节放假的通知", d("2024-02-01"))]),
        col("政策解读", []),
        col("财政预决算", status="unreachable", error="连接超时"),
        col("人事信息", status="not_crawled"),
    ]
    out = {o.record: o for o in run("column.not_empty", cols)}
    assert out["通知公告"].status == "pass"
    assert out["政策解读"].status == "fail"
    assert out["政策解读"].message == "栏目“政策解读”为空白栏目，没有任何信息"
    assert out["财政预决算"].status == "unknown" and "连接超时" in out["财政预决算"].message
    assert out["人事信息"].status == "unknown"


def test_not_empty_missing_column_is_unknown_not_fail():
    o = only(run("column.not_empty", [col("通知公告")], columns="政策解读"))
    assert o.status == "unknown"


# ------------------------------------------------------------------ column.fresh


def test_fresh_message_for_stale_notice_column():
    cols = [col("通知公告", [post("关于开展低保专项治理的通知", d("2024-03-15"))])]
    o = only(run("column.fresh", cols, columns=["通知公告"]))
    assert o.status == "fail"
    assert o.message == "栏目“通知公告”最近更新为2024-03-15，距检查日已291天，超过183天"
    assert o.evidence[0].date == d("2024-03-15")
    assert "183天内更新" in o.fix


@pytest.mark.parametrize(
    "newest,status",
    [("2024-12-17", "pass"), ("2024-12-16", "fail")],  # 14 days allowed, 15 not
)
def test_fresh_news_boundary(newest, status):
    cols = [col("工作动态", [post("动态", d(newest))])]
    assert only(run("column.fresh", cols, columns=["工作动态"])).status == status


def test_fresh_ignores_posts_after_as_of_and_undated_posts():
    cols = [
        col(
            "政策文件",
            [
                post("2025年文件", d("2025-01-05")),
                post("无日期文件"),
                post("2024年文件", d("2024-05-01")),
            ],
        )
    ]
    o = only(run("column.fresh", cols, columns=["政策文件"]))
    assert o.status == "fail"
    assert o.message.startswith("栏目“政策文件”最近更新为2024-05-01，距检查日已244天，超过183天")
    assert "另有1条信息无发布日期" in o.message


def test_fresh_and_stale_columns_follow_a_column_whose_posts_changed():
    # column.fresh and site.stale_columns share the newest post of a column (worked out
    # once per Column): a Column given other posts is judged on those
    c = col("工作动态", [post("旧动态", d("2024-01-02"))])
    assert only(run("column.fresh", [c], columns=["工作动态"])).status == "fail"
    c.posts[0] = post("新动态", d("2024-12-30"))
    o = only(run("column.fresh", [c], columns=["工作动态"]))
    assert o.status == "pass" and "最近更新为2024-12-30" in o.message
    c.posts.append(post("未来动态", d("2025-02-01")))
    stale = only(run("site.stale_columns", [c]))
    assert stale.status == "pass" and "0个未按期更新" in stale.message
    other = col("工作动态", [post("旧动态", d("2023-05-06"))])
    assert "最近更新为2023-05-06" in only(run("column.fresh", [other], columns=["工作动态"])).message


def test_fresh_only_future_posts_is_unknown():
    cols = [col("工作动态", [post("明年的动态", d("2025-01-03"))])]
    o = only(run("column.fresh", cols, columns=["工作动态"]))
    assert o.status == "unknown" and "晚于检查日" in o.message


def test_fresh_limits_by_category_spec_and_default():
    p = lambda name, date: col(name, [post(name, d(date))])  # noqa: E731
    cols = [
        p("人事任免", "2024-01-10"),  # 356 days, 人事 365 -> pass
        p("发展规划", "2023-12-01"),  # 396 days, 规划计划 365 -> fail
        p("城乡低保", "2024-02-01"),  # other -> default_days 300 -> fail (334)
        p("部门要闻", "2024-12-01"),  # 30 days, 动态要闻 overridden to 31 -> pass
    ]
    out = {
        o.record: o
        for o in run("column.fresh", cols, default_days=300, max_age_days={"动态要闻": 31})
    }
    assert out["人事任免"].status == "pass"
    assert out["发展规划"].status == "fail" and "超过365天" in out["发展规划"].message
    assert out["城乡低保"].status == "fail" and "超过300天" in out["城乡低保"].message
    assert out["部门要闻"].status == "pass" and "未超过31天" in out["部门要闻"].message


def test_fresh_spec_limit_and_column_name_key_win():
    cols = [col("通知公告", [post("通知", d("2024-10-01"))]), col("工作动态", [post("动态", d("2024-12-01"))])]
    out = {
        o.record: o
        for o in run(
            "column.fresh",
            cols,
            columns=[{"name": "通知公告", "max_age_days": 60}, "工作动态"],
            max_age_days={"工作动态": 40, "动态要闻": 7},
        )
    }
    assert out["通知公告"].status == "fail" and "超过60天" in out["通知公告"].message
    assert out["工作动态"].status == "pass" and "未超过40天" in out["工作动态"].message


def test_fresh_single_int_limit():
    cols = [col("通知公告", [post("通知", d("2024-10-01"))])]
    assert only(run("column.fresh", cols, max_age_days=30)).status == "fail"


def test_fresh_blank_fails_unreachable_unknown():
    cols = [col("政策文件", []), col("通知公告", status="unreachable", error="HTTP 502")]
    out = {o.record: o for o in run("column.fresh", cols)}
    assert out["政策文件"].status == "fail" and "空白栏目" in out["政策文件"].message
    assert out["通知公告"].status == "unknown" and "HTTP 502" in out["通知公告"].message


def test_category_of():
    assert category_of("工作动态").name == "动态要闻"
    assert category_of("通知公告").name == "通知公告"
    assert category_of("规范性文件").name == "政策文件"
    assert category_of("人事信息").name == "人事"
    assert category_of("年度工作计划").name == "规划计划"
    assert category_of("政策解读") is None


def test_realdata_pingtan_dibao_column_has_no_dates():
    """平潭 城乡低保: 50 real titles listed, none with a publication date."""
    text = (REALDATA / "fujian_pingtan_column_cxdb_chengxiang_dibao_index.md").read_text(encoding="utf-8")
    titles = [m.group(1).strip() for m in re.finditer(r"^\| ([^|]+?) \|  \|", text, re.M)]
    titles = [t for t in titles if t != "标题"]
    assert len(titles) == 50  # the index lists 50 of the column's 56 documents
    cols = [col("城乡低保", [post(t, n=i) for i, t in enumerate(titles)])]
    fresh = only(run("column.fresh", cols))
    assert fresh.status == "fail"
    assert fresh.message == "栏目“城乡低保”的50条信息均无发布日期，无日期的信息不视为更新"
    assert only(run("column.not_empty", cols)).status == "pass"
    # has_post over any date counts undated titles; a plan-year window cannot.
    anyw = only(run("column.has_post", cols, column="城乡低保", keywords_all=["2024年", "发放"], window="any"))
    assert anyw.status == "pass" and "有11条" in anyw.message
    year = only(run("column.has_post", cols, column="城乡低保", keywords_all=["2024年", "发放"]))
    assert year.status == "fail" and "另有11条符合条件的信息无发布日期" in year.message


def test_assess_freshness_states():
    c = col("通知公告", [post("a", d("2024-12-01")), post("b")])
    f = assess_freshness("通知公告", c, AS_OF, "通知公告", 183)
    assert (f.state, f.age_days, f.undated, f.newest.title) == ("fresh", 30, 1, "a")
    assert assess_freshness("x", col("x", status="not_crawled"), AS_OF, "其他", 365).state == "not_crawled"


# ------------------------------------------------------------------ site.stale_columns


def _site(stale: int, fresh: int, blank: int = 0, unreachable: int = 0):
    cols = [col(f"通知公告{i}", [post("旧通知", d("2024-01-02"), n=i)]) for i in range(stale)]
    cols += [col(f"政策文件{i}", [post("新文件", d("2024-12-02"), n=100 + i)]) for i in range(fresh)]
    cols += [col(f"专栏{i}", []) for i in range(blank)]
    cols += [col(f"工作动态{i}", status="unreachable", error="HTTP 503") for i in range(unreachable)]
    return cols


def test_stale_columns_five_stale_is_veto():
    o = only(run("site.stale_columns", _site(stale=5, fresh=10)))
    assert o.status == "fail"
    assert o.message.startswith("单项否决：5个栏目未按期更新：“通知公告0”（最近2024-01-02，超过183天）")
    assert len(o.evidence) == 5 and o.record == "site"


def test_stale_columns_four_stale_passes():
    o = only(run("site.stale_columns", _site(stale=4, fresh=10)))
    assert o.status == "pass"
    assert o.message.startswith("共14个栏目，4个未按期更新")


def test_stale_columns_unreachable_could_tip_the_count():
    o = only(run("site.stale_columns", _site(stale=4, fresh=10, unreachable=1)))
    assert o.status == "unknown"
    assert "工作动态0" in o.message


def test_stale_columns_unreachable_excluded_and_named():
    o = only(run("site.stale_columns", _site(stale=5, fresh=3, unreachable=2)))
    assert o.status == "fail"
    assert "2个栏目无法核验，未计入：工作动态0、工作动态1" in o.message


def test_stale_columns_most_unreachable_unknown():
    o = only(run("site.stale_columns", _site(stale=0, fresh=2, unreachable=3), threshold_stale=10, threshold_blank=10))
    assert o.status == "unknown" and o.message.startswith("多数栏目无法核验")


def test_stale_columns_blank_threshold():
    assert only(run("site.stale_columns", _site(stale=0, fresh=3, blank=5))).status == "fail"
    o = only(run("site.stale_columns", _site(stale=0, fresh=3, blank=2), threshold_blank=2))
    assert o.status == "fail" and "2个空白栏目：“专栏0”、“专栏1”" in o.message


# ------------------------------------------------------------------ column.has_post


def _jd():
    return [
        col(
            "政策解读",
            [
                post("《最低生活保障审核确认办法》政策解读", d("2024-08-12"), n=1),
                post("图解：临时救助实施细则", d("2024-03-02"), n=2, body="本文解读临时救助实施细则"),
                post("《特困人员认定办法》解读", d("2023-11-02"), n=3),
                post("政策问答", None, n=4),
            ],
        )
    ]


def test_has_post_counts_in_plan_year_and_lists_evidence():
    o = only(run("column.has_post", _jd(), column="政策解读", keywords_any=["解读"]))
    assert o.status == "pass"
    assert o.message == "栏目“政策解读”2024年有1条标题含“解读”的信息（要求至少1条）"
    assert [e.url for e in o.evidence] == ["http://127.0.0.1/art/1.html"]


def test_has_post_min_count_fail_message():
    o = only(run("column.has_post", _jd(), column="政策解读", keywords_any=["解读"], min_count=2))
    assert o.status == "fail"
    assert o.message == "栏目“政策解读”2024年仅有1条标题含“解读”的信息，要求至少2条"


def test_has_post_search_body():
    o = only(run("column.has_post", _jd(), column="政策解读", keywords_any=["解读"], min_count=2, search_body=True))
    assert o.status == "pass" and "有2条标题或正文含“解读”" in o.message


def test_has_post_search_body_without_bodies_is_unknown():
    cols = [col("政策解读", [post("图解：临时救助实施细则", d("2024-03-02"))])]
    o = only(run("column.has_post", cols, column="政策解读", keywords_any=["解读"], search_body=True))
    assert o.status == "unknown" and "1条信息未采集正文" in o.message


def test_has_post_windows():
    from_to = only(run("column.has_post", _jd(), column="政策解读", window={"from": "2023-11-01", "to": "2024-03-31"}))
    assert from_to.status == "pass" and "2023-11-01至2024-03-31期间有2条信息" in from_to.message
    last = only(run("column.has_post", _jd(), column="政策解读", window={"last_days": 200}, min_count=2))
    assert last.status == "fail" and "近200天内（2024-06-15至2024-12-31）仅有1条信息" in last.message
    anyw = only(run("column.has_post", _jd(), column="政策解读", window="any", min_count=4))
    assert anyw.status == "pass"


def test_has_post_as_of_mid_year_caps_window():
    o = only(run("column.has_post", _jd(), as_of=d("2024-06-30"), column="政策解读", keywords_any=["解读"]))
    assert o.status == "fail"
    assert "2024年（截至2024-06-30）没有" in o.message and "1条晚于检查日的信息不计" in o.message


def test_has_post_posts_outside_window_neither_count_nor_note():
    # dated before the window, or after its end but not after the audit date: skipped;
    # undated and after the audit date: noted
    cols = [
        col(
            "通知公告",
            [
                post("关于养老服务的通知", d("2023-12-31")),
                post("关于养老服务补贴的通知", d("2024-03-01")),
                post("关于养老机构的公告", d("2024-08-01")),
                post("养老服务无日期通知"),
                post("养老服务明年通知", d("2025-01-02")),
            ],
        )
    ]
    o = only(run("column.has_post", cols, column="通知公告", keywords_any=["养老"], window={"from": "2024-01-01", "to": "2024-06-30"}))
    assert o.status == "pass"
    assert "有1条标题含“养老”的信息" in o.message
    assert "另有1条符合条件的信息无发布日期，不计入" in o.message and "1条晚于检查日的信息不计" in o.message
    assert [r.date for r in o.evidence] == [d("2024-03-01")]


def test_has_post_keywords_all_and_regex():
    cols = [
        col(
            "社会救助",
            [
                post("关于调整2024年城乡低保标准的通知", d("2024-06-01"), n=1),
                post("关于调整2024年特困人员供养标准的通知", d("2024-06-01"), n=2),
                post("2024年低保资金发放明细", d("2024-07-01"), n=3),
            ],
        )
    ]
    o = only(run("column.has_post", cols, column="社会救助", keywords_all=["调整", "标准"], min_count=2))
    assert o.status == "pass" and "同时含“调整”“标准”" in o.message
    o = only(run("column.has_post", cols, column="社会救助", title_pattern=r"(低保|最低生活保障)标准"))
    assert o.status == "pass" and "有1条" in o.message


def test_has_post_union_of_columns_dedupes_urls():
    shared = post("关于调整2024年城乡低保标准的通知", d("2024-06-01"), n=7)
    cols = [col("社会救助", [shared]), col("通知公告", [shared]), col("政策文件", status="unreachable", error="x")]
    o = only(run("column.has_post", cols, column=["社会救助", "通知公告"], keywords_any=["低保"], min_count=2))
    assert o.status == "fail" and "仅有1条" in o.message
    # one column unreachable: the missing post might be there
    o = only(run("column.has_post", cols, column=["社会救助", "政策文件"], keywords_any=["低保"], min_count=2))
    assert o.status == "unknown" and "栏目“政策文件”无法访问（x）" in o.message


def test_has_post_missing_column_fails():
    o = only(run("column.has_post", [col("通知公告")], column="政策解读"))
    assert o.status == "fail" and o.message.startswith("未找到栏目“政策解读”")


@pytest.mark.parametrize("pattern", ["(a+)+b", r"(\w*)*x", "x" * 201, "(unclosed"])
def test_has_post_rejects_unsafe_or_broken_patterns(pattern):
    with pytest.raises(ValidationError):
        get_kind("column.has_post").params.model_validate({"column": "x", "title_pattern": pattern})


def test_has_post_rejects_mixed_window():
    with pytest.raises(ValidationError):
        get_kind("column.has_post").params.model_validate(
            {"column": "x", "window": {"last_days": 30, "from": "2024-01-01"}}
        )


# ------------------------------------------------------------------ column.links_ok


def test_links_ok_reports_each_broken_link_once():
    att_bad = Attachment(url="http://127.0.0.1/fj/a.pdf", title="附件1.pdf", status=404)
    cols = [
        col(
            "政策文件",
            [
                post("文件一", d("2024-05-01"), n=1, body_status=200, attachments=[att_bad]),
                post("文件二", d("2024-05-02"), n=2, body_status=200, attachments=[att_bad]),
                post("文件三", d("2024-05-03"), n=3, body_status=500),
                post("文件四", d("2024-05-04"), n=4, body_error="连接超时"),
                post("文件五", d("2024-05-05"), n=5),
            ],
        )
    ]
    out = run("column.links_ok", cols)
    fails = [o for o in out if o.status == "fail"]
    assert [o.record for o in fails] == [
        "http://127.0.0.1/fj/a.pdf",
        "http://127.0.0.1/art/3.html",
        "http://127.0.0.1/art/4.html",
    ]
    assert fails[0].message == (
        "栏目“政策文件”的信息“文件一”的附件“附件1.pdf”无法打开（HTTP 404）：http://127.0.0.1/fj/a.pdf"
    )
    assert "HTTP 500" in fails[1].message and "连接超时" in fails[2].message
    assert fails[0].evidence[0].url == "http://127.0.0.1/fj/a.pdf"


def test_links_ok_pass_counts_checked_and_unchecked():
    cols = [
        col(
            "政策文件",
            [
                post("文件一", d("2024-05-01"), n=1, body_status=200,
                     attachments=[Attachment(url="http://127.0.0.1/fj/b.pdf", status=200)]),
                post("文件二", d("2024-05-02"), n=2),
            ],
        )
    ]
    o = only(run("column.links_ok", cols))
    assert (o.status, o.message) == ("pass", "栏目“政策文件”检查了2个链接，均可访问（另有1个未检查）")
    o = only(run("column.links_ok", cols, include_attachments=False))
    assert o.message == "栏目“政策文件”检查了1个链接，均可访问（另有1个未检查）"


def test_links_ok_nothing_checked_unknown():
    cols = [col("政策文件", [post("文件一", d("2024-05-01"))]), col("政策解读", [])]
    out = {o.record: o for o in run("column.links_ok", cols)}
    assert out["政策文件"].status == "unknown" and "尚未检查" in out["政策文件"].message
    assert out["政策解读"].status == "unknown"
