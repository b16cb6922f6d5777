"""Soak: a crawl of a site that misbehaves (a page that always answers 500, one that always
resets the connection, one slower than the read timeout) is killed with SIGKILL at five
random points (seeded) and resumed each time; the final store holds every page exactly
once and matches an uninterrupted crawl of the same site, failures included."""

import random
import sqlite3
import subprocess
import time
from collections import Counter

from gkcheck.crawl.config import load_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.fixture_server import Fault, serve

from crawl_helpers import REPO, SITES, count_pages, crawl_cmd, snapshot

SEED = 20241127
KILLS = 5
SHJZ = "/mzj/zfxxgk/shjz"
ALWAYS_500 = f"{SHJZ}/202401/t20240116_1718071.html"
ALWAYS_RESET = f"{SHJZ}/202403/t20240320_1718064.html"
TOO_SLOW = f"{SHJZ}/202406/t20240628_1718043.html"
FAULTY = {ALWAYS_500, ALWAYS_RESET, TOO_SLOW}

# one unit (TRS, GBK), small timeouts and one retry so the slow page fails fast
CONFIG = """\
defaults: {concurrency_per_host: 2, delay: 0, timeout: [1, 0.3], retries: 1, backoff: 0}
units:
  - unit: 市民政局
    columns:
      - {name: 社会救助, url: "{base}/mzj/zfxxgk/shjz/index.html", profile: trs, bodies: true}
      - {name: 政策文件, url: "{base}/mzj/zfxxgk/zcwj/index.html", profile: trs, bodies: true}
      - {name: 政策解读, url: "{base}/mzj/zfxxgk/zcjd/index.html", profile: trs, bodies: true}
      - {name: 通知公告, url: "{base}/mzj/zfxxgk/tzgg/index.html", profile: trs}
      - {name: 年度报告, url: "{base}/mzj/zfxxgk/ndbg/index.html", profile: trs, bodies: true}
"""


def _faults() -> list[Fault]:
    # the same answer every time for a URL (no `times`), so every crawl sees the same failures;
    # every other answer takes 20 ms so that the kills land in the middle of the crawl
    return [
        Fault(ALWAYS_500, "status", status=500),
        Fault(ALWAYS_RESET, "reset"),
        Fault(TOO_SLOW, "slow", delay=0.8),
        Fault("/mzj/*", "slow", delay=0.02),
    ]


def _served(server) -> Counter:
    return Counter(r.path for r in server.requests if r.path != "/robots.txt")


def test_crawl_killed_five_times_ends_as_an_uninterrupted_crawl(tmp_path):
    t_start = time.monotonic()
    config = tmp_path / "sites.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    whole, killed = tmp_path / "whole.db", tmp_path / "killed.db"
    rng = random.Random(SEED)
    with serve(SITES, faults=_faults()) as base:
        server = base.server
        stats = crawl(load_sites(config), whole, base=base, delay=0)
        reference = _served(server)
        total = count_pages(whole)
        assert total == stats.pages + stats.error_count
        # kill points: distinct page counts, rising, before the end
        targets = sorted(rng.sample(range(3, total - 3), KILLS))
        server.requests.clear()

        kills = []
        for i, target in enumerate(targets):
            extra = ("--resume",) if i else ()
            proc = subprocess.Popen(
                crawl_cmd(base, killed, *extra, config=config), cwd=REPO,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            deadline = time.monotonic() + 20
            while count_pages(killed) < target:
                assert proc.poll() is None, f"run {i} ended before its kill point {target}: {proc.stderr.read()!r}"
                assert time.monotonic() < deadline, f"run {i} made no progress towards {target}"
                time.sleep(0.002)
            proc.kill()  # SIGKILL: no cleanup of any kind
            proc.wait(timeout=10)
            proc.stderr.close()
            assert proc.returncode == -9
            kills.append(count_pages(killed))
        con = sqlite3.connect(killed)
        assert con.execute("SELECT status FROM crawls").fetchall() == [("running",)]
        con.close()

        done = subprocess.run(
            crawl_cmd(base, killed, "--resume", config=config), cwd=REPO, capture_output=True, timeout=40
        )
        assert done.returncode == 0, done.stderr.decode()
        served = _served(server)

    # the kills landed at the seeded points, each later than the one before
    assert kills == sorted(kills) and len(set(kills)) == KILLS and all(k >= t for k, t in zip(kills, targets))

    # the reference crawl recorded the three failures, and the crawl went on past them
    a, b = snapshot(killed), snapshot(whole)
    failures = {(url.removeprefix("{base}"), kind, status) for url, _, _, _, status, _, kind in b["pages"] if kind}
    assert failures == {(ALWAYS_500, "http_500", 500), (ALWAYS_RESET, "reset", None), (TOO_SLOW, "timeout", None)}
    assert sum(1 for p in b["pages"] if p[4] == 200) == stats.pages == total - 3

    # resumed five times over, the store is the uninterrupted crawl's, page for page
    assert a["crawls"] == b["crawls"] == [("done",)]
    for key in ("posts", "sightings", "pages", "bodies", "columns", "contents", "files"):
        assert a[key] == b[key], key
    con = sqlite3.connect(killed)
    try:
        for table, key in (("pages", "url"), ("posts", "unit || '/' || column_name || '/' || url"), ("bodies", "url"), ("contents", "url"), ("files", "url")):
            n, distinct = con.execute(f"SELECT COUNT(*), COUNT(DISTINCT {key}) FROM {table}").fetchone()
            assert n == distinct and n > 0, table
        assert con.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == total
    finally:
        con.close()

    # a page that answered was fetched again only if a kill caught it in flight
    # (at most 2 at once per host); the failing pages are asked again on each resume
    healthy = {p: n for p, n in served.items() if p not in FAULTY}
    assert set(healthy) == {p for p in reference if p not in FAULTY}
    extra = sum(n - reference[p] for p, n in healthy.items())
    assert 0 <= extra <= 2 * KILLS, extra
    assert time.monotonic() - t_start < 60
