"""A crawl killed midway (SIGKILL, a real subprocess) and resumed ends with the same store
as an uninterrupted crawl: the same posts, pages, bodies and columns, nothing twice."""

import json
import sqlite3
import subprocess
import time
from collections import Counter

from gkcheck.crawl.config import load_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.fixture_server import Fault, serve

from crawl_helpers import CONFIG, REPO, SITES, count_pages, crawl_cmd, snapshot

UNIT = "市民政局"


def test_killed_crawl_resumes_to_the_same_store(tmp_path):
    killed = tmp_path / "killed.db"
    whole = tmp_path / "whole.db"
    # every answer takes a little while, so that the kill lands in the middle of the crawl
    with serve(SITES, faults=[Fault("/mzj/*", "slow", delay=0.03)]) as base:
        server = base.server
        proc = subprocess.Popen(
            crawl_cmd(base, killed, "--unit", UNIT), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 40
        while count_pages(killed) < 25:
            assert proc.poll() is None, f"the crawl ended before it could be killed: {proc.communicate()}"
            assert time.monotonic() < deadline, "the crawl made no progress"
            time.sleep(0.01)
        proc.kill()  # SIGKILL: no cleanup of any kind
        proc.wait(timeout=10)
        assert proc.returncode == -9
        at_kill = count_pages(killed)
        assert 25 <= at_kill < 70
        con = sqlite3.connect(killed)
        assert con.execute("SELECT status FROM crawls").fetchall() == [("running",)]
        con.close()
        served_before = Counter(r.path for r in server.requests if r.path != "/robots.txt")

        server.requests.clear()
        stats_file = tmp_path / "resume.json"
        done = subprocess.run(
            crawl_cmd(base, killed, "--resume", "--stats", str(stats_file)), check=False, cwd=REPO, capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr.decode()
        resumed = json.loads(stats_file.read_text(encoding="utf-8"))
        served_after = Counter(r.path for r in server.requests if r.path != "/robots.txt")

        server.requests.clear()
        stats = crawl(load_sites(CONFIG), whole, base=base, units=[UNIT], delay=0)

    a, b = snapshot(killed), snapshot(whole)
    assert a["crawls"] == b["crawls"] == [("done",)]
    for key in ("posts", "sightings", "pages", "bodies", "columns", "contents", "files"):
        assert a[key] == b[key], key
    assert len(b["posts"]) == 87 and len(b["pages"]) == stats.pages == 78
    assert {p[4] for p in b["pages"]} == {200}
    # the 7 attachments of 社会救助 are checked by HEAD, the planted one answers 404
    assert len(b["files"]) == stats.files_checked == 7 and stats.files_broken == 1
    assert sorted({(f[1], f[2], f[3]) for f in b["files"]}) == [("check", "HEAD", 200), ("check", "HEAD", 404)]

    # resuming skipped what the killed run had committed and fetched only the rest
    assert resumed["resumed"] is True and resumed["skipped"] >= at_kill - 9  # list pages are re-read from the store
    assert resumed["pages"] + at_kill == 78
    refetched = set(served_before) & set(served_after)
    assert len(refetched) <= 3, refetched  # at most the pages in flight at the kill
    assert sum(served_before.values()) + sum(served_after.values()) <= 78 + 7 + 3  # pages, attachments
