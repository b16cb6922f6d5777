"""The shipped demo site (fixtures/sites) crawled end to end through the CLI, as the demo
audit does: served on a free port of 127.0.0.1, every column read, the planted problems
present in the evidence, and a second crawl answered by 304s."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import requests

from gkcheck.cli import main
from gkcheck.crawl.cli import demo_base
from gkcheck.crawl.config import load_sites
from gkcheck.crawl.evidence import columns_from_store
from gkcheck.crawl.progress import BarProgress, LogProgress, make_progress

REPO = Path(__file__).resolve().parents[1]
D = dt.date


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    store = tmp / "gkcheck.db"
    cfg = tmp / "gkcheck.yaml"
    cfg.write_text(
        f"sites: {REPO / 'fixtures' / 'sites.yaml'}\nserve_fixtures: {REPO / 'fixtures' / 'sites'}\nstore: {store}\n",
        encoding="utf-8",
    )
    first, second = tmp / "first.json", tmp / "second.json"
    assert main(["crawl", str(cfg), "--delay", "0", "--concurrency", "3", "-q", "--stats", str(first)]) == 0
    assert main(["crawl", str(cfg), "--delay", "0", "--concurrency", "3", "-q", "--stats", str(second)]) == 0
    sites = load_sites(REPO / "fixtures" / "sites.yaml")
    cols = columns_from_store(store, sites, {u.unit: u.unit for u in sites.units})
    return {
        "first": json.loads(first.read_text(encoding="utf-8")),
        "second": json.loads(second.read_text(encoding="utf-8")),
        "cols": cols,
    }


def test_demo_crawl_figures(demo):
    first, second = demo["first"], demo["second"]
    assert (first["pages"], first["list_pages"], first["body_pages"], first["errors"]) == (221, 50, 171, {})
    assert (first["columns_ok"], first["columns_unreachable"], first["posts"]) == (41, 0, 275)
    assert first["notes"] == {"offsite_link": 1}
    assert (second["pages"], second["not_modified"], second["errors"]) == (0, 221, {})
    # attachments: 8 links checked (one of them the planted 404), the 卫健局 report's PDF downloaded
    files = ("files_checked", "files_downloaded", "files_not_modified", "files_broken")
    assert tuple(first[k] for k in files) == (8, 1, 0, 1)
    assert tuple(second[k] for k in files) == (8, 0, 8, 1)  # all but the broken one answer 304


def test_demo_columns_and_pagination(demo):
    got = {(u, n): (c.status, c.pages, len(c.posts)) for u, cols in demo["cols"].items() for n, c in cols.items()}
    assert got == {
        ("市民政局", "社会救助"): ("ok", 2, 14),
        ("市民政局", "政策文件"): ("ok", 3, 45),  # TRS index.html, index_1.html, index_2.html
        ("市民政局", "政策解读"): ("ok", 1, 10),
        ("市民政局", "通知公告"): ("ok", 1, 12),
        ("市民政局", "年度报告"): ("ok", 1, 2),
        ("市民政局", "公开指南"): ("ok", 1, 1),
        ("市教育和体育局", "政策文件"): ("ok", 3, 32),  # Hanweb page + two data-proxy groups
        ("市教育和体育局", "政策解读"): ("ok", 1, 5),
        ("市教育和体育局", "通知公告"): ("ok", 2, 20),
        ("市教育和体育局", "年度报告"): ("ok", 1, 1),
        ("市教育和体育局", "公开指南"): ("ok", 1, 1),
        ("市人力资源和社会保障局", "通知公告"): ("ok", 2, 20),  # ?page=2
        ("市人力资源和社会保障局", "政策文件"): ("ok", 1, 12),
        ("市人力资源和社会保障局", "政策解读"): ("ok", 1, 4),
        ("市人力资源和社会保障局", "年度报告"): ("ok", 1, 1),
        ("市人力资源和社会保障局", "公开指南"): ("ok", 1, 1),
        ("市住房和城乡建设局", "政策文件"): ("ok", 2, 18),
        ("市住房和城乡建设局", "政策解读"): ("ok", 1, 4),
        ("市住房和城乡建设局", "通知公告"): ("ok", 1, 10),
        ("市住房和城乡建设局", "年度报告"): ("ok", 1, 2),
        ("市住房和城乡建设局", "公开指南"): ("ok", 1, 1),
        ("钢山街道", "通知公告"): ("ok", 2, 8),
        ("钢山街道", "政策文件"): ("ok", 1, 6),
        ("钢山街道", "社会救助"): ("ok", 1, 0),  # a blank column, not a failed one
        ("钢山街道", "年度报告"): ("ok", 1, 1),
        ("钢山街道", "工作动态"): ("ok", 1, 3),
        ("钢山街道", "人事信息"): ("ok", 1, 1),
        ("钢山街道", "规划计划"): ("ok", 1, 2),
        ("钢山街道", "财政信息"): ("ok", 1, 1),
        ("钢山街道", "乡村振兴"): ("ok", 1, 1),
        ("市卫生健康局", "政策文件"): ("ok", 1, 8),  # dates written 2024.11.20
        ("市卫生健康局", "政策解读"): ("ok", 1, 3),
        ("市卫生健康局", "通知公告"): ("ok", 1, 9),
        ("市卫生健康局", "年度报告"): ("ok", 1, 2),
        ("市卫生健康局", "公开指南"): ("ok", 1, 1),
        # each unit's homepage (profile: homepage): its dated links
        ("市民政局", "首页"): ("ok", 1, 3),
        ("市教育和体育局", "首页"): ("ok", 1, 2),
        ("市人力资源和社会保障局", "首页"): ("ok", 1, 2),
        ("市住房和城乡建设局", "首页"): ("ok", 1, 2),
        ("市卫生健康局", "首页"): ("ok", 1, 2),
        ("钢山街道", "首页"): ("ok", 1, 2),
    }
    for cols in demo["cols"].values():
        for c in cols.values():
            for p in c.posts:
                assert p.date is not None and D(2023, 1, 1) <= p.date <= D(2024, 12, 31), (p.title, p.date)
                assert not p.title.endswith("…"), p.title


def test_demo_posts_carry_what_the_checks_need(demo):
    mzj = demo["cols"]["市民政局"]
    dibao = next(p for p in mzj["社会救助"].posts if p.title == "关于调整2024年城乡最低生活保障标准的通知")
    assert dibao.date == D(2024, 6, 24)
    assert "城市低保标准由每人每月880元提高到920元，农村低保标准由每人每年8400元提高到8800元，自2024年7月1日起执行" in dibao.body
    jd = next(p for p in mzj["政策解读"].posts if "最低生活保障标准的通知》政策解读" in p.title)
    assert "880元提高到950元" in jd.body and dibao.url in jd.links and jd.url in dibao.links
    assert "王堃" in mzj["公开指南"].posts[0].body  # a GBK character in a page declared gb2312
    assert [(p.title, p.date) for p in mzj["年度报告"].posts][0] == ("邹城市民政局2023年政府信息公开工作年度报告", D(2024, 1, 25))
    assert "三、收到和处理政府信息公开申请情况" in mzj["年度报告"].posts[0].body
    august = next(p for p in mzj["社会救助"].posts if p.title.startswith("2024年8月"))
    assert [a.title for a in august.attachments] == ["2024年8月发放明细.xlsx"]
    assert (august.attachments[0].status, august.attachments[0].error) == (404, None)  # the planted broken link
    july = next(p for p in mzj["社会救助"].posts if p.title.startswith("2024年7月"))
    assert july.attachments[0].url.endswith("/mzj/zfxxgk/shjz/202408/P020240808231456987412.xlsx")
    assert july.attachments[0].status == 200  # checked again by a conditional HEAD: 304 confirms the 200
    offsite = [p for p in mzj["政策文件"].posts if "shandong.gov.cn" in p.url]
    # not fetched on purpose: no body, and no fetch error either (it is not a broken link)
    assert len(offsite) == 1 and offsite[0].body is None and offsite[0].body_error is None
    assert "站外" in offsite[0].body_skipped and offsite[0].body_status is None
    zjj = demo["cols"]["市住房和城乡建设局"]
    assert max(p.date for p in zjj["通知公告"].posts) == D(2024, 5, 20)  # stale
    assert zjj["年度报告"].posts[0].date == D(2024, 2, 20)  # late
    rsj = demo["cols"]["市人力资源和社会保障局"]["通知公告"].posts
    assert (rsj[0].date, rsj[-1].date) == (D(2024, 12, 19), D(2023, 12, 15))  # [12-19] with its year
    jtj = demo["cols"]["市教育和体育局"]["政策文件"].posts
    assert jtj[-1].title == "关于做好2023年春季学期学生资助工作的通知" and jtj[-1].body


def test_attachments_are_served_while_the_demo_runs():
    with demo_base(REPO, "fixtures/sites") as base:
        r = requests.get(f"{base}/mzj/zfxxgk/shjz/202407/P020240710125478963214.xlsx", timeout=5)
        assert r.status_code == 200 and r.content[:2] == b"PK"
        assert requests.get(f"{base}/mzj/zfxxgk/shjz/202409/P020240909412365874123.xlsx", timeout=5).status_code == 404
        assert requests.get(f"{base}/_make.py", timeout=5).status_code == 404
        r = requests.get(f"{base}/mzj/zfxxgk/shjz/index.html", timeout=5)
        assert "charset" not in r.headers["Content-Type"] and b"gb2312" in r.content[:300]
    with demo_base(REPO, None) as nothing:
        assert nothing is None


def test_progress_bar_on_a_terminal_and_lines_otherwise():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert isinstance(make_progress(Tty()), BarProgress)
    out = io.StringIO()
    p = make_progress(out)
    assert isinstance(p, LogProgress)
    p.start(2)
    p.page(kind="list", unit="市民政局", column="社会救助", url="http://h/a", status=200, bytes=2048)
    p.page(kind="body", unit="市民政局", column="社会救助", url="http://h/b", status=503,
           error_kind="http_503", error="服务暂不可用（HTTP 503）")  # fmt: skip
    p.column_done(unit="市民政局", column="社会救助", status="unreachable", posts=1, error="第2页失败")
    lines = out.getvalue().splitlines()
    assert lines[0] == "[抓取] 开始：2 个栏目"
    assert lines[1] == "[抓取] 市民政局/社会救助 列表 200 2.0KB http://h/a"
    assert lines[2] == "[抓取] 市民政局/社会救助 正文 失败 http://h/b：服务暂不可用（HTTP 503）"
    assert "（1/2）1 篇，无法访问：第2页失败" in lines[3]
    assert (p.pages, p.errors) == (1, 1)
    assert make_progress(out, quiet=True) is None
