"""The crawler against a real HTTP server on 127.0.0.1 that misbehaves on purpose.

Every failure must be recorded with its URL and reason, the crawl must go on, and a
column whose fetch failed must never look like an empty or incomplete column to a check.
"""

import datetime as dt
import time
from pathlib import Path

import pytest

from gkcheck.checks.registry import CheckContext, get_kind
from gkcheck.crawl.config import parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.evidence import columns_from_store
from gkcheck.crawl.fetch import Fetcher
from gkcheck.crawl.fixture_server import Fault, FixtureServer, serve
from gkcheck.crawl.store import Store
from gkcheck.errors import ConfigError
from gkcheck.model import Rule, Unit, UnitEvidence

UNIT = "市测试局"


def _list(items, next_href=None, charset="utf-8", extra=""):
    lis = "".join(
        f'<li><a href="{href}" title="{title}">{title[:12] + "…" if len(title) > 14 else title}</a><span>{date}</span></li>'
        for href, title, date in items
    )
    nxt = f'<div class="page"><a href="{next_href}">下一页</a></div>' if next_href else ""
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>'
        f'<body><div class="nav"><a href="/">首页</a></div><ul class="list">{lis}</ul>{nxt}{extra}</body></html>'
    )


def _article(title, text):
    return (
        f'<html><head><meta charset="utf-8"><meta name="PubDate" content="2024-06-24"></head><body>'
        f'<div class="nav"><a href="/">首页</a></div><h1>{title}</h1><div id="zoom"><p>{text}</p></div></body></html>'
    )


def make_site(root: Path) -> None:
    def put(rel, text, enc="utf-8"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode(enc))

    posts = [(f"./a{i}.html", f"关于开展第{i}批社会救助政策宣传活动的通知", f"2024-06-{10 + i:02d}") for i in range(1, 6)]
    offsite = [("http://example.com/art/2024/6/1/art_1_1.html", "上级部门转发的一份政策文件", "2024-06-01")]
    put("list/index.html", _list(posts + offsite, next_href="http://example.org/list/index_1.html"))
    for i in range(1, 6):
        put(f"list/a{i}.html", _article(f"第{i}批", f"城市低保标准为每人每月92{i}元。"))
    put("gbk/index.html", _list([("./g1.html", "联系人王堃的社会救助服务热线公告", "2024-05-06")], charset="gb2312"), "gbk")
    for name in ("flaky", "down", "slow", "reset", "private"):
        put(f"{name}/index.html", _list([(f"./{name}1.html", f"{name} 栏目里的一条通知公告", "2024-03-01")]))
    put("pages/a.html", _list([("./p1.html", "第一页上的一条通知公告内容", "2024-02-01")], next_href="b.html"))
    put("pages/b.html", _list([("./p2.html", "第二页上的一条通知公告内容", "2024-01-01")], next_href="a.html"))
    put("big/index.html", _list([("/huge.html", "一个巨大的正文页面", "2024-04-01")]))


FAULTS = [
    Fault("/flaky/index.html", "status", status=500, times=1),
    Fault("/down/*", "status", status=503),
    Fault("/slow/*", "slow", delay=1.5),
    Fault("/reset/*", "reset"),
    Fault("/loop-a.html", "redirect", location="/loop-b.html"),
    Fault("/loop-b.html", "redirect", location="/loop-a.html"),
    Fault("/gbk/*", "charset", charset="UTF-8"),
    Fault("/endless/*", "endless"),
    Fault("/huge.html", "huge", size=50_000_000),
]
ROBOTS = "User-agent: *\nDisallow: /private/\n"

CONFIG = {
    "defaults": {
        "concurrency_per_host": 3,
        "delay": 0,
        "timeout": [1, 0.4],
        "retries": 1,
        "backoff": 0.05,
        "max_bytes": 300_000,
        "max_pages": 4,
    },
    "units": [
        {
            "unit": UNIT,
            "columns": [
                {"name": "政策文件", "url": "{base}/list/index.html", "bodies": True},
                {"name": "编码", "url": "{base}/gbk/index.html"},
                {"name": "偶发故障", "url": "{base}/flaky/index.html"},
                {"name": "持续故障", "url": "{base}/down/index.html"},
                {"name": "超时", "url": "{base}/slow/index.html"},
                {"name": "连接重置", "url": "{base}/reset/index.html"},
                {"name": "重定向循环", "url": "{base}/loop-a.html"},
                {"name": "禁止抓取", "url": "{base}/private/index.html"},
                {"name": "分页循环", "url": "{base}/pages/a.html"},
                {"name": "无尽分页", "url": "{base}/endless/list.html"},
                {"name": "巨大正文", "url": "{base}/big/index.html", "bodies": True},
                {"name": "巨大列表", "url": "{base}/huge.html"},
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the faulty site; shared by the tests below."""
    tmp = tmp_path_factory.mktemp("faults")
    make_site(tmp / "site")
    sites = parse_sites(CONFIG, tmp / "sites.yaml")
    store = tmp / "gkcheck.db"
    with serve(tmp / "site", faults=FAULTS, robots=ROBOTS) as base:
        t0 = time.monotonic()
        stats = crawl(sites, store, base=base)
        elapsed = time.monotonic() - t0
        cols = columns_from_store(store, sites, {UNIT: "csj"})["csj"]
        yield {"stats": stats, "cols": cols, "server": base.server, "store": store, "base": base,
               "sites": sites, "elapsed": elapsed}  # fmt: skip


def test_crawl_completes_and_records_every_failure_with_url_and_reason(crawled):
    stats, base = crawled["stats"], crawled["base"]
    assert crawled["elapsed"] < 20
    by_url = {f["url"]: f for f in stats.failures}
    assert by_url[f"{base}/down/index.html"]["kind"] == "http_503"
    assert "503" in by_url[f"{base}/down/index.html"]["error"]
    assert by_url[f"{base}/slow/index.html"]["kind"] == "timeout"
    assert by_url[f"{base}/reset/index.html"]["kind"] == "reset"
    assert by_url[f"{base}/loop-a.html"]["kind"] == "redirect_loop"
    assert "/loop-b.html" in by_url[f"{base}/loop-a.html"]["error"]
    assert by_url[f"{base}/private/index.html"]["kind"] == "robots"
    assert by_url[f"{base}/huge.html"]["kind"] == "too_large"
    assert dict(stats.errors) == {
        "http_503": 1, "timeout": 1, "reset": 1, "redirect_loop": 1, "robots": 1, "too_large": 1,
    }  # fmt: skip
    # the same failures are in the store, with their URLs and reasons
    with Store(crawled["store"], base=base) as s:
        stored = {(f["url"], f["error_kind"]) for f in s.failures(stats.crawl_id)}
    assert stored == {(f["url"], f["kind"]) for f in stats.failures}


def test_retry_after_500_then_success(crawled):
    cols, server = crawled["cols"], crawled["server"]
    assert server.hits("/flaky/index.html") == 2
    assert cols["偶发故障"].status == "ok" and [p.title for p in cols["偶发故障"].posts] == ["flaky 栏目里的一条通知公告"]
    assert server.hits("/down/index.html") == 2  # retried once, then recorded
    assert server.hits("/reset/index.html") == 2


def test_failed_columns_are_unreachable_with_reason_never_empty(crawled):
    cols = crawled["cols"]
    for name, words in [
        ("持续故障", "HTTP 503"), ("超时", "超时"), ("连接重置", "重置"), ("重定向循环", "重定向循环"),
        ("禁止抓取", "robots.txt"), ("巨大列表", "截断"),
    ]:  # fmt: skip
        col = cols[name]
        assert col.status == "unreachable", name
        assert words in col.error and "http://127.0.0.1:" in col.error, (name, col.error)


def test_checks_answer_unknown_for_columns_whose_fetch_failed(crawled):
    cols = crawled["cols"]
    unit = Unit(id="csj", name=UNIT)
    ev = UnitEvidence(unit_id="csj", columns=cols)
    for check, params, column in [
        ("column.has_post", {"column": "持续故障", "keywords_any": ["通知"]}, "持续故障"),
        ("column.has_post", {"column": "超时", "keywords_any": ["通知"]}, "超时"),
        ("column.not_empty", {"columns": ["连接重置", "禁止抓取"]}, None),
    ]:
        kind = get_kind(check)
        rule = Rule(id="T", title="t", check=check, **{"with": params})
        ctx = CheckContext(unit=unit, evidence=ev, as_of=dt.date(2024, 12, 31), plan_year=2024, rule=rule)
        outcomes = list(kind.func(ctx, kind.params.model_validate(params)))
        assert outcomes and {o.status for o in outcomes} == {"unknown"}, (check, [o.message for o in outcomes])
    # and a column that was fetched is judged on its posts
    kind = get_kind("column.has_post")
    params = {"column": "偶发故障", "keywords_any": ["通知公告"]}
    rule = Rule(id="T", title="t", check="column.has_post", **{"with": params})
    ctx = CheckContext(unit=unit, evidence=ev, as_of=dt.date(2024, 12, 31), plan_year=2024, rule=rule)
    assert {o.status for o in kind.func(ctx, kind.params.model_validate(params))} == {"pass"}


def test_wrong_charset_header_on_gbk_page(crawled):
    col = crawled["cols"]["编码"]
    assert col.status == "ok"
    assert [p.title for p in col.posts] == ["联系人王堃的社会救助服务热线公告"]


def test_huge_page_is_cut_at_max_bytes_and_recorded(crawled):
    stats, base = crawled["stats"], crawled["base"]
    with Store(crawled["store"], base=base) as s:
        page = s.page(stats.crawl_id, f"{base}/huge.html")
    assert page["bytes"] == 300_000 and page["truncated"] == 1 and page["error_kind"] == "too_large"
    assert "300,000" in page["error"] and "50,000,000" in page["error"]
    big = crawled["cols"]["巨大正文"]  # the same page as a post body: cut, recorded on the post
    assert big.status == "ok" and big.posts[0].body_error.startswith("页面超过大小上限")
    huge = crawled["cols"]["巨大列表"]
    assert huge.status == "unreachable" and len(huge.posts) > 100  # what was read is kept
    assert crawled["server"].hits("/huge.html") == 1  # a list page and a post: fetched once


def test_pagination_loop_and_endless_pagination(crawled):
    cols, server = crawled["cols"], crawled["server"]
    loop = cols["分页循环"]
    assert loop.status == "ok" and loop.pages == 2 and len(loop.posts) == 2
    assert server.hits("/pages/a.html") == 1 and server.hits("/pages/b.html") == 1
    endless = cols["无尽分页"]
    assert endless.status == "ok" and endless.pages == 4 and len(endless.posts) == 40  # max_pages: 4
    # the checks are told the list was cut there (older posts unread), the loop was not cut
    assert endless.cut_at_pages == 4 and loop.cut_at_pages is None
    assert all(c.cut_at_pages is None for name, c in cols.items() if name != "无尽分页")
    assert server.hits("/endless/list.html") == 4
    assert crawled["stats"].notes["page_cap"] == 1 and crawled["stats"].notes["loop"] == 1


def test_robots_and_offsite_links_are_respected(crawled):
    cols, server = crawled["cols"], crawled["server"]
    assert server.hits("/private/index.html") == 0
    assert server.hits("/robots.txt") == 1
    docs = cols["政策文件"]
    assert docs.status == "ok" and len(docs.posts) == 6
    off = [p for p in docs.posts if p.url.startswith("http://example.com/")]
    assert len(off) == 1 and off[0].body is None and "站外" in off[0].body_skipped and off[0].body_error is None
    on = [p for p in docs.posts if p.url.startswith(crawled["base"])]
    assert [p.body for p in on] == [f"城市低保标准为每人每月92{i}元。" for i in range(1, 6)]
    assert on[0].title == "关于开展第1批社会救助政策宣传活动的通知"  # the cut title's full text
    assert all(not r.path.startswith("/list/index_1") for r in server.requests)  # offsite next page not followed
    assert crawled["stats"].notes["offsite_page"] == 1 and crawled["stats"].notes["offsite_link"] == 1


def test_user_agent_names_gkcheck(crawled):
    agents = {r.headers.get("user-agent", "") for r in crawled["server"].requests}
    assert agents and all(a.startswith("gkcheck/") for a in agents)


# ------------------------------------------------------------------ fetcher on its own


def test_politeness_limits_concurrency_and_spaces_requests(tmp_path):
    make_site(tmp_path)
    sites = parse_sites({**CONFIG, "defaults": {**CONFIG["defaults"], "robots": False}})
    faults = [Fault("/list/*", "slow", delay=0.15)]
    with FixtureServer(tmp_path, faults=faults) as server:
        fetcher = Fetcher(sites.defaults, {f"{server.host}:{server.port}"}, concurrency=2, delay=0)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: fetcher.fetch(f"{server.url}/list/a{i}.html"), [1, 2, 3, 4, 5] * 2))
        assert all(r.ok for r in results)
        assert server.max_inflight == 2
        server.requests.clear()
        fetcher = Fetcher(sites.defaults, {f"{server.host}:{server.port}"}, concurrency=3, delay=0.2)
        for i in range(1, 5):
            fetcher.fetch(f"{server.url}/gbk/index.html?n={i}")
        starts = [r.started for r in server.requests]
        assert len(starts) == 4
        assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.18


def test_offsite_and_redirect_limits(tmp_path):
    make_site(tmp_path)
    sites = parse_sites({**CONFIG, "defaults": {**CONFIG["defaults"], "max_redirects": 2}})
    faults = [
        Fault("/r1.html", "redirect", location="/r2.html"),
        Fault("/r2.html", "redirect", location="/r3.html"),
        Fault("/r3.html", "redirect", location="/list/a1.html"),
        Fault("/away.html", "redirect", location="http://example.net/x.html"),
    ]
    with FixtureServer(tmp_path, faults=faults) as server:
        f = Fetcher(sites.defaults, {f"{server.host}:{server.port}"})
        r = f.fetch(f"{server.url}/r1.html")
        assert r.error_kind == "too_many_redirects" and "2" in r.error
        r = f.fetch(f"{server.url}/r2.html")
        assert r.ok and r.final_url == f"{server.url}/list/a1.html" and r.redirects == [
            f"{server.url}/r3.html", f"{server.url}/list/a1.html"]  # fmt: skip
        r = f.fetch(f"{server.url}/away.html")
        assert r.error_kind == "offsite" and "example.net" in r.error
        r = f.fetch("http://example.com/never.html")
        assert r.error_kind == "offsite" and r.attempts == 0


def test_robots_unavailable_means_do_not_crawl(tmp_path):
    make_site(tmp_path)
    sites = parse_sites(CONFIG)
    with FixtureServer(tmp_path, faults=[Fault("/robots.txt", "status", status=500)]) as server:
        f = Fetcher(sites.defaults, {f"{server.host}:{server.port}"})
        r = f.fetch(f"{server.url}/list/a1.html")
        assert r.error_kind == "robots_unavailable" and "robots.txt" in r.error
        assert server.hits("/list/a1.html") == 0


# -------------------------------------------------------------- re-crawl and history


def test_recrawl_sends_conditional_requests_and_keeps_history(tmp_path):
    make_site(tmp_path / "site")
    cfg = {"defaults": {"delay": 0, "timeout": [2, 2]}, "units": [
        {"unit": UNIT, "columns": [{"name": "政策文件", "url": "{base}/list/index.html", "bodies": True}]}]}  # fmt: skip
    sites = parse_sites(cfg, "sites.yaml")
    store = tmp_path / "gkcheck.db"
    with serve(tmp_path / "site") as base:
        first = crawl(sites, store, base=base)
        assert (first.pages, first.not_modified, first.list_pages, first.body_pages) == (6, 0, 1, 5)
        before = columns_from_store(store, sites, {UNIT: "csj"})["csj"]["政策文件"]
        base.server.requests.clear()
        second = crawl(sites, store, base=base)
        assert (second.pages, second.not_modified) == (0, 6)
        asked = [r for r in base.server.requests if r.path != "/robots.txt"]
        assert len(asked) == 6 and all("if-none-match" in r.headers for r in asked)
        after = columns_from_store(store, sites, {UNIT: "csj"})["csj"]["政策文件"]
        assert [(p.title, p.url, p.body, p.first_seen) for p in after.posts] == [
            (p.title, p.url, p.body, p.first_seen) for p in before.posts
        ]
        # the column changes: one post goes, one comes; history keeps the one that went
        page = tmp_path / "site" / "list" / "index.html"
        text = page.read_text(encoding="utf-8").replace("./a5.html", "./a6.html").replace("第5批", "第6批")
        (tmp_path / "site" / "list" / "a6.html").write_text(_article("第6批", "新的一篇。"), encoding="utf-8")
        time.sleep(1.1)  # Last-Modified has one-second resolution
        page.write_text(text, encoding="utf-8")
        third = crawl(sites, store, base=base)
        assert third.not_modified == 4 and third.pages == 2  # the list page and the new post
        now = columns_from_store(store, sites, {UNIT: "csj"})["csj"]["政策文件"]
        urls = [p.url.rsplit("/", 1)[1] for p in now.posts]
        assert urls[:5] == ["a1.html", "a2.html", "a3.html", "a4.html", "a6.html"]
        kept = {p.url.rsplit("/", 1)[1]: p for p in now.posts}
        assert kept["a1.html"].first_seen == before.posts[0].first_seen
        assert kept["a6.html"].body == "新的一篇。"
    with Store(store) as s:
        gone = s.conn.execute("SELECT last_crawl, first_crawl FROM posts WHERE url LIKE '%/a5.html'").fetchone()
        assert gone == (2, 1)  # seen in crawls 1 and 2, not in 3: still in the store
        assert [c["status"] for c in s.crawls()] == ["done", "done", "done"]


def test_store_keeps_urls_independent_of_the_demo_port(tmp_path):
    make_site(tmp_path / "site")
    cfg = {"defaults": {"delay": 0}, "units": [
        {"unit": UNIT, "columns": [{"name": "政策文件", "url": "{base}/list/index.html", "bodies": True}]}]}  # fmt: skip
    sites = parse_sites(cfg)
    store = tmp_path / "gkcheck.db"
    with serve(tmp_path / "site") as base:
        crawl(sites, store, base=base)
    with serve(tmp_path / "site") as base2:  # another free port, as each demo audit has
        again = crawl(sites, store, base=base2)
        assert again.not_modified == 6 and again.pages == 0
        col = columns_from_store(store, sites, {UNIT: "csj"})["csj"]["政策文件"]
        assert col.url == f"{base2}/list/index.html"
        assert all(p.url.startswith((base2, "http://example.com/")) for p in col.posts)
    with Store(store) as s:
        assert s.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 6


def test_evidence_for_unknown_unit_and_not_crawled_columns(tmp_path):
    sites = parse_sites(CONFIG, tmp_path / "sites.yaml")
    with pytest.raises(ConfigError) as err:
        columns_from_store(tmp_path / "none.db", sites, {"别的单位": "x"})
    assert err.value.where == "units[0].unit" and UNIT in err.value.message
    cols = columns_from_store(tmp_path / "none.db", sites, {UNIT: "csj"})["csj"]
    assert {c.status for c in cols.values()} == {"not_crawled"}
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(ConfigError) as err:
        crawl(sites, tmp_path / "x.db", base="http://127.0.0.1:9", units=["市不存在局"])
    assert "市不存在局" in err.value.message
