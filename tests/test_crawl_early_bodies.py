"""Post pages fetched as soon as their column's list is read, and settled to the first
column in config order that lists them (crawler._Run.run_phase, _list_then_bodies,
_settle_early, Store.move_page).

The site: one unit, three columns, two hosts (two fixture servers on 127.0.0.1 serving
the same folder), in config order

    政策文件  host 1  /a/  lists P, a1          (its list page answers slowly)
    政策解读  host 2  /c/  lists Q, c1          (its list page answers slowly)
    通知公告  host 1  /b/  lists P, Q, b1       (fast)

P and Q are pages of host 1. 通知公告 is read first and its posts fetched at once, under
通知公告; the bodies phase moves P to 政策文件 and Q to 政策解读 (in two processes Q's
column is another worker's: host 2's). Every crawl of the site, whichever list answers
first, and whether killed and resumed, must end with the same pages rows."""

import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import yaml

from gkcheck.crawl.config import parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.fixture_server import Fault, FixtureServer
from gkcheck.crawl.store import Store
from gkcheck.crawl.workers import can_fork, plan_processes, share_hosts

from crawl_helpers import REPO

UNIT = "市测试局"
FIRST, SECOND, THIRD = "政策文件", "政策解读", "通知公告"
SLOW = 0.5  # seconds the slow list pages take to answer

POSTS = {  # path -> (title, text)
    "/post/p.html": ("关于调整城乡最低生活保障标准的通知", "城市低保标准调整为每人每月925元。"),
    "/post/q.html": ("关于城乡低保标准调整的政策解读", "本次调整后农村低保标准为每人每年8400元。"),
    "/a/a1.html": ("关于印发社会救助工作要点的通知", "社会救助工作要点共十二条。"),
    "/b/b1.html": ("关于开展社会救助政策宣传月活动的公告", "宣传月活动于六月开展。"),
    "/c/c1.html": ("社会救助工作要点的图文解读", "要点解读分为三个部分。"),
}


def _list(items) -> str:
    lis = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>' for href, title, date in items
    )
    return (
        '<html><head><meta charset="utf-8"><title>列表</title></head>'
        f'<body><div class="nav"><a href="/">首页</a></div><ul class="list">{lis}</ul></body></html>'
    )


def _article(title: str, text: str, extra: str = "") -> str:
    return (
        f'<html><head><meta charset="utf-8"><meta name="PubDate" content="2024-06-24"><title>{title}</title></head>'
        f'<body><div class="nav"><a href="/">首页</a></div><h1>{title}</h1><div id="zoom"><p>{text}</p>{extra}</div>'
        "</body></html>"
    )


def make_site(root: Path, host1: str) -> None:
    """The site's pages; P and Q are named by host 1's absolute URL in every list."""

    def put(rel: str, text: str) -> None:
        p = root / rel.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    p, q = f"{host1}/post/p.html", f"{host1}/post/q.html"
    title = {path: t for path, (t, _) in POSTS.items()}
    put(
        "/a/index.html",
        _list([(p, title["/post/p.html"], "2024-06-20"), ("./a1.html", title["/a/a1.html"], "2024-06-10")]),
    )
    put(
        "/c/index.html",
        _list([(q, title["/post/q.html"], "2024-06-21"), ("./c1.html", title["/c/c1.html"], "2024-06-11")]),
    )
    put("/b/index.html", _list([
        (p, title["/post/p.html"], "2024-06-20"), (q, title["/post/q.html"], "2024-06-21"),
        ("./b1.html", title["/b/b1.html"], "2024-06-12"),
    ]))  # fmt: skip
    for path, (t, text) in POSTS.items():
        extra = '<p>附件：<a href="/files/p.pdf">标准表.pdf</a></p>' if path == "/post/p.html" else ""
        put(path, _article(t, text, extra))
    put("/files/p.pdf", "%PDF-1.4\n% gkcheck test file\n")


def _config(host1: str, host2: str) -> dict:
    return {
        "defaults": {"concurrency_per_host": 2, "delay": 0, "timeout": [2, 5], "retries": 0, "robots": False},
        "units": [{"unit": UNIT, "columns": [
            {"name": FIRST, "url": f"{host1}/a/index.html", "profile": "generic", "bodies": True},
            {"name": SECOND, "url": f"{host2}/c/index.html", "profile": "generic", "bodies": True},
            {"name": THIRD, "url": f"{host1}/b/index.html", "profile": "generic", "bodies": True},
        ]}],
    }  # fmt: skip


def _slow_firsts() -> list[Fault]:
    """The lists of the first two columns answer slowly (on whichever server asks)."""
    return [Fault("/a/index.html", "slow", delay=SLOW), Fault("/c/index.html", "slow", delay=SLOW)]


@pytest.fixture
def site(tmp_path):
    """Two servers (two hosts) over one site folder: (servers, host1, host2, sites)."""
    root = tmp_path / "site"
    root.mkdir()
    with ExitStack() as stack:
        s1 = stack.enter_context(FixtureServer(root))
        s2 = stack.enter_context(FixtureServer(root))
        make_site(root, s1.url)
        yield (s1, s2), s1.url, s2.url, parse_sites(_config(s1.url, s2.url), tmp_path / "sites.yaml")


def _rows(store: Path) -> list[tuple]:
    """The last crawl's pages rows: (url, kind, unit, column)."""
    con = sqlite3.connect(store)
    try:
        cid = con.execute("SELECT MAX(id) FROM crawls").fetchone()[0]
        return sorted(con.execute("SELECT url, kind, unit, column_name FROM pages WHERE crawl_id=?", (cid,)).fetchall())
    finally:
        con.close()


def _expected(host1: str, host2: str) -> list[tuple]:
    return sorted([
        (f"{host1}/a/index.html", "list", UNIT, FIRST),
        (f"{host2}/c/index.html", "list", UNIT, SECOND),
        (f"{host1}/b/index.html", "list", UNIT, THIRD),
        (f"{host1}/post/p.html", "body", UNIT, FIRST),
        (f"{host1}/post/q.html", "body", UNIT, SECOND),
        (f"{host1}/a/a1.html", "body", UNIT, FIRST),
        (f"{host2}/c/c1.html", "body", UNIT, SECOND),
        (f"{host1}/b/b1.html", "body", UNIT, THIRD),
    ])  # fmt: skip


def _first(server: FixtureServer, path: str):
    with server.lock:
        logs = [r for r in server.requests if r.path == path]
    assert logs, f"{path} was never requested"
    return logs[0]


def _check_store(store: Path, host1: str, host2: str) -> None:
    assert _rows(store) == _expected(host1, host2)
    with Store(store, create=False) as s:
        cid = s.crawls()[-1]["id"]
        assert s.crawls()[-1]["status"] == "done"
        for url in (f"{host1}/post/p.html", f"{host1}/post/q.html"):
            assert s.has_body(cid, url), url
        # each column lists its posts, shared ones included, with their bodies
        posts = {name: {r["url"]: r for r in s.column_posts(cid, UNIT, name)} for name in (FIRST, SECOND, THIRD)}
        assert set(posts[FIRST]) == {f"{host1}/post/p.html", f"{host1}/a/a1.html"}
        assert set(posts[SECOND]) == {f"{host1}/post/q.html", f"{host2}/c/c1.html"}
        assert set(posts[THIRD]) == {f"{host1}/post/p.html", f"{host1}/post/q.html", f"{host1}/b/b1.html"}
        p_text, q_text = POSTS["/post/p.html"][1], POSTS["/post/q.html"][1]
        for name in (FIRST, THIRD):
            row = posts[name][f"{host1}/post/p.html"]
            assert row["body_status"] == 200 and p_text in row["body"], name
            assert f"{host1}/files/p.pdf" in row["attachments"]
        for name in (SECOND, THIRD):
            row = posts[name][f"{host1}/post/q.html"]
            assert row["body_status"] == 200 and q_text in row["body"], name
        # the shared post's attachment was checked (once, under the files phase)
        assert s.file(f"{host1}/files/p.pdf")["status"] == 200


@pytest.mark.parametrize("processes", [1, 2])
def test_a_shared_post_is_fetched_early_once_and_settled_to_the_first_column(site, tmp_path, processes):
    (s1, s2), host1, host2, sites = site
    if processes == 2:
        if not can_fork():
            pytest.skip("worker processes are forked (Linux)")
        # host 1 (two columns) to worker 0, host 2 to worker 1: Q is fetched by worker 0,
        # its config-first column is worker 1's
        assert plan_processes(2, list(sites.units)) == 2
        assert share_hosts(list(sites.units), 2) == {
            s1.url.removeprefix("http://"): 0,
            s2.url.removeprefix("http://"): 1,
        }
    for s in (s1, s2):
        s.faults[:] = _slow_firsts()
    store = tmp_path / "gkcheck.db"
    stats = crawl(sites, store, processes=processes)
    assert stats.processes == processes
    assert stats.error_count == 0 and stats.columns_ok == 3
    assert stats.body_pages == 5 and stats.list_pages == 3

    # every page was asked for once: the shared posts too, though listed two times each
    assert s1.hits("/post/p.html") == 1 and s1.hits("/post/q.html") == 1
    assert s2.hits("/post/p.html") == 0 and s2.hits("/post/q.html") == 0
    for server, paths in ((s1, ("/a/index.html", "/b/index.html", "/a/a1.html", "/b/b1.html")),
                          (s2, ("/c/index.html", "/c/c1.html"))):  # fmt: skip
        for path in paths:
            assert server.hits(path) == 1, path
    assert s1.hits("/files/p.pdf") == 1

    # P and Q were fetched while the lists of their config-first columns were still
    # being answered: fetched early, under 通知公告, and then moved
    a_list, c_list = _first(s1, "/a/index.html"), _first(s2, "/c/index.html")
    assert _first(s1, "/post/p.html").started < a_list.started + SLOW
    assert _first(s1, "/post/q.html").started < c_list.started + SLOW

    _check_store(store, host1, host2)


def test_crawls_of_the_same_site_end_with_the_same_pages_rows(site, tmp_path):
    """Whichever list answers first, the pages rows are the same (the determinism the
    crawler promises): slow config-first columns (P, Q moved), no slow page, the third
    column slow (P, Q fetched early under their own columns), in one and two processes."""
    (s1, s2), host1, host2, sites = site
    variants = {
        "slow_firsts": _slow_firsts(),
        "none": [],
        "slow_third": [Fault("/b/index.html", "slow", delay=SLOW)],
    }
    runs = [(name, 1) for name in variants] + ([("slow_firsts", 2)] if can_fork() else [])
    rows = {}
    for name, processes in runs:
        for s in (s1, s2):
            s.faults[:] = variants[name]
            s.requests.clear()
        store = tmp_path / f"{name}-{processes}.db"
        stats = crawl(sites, store, processes=processes)
        assert stats.error_count == 0, (name, stats.failures)
        assert s1.hits("/post/p.html") == 1 and s1.hits("/post/q.html") == 1, name
        rows[(name, processes)] = _rows(store)
        _check_store(store, host1, host2)
    first = rows[runs[0]]
    assert first == _expected(host1, host2)
    for key, got in rows.items():
        assert got == first, key


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills a crawl subprocess (Linux)")
def test_killed_after_an_early_fetch_and_resumed_settles_to_the_first_column(site, tmp_path):
    """A crawl killed (SIGKILL) after it fetched P under 通知公告 while 政策文件's list was
    still on its way: the resumed crawl does not fetch P again and records it under
    政策文件, as an uninterrupted crawl does."""
    (s1, _), host1, host2, sites = site
    config = tmp_path / "sites.yaml"
    config.write_text(yaml.safe_dump(_config(host1, host2), allow_unicode=True), encoding="utf-8")
    killed = tmp_path / "killed.db"
    # 政策文件's list answers late the first time only: long enough to kill the crawl
    # before it arrives, and the resumed crawl gets it at once
    s1.faults[:] = [Fault("/a/index.html", "slow", delay=4.0, times=1)]
    cmd = [sys.executable, "-m", "gkcheck.crawl", str(config), "--store", str(killed), "-q", "--delay", "0",
           "--processes", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p_url = f"{host1}/post/p.html"
    try:
        deadline = time.monotonic() + 20
        while _page_row(killed, p_url) is None:
            assert proc.poll() is None, f"the crawl ended before it could be killed: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "the crawl never fetched P"
            time.sleep(0.005)
    finally:
        proc.kill()  # SIGKILL: no cleanup of any kind
        proc.wait(timeout=10)
        proc.stderr.close()
    assert proc.returncode == -9
    # killed with P recorded under the column that listed it first, 政策文件 unread
    assert _page_row(killed, p_url) == ("body", UNIT, THIRD)
    assert _page_row(killed, f"{host1}/a/index.html") is None
    assert s1.hits("/post/p.html") == 1

    done = subprocess.run([*cmd, "--resume"], check=False, cwd=REPO, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert s1.hits("/post/p.html") == 1  # not fetched again
    assert s1.hits("/a/index.html") == 2  # the list in flight at the kill was asked again
    con = sqlite3.connect(killed)
    try:
        assert con.execute("SELECT status FROM crawls").fetchall() == [("done",)]
    finally:
        con.close()
    _check_store(killed, host1, host2)

    # an uninterrupted crawl ends with the same rows
    whole = tmp_path / "whole.db"
    crawl(sites, whole, processes=1)
    assert _rows(killed) == _rows(whole) == _expected(host1, host2)


def _page_row(store: Path, url: str):
    """(kind, unit, column) of `url` in the store's pages, None if not (yet) there."""
    if not store.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT kind, unit, column_name FROM pages WHERE url=?", (url,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
